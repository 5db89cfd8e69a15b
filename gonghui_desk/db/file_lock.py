"""One program at a time on a database file, and telling network folders apart.

Why a lock of our own: SQLite's locks keep one file consistent between connections, but
(1) in WAL mode the connections share an index in memory (the ``-shm`` file), which two computers on a
network share cannot share, so two PCs opening one file on a shared folder can corrupt it; and (2) even on one
disk two programs (two Windows accounts, or the command line while the window is open) each show and edit
what they read earlier, so one can silently overwrite the other's changes.

So the window and every writing command first create ``<database>.lock`` beside the database, atomically
(``O_CREAT | O_EXCL``: of two programs trying at once exactly one succeeds), holding who opened it (computer,
user, process, the app's version, when) and a heartbeat time the holder rewrites every minute
(:data:`HEARTBEAT_INTERVAL`). Another program finding the file:

- held by a live process on this computer, or by another computer whose heartbeat is fresh: refused with a
  message naming who (:class:`DatabaseInUseError`);
- held by a process on this computer that no longer runs (the app crashed, the PC restarted): taken over
  without asking;
- another computer's (or a hung process's) heartbeat older than :data:`STALE_AFTER`: still refused, but
  ``stale=True``: the window offers 强制打开 (the other PC may be switched off, or only asleep);
- an empty or unreadable lock file: being written right now if younger than :data:`UNREADABLE_GRACE`, else the
  leftover of a crash (a live holder always leaves complete JSON, rewritten by ``os.replace``): taken over.

One process may open the same database several times (the window's worker-thread connections, two contexts on
one file): a per-process registry counts the holders and the file goes away with the last :meth:`release`.
Nothing in :func:`~gonghui_desk.db.connection.open_database` takes the lock: the window (``AppContext``) and
the command line do, for the whole time they work on the file.

:func:`is_network_path` tells whether a file is on a network share (Windows UNC paths and mapped network
drives; NFS/SMB/sshfs… mounts elsewhere): ``open_database`` then uses a rollback journal instead of WAL.
"""

from __future__ import annotations

import atexit
import datetime as dt
import getpass
import json
import logging
import os
import re
import socket
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from gonghui_desk import APP_TITLE, __version__
from gonghui_desk.errors import UserError

log = logging.getLogger(__name__)

LOCK_SUFFIX = ".lock"
HEARTBEAT_INTERVAL = 60  # seconds between the holder's heartbeats
STALE_AFTER = dt.timedelta(minutes=10)  # a heartbeat older than this: the holder is switched off, asleep or hung
UNREADABLE_GRACE = dt.timedelta(seconds=60)  # an empty/garbled lock younger than this may be being written

_registry_lock = threading.RLock()
_held: dict[str, "_Held"] = {}  # normalised database path -> what this process holds
_atexit_registered = False


class DatabaseLockError(UserError):
    """The lock file cannot be made (a read-only folder, a full disk…); the database is not opened."""


@dataclass(frozen=True)
class LockOwner:
    """What a lock file says about its holder (all fields empty when the file is unreadable: ``readable``)."""

    host: str = ""
    user: str = ""
    pid: int = 0
    version: str = ""
    opened_at: dt.datetime | None = None
    heartbeat: dt.datetime | None = None
    token: str = ""
    process_started: str = ""

    @property
    def readable(self) -> bool:
        return bool(self.token)

    def to_json(self) -> str:
        return json.dumps({
            "app": "gonghui-desk", "host": self.host, "user": self.user, "pid": self.pid, "version": self.version,
            "opened_at": _iso(self.opened_at), "heartbeat": _iso(self.heartbeat), "token": self.token,
            "process_started": self.process_started,
        }, ensure_ascii=False, indent=1)

    @classmethod
    def from_bytes(cls, raw: bytes) -> "LockOwner":
        """The owner written in a lock file; an empty ``LockOwner()`` for anything unreadable."""
        try:
            data = json.loads(raw.decode("utf-8"))
            return cls(host=str(data["host"]), user=str(data.get("user", "")), pid=int(data["pid"]),
                       version=str(data.get("version", "")), opened_at=_parse_time(data.get("opened_at")),
                       heartbeat=_parse_time(data.get("heartbeat")), token=str(data["token"]),
                       process_started=str(data.get("process_started") or ""))
        except (ValueError, KeyError, TypeError, AttributeError):
            return cls()


class DatabaseInUseError(UserError):
    """Another program holds the database. ``stale``: its heartbeat is old, the user may force it open."""

    def __init__(self, db_path: Path, lock_path: Path, owner: LockOwner | None, *, stale: bool = False,
                 age: dt.timedelta | None = None, same_host: bool = False, now: dt.datetime | None = None,
                 command_line: bool = False):
        self.db_path = Path(db_path)
        self.lock_path = Path(lock_path)
        self.owner = owner
        self.stale = stale
        self.age = age
        self.same_host = same_host
        self.now = now or _now()
        self.command_line = command_line
        super().__init__(self._message(self.now))

    @property
    def can_force(self) -> bool:
        return self.stale

    def holder_text(self) -> str:
        owner = self.owner
        if owner is None or not owner.readable:
            return "另一个程序"
        if not self.same_host:
            return f"电脑“{owner.host}”上的用户“{owner.user}”"
        if owner.user != current_user():
            return f"本机的另一个用户“{owner.user}”"
        return f"本机上另一个{APP_TITLE}窗口或命令（进程号 {owner.pid}）"

    def _advice(self) -> str:
        owner = self.owner
        if not self.same_host:
            return f"请先在那台电脑上关闭{APP_TITLE}，再打开这个数据库。"
        if owner.user != current_user():
            return f"请先在那个用户的账户中关闭{APP_TITLE}（可通过“切换用户”进入），再打开这个数据库。"
        return "请先关闭那个窗口，或等那个命令运行完，再打开这个数据库。"

    def _message(self, now: dt.datetime) -> str:
        name = self.db_path.name
        owner = self.owner
        if owner is None or not owner.readable:
            return (f"数据库“{name}”正在被另一个程序打开，请稍等片刻再试。"
                    f"如果一直出现这个提示，请确认没有其他电脑或窗口在使用它。")
        since = f"自 {_local_text(owner.opened_at)} 起" if owner.opened_at else ""
        opened = f"于 {_local_text(owner.opened_at)} " if owner.opened_at else ""
        silent = f"由{self.holder_text()}打开，但那边已有{_age_text(self.age)}没有响应。"
        if self.stale and self.command_line:
            return (f"数据库“{name}”{opened}{silent}"
                    f"如果那台电脑已经关机或休眠，或那边的程序已经意外退出，请在{APP_TITLE}的窗口中打开这个数据库"
                    f"并选择“强制打开”（命令行不会强制打开），或在确认无人使用后删除锁定文件“{self.lock_path}”。")
        if self.stale:
            return (f"数据库“{name}”{opened}{silent}\n\n"
                    f"如果那台电脑已经关机或休眠，或那边的程序已经意外退出，可以选择“强制打开”。"
                    f"如果那边的程序其实仍在使用这个数据库，强制打开会让两边同时修改，可能损坏数据或丢失修改。")
        return (f"数据库“{name}”{since}正在被{self.holder_text()}使用。\n\n"
                f"同一个数据库文件不能同时在两台电脑或两个窗口中打开，否则可能损坏数据或丢失修改。{self._advice()}")

    def for_command_line(self) -> "DatabaseInUseError":
        """The same error worded for the command line, which never forces a lock open."""
        return DatabaseInUseError(self.db_path, self.lock_path, self.owner, stale=self.stale, age=self.age,
                                  same_host=self.same_host, now=self.now, command_line=True)

    def details(self) -> str:
        """What the lock file says, line by line (the message box's details, for whoever helps the user)."""
        lines = [f"数据库：{self.db_path}", f"锁定文件：{self.lock_path}"]
        owner = self.owner
        if owner is not None and owner.readable:
            lines += [f"电脑：{owner.host}", f"用户：{owner.user}", f"进程号：{owner.pid}",
                      f"程序版本：{owner.version or '未知'}"]
            if owner.opened_at:
                lines.append(f"打开时间：{_local_text(owner.opened_at)}")
            if owner.heartbeat:
                lines.append(f"最后响应：{_local_text(owner.heartbeat)}")
        else:
            lines.append("锁定文件的内容无法读取（可能正在写入）")
        return "\n".join(lines)


@dataclass
class _Held:
    token: str
    owner: LockOwner
    lock_path: Path
    count: int = 1


class DatabaseLock:
    """The lock on one database file. ``acquire`` / ``release`` pair up; ``with`` also keeps a heartbeat.

    ``heartbeat()`` (every :data:`HEARTBEAT_INTERVAL` seconds while held) returns False when the lock is no
    longer ours (deleted, or taken over by someone who forced it open): stop writing and tell the user.
    """

    def __init__(self, db_path: str | Path, *, app_version: str = __version__,
                 stale_after: dt.timedelta = STALE_AFTER):
        self.db_path = Path(db_path)
        resolved = _resolved(self.db_path)  # a link to the file, or another spelling of it, shares the lock
        self.lock_path = lock_path_for(resolved)
        self.app_version = app_version
        self.stale_after = stale_after
        self.held = False
        self._key = os.path.normcase(str(resolved))
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None

    # --- holding ----------------------------------------------------------------------------
    def acquire(self, *, force: bool = False) -> None:
        """Take the lock or raise :class:`DatabaseInUseError` / :class:`DatabaseLockError`.

        ``force`` takes over a *stale* lock (see the module's notes); a live holder is never overridden.
        """
        if self.held:
            return
        with _registry_lock:
            entry = _held.get(self._key)
            if entry is not None:
                entry.count += 1
            else:
                owner = self._new_owner()
                self._take_file(owner, force=force)
                _held[self._key] = _Held(owner.token, owner, self.lock_path)
                _register_atexit()
            self.held = True

    def release(self) -> None:
        """Give the lock back; the file goes when the process's last holder releases (only if still ours)."""
        self.stop_heartbeat()
        with _registry_lock:
            if not self.held:
                return
            self.held = False
            entry = _held.get(self._key)
            if entry is None:
                return
            entry.count -= 1
            if entry.count > 0:
                return
            del _held[self._key]
            _remove_if_ours(self.lock_path, entry.token)

    def heartbeat(self, now: dt.datetime | None = None) -> bool:
        """Rewrite the heartbeat time; False when the lock file is gone or belongs to someone else.

        A file that cannot be read or written for the moment (the network share does not answer) counts as
        still ours: the next heartbeat tries again.
        """
        with _registry_lock:
            entry = _held.get(self._key) if self.held else None
            if entry is None:
                return False
            try:
                raw = self.lock_path.read_bytes()
            except FileNotFoundError:
                if not self.lock_path.parent.exists():  # the whole share is unreachable, not our file gone
                    return True
                log.warning("lock file %s disappeared", self.lock_path)
                return False
            except OSError as exc:
                log.warning("cannot read lock file %s: %s", self.lock_path, exc)
                return True
            if LockOwner.from_bytes(raw).token != entry.token:
                log.warning("lock file %s was taken over", self.lock_path)
                return False
            owner = replace(entry.owner, heartbeat=now or _now())
            if _write_atomically(self.lock_path, owner.to_json().encode("utf-8"), entry.token):
                entry.owner = owner
            return True

    def current_owner(self) -> LockOwner | None:
        """Who the lock file names now (None: no file)."""
        try:
            return LockOwner.from_bytes(self.lock_path.read_bytes())
        except OSError:
            return None

    def lost_message(self) -> str:
        """What to tell the user when :meth:`heartbeat` returned False."""
        owner = self.current_owner()
        name = self.db_path.name
        if owner is not None and owner.readable:
            if _same_host(owner.host):
                who = f"本机的用户“{owner.user}”（进程号 {owner.pid}）"
            else:
                who = f"电脑“{owner.host}”上的用户“{owner.user}”"
            what = f"数据库“{name}”已被{who}强制打开。"
        else:
            what = f"数据库“{name}”旁边的锁定文件被删除了，可能有其他电脑或窗口在此期间打开过这个数据库。"
        return (f"{what}\n\n为避免两边同时修改造成数据损坏或修改被覆盖，本窗口已停止使用这个数据库，将要关闭。"
                f"此前已保存的修改都在数据库中。请确认那边已经关闭{APP_TITLE}后再重新打开。")

    # --- a heartbeat thread (the command line; the window uses a QTimer) ----------------------------
    def start_heartbeat(self, interval: float = HEARTBEAT_INTERVAL) -> None:
        if self._thread is not None:
            return
        self._stop = threading.Event()
        stop = self._stop

        def beat():
            while not stop.wait(interval):
                if not self.heartbeat():
                    log.error("lost the lock on %s", self.db_path)
                    return

        self._thread = threading.Thread(target=beat, name="database-lock-heartbeat", daemon=True)
        self._thread.start()

    def stop_heartbeat(self) -> None:
        if self._thread is None:
            return
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._thread = self._stop = None

    def __enter__(self) -> "DatabaseLock":
        self.acquire()
        self.start_heartbeat()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()

    # --- the file ----------------------------------------------------------------------------
    def _new_owner(self) -> LockOwner:
        now = _now()
        return LockOwner(host=current_host(), user=current_user(), pid=os.getpid(), version=self.app_version,
                         opened_at=now, heartbeat=now, token=os.urandom(16).hex(),
                         process_started=process_started(os.getpid()) or "")

    def _take_file(self, owner: LockOwner, *, force: bool) -> None:
        data = owner.to_json().encode("utf-8")
        try:
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._cannot_lock(exc) from exc
        for _attempt in range(5):
            try:
                _create_exclusive(self.lock_path, data)
                return
            except FileExistsError:
                pass
            except PermissionError as exc:  # Windows: a lock file being deleted right now, or a read-only folder
                if not self.lock_path.exists():
                    raise self._cannot_lock(exc) from exc
                time.sleep(0.05)
                continue
            except OSError as exc:
                raise self._cannot_lock(exc) from exc
            try:
                raw = self.lock_path.read_bytes()
                modified = dt.datetime.fromtimestamp(self.lock_path.stat().st_mtime, dt.timezone.utc)
            except FileNotFoundError:
                continue  # released meanwhile: try again
            except OSError as exc:
                raise self._cannot_lock(exc) from exc
            in_use = self._judge(LockOwner.from_bytes(raw), modified)
            if in_use is not None and not (force and in_use.stale):
                raise in_use
            if in_use is None:
                log.info("taking over the abandoned lock %s", self.lock_path)
            else:
                log.warning("forcing open %s, held by %s", self.db_path, in_use.owner)
            _take_over(self.lock_path, raw)
        raise DatabaseInUseError(self.db_path, self.lock_path, None)

    def _judge(self, owner: LockOwner, modified: dt.datetime) -> DatabaseInUseError | None:
        """None: nobody holds the file any more (take it over); else the error to raise (maybe stale)."""
        now = _now()
        if not owner.readable:
            if now - modified < UNREADABLE_GRACE:
                return DatabaseInUseError(self.db_path, self.lock_path, None, now=now)
            return None
        same = _same_host(owner.host)
        fresh = max(t for t in (owner.heartbeat, modified, owner.opened_at) if t is not None)
        age = max(now - fresh, dt.timedelta(0))
        stale = age > self.stale_after
        if same and not process_running(owner.pid, owner.process_started):
            return None
        return DatabaseInUseError(self.db_path, self.lock_path, owner, stale=stale, age=age, same_host=same, now=now)

    def _cannot_lock(self, exc: OSError) -> DatabaseLockError:
        return DatabaseLockError(
            f"无法在数据库所在的文件夹“{self.lock_path.parent}”中建立锁定文件（{exc.strerror or exc}）。\n\n"
            f"{APP_TITLE}需要在数据库旁边写入文件，以免两台电脑或两个窗口同时修改同一个数据库。"
            f"这个文件夹可能是只读的、没有写入权限或磁盘已满：请把数据库复制到可以写入的文件夹（如“文档”）后再打开。")


def lock_for_command(db_path: str | Path, *, reading: bool = False) -> DatabaseLock | None:
    """The lock a command-line run holds until it ends (the caller releases it), with a heartbeat thread.

    ``reading``: a command that only reads (a report, an export, a dry run). It takes the lock when it is free
    (its opening may still upgrade the file), takes none for a file that does not exist (the command reports
    that itself), and goes ahead without it when the holder is the window on this computer, the file is on a
    local disk and needs no upgrade: SQLite (WAL) lets one program read while another writes.
    Raises :class:`DatabaseInUseError` worded for the command line.
    """
    path = Path(db_path)
    if reading and not path.exists():
        return None
    lock = DatabaseLock(path)
    try:
        lock.acquire()
    except DatabaseInUseError as exc:
        if reading and exc.same_host and not exc.stale and exc.owner is not None and not is_network_path(path):
            from gonghui_desk.db.connection import needs_upgrade

            if not needs_upgrade(path):
                return None
        raise exc.for_command_line() from None
    lock.start_heartbeat()
    return lock


# --- who and where -------------------------------------------------------------------------------
def lock_path_for(db_path: str | Path) -> Path:
    path = Path(db_path)
    return path.with_name(path.name + LOCK_SUFFIX)


def current_host() -> str:
    try:
        return socket.gethostname() or os.environ.get("COMPUTERNAME", "") or "unknown"
    except OSError:
        return os.environ.get("COMPUTERNAME", "unknown")


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment nor the password database
        return Path.home().name


def held_locks() -> dict[str, int]:
    """This process's locks: database path -> how many holders (for tests and diagnostics)."""
    with _registry_lock:
        return {key: entry.count for key, entry in _held.items()}


def read_lock(db_path: str | Path) -> LockOwner | None:
    """Who holds ``db_path`` according to its lock file (None: not locked)."""
    try:
        return LockOwner.from_bytes(lock_path_for(_resolved(Path(db_path))).read_bytes())
    except OSError:
        return None


def _same_host(host: str) -> bool:
    return host.casefold() == current_host().casefold()


def _resolved(db_path: Path) -> Path:
    try:
        return db_path.resolve()
    except OSError:
        return db_path.absolute()


# --- processes -------------------------------------------------------------------------------------
def process_running(pid: int, started: str = "") -> bool:
    """Whether process ``pid`` on this computer still runs (and, when known, is the same process)."""
    if pid <= 0:
        return False
    if pid == os.getpid():  # this process under another name for the file, or a leftover of a reused number
        return (process_started(pid) or "") == started
    if not _pid_alive(pid):
        return False
    if started:
        now_started = process_started(pid)
        if now_started and now_started != started:
            return False  # the number was given to another process
    return True


def _pid_alive(pid: int) -> bool:
    if sys.platform == "win32":
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except OSError:
        return True
    return True


def _windows_pid_alive(pid: int) -> bool:  # pragma: no cover - Windows only
    PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
    ERROR_ACCESS_DENIED = 5
    STILL_ACTIVE = 259
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.OpenProcess.restype = ctypes.c_void_p
    handle = kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
    if not handle:
        return ctypes.get_last_error() == ERROR_ACCESS_DENIED  # another account's process is alive
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(ctypes.c_void_p(handle), ctypes.byref(code)):
            return True
        return code.value == STILL_ACTIVE
    finally:
        kernel32.CloseHandle(ctypes.c_void_p(handle))


def process_started(pid: int) -> str | None:
    """A mark of when process ``pid`` started (tells a reused process number apart), or None if unknown."""
    try:
        if sys.platform.startswith("linux"):
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
            return f"{boot}:{fields[19]}"
        if sys.platform == "win32":  # pragma: no cover - Windows only
            return _windows_process_started(pid)
    except (OSError, ValueError, IndexError):
        return None
    return None


def _windows_process_started(pid: int) -> str | None:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.OpenProcess.restype = ctypes.c_void_p
    handle = kernel32.OpenProcess(0x1000, False, pid)
    if not handle:
        return None
    try:
        times = [ctypes.c_ulonglong() for _ in range(4)]
        if not kernel32.GetProcessTimes(ctypes.c_void_p(handle), *[ctypes.byref(t) for t in times]):
            return None
        return str(times[0].value)
    finally:
        kernel32.CloseHandle(ctypes.c_void_p(handle))


# --- files -------------------------------------------------------------------------------------------
def _create_exclusive(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    except OSError:
        os.close(fd)
        _unlink_quietly(path)
        raise
    os.close(fd)


def _write_atomically(path: Path, data: bytes, token: str) -> bool:
    """Replace ``path`` with ``data`` (a temporary file, then ``os.replace``); False if it could not."""
    tmp = path.with_name(f"{path.name}.{token[:8]}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        for attempt in range(5):
            try:
                os.replace(tmp, path)
                return True
            except PermissionError:  # Windows: someone is reading the file at this moment
                time.sleep(0.05 * (attempt + 1))
    except OSError as exc:
        log.warning("cannot rewrite lock file %s: %s", path, exc)
    _unlink_quietly(tmp)
    return False


def _take_over(lock_path: Path, judged: bytes) -> None:
    """Move an abandoned lock out of the way, unless it changed since it was judged abandoned.

    Renaming (rather than deleting) is atomic: of two programs taking over at once only one moves it; and the
    moved file is compared with what was judged, so a lock made meanwhile by a third program is put back.
    """
    aside = lock_path.with_name(f"{lock_path.name}.{os.urandom(4).hex()}.old")
    try:
        os.rename(lock_path, aside)
    except FileNotFoundError:
        return
    try:
        moved = aside.read_bytes()
    except OSError:
        moved = judged
    if moved != judged:
        try:
            _rename_without_replacing(aside, lock_path)
        except OSError:
            pass
        return
    _unlink_quietly(aside)


def _rename_without_replacing(source: Path, target: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover - Windows' rename never replaces
        os.rename(source, target)
        return
    os.link(source, target)  # fails if target exists
    os.unlink(source)


def _remove_if_ours(lock_path: Path, token: str) -> None:
    try:
        owner = LockOwner.from_bytes(lock_path.read_bytes())
    except OSError:
        return
    if owner.token == token:
        _unlink_quietly(lock_path)


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _release_all_at_exit() -> None:
    with _registry_lock:
        for key, entry in list(_held.items()):
            _remove_if_ours(entry.lock_path, entry.token)
            del _held[key]


def _register_atexit() -> None:
    global _atexit_registered
    if not _atexit_registered:
        atexit.register(_release_all_at_exit)
        _atexit_registered = True


# --- times ----------------------------------------------------------------------------------------------
def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).astimezone()


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def _parse_time(value) -> dt.datetime | None:
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        parsed = parsed.astimezone()  # a naive time is this computer's local time
    return parsed


def _local_text(value: dt.datetime) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


def _age_text(age: dt.timedelta | None) -> str:
    if age is None:
        return "一段时间"
    minutes = int(age.total_seconds() // 60)
    if minutes < 60:
        return f" {max(minutes, 1)} 分钟"
    hours = minutes // 60
    if hours < 48:
        return f" {hours} 小时"
    return f" {hours // 24} 天"


# --- network folders -----------------------------------------------------------------------------
# File systems on which SQLite's WAL mode is unsafe: network shares, and shared folders of virtual machines
# and WSL 2 (9p), where the -shm memory cannot be shared with the other side.
NETWORK_FS_TYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "coda", "ceph", "glusterfs", "lustre",
    "gpfs", "davfs", "9p", "v9fs", "drvfs", "vboxsf", "vmhgfs", "prl_fs", "afpfs", "webdav",
    "fuse.sshfs", "fuse.davfs2", "fuse.gvfsd-fuse", "fuse.rclone", "fuse.s3fs", "fuse.glusterfs", "fuse.cephfs",
    "fuse.vmhgfs-fuse", "fuse.smbnetfs",
})
DRIVE_REMOTE = 4
PROC_MOUNTS = Path("/proc/self/mounts")


def is_network_path(path: str | Path) -> bool:
    """True when ``path`` is on a network share (or a VM/WSL shared folder). Unknown: False."""
    try:
        if sys.platform == "win32":  # pragma: no cover - Windows only
            return windows_path_is_network(os.path.abspath(str(path)), _windows_drive_type)
        resolved = str(_existing_ancestor(Path(path)).resolve())
        if sys.platform == "darwin":  # pragma: no cover - macOS only
            import subprocess

            try:
                text = subprocess.run(["/sbin/mount"], capture_output=True, text=True, timeout=5).stdout
            except subprocess.SubprocessError:
                return False
            mounts = parse_mount_output(text)
        else:
            mounts = parse_proc_mounts(PROC_MOUNTS.read_text(errors="replace"))
    except (OSError, ValueError):
        return False
    fs_type = filesystem_type(resolved, mounts)
    return fs_type is not None and fs_type.lower() in NETWORK_FS_TYPES


def windows_path_is_network(path: str, drive_type) -> bool:
    """A Windows path is remote when it is a UNC path or on a drive ``drive_type("X:\\\\")`` calls remote."""
    text = path.replace("/", "\\")
    if text.upper().startswith("\\\\?\\UNC\\"):
        return True
    if text.startswith("\\\\?\\") or text.startswith("\\\\.\\"):
        text = text[4:]
        if not re.match(r"^[A-Za-z]:", text):
            return False  # a device or volume name
    elif text.startswith("\\\\"):
        return True
    if re.match(r"^[A-Za-z]:", text):
        return drive_type(text[:2].upper() + "\\") == DRIVE_REMOTE
    return False


def _windows_drive_type(root: str) -> int:  # pragma: no cover - Windows only
    import ctypes

    return ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root))


def _existing_ancestor(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def _unescape_mount(text: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)


def parse_proc_mounts(text: str) -> list[tuple[str, str]]:
    """(mount point, file system type) from Linux's /proc/mounts, in order (later mounts cover earlier ones)."""
    mounts = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            mounts.append((_unescape_mount(parts[1]), parts[2]))
    return mounts


def parse_mount_output(text: str) -> list[tuple[str, str]]:
    """(mount point, file system type) from macOS's ``mount`` lines: ``//u@srv/share on /Volumes/share (smbfs, …)``."""
    mounts = []
    for line in text.splitlines():
        match = re.match(r"^.* on (/.*?) \(([^,)]+)", line)
        if match:
            mounts.append((match.group(1), match.group(2).strip()))
    return mounts


def filesystem_type(path: str, mounts: list[tuple[str, str]]) -> str | None:
    """The type of the file system holding ``path`` (an absolute, resolved path): its longest mount point."""
    best, best_type = -1, None
    for point, fs_type in mounts:
        prefix = point.rstrip("/")
        if path == point or path.startswith(prefix + "/") or point == "/":
            if len(prefix) >= best:
                best, best_type = len(prefix), fs_type
    return best_type
