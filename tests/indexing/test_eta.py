"""The ETAs: what is left, weighed by what each kind of file cost so far, at the recent pace (a fake clock)."""

from __future__ import annotations

from pathlib import Path

import pytest

from arbiter_desktop.indexing import eta
from arbiter_desktop.indexing.eta import SemanticEta, TextEta, rounded


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(eta.time, "monotonic", fake)
    return fake


def test_files_left_are_weighed_by_what_their_kind_costs(clock: Clock) -> None:
    """Forty TXT files done at 10 per second (each 0.1 s of work), then forty PDFs that cost four times as much
    each are left: 16 s, not the 4 s a count of files would say."""
    estimate = TextEta()
    for _ in range(40):
        estimate.add("text", 1000)
        estimate.add("pdf", 1000)
    for _ in range(40):
        clock.now += 0.1
        estimate.done("text", 1000, 0.1, 900)
    assert estimate.seconds_left() is not None
    estimate._kinds["pdf"] = eta._Kind(files=40, bytes=40_000, seconds=16.0, chars=4000)  # what PDFs cost here
    left = estimate.seconds_left()
    assert left is not None and 15 <= left <= 17
    assert estimate.chars_to_come() == pytest.approx(40 * 100)


def test_no_estimate_before_the_pace_is_known(clock: Clock) -> None:
    estimate = TextEta()
    estimate.add("text", 10)
    assert estimate.seconds_left() is None
    clock.now += 0.2
    estimate.done("text", 10, 0.01, 10)
    assert estimate.seconds_left() is None  # one file, 0.2 s: not yet


def test_the_pace_follows_the_recent_window(clock: Clock) -> None:
    estimate = TextEta()
    for _ in range(500):
        estimate.add("text", 100)
    for _ in range(100):  # fast start
        clock.now += 0.01
        estimate.done("text", 100, 0.001, 100)
    for _ in range(200):  # then forty times slower (another job took the cores), for longer than the window
        clock.now += 0.4
        estimate.done("text", 100, 0.001, 100)
    estimate.flushed(300, 0.0)  # commits that cost nothing: only extraction counts here
    left = estimate.seconds_left()
    assert left is not None and 70 <= left <= 90  # 200 files at 0.4 s, not at the run's average


def test_the_commits_still_to_come_are_counted(clock: Clock) -> None:
    """100 files done in 10 s of extraction plus a 5 s commit; 100 left: 10 s of extraction, 5 s of commits."""
    estimate = TextEta()
    for _ in range(200):
        estimate.add("text", 100)
    for _ in range(100):
        clock.now += 0.1
        estimate.done("text", 100, 0.01, 100)
    clock.now += 5.0
    estimate.flushed(100, 5.0)
    left = estimate.seconds_left()
    assert left is not None and 14 <= left <= 16


def test_semantic_rate_is_measured_kept_and_found_again(tmp_path: Path) -> None:
    first = SemanticEta(tmp_path, "model-abc", 2)
    assert first.seconds_per_char is None and first.seconds_for(100) is None
    first.measured(1000, 2.0)
    assert first.seconds_for(500) == pytest.approx(1.0)
    first.save()
    again = SemanticEta(tmp_path, "model-abc", 2)
    assert again.seconds_per_char == pytest.approx(0.002)
    assert SemanticEta(tmp_path, "model-abc", 4).seconds_per_char is None  # other threads: other pace
    (tmp_path / eta.RATE_FILE).write_text("[damaged", encoding="utf-8")
    assert SemanticEta(tmp_path, "model-abc", 2).seconds_per_char is None


def test_rounded() -> None:
    assert rounded(None) is None and rounded(-3.2) == 0 and rounded(12.6) == 13
