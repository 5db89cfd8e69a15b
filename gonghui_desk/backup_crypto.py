"""Password-encrypted backup files (``.ghbak``): authenticated encryption with the ``cryptography`` package.

The key is derived from the password with scrypt (a random 16-byte salt per file, so the same password never
gives the same key twice); the database is sealed with AES-256-GCM in chunks of :data:`CHUNK_SIZE` bytes, each
with its own nonce (the chunk's number) and, as associated data, the whole file header, the chunk's number and
a flag saying whether it is the last chunk. So a wrong password, a changed byte anywhere (header, salt, data or
tag), chunks swapped, a file cut short at any point or a chunk added after the end all fail the same check, and
nothing of the plaintext is written out before a chunk has passed it. A decrypted file is written beside its
target as ``.part`` and renamed only once every chunk checked out; a failure removes it.

File layout (all integers big-endian)::

    magic       15 bytes  b"GONGHUI-BACKUP\\x00"
    version      1 byte   1
    kdf          1 byte   1 = scrypt
    log2_n       1 byte   scrypt cost (17: 128 MiB of memory)
    r, p         1 byte each
    salt        16 bytes
    chunk_size   4 bytes
    chunks      (chunk_size bytes of ciphertext + 16-byte tag) …, the last one shorter (possibly 0 + 16)

There is no way back without the password: it is not stored anywhere, and no one can recover it.
"""

from __future__ import annotations

import os
import struct
import unicodedata
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from gonghui_desk.errors import UserError
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel

MAGIC = b"GONGHUI-BACKUP\x00"
FORMAT_VERSION = 1
KDF_SCRYPT = 1
SCRYPT_LOG2_N = 17
SCRYPT_R = 8
SCRYPT_P = 1
SALT_SIZE = 16
KEY_SIZE = 32
TAG_SIZE = 16
CHUNK_SIZE = 1024 * 1024
ENCRYPTED_SUFFIX = ".ghbak"
_HEADER = struct.Struct(">15sBBBBB16sI")
HEADER_SIZE = _HEADER.size
# what a header may ask for: enough for any file this module writes, bounded so that a made-up header cannot
# make the key derivation take gigabytes of memory
_LOG2_N_RANGE = range(14, 21)
_R_RANGE = range(1, 17)
_P_RANGE = range(1, 5)
_CHUNK_RANGE = range(4096, 16 * 1024 * 1024 + 1)

WRONG_PASSWORD = "密码不对，或备份文件已被改动"


class DecryptionError(UserError):
    """The file could not be decrypted: wrong password, changed, cut short, or not an encrypted backup."""


def is_encrypted(path: str | Path) -> bool:
    """Whether ``path`` starts like a file written by :func:`encrypt_file`."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def _password_bytes(password: str | None) -> bytes:
    if password is None or password == "":
        raise UserError("请设置密码")
    # the same password typed on another keyboard or input method gives the same bytes
    return unicodedata.normalize("NFC", password).encode("utf-8")


def _derive_key(password: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=KEY_SIZE, n=2 ** log2_n, r=r, p=p).derive(_password_bytes(password))


def _nonce(index: int) -> bytes:
    return index.to_bytes(12, "big")


def _associated(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">QB", index, 1 if final else 0)


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def encrypt_file(src: str | Path, dst: str | Path, password: str, *, progress: Progress | None = None,
                 is_cancelled: IsCancelled | None = None, log2_n: int = SCRYPT_LOG2_N,
                 chunk_size: int = CHUNK_SIZE) -> Path:
    """Write ``src`` encrypted with ``password`` to ``dst`` (through ``dst.part``, renamed when complete)."""
    src, dst = Path(src), Path(dst)
    _password_bytes(password)  # refuses an empty password before anything is written
    if log2_n not in _LOG2_N_RANGE or chunk_size not in _CHUNK_RANGE:
        raise ValueError("unsupported encryption parameters")
    salt = os.urandom(SALT_SIZE)
    header = _HEADER.pack(MAGIC, FORMAT_VERSION, KDF_SCRYPT, log2_n, SCRYPT_R, SCRYPT_P, salt, chunk_size)
    aead = AESGCM(_derive_key(password, salt, log2_n, SCRYPT_R, SCRYPT_P))
    total = max(src.stat().st_size, 1)
    dst.parent.mkdir(parents=True, exist_ok=True)
    part = dst.with_name(dst.name + ".part")
    try:
        with open(src, "rb") as source, open(part, "wb") as out:
            out.write(header)
            index, done = 0, 0
            chunk = source.read(chunk_size)
            while True:
                check_cancel(is_cancelled)
                following = source.read(chunk_size) if len(chunk) == chunk_size else b""
                final = not following
                out.write(aead.encrypt(_nonce(index), chunk, _associated(header, index, final)))
                done += len(chunk)
                if progress:
                    progress(min(done, total), total, "正在加密…")
                if final:
                    break
                chunk, index = following, index + 1
            out.flush()
            os.fsync(out.fileno())
        part.replace(dst)
    except BaseException:
        _remove(part)
        raise
    return dst


def read_header(path: str | Path) -> tuple[bytes, int, int, int, bytes, int]:
    """(header bytes, log2_n, r, p, salt, chunk_size) of an encrypted backup; :class:`DecryptionError` when
    the file is not one this version can read."""
    with open(path, "rb") as fh:
        header = fh.read(HEADER_SIZE)
    if not header.startswith(MAGIC):
        raise DecryptionError(f"“{Path(path).name}”不是加密的备份文件")
    if len(header) < HEADER_SIZE:
        raise DecryptionError(f"加密备份“{Path(path).name}”不完整（文件头被截断）")
    magic, version, kdf, log2_n, r, p, salt, chunk_size = _HEADER.unpack(header)
    if version != FORMAT_VERSION or kdf != KDF_SCRYPT:
        raise DecryptionError(f"加密备份“{Path(path).name}”由更新版本的基层工会工作台创建，请升级软件后再恢复")
    if log2_n not in _LOG2_N_RANGE or r not in _R_RANGE or p not in _P_RANGE or chunk_size not in _CHUNK_RANGE:
        raise DecryptionError(WRONG_PASSWORD)  # only a changed header has such values
    return header, log2_n, r, p, salt, chunk_size


def decrypt_file(src: str | Path, dst: str | Path, password: str, *, progress: Progress | None = None,
                 is_cancelled: IsCancelled | None = None) -> Path:
    """Decrypt ``src`` to ``dst``; :class:`DecryptionError` ("密码不对，或备份文件已被改动") when the password
    is wrong or any byte was changed, removed or added. ``dst`` appears only when the whole file checked out."""
    src, dst = Path(src), Path(dst)
    _password_bytes(password)
    header, log2_n, r, p, salt, chunk_size = read_header(src)
    aead = AESGCM(_derive_key(password, salt, log2_n, r, p))
    sealed_size = chunk_size + TAG_SIZE
    total = max(src.stat().st_size - HEADER_SIZE, 1)
    dst.parent.mkdir(parents=True, exist_ok=True)
    part = dst.with_name(dst.name + ".part")
    try:
        with open(src, "rb") as source, open(part, "wb") as out:
            source.seek(HEADER_SIZE)
            index, done = 0, 0
            sealed = source.read(sealed_size)
            while True:
                check_cancel(is_cancelled)
                following = source.read(sealed_size) if len(sealed) == sealed_size else b""
                final = not following
                if len(sealed) < TAG_SIZE:
                    raise DecryptionError(WRONG_PASSWORD)
                try:
                    out.write(aead.decrypt(_nonce(index), sealed, _associated(header, index, final)))
                except InvalidTag:
                    raise DecryptionError(WRONG_PASSWORD) from None
                done += len(sealed)
                if progress:
                    progress(min(done, total), total, "正在解密…")
                if final:
                    break
                sealed, index = following, index + 1
        part.replace(dst)
    except BaseException:
        _remove(part)
        raise
    return dst


__all__ = ["CHUNK_SIZE", "ENCRYPTED_SUFFIX", "MAGIC", "WRONG_PASSWORD", "DecryptionError", "decrypt_file",
           "encrypt_file", "is_encrypted", "read_header"]
