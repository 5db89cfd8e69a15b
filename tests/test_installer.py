"""The Windows setup file (packaging/installer.nsi), compiled with makensis and run under Wine.

The installer is compiled from a small stand-in for the PyInstaller folder (two .exe files and an
_internal folder), so these tests check the installer's own behaviour: a per-user install with its
shortcuts and its entry in 设置 → 应用, an upgrade in place that replaces the old program files, a refusal
while the app runs, and an uninstall that removes the program and never the user's data. .ci/run installs
makensis (Debian's nsis) and Wine; without them the tests are skipped and say why.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "packaging" / "installer.nsi"
APP_TITLE = "基层工会工作台"
UNINSTALL_KEY = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\gonghui-desk"

needs_makensis = pytest.mark.skipif(shutil.which("makensis") is None,
                                    reason="makensis (Debian package nsis) is not installed")
needs_wine = pytest.mark.skipif(shutil.which("makensis") is None or shutil.which("wine") is None,
                                reason="makensis and wine (Debian packages nsis, wine) are needed")


def script_text() -> str:
    return SCRIPT.read_text("utf-8")


def make_bundle(folder: Path, version: str, libraries: list[str]) -> Path:
    """A stand-in for dist/gonghui-desk: what PyInstaller's one-folder build contains."""
    folder.mkdir(parents=True)
    (folder / "gonghui-desk.exe").write_text(f"app {version}")
    (folder / "gonghui-desk-cli.exe").write_text(f"cli {version}")
    (folder / "_internal" / "PySide6").mkdir(parents=True)
    for name in libraries:
        (folder / "_internal" / name).write_text(f"{name} {version}")
    return folder


def compile_script(script: Path, out: Path, **defines: str) -> Path:
    args = ["makensis", "-V2", "-INPUTCHARSET", "UTF8"]
    args += [f"-D{key}={value}" for key, value in defines.items()]
    result = subprocess.run(args + [str(script)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.read_bytes()[:2] == b"MZ"
    return out


def build_setup(tmp: Path, version: str, libraries: list[str]) -> Path:
    bundle = make_bundle(tmp / f"bundle-{version}", version, libraries)
    out = tmp / f"gonghui-desk-setup-{version}.exe"
    return compile_script(SCRIPT, out, VERSION=version, SOURCE=str(bundle), OUTFILE=str(out),
                          ICON=str(icon_file(tmp)))


def icon_file(tmp: Path) -> Path:
    """The .ico the build makes from resources/icon.svg (packaging/make_icon.py)."""
    icon = tmp / "gonghui-desk.ico"
    if not icon.exists():
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        subprocess.run([sys.executable, str(ROOT / "packaging" / "make_icon.py"), str(icon)], check=True, env=env,
                       capture_output=True, timeout=120)
    return icon


# --- the script itself ---------------------------------------------------------------------------------

def test_the_script_installs_per_user_and_never_names_the_data_folder_for_deletion():
    text = script_text()
    assert re.search(r"^RequestExecutionLevel user$", text, re.M)
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APP_ID}"' in text
    assert '!insertmacro MUI_LANGUAGE "SimpChinese"' in text
    assert f'!define APP_TITLE "{APP_TITLE}"' in text
    removals = re.findall(r"^\s*(RMDir|Delete)\s+(/r\s+)?\"([^\"]+)\"", text, re.M)
    assert removals, "the uninstaller removes files"
    for _command, recursive, target in removals:
        # the data folder is %LOCALAPPDATA%\gonghui-desk; only the program's own files are removed
        assert not target.startswith("$LOCALAPPDATA"), target
        if recursive:
            assert target == "$INSTDIR\\_internal", f"recursive removal of {target}"
    assert "DeleteRegKey HKLM" not in text and "HKLM" not in text


def test_the_script_waits_for_the_mutex_the_running_app_holds():
    from gonghui_desk.ui.single_instance import RUNNING_MUTEX_NAME as RUNNING_MUTEX

    assert f'!define RUNNING_MUTEX "{RUNNING_MUTEX}"' in script_text()


def test_the_installer_names_the_version_of_the_package():
    from gonghui_desk import __version__

    readme = (ROOT / "README.md").read_text("utf-8")
    assert f"makensis /DVERSION={__version__}" in readme


@needs_makensis
def test_makensis_compiles_the_script(tmp_path):
    setup = build_setup(tmp_path, "0.1.0", ["Qt6Core.dll"])
    assert setup.stat().st_size > 50_000


# --- under Wine -----------------------------------------------------------------------------------------

class Wine:
    """A throw-away Wine prefix with its own home folder (Wine links the desktop to $HOME)."""

    def __init__(self, folder: Path):
        self.home = folder / "home"
        self.home.mkdir(parents=True)
        self.env = {**os.environ, "WINEPREFIX": str(folder / "prefix"), "HOME": str(self.home),
                    "WINEDEBUG": "-all", "WINEDLLOVERRIDES": "mscoree,mshtml=", "DISPLAY": ""}
        subprocess.run(["wineboot", "-i"], env=self.env, capture_output=True, timeout=300, check=True)
        users = folder / "prefix" / "drive_c" / "users"
        user = next(path for path in users.iterdir() if path.name != "Public")
        self.local = user / "AppData" / "Local"
        self.programs = self.local / "Programs" / "gonghui-desk"
        self.data = self.local / "gonghui-desk"
        self.start_menu = user / "AppData" / "Roaming" / "Microsoft" / "Windows" / "Start Menu" / "Programs"
        self.user_reg = folder / "prefix" / "user.reg"

    def run(self, *args: str, timeout: int = 120) -> int:
        result = subprocess.run(["wine", *args], env=self.env, capture_output=True, timeout=timeout)
        return result.returncode

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(["wine", *args], env=self.env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)

    def registry_value(self, name: str) -> str | None:
        """One ASCII value of the uninstall entry, asked of the running Wine (user.reg is written lazily)."""
        result = subprocess.run(["wine", "reg", "query", UNINSTALL_KEY, "/v", name], env=self.env,
                                capture_output=True, text=True, timeout=60)
        match = re.search(rf"{name}\s+REG_SZ\s+(.*)", result.stdout)
        return match.group(1).strip() if match else None

    def wait_for_registry(self):
        subprocess.run(["wineserver", "-w"], env=self.env, timeout=120)

    def uninstall_entry(self) -> dict[str, str]:
        """The values of HKCU\\…\\Uninstall\\gonghui-desk as Wine saved them in user.reg."""
        self.wait_for_registry()
        text = self.user_reg.read_text("utf-8", errors="replace")
        match = re.search(r"^\[Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Uninstall\\\\gonghui-desk\][^\n]*\n"
                          r"(.*?)(?=^\[|\Z)", text, re.M | re.S)
        if not match:
            return {}
        values = {}
        for name, value in re.findall(r'^"([^"]+)"="(.*)"$', match.group(1), re.M):
            values[name] = re.sub(r'\\(x[0-9a-f]{4}|\\|")', _unescape, value)
        return values


def _unescape(match: re.Match) -> str:
    """user.reg escapes: \\x57fa for a character, \\\\ and \\" for themselves."""
    token = match.group(1)
    return chr(int(token[1:], 16)) if token.startswith("x") else token


@pytest.fixture(scope="module")
def wine(tmp_path_factory):
    if shutil.which("wine") is None or shutil.which("makensis") is None:
        pytest.skip("makensis and wine (Debian packages nsis, wine) are needed")
    return Wine(tmp_path_factory.mktemp("wine"))


def fill_data_folder(data: Path) -> dict[Path, bytes]:
    """What a user has after a year of work: the database and its backups."""
    (data / "backups").mkdir(parents=True, exist_ok=True)
    files = {data / "gonghui.sqlite3": b"SQLite format 3\x00 the union's records",
             data / "backups" / "gonghui-20261101.sqlite3": b"SQLite format 3\x00 a backup"}
    for path, content in files.items():
        path.write_bytes(content)
    return files


@needs_wine
def test_install_upgrade_refuse_while_running_and_uninstall(wine, tmp_path):
    # a first install: per user, shortcuts, an entry in 设置 → 应用
    first = build_setup(tmp_path, "0.1.0", ["Qt6Core.dll", "old-only.dll"])
    assert wine.run(str(first), "/S") == 0
    assert (wine.programs / "gonghui-desk.exe").read_text() == "app 0.1.0"
    assert (wine.programs / "_internal" / "old-only.dll").exists()
    assert (wine.programs / "uninstall.exe").exists()
    assert (wine.start_menu / f"{APP_TITLE}.lnk").exists()
    assert (wine.home / f"{APP_TITLE}.lnk").exists()  # the desktop
    entry = wine.uninstall_entry()
    assert entry["DisplayName"] == APP_TITLE
    assert entry["DisplayVersion"] == "0.1.0"
    assert entry["UninstallString"].endswith('gonghui-desk\\uninstall.exe"')

    data = fill_data_folder(wine.data)
    own_note = wine.programs / "我的说明.txt"  # a file the user put into the program folder
    own_note.write_text("keep me", "utf-8")

    # an upgrade in place: the old libraries go, the new ones come, the data stays byte for byte
    second = build_setup(tmp_path, "0.2.0", ["Qt6Core.dll", "new-only.dll"])
    assert wine.run(str(second), "/S") == 0
    assert (wine.programs / "gonghui-desk.exe").read_text() == "app 0.2.0"
    assert (wine.programs / "_internal" / "Qt6Core.dll").read_text() == "Qt6Core.dll 0.2.0"
    assert not (wine.programs / "_internal" / "old-only.dll").exists()
    assert (wine.programs / "_internal" / "new-only.dll").exists()
    assert wine.uninstall_entry()["DisplayVersion"] == "0.2.0"
    assert {path: path.read_bytes() for path in data} == data

    # while the app runs (it holds the named mutex) the setup refuses and changes nothing
    holder = tmp_path / "holder.nsi"
    from gonghui_desk.ui.single_instance import RUNNING_MUTEX_NAME as RUNNING_MUTEX

    holder.write_text(
        "Target amd64-unicode\nOutFile \"holder.exe\"\nRequestExecutionLevel user\nSilentInstall silent\n"
        "Section\n"
        f"  System::Call 'kernel32::CreateMutexW(p 0, i 0, w \"{RUNNING_MUTEX}\") p .r0'\n"
        "  Sleep 60000\nSectionEnd\n", "utf-8")
    compile_script(holder, tmp_path / "holder.exe")
    third = build_setup(tmp_path, "0.3.0", ["Qt6Core.dll"])
    running = wine.start(str(tmp_path / "holder.exe"))
    try:
        time.sleep(3)
        assert wine.run(str(third), "/S") != 0
        assert (wine.programs / "gonghui-desk.exe").read_text() == "app 0.2.0"
        assert wine.registry_value("DisplayVersion") == "0.2.0"
    finally:
        running.kill()
        running.wait()
        subprocess.run(["wineserver", "-k"], env=wine.env, timeout=60)

    # the uninstaller removes the program, its shortcuts and its entry; never the data
    assert wine.run(str(wine.programs / "uninstall.exe"), "/S") == 0
    deadline = time.monotonic() + 60  # the uninstaller copies itself to %TEMP% and runs from there
    while (wine.programs / "gonghui-desk.exe").exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    wine.wait_for_registry()
    assert not (wine.programs / "gonghui-desk.exe").exists()
    assert not (wine.programs / "gonghui-desk-cli.exe").exists()
    assert not (wine.programs / "_internal").exists()
    assert not (wine.start_menu / f"{APP_TITLE}.lnk").exists()
    assert not (wine.home / f"{APP_TITLE}.lnk").exists()
    assert wine.uninstall_entry() == {}
    assert own_note.read_text("utf-8") == "keep me"  # a folder the user added to is left with their file
    assert {path: path.read_bytes() for path in data} == data
