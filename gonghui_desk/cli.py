"""The command line. It uses the same core as the GUI; without a command it opens the GUI.

Exit status: 0 done; 1 nothing written because the data had problems; 2 bad usage or an
unreadable file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gonghui_desk import APP_TITLE, __version__
from gonghui_desk.errors import UserError
from gonghui_desk.members import STATUSES
from gonghui_desk.paths import default_db_path

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse exits with 2 as well; keep its message
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: 参数错误：{message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gonghui-desk", description=f"{APP_TITLE}：基层工会的会员、慰问、帮扶、活动和提案管理")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--db", type=Path, help=f"数据库文件（默认：{default_db_path()}）")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    demo = commands.add_parser("demo", help="创建演示数据库")
    demo.add_argument("--db", type=Path, required=True, help="要创建的数据库文件（不能已存在）")
    demo.add_argument("--kind", choices=("school", "company"), default="school", help="学校工会或企业工会")
    demo.add_argument("--members", type=int, default=None, help="会员人数（默认：学校约120，企业约800）")
    demo.add_argument("--seed", type=int, default=1, help="随机种子（相同种子生成相同数据）")
    demo.add_argument("--no-gui", action="store_true", help="只创建，不打开界面")

    members = commands.add_parser("members", help="会员名册：导入、导出、模板")
    member_commands = members.add_subparsers(dest="members_command", parser_class=_Parser, required=True)
    _add_import_command(member_commands, "从 Excel/CSV 导入会员名册")
    exp = member_commands.add_parser("export", help="导出会员名册为 .xlsx")
    exp.add_argument("--db", type=Path, required=True)
    exp.add_argument("-o", "--output", type=Path, required=True)
    exp.add_argument("--status", choices=STATUSES, help="只导出该状态的会员")
    tpl = member_commands.add_parser("template", help="生成空白导入模板 .xlsx")
    tpl.add_argument("-o", "--output", type=Path, required=True)

    visits = commands.add_parser("visits", help="慰问走访：导入历史台账")
    visit_commands = visits.add_subparsers(dest="visits_command", parser_class=_Parser, required=True)
    _add_import_command(visit_commands, "从 Excel/CSV 导入历史慰问台账")

    hardship = commands.add_parser("hardship", help="困难职工档案：导入")
    hardship_commands = hardship.add_subparsers(dest="hardship_command", parser_class=_Parser, required=True)
    _add_import_command(hardship_commands, "从 Excel/CSV 导入困难职工档案（每户一行）")

    aid = commands.add_parser("aid", help="帮扶记录：导入历史帮扶台账")
    aid_commands = aid.add_subparsers(dest="aid_command", parser_class=_Parser, required=True)
    _add_import_command(aid_commands, "从 Excel/CSV 导入历史帮扶台账（按已发放登记）")

    honours = commands.add_parser("honours", help="荣誉：导入历史荣誉名单")
    honour_commands = honours.add_subparsers(dest="honours_command", parser_class=_Parser, required=True)
    _add_import_command(honour_commands, "从 Excel/CSV 导入历史荣誉名单（个人、集体和本会的荣誉）")

    events = commands.add_parser("events", help="活动竞赛：导入历史活动、参加人员和成绩")
    event_commands = events.add_subparsers(dest="events_command", parser_class=_Parser, required=True)
    _add_import_command(event_commands, "从 Excel/CSV 导入历史活动、参加人员和成绩（每行一名参加人员）")

    proposals = commands.add_parser("proposals", help="职代会提案：导入历史提案")
    proposal_commands = proposals.add_subparsers(dest="proposals_command", parser_class=_Parser, required=True)
    _add_import_command(proposal_commands, "从 Excel/CSV 导入历史提案及其审查、办理和评价（每行一件提案）")
    return parser


def _add_import_command(subcommands, help_text: str) -> None:
    """``… import FILE --db PATH [--dry-run] [--skip-invalid]``: every importer takes the same arguments."""
    command = subcommands.add_parser("import", help=help_text)
    command.add_argument("file", type=Path)
    command.add_argument("--db", type=Path, required=True)
    command.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    command.add_argument("--skip-invalid", action="store_true", help="跳过有问题的行，导入其余各行")


# command -> the module and function of its importer (``gonghui-desk COMMAND import``)
IMPORTERS = {
    "members": ("gonghui_desk.importing.member_import", "members_import_command"),
    "visits": ("gonghui_desk.importing.visit_import", "visits_import_command"),
    "hardship": ("gonghui_desk.importing.hardship_import", "hardship_import_command"),
    "aid": ("gonghui_desk.importing.aid_import", "aid_import_command"),
    "honours": ("gonghui_desk.importing.honour_import", "honours_import_command"),
    "events": ("gonghui_desk.importing.event_import", "events_import_command"),
    "proposals": ("gonghui_desk.importing.proposal_import", "proposals_import_command"),
}


def main(argv: list[str] | None = None) -> int:
    from gonghui_desk import modules

    modules.load()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return _run_gui(args.db or default_db_path())
        if args.command == "demo":
            return _demo(args)
        if getattr(args, f"{args.command}_command", None) == "import":
            return _import(args)
        if args.command == "members":
            return _members(args)
    except UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    parser.print_help()
    return EXIT_USAGE


def _run_gui(db_path: Path) -> int:
    from gonghui_desk.ui.app import run_gui

    return run_gui(db_path)


def _demo(args) -> int:
    from gonghui_desk.demo import create_demo_database

    summary = create_demo_database(args.db, kind=args.kind, members=args.members, seed=args.seed)
    print(summary)
    if args.no_gui:
        return EXIT_OK
    return _run_gui(args.db)


def _import(args) -> int:
    import importlib

    module, function = IMPORTERS[args.command]
    command = getattr(importlib.import_module(module), function)
    return command(args.db, args.file, dry_run=args.dry_run, skip_invalid=args.skip_invalid, out=sys.stdout)


def _members(args) -> int:
    if args.members_command == "export":
        from gonghui_desk.db import open_database
        from gonghui_desk.db.member_queries import MemberFilter
        from gonghui_desk.exporting.member_roster import export_roster

        if not args.db.exists():
            raise UserError(f"数据库文件不存在：{args.db}")
        db = open_database(args.db, create=False)
        count = export_roster(db, args.output, MemberFilter(status=args.status))
        print(f"已导出 {count} 名会员到 {args.output}")
        return EXIT_OK
    if args.members_command == "template":
        from gonghui_desk.exporting.templates import write_member_template

        write_member_template(args.output)
        print(f"已生成导入模板：{args.output}")
        return EXIT_OK
    return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
