"""Encrypted backup files: authenticated, chunked, restorable only with the password."""

from __future__ import annotations

import os

import pytest

from gonghui_desk import backup_crypto
from gonghui_desk.backup_crypto import (HEADER_SIZE, TAG_SIZE, DecryptionError, decrypt_file, encrypt_file,
                                        is_encrypted)
from gonghui_desk.errors import Cancelled, UserError

CHUNK = 4096  # small chunks, so that a few kilobytes make several of them
FAST = 14  # the cheapest scrypt cost the format accepts, for the tests that are not about the key derivation


@pytest.fixture
def plain(tmp_path):
    path = tmp_path / "plain.bin"
    path.write_bytes(os.urandom(CHUNK * 3 + 123))  # three full chunks and a short last one
    return path


def seal(plain, tmp_path, password="正确的密码", **kwargs):
    kwargs.setdefault("log2_n", FAST)
    kwargs.setdefault("chunk_size", CHUNK)
    return encrypt_file(plain, tmp_path / "backup.ghbak", password, **kwargs)


def refused(src, tmp_path, password="正确的密码"):
    out = tmp_path / "out" / "restored.bin"
    with pytest.raises(DecryptionError) as raised:
        decrypt_file(src, out, password)
    assert not out.exists() and not out.with_name(out.name + ".part").exists()
    return str(raised.value)


def test_round_trip_with_the_default_parameters(plain, tmp_path):
    progress = []
    sealed = encrypt_file(plain, tmp_path / "usb" / "备份.ghbak", "我的密码 2026",
                          progress=lambda done, total, text: progress.append((done, total)))
    assert is_encrypted(sealed) and not is_encrypted(plain)
    data = sealed.read_bytes()
    assert plain.read_bytes()[:64] not in data
    assert data[15] == 1 and data[17] == backup_crypto.SCRYPT_LOG2_N  # version, scrypt cost 2**17
    assert len(data) == HEADER_SIZE + plain.stat().st_size + TAG_SIZE  # one 1 MiB chunk
    assert progress[-1] == (plain.stat().st_size, plain.stat().st_size)
    out = decrypt_file(sealed, tmp_path / "restored.bin", "我的密码 2026")
    assert out.read_bytes() == plain.read_bytes()
    assert not list(tmp_path.rglob("*.part"))


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK * 2, CHUNK * 2 + 1])
def test_round_trip_at_chunk_boundaries(tmp_path, size):
    plain = tmp_path / "plain.bin"
    plain.write_bytes(os.urandom(size))
    sealed = seal(plain, tmp_path)
    chunks = max(1, -(-size // CHUNK))
    assert sealed.stat().st_size == HEADER_SIZE + size + chunks * TAG_SIZE
    assert decrypt_file(sealed, tmp_path / "back.bin", "正确的密码").read_bytes() == plain.read_bytes()


def test_the_same_password_gives_a_different_file_each_time(plain, tmp_path):
    first = seal(plain, tmp_path).read_bytes()
    second = encrypt_file(plain, tmp_path / "again.ghbak", "正确的密码", log2_n=FAST, chunk_size=CHUNK).read_bytes()
    assert first[:17] == second[:17] and first[21:37] != second[21:37]  # same format, another salt
    assert first[HEADER_SIZE:] != second[HEADER_SIZE:]


def test_the_password_is_normalised(plain, tmp_path):
    sealed = seal(plain, tmp_path, password="cafe\u0301")  # e + combining accent
    assert decrypt_file(sealed, tmp_path / "back.bin", "caf\u00e9").read_bytes() == plain.read_bytes()


def test_wrong_password(plain, tmp_path):
    sealed = seal(plain, tmp_path)
    assert refused(sealed, tmp_path, "错误的密码") == "密码不对，或备份文件已被改动"
    assert refused(sealed, tmp_path, "正确的密码 ") == "密码不对，或备份文件已被改动"


def flipped(path, offset):
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    changed = path.with_name(f"flipped-{offset}.ghbak")
    changed.write_bytes(bytes(data))
    return changed


@pytest.mark.parametrize("region", ["version", "cost", "r", "p", "salt", "chunk size", "first chunk",
                                    "first tag", "middle chunk", "last chunk", "last tag"])
def test_a_flipped_byte_anywhere_is_detected(plain, tmp_path, region):
    sealed = seal(plain, tmp_path)
    sealed_chunk = CHUNK + TAG_SIZE
    size = sealed.stat().st_size
    offset = {"version": 15, "cost": 17, "r": 18, "p": 19, "salt": 25, "chunk size": HEADER_SIZE - 1,
              "first chunk": HEADER_SIZE + 10, "first tag": HEADER_SIZE + CHUNK + 3,
              "middle chunk": HEADER_SIZE + sealed_chunk + 100, "last chunk": size - TAG_SIZE - 5,
              "last tag": size - 1}[region]
    message = refused(flipped(sealed, offset), tmp_path)
    assert message in ("密码不对，或备份文件已被改动", "加密备份“flipped-15.ghbak”由更新版本的基层工会工作台创建，请升级软件后再恢复")


def test_a_changed_magic_is_not_an_encrypted_backup(plain, tmp_path):
    changed = flipped(seal(plain, tmp_path), 3)
    assert not is_encrypted(changed)
    assert "不是加密的备份文件" in refused(changed, tmp_path)


@pytest.mark.parametrize("keep", ["header only", "half header", "one chunk", "at a chunk boundary",
                                  "mid chunk", "without the last tag byte"])
def test_a_truncated_file_is_detected(plain, tmp_path, keep):
    sealed = seal(plain, tmp_path)
    data = sealed.read_bytes()
    length = {"header only": HEADER_SIZE, "half header": HEADER_SIZE // 2,
              "one chunk": HEADER_SIZE + CHUNK + TAG_SIZE, "at a chunk boundary": HEADER_SIZE + 3 * (CHUNK + TAG_SIZE),
              "mid chunk": HEADER_SIZE + CHUNK + 500, "without the last tag byte": len(data) - 1}[keep]
    cut = tmp_path / "cut.ghbak"
    cut.write_bytes(data[:length])
    message = refused(cut, tmp_path)
    assert message in ("密码不对，或备份文件已被改动", "加密备份“cut.ghbak”不完整（文件头被截断）")


def test_an_appended_chunk_and_reordered_chunks_are_detected(plain, tmp_path):
    sealed = seal(plain, tmp_path)
    data = sealed.read_bytes()
    header, body = data[:HEADER_SIZE], data[HEADER_SIZE:]
    sealed_chunk = CHUNK + TAG_SIZE
    chunks = [body[i:i + sealed_chunk] for i in range(0, len(body), sealed_chunk)]
    assert len(chunks) == 4
    appended = tmp_path / "appended.ghbak"
    appended.write_bytes(data + chunks[1])
    assert refused(appended, tmp_path) == "密码不对，或备份文件已被改动"
    padded = tmp_path / "padded.ghbak"
    padded.write_bytes(data + b"\x00" * 20)
    assert refused(padded, tmp_path) == "密码不对，或备份文件已被改动"
    swapped = tmp_path / "swapped.ghbak"
    swapped.write_bytes(header + chunks[1] + chunks[0] + chunks[2] + chunks[3])
    assert refused(swapped, tmp_path) == "密码不对，或备份文件已被改动"
    # a chunk of another file sealed with the same password (another salt, so another key)
    other = encrypt_file(plain, tmp_path / "other.ghbak", "正确的密码", log2_n=FAST, chunk_size=CHUNK).read_bytes()
    mixed = tmp_path / "mixed.ghbak"
    mixed.write_bytes(header + chunks[0] + other[HEADER_SIZE + sealed_chunk:])
    assert refused(mixed, tmp_path) == "密码不对，或备份文件已被改动"


def test_an_empty_password_is_refused(plain, tmp_path):
    for password in ("", None):
        with pytest.raises(UserError, match="请设置密码"):
            encrypt_file(plain, tmp_path / "x.ghbak", password)
    assert not (tmp_path / "x.ghbak").exists() and not (tmp_path / "x.ghbak.part").exists()
    sealed = seal(plain, tmp_path)
    with pytest.raises(UserError, match="请设置密码"):
        decrypt_file(sealed, tmp_path / "y.bin", "")


def test_a_made_up_header_cannot_ask_for_a_huge_key_derivation(plain, tmp_path):
    data = bytearray(seal(plain, tmp_path).read_bytes())
    data[17] = 40  # 2**40 rounds of scrypt
    changed = tmp_path / "greedy.ghbak"
    changed.write_bytes(bytes(data))
    assert refused(changed, tmp_path) == "密码不对，或备份文件已被改动"


def test_cancelling_leaves_no_partial_file(plain, tmp_path):
    with pytest.raises(Cancelled):
        encrypt_file(plain, tmp_path / "c.ghbak", "pw", log2_n=FAST, chunk_size=CHUNK, is_cancelled=lambda: True)
    assert not list(tmp_path.glob("c.ghbak*"))
    sealed = seal(plain, tmp_path)
    calls = []

    def cancel_on_third():
        calls.append(1)
        return len(calls) >= 3

    with pytest.raises(Cancelled):
        decrypt_file(sealed, tmp_path / "d.bin", "正确的密码", is_cancelled=cancel_on_third)
    assert not list(tmp_path.glob("d.bin*"))
