"""Moving an import wizard on a page and waiting for it (the GUI import tests share these steps)."""

from __future__ import annotations


def to_mapping(wizard, qtbot) -> None:
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.mapping_page, timeout=15000)


def to_preview(wizard, qtbot) -> None:
    to_mapping(wizard, qtbot)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.preview_page and wizard.preview_page.plan is not None
                    and not wizard.preview_page.busy, timeout=15000)


def to_summary(wizard, qtbot) -> None:
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=15000)
