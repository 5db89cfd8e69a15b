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


FULL_NUMBERS_HELP = "写入完整的身份证号、手机号和银行卡号（默认只写前后几位），并记入修改记录"
FULL_NUMBERS_DONE = "；身份证号、手机号为完整号码，已记入修改记录"
MASKED_DONE = "；身份证号、手机号只显示前后几位（需要完整号码时加 --full-numbers）"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gonghui-desk", description=f"{APP_TITLE}：基层工会的会员、慰问、帮扶、活动和提案管理")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--db", type=Path, help=f"数据库文件（默认：{default_db_path()}）")
    parser.add_argument("--self-test", action="store_true",
                        help="运行自检：在临时文件夹中新建数据库，检查写入、读取、导出 Excel、Word、PDF 和界面组件，"
                             "逐项打印结果后退出（全部通过时退出码为 0）")
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
    exp.add_argument("--full-numbers", action="store_true", help=FULL_NUMBERS_HELP)
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

    report = commands.add_parser("report", help="工作总结：按记录生成总结或工作报告（.docx 或 .pdf）",
                                 description="按数据库中的记录生成工作总结草稿（与界面的“工作总结”向导相同）。")
    report.add_argument("--db", type=Path, required=True)
    report.add_argument("--kind", choices=("annual", "half", "semester", "term", "care"), default="annual",
                        help="annual 年度总结；half 半年总结；semester 学期总结；term 工会工作报告（任期）；"
                             "care 送温暖工作总结")
    report.add_argument("--from", dest="date_from", help="开始日期，如 2026-01-01（默认按总结类型推算）")
    report.add_argument("--to", dest="date_to", help="结束日期，如 2026-12-31")
    report.add_argument("-o", "--output", type=Path, required=True, help="输出文件：.docx 或 .pdf")
    report.add_argument("--sections", help="要写的部分及顺序，用逗号分隔，如 politics,care,plans（默认：有数据的部分）")
    report.add_argument("--approx", action="store_true", help="用“余、近、以上”等约数表述")
    report.add_argument("--compare", action="store_true", help="与上一个同样长的时期比较")
    report.add_argument("--chinese-numerals", action="store_true", help="小数目用汉字（三次、五项）")
    report.add_argument("--no-names", action="store_true", help="不列姓名，只写人数")
    report.add_argument("--appendix", action="store_true", help="文后附主要工作数据统计表")
    report.add_argument("--charts", action="store_true", help="统计表后附柱状图（按月、按类别；含 --appendix）")
    report.add_argument("--title", default="", help="标题（默认：工会名称+时期+总结类型）")
    report.add_argument("--today", help="落款日期（默认今天）")

    export = commands.add_parser("export", help="内置报表：上级工会常用的名册和统计表（.xlsx）",
                                 description="按数据库中的记录生成上级工会常用的名册和统计表（.xlsx）。"
                                             "用 --list 列出全部报表。")
    export.add_argument("name", nargs="?", help="报表名称，如 roster、yearly-stats，也可用中文名称")
    export.add_argument("--list", action="store_true", help="列出全部内置报表")
    export.add_argument("--db", type=Path, help="数据库文件")
    export.add_argument("-o", "--output", type=Path, help="输出文件（.xlsx）")
    export.add_argument("--from", dest="date_from", help="开始日期，如 2026-01-01（默认：今年1月1日）")
    export.add_argument("--to", dest="date_to", help="结束日期，如 2026-12-31（默认：今年12月31日）")
    export.add_argument("--prepared-by", default="", help="制表人姓名（默认留空待填）")
    export.add_argument("--today", help="制表日期（默认今天）")
    export.add_argument("--full-numbers", action="store_true", help=FULL_NUMBERS_HELP)

    fill = commands.add_parser("fill", help="填写上级表格：把记录填入上级工会发来的 .xlsx/.xls 表格",
                               description="识别表格的表头，按列名对应字段，把记录写入表格的副本（保留原表的标题、样式、"
                                           "合并单元格和打印设置）。不指定 --mapping 时按列名自动对应，并列出所用的对应关系。")
    fill.add_argument("form", type=Path, help="上级发来的表格（.xlsx 或 .xls）")
    fill.add_argument("--db", type=Path, required=True)
    fill.add_argument("-o", "--output", type=Path, required=True, help="填好的表格（.xlsx）")
    fill.add_argument("--mapping", help="使用保存的对应关系（含数据来源和参数）")
    fill.add_argument("--save-mapping", metavar="NAME", help="填好后把所用的对应关系保存为 NAME")
    fill.add_argument("--sheet", help="工作表名称（默认：能识别出表头的第一个工作表）")
    fill.add_argument("--header-rows", help="表头所在行，如 3 或 3-4（默认自动识别）")
    fill.add_argument("--source", help="数据来源：roster 会员名册（默认）、campaign 批量慰问名单、hardship 困难职工档案、"
                                       "aid 帮扶记录、visits 慰问记录、honours 荣誉、event_awards 活动获奖名单、"
                                       "event_participants 活动参加人员、proposals 职代会提案、delegates 职代会代表")
    fill.add_argument("-p", "--param", action="append", metavar="KEY=VALUE",
                      help="来源的参数，可多次使用，如 status=退休、sub_unit=一车间、campaign=2026年春节送温暖、"
                           "date_from=2026-01-01（会员名册默认 status=在册）")
    fill.add_argument("--keep-rows", action="store_true", help="保留表中已有的数据行，新数据接在其后（默认替换）")
    fill.add_argument("--full-numbers", action="store_true",
                      help=FULL_NUMBERS_HELP + "；上级表格通常需要完整身份证号")

    backup_cmd = commands.add_parser("backup", help="立即备份：把数据库完整复制一份（可加密）")
    backup_cmd.add_argument("--db", type=Path, required=True)
    backup_cmd.add_argument("-o", "--output", type=Path, required=True, help="备份文件（加密时建议用 .ghbak）")
    backup_cmd.add_argument("--password-file", type=Path, help="从该文件的第一行读取密码并加密备份（没有密码无法恢复）")
    restore_cmd = commands.add_parser("restore", help="从备份恢复：先检查备份，当前数据另存后再替换")
    restore_cmd.add_argument("backup", type=Path, help="备份文件（.sqlite3 或加密的 .ghbak）")
    restore_cmd.add_argument("--db", type=Path, required=True)
    restore_cmd.add_argument("--password-file", type=Path, help="加密备份的密码所在的文件（第一行）")
    restore_cmd.add_argument("--yes", action="store_true", help="不再询问，直接恢复")
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

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is not None or args.self_test:
        modules.load()  # the window loads them itself, after its first paint on a large database (ui/main_window.py)
    if args.self_test:
        return _self_test()
    lock = None
    try:
        lock = _command_lock(args)  # another window or PC using the database: exit 2 saying who
        if args.command is None:
            return _run_gui(args.db or default_db_path())
        if args.command == "demo":
            return _demo(args)
        if getattr(args, f"{args.command}_command", None) == "import":
            return _import(args)
        if args.command == "members":
            return _members(args)
        if args.command == "report":
            return _report(args)
        if args.command == "fill":
            from gonghui_desk.form_fill.command import run_fill

            return run_fill(args)
        if args.command == "export":
            return _export(args)
        if args.command in ("backup", "restore"):
            from gonghui_desk.backup import backup_command, restore_command

            return backup_command(args) if args.command == "backup" else restore_command(args)
    except UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        if lock is not None:
            lock.release()
    parser.print_help()
    return EXIT_USAGE


def _command_lock(args):
    """The lock on the database the command works on, held until it ends (see db/file_lock.py).

    None for commands without a database, and for the window (it takes its own lock). Commands that only read
    (report, export, members export, fill without --save-mapping, a dry run) may run beside the window on this
    computer; the others are refused while anyone else has the file open.
    """
    from gonghui_desk.db.file_lock import lock_for_command

    command, sub = args.command, getattr(args, f"{args.command}_command", None)
    if sub == "import":
        reading = args.dry_run
    elif command in ("demo", "restore"):
        reading = False
    elif command == "backup":
        reading = True
    elif command == "fill":
        reading = not args.save_mapping
    elif command == "report" or (command, sub) == ("members", "export") or (command == "export" and args.name
                                                                             and not args.list):
        reading = True
    else:
        return None
    if getattr(args, "db", None) is None:
        return None
    return lock_for_command(args.db, reading=reading)


def _self_test() -> int:
    """``gonghui-desk --self-test``: the core checks and the Qt check (a failing 界面 line when Qt cannot be
    loaded). The report goes to stdout, or, in a windowed build without a console (stdout is None), to
    ``self-test.txt`` in the data folder."""
    from gonghui_desk.self_test import run_self_test

    try:
        from gonghui_desk.ui.self_check import gui_check
    except Exception as exc:  # noqa: BLE001 - PySide6 missing or its libraries not loadable: report, go on
        error = exc

        def gui_check(db_path: Path) -> list[str]:
            raise RuntimeError(f"无法加载界面组件（PySide6）：{type(error).__name__}: {error}") from error

    if sys.stdout is None:
        from gonghui_desk.paths import default_data_dir

        report = default_data_dir() / "self-test.txt"
        report.parent.mkdir(parents=True, exist_ok=True)
        with open(report, "w", encoding="utf-8-sig") as out:
            return run_self_test(out, gui_check=gui_check)
    try:
        sys.stdout.reconfigure(errors="replace")  # a GBK console cannot show every character of a path
    except (AttributeError, ValueError, OSError):
        pass
    return run_self_test(sys.stdout, gui_check=gui_check)


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
        count = export_roster(db, args.output, MemberFilter(status=args.status), mask_personal=not args.full_numbers)
        if args.full_numbers:
            from gonghui_desk.privacy import record_unmask

            record_unmask(db, output="导出会员花名册（命令行）", fields=("身份证号", "手机号"), count=count,
                          target=args.output)
        print(f"已导出 {count} 名会员到 {args.output}" + (FULL_NUMBERS_DONE if args.full_numbers else MASKED_DONE))
        return EXIT_OK
    if args.members_command == "template":
        from gonghui_desk.exporting.templates import write_member_template

        write_member_template(args.output)
        print(f"已生成导入模板：{args.output}")
        return EXIT_OK
    return EXIT_USAGE


def _report(args) -> int:
    """``gonghui-desk report``: the same document as the wizard, written to .docx or .pdf."""
    import datetime as dt

    from gonghui_desk.db import open_database
    from gonghui_desk.reports.builder import build_report
    from gonghui_desk.reports.free_text import unfilled_prompts
    from gonghui_desk.reports.model import ReportOptions, ReportRequest
    from gonghui_desk.reports.periods import custom_period, period_for_kind

    suffix = args.output.suffix.lower()
    if suffix not in (".docx", ".pdf"):
        raise UserError(f"输出文件应为 .docx 或 .pdf：{args.output}")
    write_pdf = None
    if suffix == ".pdf":
        try:
            from gonghui_desk.documents.pdf_writer import write_pdf
        except ImportError:
            raise UserError("PDF 输出暂不可用（缺少 PDF 组件），请改用 .docx") from None
    if not args.db.exists():
        raise UserError(f"数据库文件不存在：{args.db}")
    try:
        today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    except ValueError:
        raise UserError(f"日期格式不对：{args.today}（应为 2026-01-31 这样的形式）") from None
    db = open_database(args.db, create=False)
    try:
        if args.date_from or args.date_to:
            if not (args.date_from and args.date_to):
                raise UserError("--from 和 --to 要一起给出")
            period = custom_period(args.date_from, args.date_to)
        else:
            period = period_for_kind(args.kind, today, db)
            if period is None:
                raise UserError("数据库中没有工会委员会或职代会的任期，请用 --from 和 --to 给出报告的时期")
        sections = tuple(k.strip() for k in (args.sections or "").split(",") if k.strip())
        options = ReportOptions(approximate=args.approx, compare=args.compare, chinese_numerals=args.chinese_numerals,
                                names=not args.no_names, appendix=args.appendix or args.charts, charts=args.charts)
        doc = build_report(db, ReportRequest(args.kind, period, sections, options, args.title), today=today)
    finally:
        db.conn.close()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    if write_pdf is not None:
        write_pdf(doc, args.output)
    else:
        from gonghui_desk.documents import write_docx

        write_docx(doc, args.output)
    print(f"已生成：{args.output}（{doc.title}，{period.label}，{len(doc.figures)}个数字）")
    prompts = unfilled_prompts(doc)
    if prompts:
        print(f"注意：还有{len(prompts)}处“【请填写：…】”提示，请在 Word 中换成实际内容。")
    return EXIT_OK


def _export(args) -> int:
    """``gonghui-desk export NAME --db PATH -o OUT.xlsx [--from DATE --to DATE]``: one of the built-in forms;
    ``export --list`` lists them."""
    import datetime as dt

    from gonghui_desk.db import open_database
    from gonghui_desk.exporting.builtin_forms import BUILTIN_FORMS, find_form, resolve_period

    if args.list or not args.name:
        for form in BUILTIN_FORMS:
            period = "按期间" if form.needs_period else "按当前状态"
            print(f"{form.name:<16}{form.title}（{period}）：{form.description}")
        if args.list:
            return EXIT_OK
        print("错误：请给出报表名称，如 gonghui-desk export roster --db 数据库 -o 会员花名册.xlsx", file=sys.stderr)
        return EXIT_USAGE
    form = find_form(args.name)
    if args.db is None or args.output is None:
        raise UserError("请用 --db 给出数据库文件，用 -o 给出输出文件（.xlsx）")
    if args.output.suffix.lower() != ".xlsx":
        raise UserError(f"输出文件应为 .xlsx：{args.output}")
    if not args.db.exists():
        raise UserError(f"数据库文件不存在：{args.db}")
    try:
        today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    except ValueError:
        raise UserError(f"日期格式不对：{args.today}（应为 2026-01-31 这样的形式）") from None
    period = resolve_period(args.date_from, args.date_to, today=today)
    if not form.needs_period and (args.date_from or args.date_to):
        print(f"注意：{form.title}按当前状态制表，不使用 --from/--to。", file=sys.stderr)
    db = open_database(args.db, create=False)
    try:
        path = form.write(db, args.output, period_start=period.start, period_end=period.end,
                          prepared_by=args.prepared_by, today=today, full_numbers=args.full_numbers)
    finally:
        db.conn.close()
    when = period.text if form.needs_period else f"截至 {today.isoformat()}"
    print(f"已生成：{path}（{form.title}，{when}）"
          + ((FULL_NUMBERS_DONE if args.full_numbers else MASKED_DONE) if form.sensitive else ""))
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
