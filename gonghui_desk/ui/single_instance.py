"""One running app per user account: a second start hands its request to the running window and quits.

As in Anki's ``aqt``: the first instance listens on a QLocalServer (a named pipe on Windows, a socket file
in the temp folder elsewhere) whose name is derived from the user name; a later start connects, sends
which database it was asked to open and waits for a one-line acknowledgement.  No acknowledgement means
nobody is running and this process becomes the listening one.

Wire format: a 4-byte big-endian length and the UTF-8 message; the server answers ``ok\\n``.
"""

from __future__ import annotations

import ctypes
import getpass
import hashlib
import json
import os
import struct
import sys
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

KEY_ENVIRONMENT_VARIABLE = "GONGHUI_DESK_INSTANCE_KEY"
KEY_PREFIX = "gonghui-desk-"
# The NSIS installer opens this exact name to tell that the app is running.
RUNNING_MUTEX_NAME = "gonghui-desk-running"

ACK = b"ok\n"
HEADER = struct.Struct(">I")
MAX_MESSAGE_BYTES = 1 << 20
IDLE_CONNECTION_MS = 5000  # a connection that sends nothing complete is dropped after this
PROBE_MS = 300
WAIT_SLICE_MS = 20
# A running window answers at once; a busy one (or one still starting up) may take a few seconds.
RUNNING_TIMEOUT_MS = 3000
STARTING_TIMEOUT_MS = 10000

ASFW_ANY = -1
ERROR_ALREADY_EXISTS = 183

_running_mutex = None  # the mutex handle, kept for the process lifetime


def instance_key() -> str:
    """The server name for this user account (``GONGHUI_DESK_INSTANCE_KEY`` overrides it, as tests do)."""
    override = os.environ.get(KEY_ENVIRONMENT_VARIABLE)
    if override:
        return override
    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment nor the password database
        user = str(Path.home())
    return KEY_PREFIX + hashlib.sha256(user.encode("utf-8")).hexdigest()[:12]


def request_message(db_path: str | Path) -> str:
    """What a second start sends: the database it was asked to open."""
    return json.dumps({"db": str(Path(db_path).resolve())}, ensure_ascii=False)


def requested_database(message: str) -> str | None:
    """The database named in a :func:`request_message`; None for anything else."""
    try:
        value = json.loads(message).get("db")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and value else None


def allow_set_foreground_window() -> None:
    """Windows: let any process (the running instance) take the foreground; no-op elsewhere."""
    if sys.platform != "win32":
        return
    try:
        ctypes.windll.user32.AllowSetForegroundWindow(ASFW_ANY)
    except Exception:  # pragma: no cover - Windows only, and never worth failing the start for
        pass


def hold_running_mutex() -> bool:
    """Windows: hold the named mutex the installer looks for, for the rest of this process; no-op elsewhere.

    Returns False only when another process of this app already held it (it is starting or running);
    True otherwise, also when the mutex could not be made.  Never raises.
    """
    global _running_mutex
    if sys.platform != "win32" or _running_mutex is not None:
        return True
    try:
        from ctypes import wintypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        create = kernel32.CreateMutexW
        create.argtypes = (ctypes.c_void_p, wintypes.BOOL, wintypes.LPCWSTR)
        create.restype = wintypes.HANDLE
        handle = create(None, False, RUNNING_MUTEX_NAME)
        if not handle:
            return True
        _running_mutex = handle
        return ctypes.get_last_error() != ERROR_ALREADY_EXISTS
    except Exception:  # pragma: no cover - Windows only
        return True


class SingleInstance(QObject):
    """The local server of the running instance, and the client side of a second start."""

    message_received = Signal(str)

    def __init__(self, key: str, parent: QObject | None = None):
        super().__init__(parent)
        self.key = key
        self.server: QLocalServer | None = None
        self.name_in_use = False  # listen() found a live instance holding the name
        self._buffers: dict[QLocalSocket, bytearray] = {}  # connections still sending, and what came so far
        self._started: dict[QLocalSocket, float] = {}
        self._sweeper = QTimer(self)
        self._sweeper.setInterval(1000)
        self._sweeper.timeout.connect(self._drop_idle)

    # --- a second start --------------------------------------------------------------------
    def send_to_running(self, message: str, timeout_ms: int = 1000) -> bool:
        """Hand ``message`` to the running instance; True only when it acknowledged within ``timeout_ms``."""
        allow_set_foreground_window()
        deadline = time.monotonic() + timeout_ms / 1000

        def wait(step) -> bool:
            """``step(ms)`` in short slices until it succeeds or the time is up.

            PySide keeps the interpreter lock during a Qt wait; short slices let a server in this very
            process (as in the tests) answer meanwhile.
            """
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                if step(max(1, min(WAIT_SLICE_MS, int(left * 1000)))):
                    return True
                if socket.state() == QLocalSocket.LocalSocketState.UnconnectedState:
                    return False

        data = message.encode("utf-8")
        socket = QLocalSocket()
        try:
            socket.connectToServer(self.key)
            if socket.state() != QLocalSocket.LocalSocketState.ConnectedState and not wait(socket.waitForConnected):
                return False
            socket.write(HEADER.pack(len(data)) + data)
            while socket.bytesToWrite() and wait(socket.waitForBytesWritten):
                pass
            reply = bytearray()
            while b"\n" not in reply:
                if not socket.bytesAvailable() and not wait(socket.waitForReadyRead):
                    reply += socket.readAll().data()  # whatever came with the hang-up
                    break
                reply += socket.readAll().data()
            return bytes(reply[:reply.find(b"\n") + 1]) == ACK
        finally:
            socket.abort()

    # --- the running instance ----------------------------------------------------------------
    def listen(self) -> bool:
        """Start the server (only this user may connect); False when it could not, e.g. a live one holds the name.

        A name left behind by a crashed instance (a socket file nobody answers on) is taken over.
        """
        if self.server is not None and self.server.isListening():
            return True
        self.name_in_use = self._live_server_exists()
        if self.name_in_use:  # with access options Qt would silently take the name over from it
            return False
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        ok = server.listen(self.key)
        if not ok and server.serverError() == QAbstractSocket.SocketError.AddressInUseError:
            QLocalServer.removeServer(self.key)
            ok = server.listen(self.key)
        if not ok:
            server.deleteLater()
            return False
        server.newConnection.connect(self._accept)
        self.server = server
        return True

    def is_listening(self) -> bool:
        return self.server is not None and self.server.isListening()

    def close(self) -> None:
        """Stop listening (removes the socket file) and drop unfinished connections."""
        self._sweeper.stop()
        for socket in list(self._buffers):
            socket.abort()
        self._buffers.clear()
        self._started.clear()
        if self.server is not None:
            self.server.close()
            self.server.deleteLater()
            self.server = None

    def _live_server_exists(self) -> bool:
        probe = QLocalSocket()
        probe.connectToServer(self.key)
        alive = probe.waitForConnected(PROBE_MS)
        probe.abort()
        return alive

    def _accept(self) -> None:
        while self.server is not None and self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            self._buffers[socket] = bytearray()
            self._started[socket] = time.monotonic()
            # Bound methods and sender(), not lambdas holding the socket: a lambda's reference released
            # while Qt destroys the socket crashes PySide.
            socket.readyRead.connect(self._on_ready_read)
            socket.disconnected.connect(self._on_disconnected)
            self._read(socket)  # bytes may have arrived with the connection
        if self._buffers and not self._sweeper.isActive():
            self._sweeper.start()

    def _on_ready_read(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._read(socket)

    def _on_disconnected(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._buffers.pop(socket, None)
            self._started.pop(socket, None)
            socket.deleteLater()

    def _drop_idle(self) -> None:
        """Connections that sent nothing complete for a while are cut (a stuck or foreign client)."""
        too_old = time.monotonic() - IDLE_CONNECTION_MS / 1000
        for socket, started in list(self._started.items()):
            if started < too_old:
                socket.abort()
        if not self._buffers:
            self._sweeper.stop()

    def _read(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer += socket.readAll().data()
        if len(buffer) < HEADER.size:
            return
        (length,) = HEADER.unpack_from(buffer)
        if length > MAX_MESSAGE_BYTES:
            socket.abort()
            return
        if len(buffer) < HEADER.size + length:
            return  # the rest comes in a later chunk
        message = bytes(buffer[HEADER.size:HEADER.size + length]).decode("utf-8", errors="replace")
        del self._buffers[socket]
        self._started.pop(socket, None)
        socket.write(ACK)
        socket.flush()
        if socket.bytesToWrite():  # out before the signal's slot runs (it may not return to the event loop soon)
            socket.waitForBytesWritten(200)
        socket.disconnectFromServer()  # once the acknowledgement is written; then deleted
        self.message_received.emit(message)


def start_guard(message: str, key: str | None = None) -> SingleInstance | None:
    """None when a running instance took ``message``; else this process's guard (listening if it could).

    Two starts at the same moment: the one that finds the name (or on Windows the mutex) taken waits for
    the other to answer.  Failing all that the app starts anyway: it never refuses to start.
    """
    guard = SingleInstance(key or instance_key())
    if guard.send_to_running(message, RUNNING_TIMEOUT_MS):
        return None
    first = hold_running_mutex()
    if first and guard.listen():
        return guard
    if (guard.name_in_use or not first) and guard.send_to_running(message, STARTING_TIMEOUT_MS):
        return None
    if not guard.is_listening():
        guard.listen()
    return guard
