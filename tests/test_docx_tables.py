"""The Word file's tables as the appendix writes them (many rows): every body row is a copy of the first one and
every cell's run an element of its own, so each cell must read back exactly as python-docx's own calls would
have made it — its text (tabs, breaks, spaces at either end), style, width, and the East Asian font hint."""

from __future__ import annotations

import docx
from docx.oxml.ns import qn

from gonghui_desk.documents import Document, Section, Table, compose, write_docx
from gonghui_desk.documents.wording import full_width_punctuation

ROWS = [(" 前面有空格", "甲\t乙", "第一行\n第二行"), ("", "后面有空格 ", "回车\r之后"), ("只有一格",),
        ("张三", "3", "75.0%"), ("李四,王五", "(二)", "")]


def written(tmp_path, tables):
    doc = Document("附表", blocks=compose([Section("主要工作数据", tables)]), signer="某工会", date_text="2026年1月1日")
    return docx.Document(str(write_docx(doc, tmp_path / "tables.docx")))


def test_every_cell_reads_back_as_written(tmp_path):
    d = written(tmp_path, [Table(("姓名", "次数", "说明"), ROWS)])
    [table] = d.tables
    expected = [["姓名", "次数", "说明"]] + [
        [full_width_punctuation(t).replace("\r", "\n") for t in row] + [""] * (3 - len(row)) for row in ROWS]
    assert [[c.text for c in row.cells] for row in table.rows] == expected
    assert [c.paragraphs[0].style.name for c in table.rows[0].cells] == ["表格表头"] * 3
    assert {c.paragraphs[0].style.name for row in table.rows[1:] for c in row.cells} == {"表格文字"}
    widths = [c.width for c in table.columns]
    assert all([c.width for c in row.cells] == widths for row in table.rows)
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r._r.rPr.rFonts.get(qn("w:hint")) == "eastAsia" for row in table.rows for c in row.cells
               for p in c.paragraphs for r in p.runs)
    # spaces at either end are kept, a tab and a line break are Word's own elements, an empty cell has no run
    first, second = table.rows[1].cells, table.rows[2].cells
    assert first[0].paragraphs[0].runs[0]._r.find(qn("w:t")).get(qn("xml:space")) == "preserve"
    assert first[1].paragraphs[0].runs[0]._r.find(qn("w:tab")) is not None
    assert first[2].paragraphs[0].runs[0]._r.find(qn("w:br")) is not None
    assert second[0].paragraphs[0].runs == []
    assert table.rows[5].cells[0].text == "李四，王五"  # full-width punctuation as in the body


def test_a_long_table_and_tables_without_rows(tmp_path):
    rows = [(f"{i}月", str(i), str(i * 7)) for i in range(1, 501)]
    d = written(tmp_path, [Table(("月份", "场次", "参加人次"), rows), Table(("单独表头",), []),
                           Table(("一", "二"), [("唯一", "一行")])])
    long, header_only, one = d.tables
    assert len(long.rows) == 501 and [c.text for c in long.rows[500].cells] == ["500月", "500", "3500"]
    assert [[c.text for c in row.cells] for row in header_only.rows] == [["单独表头"]]
    assert [[c.text for c in row.cells] for row in one.rows] == [["一", "二"], ["唯一", "一行"]]


def test_a_chart_with_a_value_too_small_to_show(tmp_path):
    """A bar shorter than a pixel (1 among hundreds of thousands) is drawn a pixel long instead of failing."""
    from gonghui_desk.documents import ChartSpec
    from gonghui_desk.documents.charts import chart_png

    for rows in ([("文体活动", "300000"), ("其他", "1"), ("疗休养", "0")],
                 [("2025年1月", "300000"), ("2025年2月", "1"), ("2025年3月", "5")]):
        table = Table(("类别", "参加人次"), rows, ChartSpec(1, "各类活动参加人次"))
        assert chart_png(table).startswith(b"\x89PNG")
        d = written(tmp_path, [table])
        assert len(d.inline_shapes) == 1
