"""The modules beyond the member register, and what they add to the shared registries.

Each module registers, when imported, its providers: entries of a member's history
(``history.register``), figures on the home page (``stats.register``) and records of the demo
data (``demo.register_extension``). ``load()`` imports them all; the command line, the GUI's
start-up and the benchmarks call it once, so nothing depends on import order by accident.
"""

from __future__ import annotations

import importlib

MODULES = (  # demo extensions run in this order: the hardship files exist before 送温暖 picks them
    "gonghui_desk.care.providers",  # 慰问走访: history entries and home figures
    "gonghui_desk.hardship.providers",  # 困难职工档案: history entries, home figure, campaigns' hardship criterion
    "gonghui_desk.hardship.aid_providers",  # 帮扶: history entries and home figure
    "gonghui_desk.hardship.demo_data",  # 困难职工档案: demo files for about 3% of the members
    "gonghui_desk.care.demo_data",  # 慰问走访: two years of demo visits and campaigns
)


def load() -> None:
    for name in MODULES:
        importlib.import_module(name)
