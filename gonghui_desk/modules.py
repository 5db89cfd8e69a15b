"""The modules beyond the member register, and what they add to the shared registries.

Each module registers, when imported, its providers: entries of a member's history
(``history.register``), figures on the home page (``stats.register``) and records of the demo
data (``demo.register_extension``). ``load()`` imports them all; the command line, the benchmarks and the tests
call it once at start, so nothing depends on import order by accident. The main window calls it before anything
of it reads a registry: at once on a small database, after its first paint on a large one (where the home page's
figures and reminders are computed after that paint anyway), so that importing them does not delay the window.
"""

from __future__ import annotations

import importlib

MODULES = (  # demo extensions run in this order: the hardship files exist before 送温暖 picks them
    "gonghui_desk.care.providers",  # 慰问走访: history entries and home figures
    "gonghui_desk.hardship.providers",  # 困难职工档案: history entries, home figure, campaigns' hardship criterion
    "gonghui_desk.hardship.aid_providers",  # 帮扶: history entries and home figure
    "gonghui_desk.hardship.demo_data",  # 困难职工档案: demo files for about 3% of the members
    "gonghui_desk.care.demo_data",  # 慰问走访: two years of demo visits and campaigns
    "gonghui_desk.events.providers",  # 活动竞赛: history entries (参加, 获奖) and the home figure of this year's events
    "gonghui_desk.events.demo_data",  # 活动竞赛: two years of competitions, activities and training with results
    "gonghui_desk.honours.providers",  # 荣誉: history entries (个人) and the home figure of this year's honours
    "gonghui_desk.honours.demo_data",  # 荣誉: a few honours at several levels; the model worker's 劳模类型 follows
    "gonghui_desk.congress.providers",  # 提案: history entries (提出, 附议) and the home figure of the newest session
    "gonghui_desk.congress.demo_data",  # 职代会/教代会: a term, two sessions, delegates and 30–60 proposals
    # the sections of the summary report (工作总结), each from the module that owns the records
    "gonghui_desk.reports.free_text",  # 思想政治引领, 存在的问题和不足, 下一步工作打算: prompts, never claims
    "gonghui_desk.congress.report_sections",  # 民主管理: sessions held, proposals and their rates
    "gonghui_desk.events.report_sections",  # 劳动竞赛 (with the honours part) and 文体活动与职工培训
    "gonghui_desk.care.report_sections",  # 帮扶与送温暖: visits and campaigns; the 送温暖工作总结's sections
    "gonghui_desk.hardship.report_sections",  # 帮扶与送温暖: hardship files, aid, 金秋助学
    "gonghui_desk.reports.women_sections",  # 女职工工作: the same records filtered to women members
    "gonghui_desk.reports.member_sections",  # 自身建设: organisation and members
)


_loaded = False


def load() -> None:
    """Import every module of :data:`MODULES` (once: later calls return at once)."""
    for _ in load_stepwise():
        pass


def load_stepwise():
    """:func:`load` a module at a time: a generator that yields after each import (the main window runs one
    step per turn of its event loop after its first paint, so that the window answers the user meanwhile)."""
    global _loaded
    if _loaded:
        return
    for name in MODULES:
        importlib.import_module(name)
        yield name
    _loaded = True


def is_loaded() -> bool:
    return _loaded
