"""gonghui-desk (基层工会工作台): the core package.

Everything under ``gonghui_desk`` except ``gonghui_desk.ui`` is free of Qt, so the
command line, the tests and the GUI share one implementation of every rule.
"""

__version__ = "0.1.0"
APP_NAME = "gonghui-desk"
APP_TITLE = "基层工会工作台"


def _import_sqlite_utils_as_bundled() -> None:
    """Import sqlite-utils as the installed app has it: without numpy and pandas.

    sqlite-utils imports numpy and pandas when they are installed, only to store their values (the app stores
    none); the bundle leaves them out (packaging/bundle_filter.py), but a developer's Python may have them for
    other reasons, and importing numpy costs 0.1–0.3 s at every start. So sqlite-utils is imported here, before
    any module of the package uses it, with both marked as missing for that one import (they stay importable
    for everything else).
    """
    import sys

    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # "import numpy" raises ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


_import_sqlite_utils_as_bundled()
