"""A database on a network share uses a rollback journal instead of WAL; telling such folders apart (issue 10)."""

from __future__ import annotations

import sqlite3
import sys

import pytest

from gonghui_desk.db import connection, file_lock, open_database
from gonghui_desk.db.connection import DatabaseError, journal_mode, needs_upgrade
from gonghui_desk.db.file_lock import (filesystem_type, is_network_path, parse_mount_output, parse_proc_mounts,
                                       windows_path_is_network)


@pytest.fixture
def on_network(monkeypatch):
    monkeypatch.setattr(connection, "is_network_path", lambda path: True)


def test_a_local_file_uses_wal(db_path):
    db = open_database(db_path)
    assert journal_mode(db) == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    db.conn.close()


def test_a_network_file_uses_a_rollback_journal(db_path, on_network):
    db = open_database(db_path)
    assert journal_mode(db) == "delete"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL: a rollback journal needs it
    db.execute("INSERT INTO app_settings (key, value) VALUES ('k', 'v')")
    assert not db_path.with_name(db_path.name + "-wal").exists()
    assert not db_path.with_name(db_path.name + "-shm").exists()
    worker = open_database(db_path, create=False)  # a worker thread's connection beside the first one
    assert journal_mode(worker) == "delete"
    assert worker.execute("SELECT value FROM app_settings WHERE key = 'k'").fetchone()[0] == "v"
    worker.conn.close()
    db.conn.close()


def test_a_wal_file_moved_to_a_share_is_switched_at_opening_and_back(db_path, monkeypatch):
    db = open_database(db_path)
    db.execute("INSERT INTO app_settings (key, value) VALUES ('k', 'v')")
    db.conn.close()
    monkeypatch.setattr(connection, "is_network_path", lambda path: True)
    db = open_database(db_path)
    assert journal_mode(db) == "delete"
    assert db.execute("SELECT value FROM app_settings").fetchone()[0] == "v"
    db.conn.close()
    with open(db_path, "rb") as fh:  # the file header says: rollback journal (versions 1/1, not WAL's 2/2)
        assert fh.read(20)[18:20] == b"\x01\x01"
    monkeypatch.setattr(connection, "is_network_path", lambda path: False)
    db = open_database(db_path)
    assert journal_mode(db) == "wal"
    db.conn.close()


def test_a_network_file_another_program_holds_in_wal_is_refused(db_path, monkeypatch):
    """Leaving WAL needs the only connection: an old version (without the lock) has it open in WAL."""
    open_database(db_path).conn.close()
    other = sqlite3.connect(str(db_path), isolation_level=None)
    assert other.execute("SELECT count(*) FROM app_settings").fetchone() == (0,)  # open, in WAL
    monkeypatch.setattr(connection, "is_network_path", lambda path: True)
    with pytest.raises(DatabaseError, match="位于网络共享文件夹，需要改用适合网络文件夹的保存方式，但它正被其他程序打开"):
        open_database(db_path)
    other.close()


def test_the_window_shows_a_network_folder(db_path, on_network, qtbot):
    from gonghui_desk.ui.app_context import AppContext
    from gonghui_desk.ui.main_window import MainWindow

    context = AppContext(db_path)
    window = MainWindow(context)
    qtbot.addWidget(window)
    assert context.network_folder and journal_mode(context.db) == "delete"
    assert window.path_label.text() == f"数据库（网络文件夹）：{db_path}"
    assert "同一时间只能在一台电脑上打开" in window.path_label.toolTip()
    context.close()


def test_needs_upgrade_reads_without_changing(db_path):
    assert needs_upgrade(db_path) is False  # no file
    open_database(db_path).conn.close()
    assert needs_upgrade(db_path) is False
    db = open_database(db_path)
    db.execute("PRAGMA user_version = 1")
    db.conn.close()
    before = db_path.read_bytes()
    assert needs_upgrade(db_path) is True
    assert db_path.read_bytes() == before


# --- which folders are network folders -------------------------------------------------------------------
PROC_MOUNTS = r"""/dev/sda2 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
tmpfs /tmp tmpfs rw,nosuid,nodev 0 0
//fileserver/工会 /mnt/union cifs rw,relatime,vers=3.1.1,cache=strict,username=zhang 0 0
/etc/auto.home /home autofs rw,relatime,fd=7 0 0
nas:/export/home/li /home/li nfs4 rw,relatime,vers=4.2 0 0
zhang@host:/data /mnt/my\040files fuse.sshfs rw,nosuid,nodev,relatime 0 0
C:\134 /mnt/c 9p rw,noatime,aname=drvfs 0 0
/dev/sdb1 /mnt/union/local ext4 rw 0 0
"""


def test_proc_mounts_are_parsed_and_the_longest_mount_point_wins():
    mounts = parse_proc_mounts(PROC_MOUNTS)
    assert ("/mnt/my files", "fuse.sshfs") in mounts and ("/mnt/c", "9p") in mounts
    assert filesystem_type("/home/zhang/gonghui.sqlite3", mounts) == "autofs"
    assert filesystem_type("/home/li/gonghui.sqlite3", mounts) == "nfs4"
    assert filesystem_type("/home/lily/gonghui.sqlite3", mounts) == "autofs"  # /home/li is not its folder
    assert filesystem_type("/mnt/union/工会台账/gonghui.sqlite3", mounts) == "cifs"
    assert filesystem_type("/mnt/union/local/gonghui.sqlite3", mounts) == "ext4"
    assert filesystem_type("/mnt/my files/gonghui.sqlite3", mounts) == "fuse.sshfs"
    assert filesystem_type("/var/lib/x", mounts) == "ext4"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's /proc/mounts")
def test_is_network_path_reads_the_mount_table(tmp_path, monkeypatch):
    share = tmp_path / "share"
    share.mkdir()
    table = tmp_path / "mounts"
    table.write_text(f"/dev/sda2 / ext4 rw 0 0\n//srv/share {str(share).replace(' ', chr(92) + '040')} cifs rw 0 0\n")
    monkeypatch.setattr(file_lock, "PROC_MOUNTS", table)
    assert is_network_path(share / "gonghui.sqlite3")
    assert is_network_path(share / "not yet" / "made" / "gonghui.sqlite3")  # judged by the folder that exists
    assert not is_network_path(tmp_path / "gonghui.sqlite3")
    monkeypatch.setattr(file_lock, "PROC_MOUNTS", tmp_path / "missing")
    assert not is_network_path(share / "gonghui.sqlite3")  # unknown: local


def test_the_real_mount_table_calls_this_folder_local(tmp_path):
    assert is_network_path(tmp_path / "gonghui.sqlite3") is False


def test_macos_mount_lines():
    text = ("/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)\n"
            "//zhang@NAS._smb._tcp.local/工会 on /Volumes/工会 (smbfs, nodev, nosuid, mounted by zhang)\n"
            "nas:/export on /Volumes/export (nfs, asynchronous)\n")
    mounts = parse_mount_output(text)
    assert mounts == [("/", "apfs"), ("/Volumes/工会", "smbfs"), ("/Volumes/export", "nfs")]
    assert filesystem_type("/Volumes/工会/gonghui.sqlite3", mounts) == "smbfs"


@pytest.mark.parametrize("path, remote", [
    (r"\\fileserver\工会\gonghui.sqlite3", True),
    ("//fileserver/share/gonghui.sqlite3", True),
    (r"\\?\UNC\fileserver\share\gonghui.sqlite3", True),
    (r"Z:\工会\gonghui.sqlite3", True),  # a mapped network drive
    (r"z:\gonghui.sqlite3", True),
    (r"C:\Users\zhang\AppData\Local\gonghui-desk\gonghui.sqlite3", False),
    (r"\\?\C:\data\gonghui.sqlite3", False),
    (r"\\?\Z:\data\gonghui.sqlite3", True),
    (r"\\.\PhysicalDrive0", False),
])
def test_windows_paths(path, remote):
    drive_types = {"C:\\": 3, "Z:\\": file_lock.DRIVE_REMOTE}  # DRIVE_FIXED, DRIVE_REMOTE
    assert windows_path_is_network(path, lambda root: drive_types.get(root, 0)) is remote
