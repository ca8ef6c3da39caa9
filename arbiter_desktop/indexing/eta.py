"""Time left until a case is searchable by full text, and until it is searchable by meaning.

Text phase: what a file costs depends on its kind (a TXT file is a tenth of a DOCX) and its size. Each kind's
cost is learnt from the files done (the workers' CPU seconds per file and per byte, ingest/profile.py), the
files left are weighed with it, and the pipeline's recent pace (weight done per wall second, over the last
WINDOW_S) converts what is left into seconds. The pace is measured, not assumed: start-up, the indexer's own
work, the other jobs on the machine are all in it.

Semantic phase: embedding costs about the same per character of text, so the time left is the characters
without a vector times the seconds per character measured on the recent batches (before the first batch: the
case's last measure, kept in ``semantic.rate.json``, or a calibration passage embedded once). During the text
phase the text still to come is estimated from the characters per byte of each kind so far.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

WINDOW_S = 60.0  # the pace is that of the last WINDOW_S seconds (the whole phase before that)
MIN_PACE_S = 1.0  # no estimate before this much of the phase has passed
RATE_FILE = "semantic.rate.json"
MIN_BATCHES = 3  # batches of a run before its own rate replaces the stored one
# Worker CPU seconds per file before a kind has been seen (measured on the benchmark folder, 2-core EPYC).
PRIOR_FILE_S = {"pdf": 0.0016, "docx": 0.0025, "odt": 0.001, "text": 0.0004, "markdown": 0.0004, "csv": 0.0006}
PRIOR_DEFAULT_S = 0.002
PRIOR_CHARS_PER_BYTE = 0.3  # text characters per byte of a file, before a kind has been seen
FLUSH_PRIOR_S = 0.0004  # indexer CPU seconds per file at a commit (catalog, full-text index), before the first one
SEMANTIC_WINDOW_S = 120.0  # the embedding pace is that of the batches of the last two minutes
# Embedded once to measure the model's pace when a case has no measure yet (about 300 tokens of ordinary
# procedural French, written for this purpose).
CALIBRATION_TEXT = (
    "Le lundi 4 mars, à neuf heures trente, nous, officier de police judiciaire en résidence au commissariat, "
    "avons reçu la déclaration de la plaignante, qui expose que son véhicule, stationné la veille au soir devant "
    "son domicile, a disparu pendant la nuit. Elle précise avoir verrouillé les portières et conservé les deux "
    "clés, qu'elle nous présente. Aucun témoin n'a été identifié à ce stade. Les voisins interrogés n'ont rien "
    "remarqué d'inhabituel, à l'exception d'un bruit de moteur vers trois heures du matin. Nous avons procédé aux "
    "constatations sur les lieux : absence de débris de verre, traces de pneumatiques sur le trottoir, caméra de "
    "surveillance de la pharmacie voisine orientée vers la chaussée. Une réquisition a été adressée au gérant afin "
    "d'obtenir les enregistrements de la nuit. La plaignante déclare par ailleurs que son assurance exige une copie "
    "du présent procès-verbal, qui lui a été remise. Le véhicule a été inscrit au fichier des objets et véhicules "
    "signalés. Dont acte, après lecture faite, la plaignante persiste et signe avec nous le présent procès-verbal."
)


@dataclass
class _Kind:
    files: int = 0  # files of this kind extracted so far
    bytes: int = 0
    seconds: float = 0.0  # their worker CPU seconds
    chars: int = 0  # characters of text they gave

    def cost(self, prior: float) -> tuple[float, float]:
        """(a, b) of the estimated worker seconds a + b·size of a file of this kind: half a fixed cost per file,
        half proportional to its size, blended with the prior while few files are known."""
        if self.files == 0 or self.bytes == 0:
            return prior, 0.0
        per_file = self.seconds / self.files
        weight = min(1.0, self.files / 20)
        return weight * per_file * 0.5 + (1 - weight) * prior, weight * per_file * 0.5 * self.files / self.bytes

    def chars_per_byte(self) -> float:
        return self.chars / self.bytes if self.bytes else PRIOR_CHARS_PER_BYTE


@dataclass
class _Count:
    files: int = 0
    bytes: int = 0


class TextEta:
    """Seconds left in the text phase, from the files left (kind, size) and the pace so far.

    Two kinds of work: extraction (the workers; the files' weights at the pace measured between commits) and the
    indexer's commits (the full-text index takes the files' chunks in batches, while the workers wait), counted
    per file from the commits made so far, or before the first one from FLUSH_PRIOR_S scaled by how much slower
    than its CPU time the extraction runs on this machine now."""

    def __init__(self) -> None:
        self._left: dict[str, _Count] = {}  # kind → files not done yet
        self._window: dict[str, _Count] = {}  # kind → files done within the last WINDOW_S
        self._recent: deque[tuple[float, str, int]] = deque()  # (time, kind, size) of the files in the window
        self._kinds: dict[str, _Kind] = {}
        self._started = time.monotonic()
        self._trimmed = False  # files older than the window have left it
        self._flushes: deque[tuple[float, float]] = deque()  # (end time, seconds) of the commits in the window
        self._flushed_files = 0
        self._flush_seconds = 0.0

    def begin(self) -> None:
        """Extraction starts now: the pace is counted from here (not from the walk and the hashing)."""
        self._started = time.monotonic()

    def add(self, kind: str, size: int) -> None:
        """A file to extract."""
        left = self._left.setdefault(kind, _Count())
        left.files += 1
        left.bytes += size

    def done(self, kind: str, size: int, seconds: float | None, chars: int) -> None:
        """A file extracted (``seconds`` of worker CPU; None when it failed)."""
        left = self._left.setdefault(kind, _Count())
        left.files = max(0, left.files - 1)
        left.bytes = max(0, left.bytes - size)
        if seconds is not None:
            known = self._kinds.setdefault(kind, _Kind())
            known.files += 1
            known.bytes += size
            known.seconds += seconds
            known.chars += chars
        now = time.monotonic()
        self._recent.append((now, kind, size))
        window = self._window.setdefault(kind, _Count())
        window.files += 1
        window.bytes += size
        while self._recent and now - self._recent[0][0] > WINDOW_S:
            _, old_kind, old_size = self._recent.popleft()
            self._window[old_kind].files -= 1
            self._window[old_kind].bytes -= old_size
            self._trimmed = True

    def flushed(self, files: int, seconds: float) -> None:
        """A commit of the full-text index took ``seconds`` for the ``files`` extracted since the previous one."""
        self._flushed_files += files
        self._flush_seconds += seconds
        self._flushes.append((time.monotonic(), seconds))

    def _weight(self, counts: dict[str, _Count]) -> float:
        total = 0.0
        for kind, count in counts.items():
            a, b = self._kinds.get(kind, _Kind()).cost(PRIOR_FILE_S.get(kind, PRIOR_DEFAULT_S))
            total += a * count.files + b * count.bytes
        return total

    def seconds_left(self) -> float | None:
        """None until the pace is known (MIN_PACE_S into the phase, two files done)."""
        now = time.monotonic()
        if sum(c.files for c in self._window.values()) < 2 or now - self._started < MIN_PACE_S:
            return None
        since = now - WINDOW_S if self._trimmed else self._started
        while self._flushes and self._flushes[0][0] < since:
            self._flushes.popleft()
        extracting = max(1e-6, now - since - sum(seconds for _, seconds in self._flushes))
        done = self._weight(self._window)
        if done <= 0:
            return None
        if self._flushed_files:
            per_file = self._flush_seconds / self._flushed_files
        else:
            per_file = FLUSH_PRIOR_S * extracting / done  # wall seconds per CPU second of work, here and now
        files_left = sum(c.files for c in self._left.values())
        return self._weight(self._left) * extracting / done + files_left * per_file

    def chars_to_come(self) -> float:
        """Characters of text the files left will probably give."""
        return sum(count.bytes * self._kinds.get(kind, _Kind()).chars_per_byte() for kind, count in self._left.items())


class SemanticEta:
    """Seconds left in the semantic phase: characters without a vector × seconds per character."""

    def __init__(self, case_dir: Path, model_key: str, threads: int, lanes: int = 1) -> None:
        """The rate is kept per model, indexing cores and embedding lanes (embedding/pool.py)."""
        self._file = case_dir / RATE_FILE
        self._key = f"{model_key}/{threads}" if lanes == 1 else f"{model_key}/{threads}/{lanes}"
        self.seconds_per_char: float | None = self._stored()
        self._measured_chars = 0
        self._measured_s = 0.0
        self._batches = 0
        self._recent: deque[tuple[float, int, float]] = deque()  # (time, chars, seconds) of the recent batches

    def _stored(self) -> float | None:
        try:
            value = json.loads(self._file.read_text(encoding="utf-8")).get(self._key)
        except (OSError, ValueError, AttributeError):
            return None
        return float(value) if isinstance(value, int | float) and value > 0 else None

    def measured(self, chars: int, seconds: float) -> None:
        """A batch of ``chars`` characters done in ``seconds`` (from the end of the previous batch: saves and
        bookkeeping included). Once a run has MIN_BATCHES batches, the rate is that of its batches of the last
        SEMANTIC_WINDOW_S (the pace follows the other jobs' load, without jumping with every batch); before
        that, the stored or calibrated one."""
        if chars <= 0 or seconds <= 0:
            return
        now = time.monotonic()
        self._measured_chars += chars
        self._measured_s += seconds
        self._batches += 1
        self._recent.append((now, chars, seconds))
        while len(self._recent) > MIN_BATCHES and now - self._recent[0][0] > SEMANTIC_WINDOW_S:
            self._recent.popleft()
        if self.seconds_per_char is None or self._batches >= MIN_BATCHES:
            self.seconds_per_char = sum(s for _, _, s in self._recent) / sum(c for _, c, _ in self._recent)

    def seconds_for(self, chars: float) -> float | None:
        return None if self.seconds_per_char is None else chars * self.seconds_per_char

    def save(self) -> None:
        """Keep the rate for the next run of this case (its semantic ETA is then known from the start)."""
        if self._measured_chars == 0 or self.seconds_per_char is None:
            return
        try:
            data = json.loads(self._file.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                data = {}
        except (OSError, ValueError):
            data = {}
        data[self._key] = self._measured_s / self._measured_chars
        tmp = self._file.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
            os.replace(tmp, self._file)
        except OSError:
            pass


def rounded(seconds: float | None) -> float | None:
    """An ETA as shown: whole seconds, never negative; None stays None (unknown)."""
    if seconds is None or math.isnan(seconds):
        return None
    return float(max(0, round(seconds)))
