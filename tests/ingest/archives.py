"""Archives built by the tests: ordinary ones, and hostile ones (bombs, overlaps, many entries, encryption)."""

from __future__ import annotations

import io
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path


def write_zip(path: Path, members: Mapping[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def zip_bytes(members: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def write_tar(path: Path, members: Mapping[str, bytes], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def ratio_bomb(path: Path, size: int = 64 * 1024 * 1024) -> Path:
    """One member of ``size`` zero bytes (compresses about 1000 times)."""
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("zeros.txt", "w", force_zip64=True) as member,
    ):
        block = b"\0" * (1024 * 1024)
        for _ in range(size // len(block)):
            member.write(block)
    return path


def nested_bomb(path: Path, levels: int = 5, fan_out: int = 3) -> Path:
    """Zips of zips ("42.zip" style), each level holding ``fan_out`` copies of the level below."""
    data = zip_bytes({"dernier.txt": b"Fin de la chaine."})
    for level in range(levels):
        data = zip_bytes({f"niveau{level}_{i}.zip": data for i in range(fan_out)})
    path.write_bytes(data)
    return path


def overlapping_zip(path: Path, entries: int = 20) -> Path:
    """Many central-directory entries that all point at the same compressed data (quoted-overlap bomb)."""
    payload = zlib.compress(b"A" * 1_000_000)[2:-4]  # raw deflate
    crc = zlib.crc32(b"A" * 1_000_000)
    name = b"a.txt"
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(payload), 1_000_000, len(name), 0)
    body = local + name + payload
    central = b""
    for index in range(entries):
        entry = f"f{index}.txt".encode()
        central += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(payload),
                1_000_000,
                len(entry),
                0,
                0,
                0,
                0,
                0,
                0,
            )
            + entry
        )
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, entries, entries, len(central), len(body), 0)
    path.write_bytes(body + central + end)
    return path


def encrypted_zip(path: Path, members: Mapping[str, bytes]) -> Path:
    """A zip whose members carry the "encrypted" flag (traditional PKWARE encryption), as zip -e writes them."""
    write_zip(path, members, zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            flags = struct.unpack_from("<H", data, at + flag_at)[0]
            struct.pack_into("<H", data, at + flag_at, flags | 0x1)
            start = at + 4
    path.write_bytes(bytes(data))
    return path


def many_entries(path: Path, count: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for index in range(count):
            archive.writestr(f"d/{index}.txt", b"x")
    return path
