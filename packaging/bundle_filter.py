"""What build.spec leaves out of the bundle.

The rules live here, not in the spec, so that tests can check them without running PyInstaller. An entry
of PyInstaller's table of contents is ``(name in the bundle, source path, type)``.
"""

from __future__ import annotations

from pathlib import PurePosixPath

HIDDEN_IMPORTS: list[str] = []

# Optional imports of the libraries the app uses (sqlite-utils, openpyxl and Pillow try numpy; yaml
# comes with a sqlite-utils extra): never used by the app, 45 MB together.
EXCLUDED_MODULES = [
    "numpy", "pandas", "yaml", "tkinter", "_tkinter", "IPython", "matplotlib", "pytest",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtOpenGL", "PySide6.QtDBus",
]

# Qt plugins by folder: None keeps the whole folder, a set keeps those base names (without lib/.so/.dll/d),
# and a folder not listed is left out.
QT_PLUGINS = {
    "platforms": {"qwindows", "qdirect2d", "qoffscreen", "qminimal", "qxcb", "qwayland", "qcocoa"},
    "platformthemes": {"qxdgdesktopportal"},
    "platforminputcontexts": None,
    "iconengines": {"qsvgicon"},
    "imageformats": {"qsvg", "qico", "qjpeg", "qgif"},
    "printsupport": None,
    "styles": None,
    "xcbglintegrations": None,
    "wayland-shell-integration": {"xdg-shell"},
    "wayland-decoration-client": None,
}

# Qt libraries only the left-out plugins load.
DROPPED_QT_LIBRARIES = ("EglFSDeviceIntegration", "EglFsKmsSupport", "EglFsKmsGbmSupport", "Qt6Pdf",
                        "Qt6Qml", "Qt6Quick", "Qt6VirtualKeyboard")

# Qt's own Chinese texts (确定/取消, the file and print dialogs): qt_zh_CN loads qtbase_zh_CN.
QT_TRANSLATIONS = {"qt_zh_CN.qm", "qtbase_zh_CN.qm"}


def _plugin_name(file_name: str) -> str:
    stem = file_name.split(".")[0]
    if stem.startswith("lib"):
        stem = stem[3:]
    return stem


def is_wanted(bundle_name: str) -> bool:
    """Whether a file of PyInstaller's table of contents goes into the bundle."""
    path = PurePosixPath(bundle_name.replace("\\", "/"))
    parts = path.parts
    if "PySide6" in parts:
        # PySide6/Qt/plugins/… in the Linux and macOS wheels, PySide6/plugins/… in the Windows wheel
        rest = parts[parts.index("PySide6") + 1:]
        if rest[:1] == ("Qt",):
            rest = rest[1:]
        if len(rest) >= 3 and rest[0] == "plugins":
            folder, name = rest[1], _plugin_name(rest[-1])
            if folder not in QT_PLUGINS:
                return False
            wanted = QT_PLUGINS[folder]
            return wanted is None or name in wanted
        if len(rest) >= 2 and rest[0] == "translations":
            return rest[-1] in QT_TRANSLATIONS
    return not any(lib in path.name for lib in DROPPED_QT_LIBRARIES)


def keep_binaries(entries):
    return [entry for entry in entries if is_wanted(entry[0])]


def keep_datas(entries):
    return [entry for entry in entries if is_wanted(entry[0])]
