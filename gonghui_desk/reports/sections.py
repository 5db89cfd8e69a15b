"""The registry of report sections. Each module registers its sections when imported (through
:mod:`gonghui_desk.modules`, like history and home-page providers), so the report offers exactly the
modules that exist.

Tests register their own sections for a while with :func:`temporary_sections` (or
:func:`unregister_section`), so a fake section never outlives its test; :func:`isolated_sections` hides every
other section for the while (a test of the builder then sees its own sections only)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from gonghui_desk.reports.model import SectionSpec

__all__ = ["isolated_sections", "register_section", "registered_sections", "section", "temporary_sections",
           "unregister_section"]

_SECTIONS: dict[str, SectionSpec] = {}


def register_section(spec: SectionSpec) -> SectionSpec:
    if spec.key in _SECTIONS and _SECTIONS[spec.key] is not spec:
        raise ValueError(f"report section {spec.key!r} registered twice")
    _SECTIONS[spec.key] = spec
    return spec


def registered_sections(kind: str | None = None) -> list[SectionSpec]:
    """The sections (offered for ``kind``), in the default order of DOMAIN.md §4."""
    specs = [s for s in _SECTIONS.values() if kind is None or kind in s.kinds]
    return sorted(specs, key=lambda s: (s.order, s.key))


def section(key: str) -> SectionSpec:
    try:
        return _SECTIONS[key]
    except KeyError:
        raise KeyError(f"no report section {key!r}; registered: {sorted(_SECTIONS)}") from None


def unregister_section(key: str) -> SectionSpec | None:
    """Remove a section (tests only); returns it, or None when it was not registered."""
    return _SECTIONS.pop(key, None)


@contextmanager
def temporary_sections(*specs: SectionSpec, replace: bool = False) -> Iterator[list[SectionSpec]]:
    """Register ``specs`` for the ``with`` block and remove them afterwards. With ``replace``, a section
    already registered under the same key is set aside for the block and put back after it."""
    set_aside: dict[str, SectionSpec] = {}
    added: list[str] = []
    try:
        for spec in specs:
            if spec.key in _SECTIONS and _SECTIONS[spec.key] is not spec:
                if not replace:
                    raise ValueError(f"report section {spec.key!r} registered twice")
                set_aside[spec.key] = _SECTIONS.pop(spec.key)
            if spec.key not in _SECTIONS:
                _SECTIONS[spec.key] = spec
                added.append(spec.key)
        yield list(specs)
    finally:
        for key in added:
            _SECTIONS.pop(key, None)
        _SECTIONS.update(set_aside)


@contextmanager
def isolated_sections(*specs: SectionSpec, keep: tuple[str, ...] = ("politics", "problems", "plans")
                      ) -> Iterator[list[SectionSpec]]:
    """For the ``with`` block only ``specs`` and the sections of ``keep`` (by default the framework's
    free-text sections) are registered; the whole registry is put back afterwards (tests only)."""
    saved = dict(_SECTIONS)
    try:
        _SECTIONS.clear()
        _SECTIONS.update({key: spec for key, spec in saved.items() if key in keep})
        for spec in specs:
            _SECTIONS[spec.key] = spec
        yield list(specs)
    finally:
        _SECTIONS.clear()
        _SECTIONS.update(saved)
