"""OLE compound files ([MS-CFB] version 3) written by the tests: .msg and .doc fixtures made from scratch.

Streams under 4096 bytes go to the mini stream, as the format requires; storages are made from the paths given.
Also builds a minimal Word 97 document (FIB, one piece) and an Outlook message from its properties."""

from __future__ import annotations

import struct
from collections.abc import Mapping
from pathlib import Path

_SECTOR, _MINI, _CUTOFF = 512, 64, 4096
_FREE, _END, _FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat.append(first + i + 1 if i < count - 1 else _END)


def write_cfb(path: Path, streams: Mapping[str, bytes]) -> Path:
    """``streams``: "storage/sub/stream" → bytes."""
    entries: list[dict[str, object]] = [{"name": "Root Entry", "type": 5, "children": [], "data": b""}]
    index: dict[str, int] = {"": 0}
    for full in sorted(streams):
        parts = full.split("/")
        for depth in range(1, len(parts) + 1):
            key = "/".join(parts[:depth])
            if key in index:
                continue
            parent = index["/".join(parts[: depth - 1])]
            is_stream = depth == len(parts)
            entry = {"name": parts[depth - 1], "type": 2 if is_stream else 1, "children": [], "data": b""}
            if is_stream:
                entry["data"] = streams[full]
            index[key] = len(entries)
            entries.append(entry)
            children = entries[parent]["children"]
            assert isinstance(children, list)
            children.append(index[key])
    mini_data = bytearray()
    minifat: list[int] = []
    big: list[tuple[int, bytes]] = []
    for number, entry in enumerate(entries):
        data = entry["data"]
        assert isinstance(data, bytes)
        if entry["type"] != 2:
            continue
        if len(data) < _CUTOFF:
            start = len(mini_data) // _MINI
            count = max(1, -(-len(data) // _MINI))
            entry["start"] = start if data else _END
            if data:
                _chain(minifat, start, count)
                mini_data += data + b"\0" * (count * _MINI - len(data))
        else:
            big.append((number, data))
    sectors: list[bytes] = []
    fat: list[int] = []

    def add(data: bytes) -> int:
        start = len(sectors)
        count = max(1, -(-len(data) // _SECTOR))
        padded = data + b"\0" * (count * _SECTOR - len(data))
        sectors.extend(padded[i : i + _SECTOR] for i in range(0, len(padded), _SECTOR))
        _chain(fat, start, count)
        return start

    for number, data in big:
        entries[number]["start"] = add(data)
    root_start = add(bytes(mini_data)) if mini_data else _END
    minifat_bytes = b"".join(struct.pack("<I", v) for v in minifat)
    minifat_start = add(minifat_bytes) if minifat else _END
    directory = bytearray()
    links = _siblings(entries)
    for number, entry in enumerate(entries):
        name = str(entry["name"]).encode("utf-16-le")
        children = entry["children"]
        assert isinstance(children, list)
        data = entry["data"]
        assert isinstance(data, bytes)
        left, right = links.get(number, (_FREE, _FREE))
        child = children[0] if children else _FREE
        start = root_start if number == 0 else int(str(entry.get("start", _END)))
        size = len(mini_data) if number == 0 else len(data)
        directory += name + b"\0" * (64 - len(name))
        directory += struct.pack("<HBB", len(name) + 2, int(str(entry["type"])), 1)
        directory += struct.pack("<III", left, right, child)
        directory += b"\0" * 16 + b"\0" * 4 + b"\0" * 16
        directory += struct.pack("<IQ", start, size)
    while len(directory) % _SECTOR:
        directory += b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", _FREE, _FREE, _FREE)
        directory += b"\0" * 36 + struct.pack("<IQ", 0, 0)
    directory_start = add(bytes(directory))
    fat_sectors = 1
    while len(fat) + fat_sectors > fat_sectors * (_SECTOR // 4):
        fat_sectors += 1
    assert fat_sectors <= 109
    fat_start = len(sectors)
    fat += [_FAT_SECTOR] * fat_sectors
    fat += [_FREE] * (fat_sectors * (_SECTOR // 4) - len(fat))
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat)
    sectors.extend(fat_bytes[i : i + _SECTOR] for i in range(0, len(fat_bytes), _SECTOR))
    difat = [fat_start + i for i in range(fat_sectors)] + [_FREE] * (109 - fat_sectors)
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    minifat_count = -(-len(minifat_bytes) // _SECTOR)
    header += struct.pack(
        "<IIIIIIIII", 0, fat_sectors, directory_start, 0, _CUTOFF, minifat_start, minifat_count, _END, 0
    )
    header += b"".join(struct.pack("<I", v) for v in difat)
    path.write_bytes(header + b"".join(sectors))
    return path


def _siblings(entries: list[dict[str, object]]) -> dict[int, tuple[int, int]]:
    """Children of each storage chained through their right sibling (a valid, if unbalanced, tree)."""
    links: dict[int, tuple[int, int]] = {}
    for entry in entries:
        children = entry["children"]
        assert isinstance(children, list)
        for position, child in enumerate(children):
            right = children[position + 1] if position + 1 < len(children) else _FREE
            links[child] = (_FREE, right)
    return links


def word97(text: str, encrypted: bool = False) -> dict[str, bytes]:
    """The streams of a Word 97 document holding ``text`` (one piece, UTF-16)."""
    text = text.replace("\n", "\r")
    fib = bytearray(0x200)
    struct.pack_into("<HH", fib, 0, 0xA5EC, 0x00C1)
    struct.pack_into("<H", fib, 0x0A, 0x0200 | (0x0100 if encrypted else 0))  # fWhichTblStm: 1Table
    struct.pack_into("<i", fib, 0x4C, len(text))  # ccpText
    body = text.encode("utf-16-le")
    text_at = len(fib)
    plc = struct.pack("<ii", 0, len(text)) + struct.pack("<HIH", 0, text_at, 0)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    struct.pack_into("<II", fib, 0x01A2, 0, len(clx))
    return {"WordDocument": bytes(fib) + body, "1Table": clx}


def outlook_message(
    subject: str,
    body: str,
    sender: str = "",
    to: str = "",
    attachments: Mapping[str, bytes] | None = None,
    filetime: int | None = None,
) -> dict[str, bytes]:
    """The streams of a .msg with these properties (Unicode strings) and attachments."""

    def prop(tag: int, value: str, prefix: str = "") -> tuple[str, bytes]:
        return f"{prefix}__substg1.0_{tag:04X}001F", value.encode("utf-16-le")

    streams = dict(
        [prop(0x0037, subject), prop(0x1000, body), prop(0x0C1A, sender), prop(0x0E04, to), prop(0x001A, "IPM.Note")]
    )
    properties = bytearray(32)
    if filetime is not None:
        properties += struct.pack("<HHIQ", 0x0040, 0x0039, 6, filetime)
    streams["__properties_version1.0"] = bytes(properties)
    for number, (name, data) in enumerate((attachments or {}).items()):
        storage = f"__attach_version1.0_#{number:08X}/"
        streams.update([prop(0x3707, name, storage)])
        streams[f"{storage}__substg1.0_37010102"] = data
        streams[f"{storage}__properties_version1.0"] = bytes(8)
    return streams
