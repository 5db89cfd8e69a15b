"""``gonghui-desk fill FORM --db PATH -o OUT.xlsx [--mapping NAME] …``: the command line of form filling.

Without ``--mapping`` the columns are mapped from their headers and the mapping used is printed; the rows are
the roster's members on the roll (在册) unless ``--source`` and ``--param`` say otherwise. With ``--mapping``
the saved mapping (its source and parameters too) is applied to this copy of the form, and every column that
changed since is reported before filling. ID numbers, phones and bank accounts go in masked unless
``--full-numbers`` asks for them in full (an upstream form usually needs full ID numbers); that is recorded in
the database's change log.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from gonghui_desk.errors import UserError

EXIT_OK = 0


def parse_params(items: list[str] | None) -> dict[str, str]:
    """``["status=退休", "sub_unit=一车间"]`` -> ``{"status": "退休", "sub_unit": "一车间"}``."""
    params = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserError(f"参数应写成 名称=值（如 status=退休），而不是“{item}”")
        params[key.strip()] = value.strip()
    return params


def parse_header_rows(text: str | None) -> tuple[int, int] | None:
    """"3" -> (3, 3); "3-4" -> (3, 4)."""
    if not text:
        return None
    first, _, last = text.replace("–", "-").replace("～", "-").partition("-")
    try:
        return int(first), int(last or first)
    except ValueError:
        raise UserError(f"表头行应写成“3”或“3-4”，而不是“{text}”") from None


def run_fill(args, out: TextIO | None = None) -> int:
    """Run ``gonghui-desk fill`` with parsed ``args`` (form, db, output, mapping, sheet, header_rows, source,
    param, keep_rows, save_mapping, full_numbers), printing to ``out`` (standard output by default)."""
    out = out or sys.stdout
    from gonghui_desk.db import open_database
    from gonghui_desk.form_fill import (compare_with_saved, fill_form, get_mapping, get_source, inspect_form,
                                        mapping_from_saved, mapping_lines, propose_mapping, save_form_mapping)
    from gonghui_desk.form_fill.layout import open_form, read_layout

    if not Path(args.db).exists():
        raise UserError(f"数据库文件不存在：{args.db}")
    params = parse_params(args.param)
    header_rows = parse_header_rows(args.header_rows)
    db = open_database(args.db, create=False)
    try:
        saved = get_mapping(db, args.mapping) if args.mapping else None
        if saved is not None:
            if args.source and get_source(args.source).key != saved.source:
                raise UserError(f"对应关系“{saved.name}”的数据来源是“{get_source(saved.source).label}”，"
                                f"不能改用 --source {args.source}")
            source = get_source(saved.source)
            params = {**saved.params, **params}
            wb, is_xls = open_form(args.form)
            sheet = args.sheet
            if sheet is None and saved.sheet_name in wb.sheetnames:
                sheet = saved.sheet_name
            layout = read_layout(wb, args.form, sheet=sheet, header_rows=header_rows, is_xls=is_xls)
            mapping = mapping_from_saved(layout, saved)
        else:
            source = get_source(args.source or "roster")
            layout = inspect_form(args.form, args.sheet, header_rows=header_rows)
            mapping = propose_mapping(layout, source)
        source.resolve(db, params)  # a wrong parameter is reported before anything else is printed
        footer = f"，表尾在第{layout.footer_first}行" if layout.footer_first else ""
        existing = f"（原有 {layout.filled_rows} 行数据）" if layout.filled_rows else ""
        print(f"表格：{Path(args.form).name}，工作表“{layout.sheet_name}”，表头在{layout.header_rows_text}，"
              f"数据从第{layout.data_first}行起{existing}{footer}", file=out)
        if saved is not None:
            changes = compare_with_saved(layout, saved)
            if changes:
                print(f"与保存的对应关系“{saved.name}”相比，表格有以下变化：", file=out)
                for change in changes:
                    print(f"  {change.text}", file=out)
            else:
                print(f"使用保存的对应关系“{saved.name}”，表头与保存时相同", file=out)
        print(f"数据来源：{source.describe(db, params)}", file=out)
        print("对应关系：", file=out)
        for line in mapping_lines(layout, mapping, source):
            print(f"  {line}", file=out)
        result = fill_form(db, layout, mapping, source, params, args.output, keep_rows=args.keep_rows,
                           full_numbers=bool(getattr(args, "full_numbers", False)))
        for message in result.messages:
            print(message, file=out)
        print(f"已保存到：{result.path}", file=out)
        if args.save_mapping:
            stored = save_form_mapping(db, args.save_mapping, layout, mapping, params)
            print(f"已保存对应关系“{stored.name}”，下次可用 --mapping {stored.name}", file=out)
    finally:
        db.conn.close()
    return EXIT_OK


__all__ = ["parse_header_rows", "parse_params", "run_fill"]
