"""Where the data lives: the platform's user data folder, unless ``--db`` says otherwise."""

from __future__ import annotations

from pathlib import Path

import platformdirs

DATA_DIR_NAME = "gonghui-desk"
DEFAULT_DB_NAME = "gonghui.sqlite3"


def default_data_dir() -> Path:
    """The per-user data folder (on Windows ``%LOCALAPPDATA%\\gonghui-desk``)."""
    return Path(platformdirs.user_data_dir(DATA_DIR_NAME, appauthor=False, roaming=False))


def default_db_path() -> Path:
    return default_data_dir() / DEFAULT_DB_NAME


def backups_dir_for(db_path: Path) -> Path:
    """Automatic backups sit in a ``backups`` folder beside the database file."""
    db_path = Path(db_path)
    return db_path.parent / "backups"


def resources_dir() -> Path:
    """The folder holding icons and data files shipped with the app: ``gonghui_desk/resources`` in an installed
    package and in the PyInstaller bundle, ``resources/`` beside the package in a source checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "resources", package.parent / "resources"):
        if candidate.is_dir():
            return candidate
    return package / "resources"
