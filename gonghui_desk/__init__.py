"""gonghui-desk (基层工会工作台): the core package.

Everything under ``gonghui_desk`` except ``gonghui_desk.ui`` is free of Qt, so the
command line, the tests and the GUI share one implementation of every rule.
"""

__version__ = "0.1.0"
APP_NAME = "gonghui-desk"
APP_TITLE = "基层工会工作台"


class _SqliteUtilsAsBundled:
    """Makes ``import sqlite_utils`` import it as the installed app has it: without numpy and pandas.

    sqlite-utils imports numpy and pandas when they are installed, only to store their values (the app stores
    none); the bundle leaves them out (packaging/bundle_filter.py), but a developer's Python may have them for
    other reasons, and importing numpy costs 0.1–0.3 s. This finder, first on ``sys.meta_path``, lets the usual
    finders find sqlite-utils and runs its import with both marked as missing (they stay importable for
    everything else); it then removes itself. sqlite-utils itself is imported only when first used, not here:
    the GUI's start-up does without it (see gonghui_desk.db.connection.as_database).
    """

    def find_spec(self, fullname, path=None, target=None):
        import sys

        if fullname != "sqlite_utils":
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec = find(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        _remove_finder()
        spec.loader = _LoaderWithoutNumpy(spec.loader)
        return spec


class _LoaderWithoutNumpy:
    """sqlite-utils' own loader, running the import with numpy and pandas marked as missing (see above)."""

    def __init__(self, loader):
        self.loader = loader

    def __getattr__(self, name):
        return getattr(self.loader, name)

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        import sys

        module.__loader__ = module.__spec__.loader = self.loader  # the module keeps its own loader
        hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
        for name in hidden:
            sys.modules[name] = None  # type: ignore[assignment]  # "import numpy" raises ImportError
        try:
            self.loader.exec_module(module)
        finally:
            for name in hidden:
                if sys.modules.get(name, 0) is None:
                    del sys.modules[name]


def _install_finder() -> None:
    import sys

    if "sqlite_utils" not in sys.modules and not any(isinstance(f, _SqliteUtilsAsBundled) for f in sys.meta_path):
        sys.meta_path.insert(0, _SqliteUtilsAsBundled())


def _remove_finder() -> None:
    import sys

    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _SqliteUtilsAsBundled)]


_install_finder()
