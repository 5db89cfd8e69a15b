"""Every section module that exists, through the builder, on demo databases: the framework's contract with
the sections (marks point to stats, headline keys exist, every stat says how it was counted, the records
behind a figure exist, keys are unique) for every kind of report and set of options."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

from gonghui_desk.db import open_database
from gonghui_desk.demo import generate_demo
from gonghui_desk.documents import Paragraph, write_docx
from gonghui_desk.reports.builder import available_sections, build_report_with_stats, records_for, report_context
from gonghui_desk.reports.drafts import document_from_json, document_to_json
from gonghui_desk.reports.model import ReportOptions, ReportRequest
from gonghui_desk.reports.periods import half_period, period_for_kind, semester_period, year_period
from gonghui_desk.reports.sections import registered_sections
from gonghui_desk.reports.text import PREVIOUS_SUFFIX

TODAY = dt.date(2026, 11, 22)
SECTION_MODULES = (
    "gonghui_desk.reports.member_sections", "gonghui_desk.reports.women_sections",
    "gonghui_desk.care.report_sections", "gonghui_desk.hardship.report_sections",
    "gonghui_desk.events.report_sections", "gonghui_desk.honours.report_sections",
    "gonghui_desk.congress.report_sections",
)


def _load_sections() -> list[str]:
    found = []
    for name in SECTION_MODULES:
        try:
            importlib.import_module(name)
            found.append(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return found


@pytest.fixture(scope="module", params=["school", "company"])
def demo(request, tmp_path_factory):
    if not _load_sections():
        pytest.skip("no section module yet")
    path = tmp_path_factory.mktemp("demo") / f"{request.param}.sqlite3"
    db = open_database(path)
    generate_demo(db, kind=request.param, members=150 if request.param == "school" else 400, seed=3, today=TODAY)
    yield db
    db.conn.close()


REQUESTS = [
    ReportRequest("annual", year_period(2026)),
    ReportRequest("annual", year_period(2025), options=ReportOptions(compare=True, appendix=True)),
    ReportRequest("half", half_period(2026, 1), options=ReportOptions(approximate=True, chinese_numerals=True,
                                                                      names=False, compare=True)),
    ReportRequest("semester", semester_period(2025, 2), options=ReportOptions(appendix=True)),
    ReportRequest("care", year_period(2026), options=ReportOptions(compare=True, appendix=True)),
]


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: f"{r.kind}-{r.period.label}")
def test_sections_keep_the_contract(demo, request_):
    doc, stats = build_report_with_stats(demo, request_, today=TODAY)
    check_document(demo, request_, doc, stats)


def test_term_report(demo):
    period = period_for_kind("term", TODAY, demo)
    if period is None:
        pytest.skip("the demo has no term")
    request = ReportRequest("term", period, options=ReportOptions(compare=True))
    doc, stats = build_report_with_stats(demo, request, today=TODAY)
    check_document(demo, request, doc, stats)


def check_document(db, request, doc, stats):
    marks = [(b.text[m.start:m.end], m.key) for b in doc.blocks if isinstance(b, Paragraph) for m in b.marks]
    assert marks, "a demo report states figures"
    for text, key in marks:
        assert key in stats, f"mark {key!r} ({text}) has no stat"
        assert text.strip(), key
    for key, stat in stats.items():
        assert stat.key == key and stat.basis.strip(), f"stat {key!r} does not say how it was counted"
        assert stat.value >= 0 or stat.unit in ("人", "人次", "户", "件", "项", "次", "场", "期", "支", "个", "家"), key
        if stat.ids:
            assert stat.table, f"stat {key!r} lists ids without a table"
            header, rows = records_for(db, stat.table, stat.ids, limit=50)
            assert len(rows) == min(len(set(stat.ids)), 50), f"stat {key!r}: records behind it missing"
    previous = [k for k in stats if k.endswith(PREVIOUS_SUFFIX)]
    assert bool(previous) == request.options.compare
    assert document_from_json(document_to_json(doc)) == doc


def test_headline_keys_are_stats_of_their_sections(demo):
    seen: dict[str, set[str]] = {}
    for request in REQUESTS:
        ctx = report_context(demo, request, TODAY)
        for spec in registered_sections(request.kind):
            if not spec.free_text:
                seen.setdefault(spec.key, set()).update(s.key for s in spec.stats(ctx))
    for spec in registered_sections():
        for key in spec.headline:
            assert key in seen.get(spec.key, ()), f"headline {key!r} of {spec.key!r} is never one of its stats"


def test_available_sections_and_docx(demo, tmp_path):
    previews = available_sections(demo, "annual", year_period(2026), today=TODAY)
    assert [p.order for p in previews] == sorted(p.order for p in previews)
    assert any(p.has_data and not p.free_text for p in previews)
    doc, _ = build_report_with_stats(demo, ReportRequest("annual", year_period(2026),
                                                         options=ReportOptions(appendix=True)), today=TODAY)
    assert write_docx(doc, tmp_path / "r.docx").stat().st_size > 10_000
