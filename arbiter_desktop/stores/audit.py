"""The case's audit trail: an append-only, hash-chained log of what was done in the case.

``CASE_DIR/audit.jsonl`` holds one JSON object per line::

    {"app": "0.1.0", "at": "2025-03-14T10:02:11.532+01:00", "data": {...}, "event": "search",
     "hash": "<SHA-256 of this entry>", "host": "poste-12", "operator": "Lt Martin", "prev": "<hash of the entry
     before>", "seq": 12, "user": "martin"}

- ``seq`` counts from 1; ``prev`` is the ``hash`` of the entry before it (``GENESIS`` for the first one);
  ``hash`` is the SHA-256 of the entry's canonical JSON (sorted keys, no spaces, UTF-8) without ``hash``.
  Editing an entry breaks its hash; removing, inserting or swapping entries breaks the numbering or the chain.
- ``CASE_DIR/audit.head`` records the last entry's number and hash, so that removing entries from the end of the
  log is detected too.
- Appends take an exclusive ``flock`` on the log while they read its last entry and write the next one, then
  ``fsync``: the GUI's search thread and the indexer process can append at the same time.

The chain proves that what the log holds was not edited, reordered or cut since it was written; it cannot
prove against someone who rewrites the whole log and its head. Exports print the head of the log (number and
hash) on their cover, which anchors the log in the case file at that point.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import hashlib
import json
import os
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from arbiter_desktop import __version__

LOG_FILE = "audit.jsonl"
HEAD_FILE = "audit.head"
GENESIS = "0" * 64  # the ``prev`` of the first entry
FIELDS = ("app", "at", "data", "event", "hash", "host", "operator", "prev", "seq", "user")


class AuditError(Exception):
    """The audit log cannot be read or written; the message says what to do."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: str  # ISO 8601 with the UTC offset, local time of the workstation
    event: str  # index, search, export, tag
    operator: str  # the operator setting (may be empty)
    user: str  # the system account that ran the action
    host: str
    app: str  # application version
    data: Mapping[str, Any]
    prev: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "app": self.app,
            "at": self.at,
            "data": dict(self.data),
            "event": self.event,
            "hash": self.hash,
            "host": self.host,
            "operator": self.operator,
            "prev": self.prev,
            "seq": self.seq,
            "user": self.user,
        }


@dataclass(frozen=True, slots=True)
class AuditProblem:
    """The first place where the log differs from what was written."""

    line: int  # 1-based line of the log file (0: the log as a whole)
    seq: int  # the entry number expected there
    reason: str


@dataclass(frozen=True, slots=True)
class Verification:
    entries: int  # lines read
    head: tuple[int, str] | None  # (seq, hash) of the last entry when the log is intact
    problem: AuditProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def canonical(obj: Mapping[str, Any]) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def entry_hash(fields: Mapping[str, Any]) -> str:
    """The SHA-256 of an entry's canonical JSON, ``hash`` left out."""
    return hashlib.sha256(canonical({k: v for k, v in fields.items() if k != "hash"})).hexdigest()


def now_iso() -> str:
    """The local time with its UTC offset, to the millisecond."""
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


def system_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (some containers)
        return str(os.getuid())


class AuditLog:
    def __init__(self, directory: Path) -> None:
        self.path = directory / LOG_FILE
        self.head_path = directory / HEAD_FILE

    # --- writing --------------------------------------------------------------------------------------------

    def append(self, event: str, data: Mapping[str, Any], operator: str) -> AuditEntry:
        """Append one entry, chained to the last one; safe against other processes appending at once."""
        try:
            with self._locked(fcntl.LOCK_EX, create=True) as handle:
                seq, prev = self._tail(handle)
                fields: dict[str, Any] = {
                    "app": __version__,
                    "at": now_iso(),
                    "data": dict(data),
                    "event": event,
                    "host": socket.gethostname(),
                    "operator": operator,
                    "prev": prev,
                    "seq": seq + 1,
                    "user": system_user(),
                }
                fields["hash"] = entry_hash(fields)
                end = handle.seek(0, os.SEEK_END)
                if end and _byte_at(handle, end - 1) != b"\n":  # a torn last line: start a new one
                    handle.write(b"\n")
                handle.write(canonical(fields) + b"\n")
                handle.flush()
                os.fsync(handle.fileno())
                self._write_head(seq + 1, fields["hash"])
        except OSError as exc:
            raise AuditError(
                f"cannot write the audit log {self.path} ({exc}): check the case folder's permissions and free space"
            ) from exc
        return _entry(fields)

    def _tail(self, handle: BinaryIO) -> tuple[int, str]:
        """(seq, hash) of the last entry, (0, GENESIS) for an empty log.

        A damaged last line (a torn write, an edit) is chained to by the SHA-256 of its bytes and numbered after
        the lines before it: the log keeps growing and ``verify`` reports the damage.
        """
        last = _last_line(handle)
        if last is None:
            return 0, GENESIS
        try:
            fields = json.loads(last)
            return int(fields["seq"]), str(fields["hash"])
        except (ValueError, KeyError, TypeError):
            handle.seek(0)
            return len(_split(handle.read())), hashlib.sha256(last).hexdigest()

    def _write_head(self, seq: int, digest: str) -> None:
        tmp = self.head_path.with_suffix(".tmp")
        with open(tmp, "wb") as out:
            out.write(canonical({"hash": digest, "seq": seq}) + b"\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.head_path)
        directory = os.open(self.head_path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    @contextlib.contextmanager
    def _locked(self, mode: int, create: bool) -> Iterator[BinaryIO]:
        handle = open(self.path, "a+b" if create else "rb")  # noqa: SIM115 (held for the lock's duration)
        try:
            fcntl.flock(handle.fileno(), mode)
            yield handle
        finally:
            handle.close()  # releases the lock

    # --- reading --------------------------------------------------------------------------------------------

    def lines(self) -> list[bytes]:
        """The raw lines of the log (without their newline), read under a shared lock."""
        if not self.path.exists():
            return []
        with self._locked(fcntl.LOCK_SH, create=False) as handle:
            return _split(handle.read())

    def entries(self) -> list[AuditEntry | bytes]:
        """Every line as an entry, or as its raw bytes when it cannot be read as one."""
        found: list[AuditEntry | bytes] = []
        for raw in self.lines():
            fields = _parse(raw)
            found.append(_entry(fields) if fields is not None else raw)
        return found

    def head(self) -> tuple[int, str] | None:
        """(seq, hash) recorded as the last entry, or None when no entry was ever written."""
        try:
            data = json.loads(self.head_path.read_bytes())
            return int(data["seq"]), str(data["hash"])
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError):
            return (-1, "")

    def verify(self) -> Verification:
        """Check every entry's hash, number and link to the entry before it, and the recorded head.

        Returns the first entry that was altered, removed or reordered, with the reason.
        """
        if not self.path.exists():
            recorded = self.head()
            if recorded is None:
                return Verification(0, None, None)
            problem = AuditProblem(0, 1, f"the audit log {LOG_FILE} is missing: {recorded[0]} entries were recorded")
            return Verification(0, None, problem)
        with self._locked(fcntl.LOCK_SH, create=False) as handle:
            raw = handle.read()
            recorded = self.head()
        lines = _split(raw)
        prev = GENESIS
        hashes: list[str] = []
        for number, line in enumerate(lines, start=1):
            wrong = _check(line, number, prev)
            if wrong is not None:
                return Verification(len(lines), None, wrong)
            prev = entry_hash(json.loads(line))
            hashes.append(prev)
        wrong = _check_head(recorded, hashes)
        if wrong is not None:
            return Verification(len(lines), None, wrong)
        return Verification(len(lines), (len(hashes), hashes[-1]) if hashes else None, None)


def _check(line: bytes, number: int, prev: str) -> AuditProblem | None:
    """What is wrong with line ``number`` (which must hold entry n° ``number``, chained to ``prev``)."""
    fields = _parse(line)
    if fields is None:
        return AuditProblem(number, number, f"line {number} is not a readable entry: it was altered or damaged")
    seq = fields["seq"]
    if fields["hash"] != entry_hash(fields):
        return AuditProblem(
            number, number, f"entry n° {seq} (line {number}) was altered: it no longer matches its hash"
        )
    if seq != number:
        return AuditProblem(
            number,
            number,
            f"line {number} holds entry n° {seq} where n° {number} was expected: entries were removed, "
            "inserted or reordered",
        )
    if fields["prev"] != prev:
        return AuditProblem(
            number,
            number,
            f"entry n° {seq} (line {number}) does not follow the entry before it: an entry was removed, replaced "
            "or reordered",
        )
    return None


def _check_head(recorded: tuple[int, str] | None, hashes: list[str]) -> AuditProblem | None:
    """The log's end against the recorded head (which may lag by the entry of a process killed mid-append)."""
    if recorded is None:
        if hashes:
            return AuditProblem(0, len(hashes), f"the record of the log's last entry ({HEAD_FILE}) is missing")
        return None
    seq, digest = recorded
    if seq < 1:
        return AuditProblem(0, len(hashes), f"the record of the log's last entry ({HEAD_FILE}) is damaged")
    if seq > len(hashes):
        first = len(hashes) + 1
        return AuditProblem(
            first,
            first,
            f"entries n° {first} to n° {seq} were removed from the end of the log (the log ends at n° {len(hashes)})",
        )
    if hashes[seq - 1] != digest:
        return AuditProblem(seq, seq, f"entry n° {seq} differs from the one recorded as the log's last entry")
    return None


def _parse(line: bytes) -> dict[str, Any] | None:
    try:
        fields = json.loads(line)
    except ValueError:
        return None
    if not isinstance(fields, dict) or set(fields) != set(FIELDS):
        return None
    if not isinstance(fields["seq"], int) or not isinstance(fields["data"], dict):
        return None
    if not all(isinstance(fields[k], str) for k in FIELDS if k not in ("seq", "data")):
        return None
    return fields


def _entry(fields: Mapping[str, Any]) -> AuditEntry:
    return AuditEntry(
        seq=int(fields["seq"]),
        at=str(fields["at"]),
        event=str(fields["event"]),
        operator=str(fields["operator"]),
        user=str(fields["user"]),
        host=str(fields["host"]),
        app=str(fields["app"]),
        data=dict(fields["data"]),
        prev=str(fields["prev"]),
        hash=str(fields["hash"]),
    )


def _split(raw: bytes) -> list[bytes]:
    """Lines of the log; only the final newline is dropped (a blank line inside is a line, and is damage)."""
    if not raw:
        return []
    return raw.removesuffix(b"\n").split(b"\n")


def _byte_at(handle: BinaryIO, position: int) -> bytes:
    handle.seek(position)
    return handle.read(1)


def _last_line(handle: BinaryIO, block: int = 8192) -> bytes | None:
    """The last line of the file (without its newline), reading backwards from the end."""
    end = handle.seek(0, os.SEEK_END)
    if end == 0:
        return None
    data = b""
    position = end
    while position > 0:
        step = min(block, position)
        position -= step
        handle.seek(position)
        data = handle.read(step) + data
        body = data[:-1] if data.endswith(b"\n") else data
        if b"\n" in body:
            return body.rsplit(b"\n", 1)[1]
    return data.removesuffix(b"\n")
