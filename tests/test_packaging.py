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
