"""The installed app must hold every package of the source tree: pyproject.toml lists them one by one."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_is_installed():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "gonghui_desk").rglob("__init__.py")}
    assert found - listed == set(), "add these packages to [tool.setuptools] packages in pyproject.toml"
    assert "gonghui_desk.resources" in listed


def test_every_resource_file_is_installed():
    """package-data globs are not recursive: a resource in a sub-folder needs its own pattern (a plain
    ``pip install .`` without resources/care_rules/ cannot create a database)."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["package-data"][
        "gonghui_desk.resources"]
    resources = ROOT / "resources"
    shipped = {path for pattern in patterns for path in resources.glob(pattern) if path.is_file()}
    every = {path for path in resources.rglob("*") if path.is_file() and "__pycache__" not in path.parts}
    assert every - shipped == set()
    assert resources / "care_rules" / "default.json" in shipped


def test_the_bundle_keeps_only_what_the_app_uses():
    """packaging/bundle_filter.py: Qt's Chinese translations and the plugins the app needs stay, the rest goes."""
    import sys

    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        import bundle_filter
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    keep = bundle_filter.is_wanted
    assert keep("PySide6/Qt/translations/qtbase_zh_CN.qm")
    assert not keep("PySide6/Qt/translations/qtbase_de.qm")
    assert not keep("PySide6/Qt/translations/qtdeclarative_zh_CN.qm")
    # the Windows wheel's layout: PySide6/plugins, PySide6/translations, names without lib…so
    assert keep("PySide6\\plugins\\platforms\\qwindows.dll")
    assert keep("PySide6\\plugins\\iconengines\\qsvgicon.dll")
    assert keep("PySide6\\plugins\\styles\\qmodernwindowsstyle.dll")
    assert not keep("PySide6\\plugins\\imageformats\\qtiff.dll")
    assert keep("PySide6\\translations\\qtbase_zh_CN.qm")
    assert not keep("PySide6\\translations\\qtbase_ja.qm")
    assert keep("PySide6/Qt/plugins/platforms/libqoffscreen.so")
    assert keep("PySide6/Qt/plugins/iconengines/libqsvgicon.so")  # the window icon is an SVG
    assert keep("PySide6/Qt/plugins/imageformats/libqsvg.so")
    assert not keep("PySide6/Qt/plugins/imageformats/libqpdf.so")
    assert not keep("PySide6/Qt/plugins/platforms/libqeglfs.so")
    assert not keep("PySide6/Qt/plugins/tls/libqopensslbackend.so")
    assert keep("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so")
    assert keep("PySide6/Qt/lib/libQt6Widgets.so.6") and keep("openpyxl/__init__.pyc")
    assert not keep("PySide6/Qt/lib/libQt6EglFSDeviceIntegration.so.6")


def test_resources_are_found_where_an_installed_package_keeps_them(tmp_path):
    """pip installs resources/ as gonghui_desk/resources (a folder without __init__.py: importlib.resources
    gives no plain path for it), and the bundle does the same; a source checkout has them beside the package."""
    import importlib.util

    installed = tmp_path / "site-packages" / "gonghui_desk"
    (installed / "resources" / "care_rules").mkdir(parents=True)
    (installed / "resources" / "care_rules" / "default.json").write_text("{}")
    (installed / "paths.py").write_text((ROOT / "gonghui_desk" / "paths.py").read_text("utf-8"), "utf-8")
    spec = importlib.util.spec_from_file_location("installed_paths", installed / "paths.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.resources_dir() == (installed / "resources").resolve()

    from gonghui_desk.paths import resources_dir

    assert (resources_dir() / "care_rules" / "default.json").is_file()
