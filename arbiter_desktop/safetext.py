"""Text that every store and every output can hold, whatever bytes a seized file name or a parser produced.

On Linux a file name is a string of bytes; Python hands the bytes that are not UTF-8 over as lone surrogates
(``"caf\\udce9.txt"``), which SQLite, tantivy, JSON and the terminal all refuse. A path is therefore recorded
under its *key*: the path itself when it is valid Unicode (nearly always), otherwise the same name with each
byte that is not UTF-8 written ``\\xNN`` and each backslash doubled (``caf\\xe9.txt``), as ``ls -b`` shows it.
The real name is only needed to read the file, which happens during a walk of the source folders (the walk
yields real names, and the key is computed from them) or through :func:`real_path`.
"""

from __future__ import annotations

import os
import re

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ESCAPED = re.compile(rb"\\\\|\\x([0-9a-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def has_surrogates(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def path_key(path: str) -> str:
    """How a path is recorded and shown: itself, or its escaped form if it holds bytes that are not UTF-8."""
    if not has_surrogates(path):
        return path
    raw = os.fsencode(path).replace(b"\\", b"\\\\")
    return raw.decode("utf-8", errors="backslashreplace")


def real_path(key: str) -> str:
    """The path on disk that ``key`` was made from: the key itself, or the name its escapes stand for."""
    if "\\" not in key or os.path.lexists(key):
        return key
    unescaped = _ESCAPED.sub(lambda m: bytes([int(m.group(1), 16)]) if m.group(1) else b"\\", os.fsencode(key))
    candidate = os.fsdecode(unescaped)
    if path_key(candidate) == key and os.path.lexists(candidate):
        return candidate
    return key


def clean(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD: same length, so offsets into it stay true."""
    return _SURROGATE.sub("\ufffd", text) if has_surrogates(text) else text


def escape_surrogates(text: str) -> str:
    """A message that may quote a file name: undecodable bytes written ``\\xNN``, other surrogates U+FFFD."""
    if not has_surrogates(text):
        return text
    escaped = "".join(f"\\x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF else c for c in text)
    return clean(escaped)


def shown(text: str) -> str:
    """``text`` on one terminal line: control characters (a newline in a file name) written as escapes."""
    return _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], text)
