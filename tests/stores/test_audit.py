"""The audit trail: hash chain, tamper detection (edit, removal, swap, truncation) and concurrent appends."""

import hashlib
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

import arbiter_desktop
from arbiter_desktop.stores.audit import GENESIS, AuditEntry, AuditError, AuditLog, canonical, entry_hash


def _log(tmp_path: Path, entries: int = 4) -> AuditLog:
    log = AuditLog(tmp_path)
    for i in range(entries):
        log.append("search", {"query": f"requête n° {i + 1}", "hits": i}, operator="Lt Martin")
    return log


def _lines(log: AuditLog) -> list[str]:
    return log.path.read_text(encoding="utf-8").splitlines()


def _write(log: AuditLog, lines: list[str]) -> None:
    log.path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def test_entries_are_numbered_timestamped_and_chained(tmp_path: Path) -> None:
    log = _log(tmp_path, 3)
    entries = [e for e in log.entries() if isinstance(e, AuditEntry)]
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev == GENESIS
    assert [e.prev for e in entries[1:]] == [e.hash for e in entries[:-1]]
    for e in entries:
        assert e.hash == entry_hash(e.to_dict()) == hashlib.sha256(canonical(_without_hash(e))).hexdigest()
        assert datetime.fromisoformat(e.at).utcoffset() is not None  # ISO 8601 with the UTC offset
        assert e.operator == "Lt Martin" and e.user and e.host and e.event == "search"
    assert entries[2].data == {"query": "requête n° 3", "hits": 2}
    assert "requête" in log.path.read_text(encoding="utf-8")  # readable UTF-8, not \\u escapes
    check = log.verify()
    assert check.ok and check.entries == 3 and check.head == (3, entries[2].hash)
    assert log.head() == (3, entries[2].hash)


def _without_hash(entry: AuditEntry) -> dict[str, object]:
    fields = entry.to_dict()
    del fields["hash"]
    return fields


def test_an_empty_or_absent_log_verifies(tmp_path: Path) -> None:
    check = AuditLog(tmp_path).verify()
    assert check.ok and check.entries == 0 and check.head is None


def test_an_edited_entry_is_named(tmp_path: Path) -> None:
    log = _log(tmp_path)
    lines = _lines(log)
    lines[1] = lines[1].replace('"hits":1', '"hits":7')
    _write(log, lines)
    problem = log.verify().problem
    assert problem is not None and problem.line == 2 and problem.seq == 2
    assert "entry n° 2" in problem.reason and "altered" in problem.reason


def test_an_edit_with_a_recomputed_hash_breaks_the_chain_at_the_next_entry(tmp_path: Path) -> None:
    log = _log(tmp_path)
    lines = _lines(log)
    forged = json.loads(lines[1])
    forged["data"]["hits"] = 7
    forged["hash"] = entry_hash(forged)
    lines[1] = canonical(forged).decode("utf-8")
    _write(log, lines)
    problem = log.verify().problem
    assert problem is not None and problem.seq == 3
    assert "does not follow the entry before it" in problem.reason


def test_a_removed_entry_is_named(tmp_path: Path) -> None:
    log = _log(tmp_path)
    lines = _lines(log)
    del lines[1]
    _write(log, lines)
    problem = log.verify().problem
    assert problem is not None and problem.line == 2
    assert "holds entry n° 3 where n° 2 was expected" in problem.reason


def test_swapped_entries_are_named(tmp_path: Path) -> None:
    log = _log(tmp_path)
    lines = _lines(log)
    lines[1], lines[2] = lines[2], lines[1]
    _write(log, lines)
    problem = log.verify().problem
    assert problem is not None and problem.line == 2 and "n° 2 was expected" in problem.reason


def test_entries_removed_from_the_end_are_detected(tmp_path: Path) -> None:
    log = _log(tmp_path)
    _write(log, _lines(log)[:-2])
    problem = log.verify().problem
    assert problem is not None and problem.seq == 3
    assert "n° 3 to n° 4 were removed from the end" in problem.reason


def test_a_deleted_log_is_detected(tmp_path: Path) -> None:
    log = _log(tmp_path)
    log.path.unlink()
    problem = log.verify().problem
    assert problem is not None and "missing" in problem.reason


def test_a_line_that_is_not_an_entry_is_named(tmp_path: Path) -> None:
    log = _log(tmp_path)
    lines = _lines(log)
    lines.insert(2, "not json")
    _write(log, lines)
    problem = log.verify().problem
    assert problem is not None and problem.line == 3 and "not a readable entry" in problem.reason
    assert log.entries()[2] == b"not json"


def test_a_head_that_lags_by_an_interrupted_append_is_accepted(tmp_path: Path) -> None:
    log = _log(tmp_path, 2)
    head = log.head_path.read_bytes()
    log.append("search", {"query": "x"}, operator="")
    log.head_path.write_bytes(head)  # as if the process died between writing the entry and its head record
    assert log.verify().ok


def test_a_torn_last_line_is_kept_apart_and_reported(tmp_path: Path) -> None:
    log = _log(tmp_path, 2)
    with open(log.path, "ab") as handle:
        handle.write(b'{"seq": 3, "trunc')  # a write cut short
    entry = log.append("search", {"query": "after"}, operator="")
    lines = _lines(log)
    assert lines[2] == '{"seq": 3, "trunc' and entry.seq == 4 and json.loads(lines[3])["seq"] == 4
    assert entry.prev == hashlib.sha256(b'{"seq": 3, "trunc').hexdigest()
    problem = log.verify().problem
    assert problem is not None and problem.line == 3


APPENDER = """
import sys
from pathlib import Path
from arbiter_desktop.stores.audit import AuditLog
log = AuditLog(Path(sys.argv[1]))
for i in range(int(sys.argv[3])):
    log.append("search", {"writer": sys.argv[2], "i": i}, operator="w" + sys.argv[2])
"""


def test_concurrent_appends_from_several_processes_keep_one_valid_chain(tmp_path: Path) -> None:
    writers, each = 4, 25
    env = {**os.environ, "PYTHONPATH": str(Path(arbiter_desktop.__file__).parents[1])}
    procs = [
        subprocess.Popen([sys.executable, "-c", APPENDER, str(tmp_path), str(w), str(each)], env=env)
        for w in range(writers)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0] * writers
    log = AuditLog(tmp_path)
    check = log.verify()
    assert check.ok, check.problem
    entries = [e for e in log.entries() if isinstance(e, AuditEntry)]
    assert [e.seq for e in entries] == list(range(1, writers * each + 1))
    assert sorted((e.data["writer"], e.data["i"]) for e in entries) == sorted(
        (str(w), i) for w in range(writers) for i in range(each)
    )


def test_a_log_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "audit.jsonl").mkdir()  # in the way of the log file
    with pytest.raises(AuditError, match="cannot write the audit log"):
        AuditLog(tmp_path).append("search", {}, operator="")
