"""Members of containers during an indexing run: recorded, deduplicated, sent to the workers, and cleaned up.

When a container's worker returns its members (copied out into the run's scratch folder), each one is recorded
in the catalog under every copy of the container (``members`` table: location "scelle.zip › dossier/a.pdf", its
SHA-256, size, kind), then:

- a member whose content is already a document of the case simply points at it (the document gains a location);
- one whose content another member of this run is already being read for waits for that result;
- one that cannot be read (encrypted, hostile, too large, unsupported format, a container nested deeper than
  ``MAX_DEPTH``, past the case file's member budget) keeps its reason;
- the others become jobs of their own for the extraction workers: the same time and memory limits as a file.

A member that is itself a container is expanded by its own job, and its members come back here, one level down.
Each container's scratch folder is removed once all its members are read.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from arbiter_desktop.domain import CONTAINER_KINDS, LOCATION_SEPARATOR, ErrorReason, FileKind
from arbiter_desktop.ingest.containers import MAX_DEPTH, ArchiveLimits, Member
from arbiter_desktop.ingest.workers import Extracted, Failed, Job, Outcome
from arbiter_desktop.stores.catalog import Catalog

MEMBER_KEYS = 1 << 40  # job keys of members start here (those below are the run's files)


@dataclass
class PendingMember:
    """A member job: the member rows waiting for its result, and what it is."""

    job: Job
    sha256: str
    size: int
    kind: FileKind
    rows: list[int] = field(default_factory=list)
    depth: int = 1
    files: list[str] = field(default_factory=list)  # case files whose members these rows are
    folder: str = ""  # the scratch folder its bytes are in


@dataclass(frozen=True, slots=True)
class Holder:
    """One copy of a container: the case file it belongs to, its member row (None for the file itself), its
    location and depth."""

    file_path: str
    member_id: int | None
    location: str
    depth: int


class MemberTracker:
    def __init__(self, catalog: Catalog, limits: ArchiveLimits) -> None:
        self.catalog = catalog
        self.limits = limits
        self.pending: dict[int, PendingMember] = {}
        self._by_sha: dict[str, int] = {}
        self._next = MEMBER_KEYS
        self._outstanding: dict[str, int] = {}  # scratch folder → member jobs not finished
        self._counts: dict[str, int] = {}  # case file → members recorded in this run
        self.errors = 0  # members recorded in error in this run

    def is_member_job(self, job: Job) -> bool:
        return job.key >= MEMBER_KEYS

    def expanded(self, holders: list[Holder], container_sha256: str, members: tuple[Member, ...]) -> list[Job]:
        """Record ``members`` under each copy of their container; the jobs to run for them."""
        jobs: list[Job] = []
        for holder in holders:
            if holder.member_id is None:
                self.catalog.delete_members(holder.file_path)  # an earlier content of the file held others
        folders = {str(Path(m.file).parent) for m in members if m.file}
        for member in members:
            rows: list[int] = []
            depth = holders[0].depth + 1
            reason, message = member.reason, member.message
            if reason is None and member.kind is FileKind.UNKNOWN:
                reason, message = ErrorReason.UNSUPPORTED, "not a document format the app reads"
            elif reason is None and member.kind in CONTAINER_KINDS and depth >= MAX_DEPTH:
                reason = ErrorReason.HOSTILE
                message = f"archive nested more than {MAX_DEPTH} levels deep: not opened (extract it in a working copy)"
            for holder in holders:
                count = self._counts.get(holder.file_path, 0) + 1
                self._counts[holder.file_path] = count
                row_reason, row_message = reason, message
                if row_reason is None and count > self.limits.max_entries:
                    row_reason = ErrorReason.TOO_LARGE
                    row_message = (
                        f"more than {self.limits.max_entries} members in this file's containers "
                        "(setting archive_max_entries): not read"
                    )
                member_id = self.catalog.add_member(
                    holder.file_path,
                    holder.member_id,
                    container_sha256,
                    member.inner,
                    member.ref,
                    f"{holder.location}{LOCATION_SEPARATOR}{member.inner}",
                    member.sha256,
                    member.size,
                    member.kind,
                    depth,
                    row_reason,
                    row_message,
                )
                if row_reason is not None:
                    self.errors += 1
                    continue
                rows.append(member_id)
            if not rows:
                continue
            existing = self.catalog.document_id_for(member.sha256)
            if existing is not None and member.kind not in CONTAINER_KINDS:  # a container is read for its members
                self.catalog.set_member_document(rows, existing)
                continue
            key = self._by_sha.get(member.sha256)
            if key is not None:
                self.pending[key].rows.extend(rows)
                continue
            job = Job(key=self._next, path=member.file, kind=member.kind)
            self._next += 1
            folder = str(Path(member.file).parent)
            self.pending[job.key] = PendingMember(
                job, member.sha256, member.size, member.kind, rows, depth, [h.file_path for h in holders], folder
            )
            self._by_sha[member.sha256] = job.key
            self._outstanding[folder] = self._outstanding.get(folder, 0) + 1
            jobs.append(job)
        for folder in folders:
            if not self._outstanding.get(folder):
                shutil.rmtree(folder, ignore_errors=True)
        return jobs

    def finished(self, job: Job, outcome: Outcome, add: Callable[[Extracted, PendingMember], int]) -> list[Job]:
        """A member job's result: its rows point at the new document or carry the error; a container's members
        come back as jobs."""
        pending = self.pending.pop(job.key)
        self._by_sha.pop(pending.sha256, None)
        jobs: list[Job] = []
        if isinstance(outcome, Extracted):
            document_id = add(outcome, pending)
            self.catalog.set_member_document(pending.rows, document_id)
            if outcome.members:
                for member_id in pending.rows:
                    row = self.catalog.member_by_id(member_id)
                    if row is None:
                        continue
                    holder = Holder(row.file_path, member_id, row.location, row.depth)
                    jobs += self.expanded([holder], pending.sha256, outcome.members)
        else:
            assert isinstance(outcome, Failed)
            self.catalog.set_member_error(pending.rows, outcome.reason, outcome.message)
            self.errors += len(pending.rows)
        self._done(pending.folder)
        return jobs

    def _done(self, folder: str) -> None:
        left = self._outstanding.get(folder, 0) - 1
        if left <= 0:
            self._outstanding.pop(folder, None)
            shutil.rmtree(folder, ignore_errors=True)
        else:
            self._outstanding[folder] = left
