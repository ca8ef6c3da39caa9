"""File names with bytes that are not UTF-8, and parser output with lone surrogates, become storable text."""

from __future__ import annotations

import os
from pathlib import Path

from arbiter_desktop.safetext import clean, escape_surrogates, path_key, real_path, shown


def test_valid_names_are_their_own_key() -> None:
    for name in ("/cas/procès-verbal.pdf", "/cas/a\\b.txt", "/cas/ligne\nsuivante.txt"):
        assert path_key(name) == name


def test_undecodable_bytes_are_escaped_and_found_again(tmp_path: Path) -> None:
    raw = os.path.join(os.fsencode(tmp_path), b"caf\xe9 \\ 1.txt")
    with open(raw, "wb") as handle:
        handle.write(b"x")
    name = os.fsdecode(raw)  # "caf\udce9 \\ 1.txt": a lone surrogate stands for the byte
    key = path_key(name)
    assert key == str(tmp_path) + "/caf\\xe9 \\\\ 1.txt"
    assert key.encode("utf-8")  # storable
    assert real_path(key) == name
    assert real_path(str(tmp_path / "absent\\x41")) == str(tmp_path / "absent\\x41")


def test_text_keeps_its_length_and_messages_name_the_bytes() -> None:
    assert clean("a\udce9b\ud800") == "a\ufffdb\ufffd"
    assert escape_surrogates("cannot read caf\udce9.txt") == "cannot read caf\\xe9.txt"
    assert shown("ligne\nsuivante\t.txt") == "ligne\\nsuivante\\t.txt"
