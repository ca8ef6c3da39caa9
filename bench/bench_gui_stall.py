"""The longest stall of the desktop app's event loop while it indexes codes_penal_cpp written out as files.

A 5 ms timer ticks on the GUI thread; a stall is the time a tick came late. The window indexes the folder (in its
indexing process) while a search runs every half second and its results are drawn, as a user would type. The
reference, in the same process and the same window, is the same window idle for the same time (the floor: what
the machine and Qt cost with nothing to do). Aim: longest stall ≤ 50 ms.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.bench_gui_stall [--max-seconds 180] [--semantic]

Without --semantic the case is full-text only (the semantic phase runs in the same indexing process; pass the
flag to measure it as well, with the installed embedding model).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from arbiter_desktop import app
from arbiter_desktop.config.settings import Settings
from bench.bench_indexing import write_files
from bench.common import load_average

ROOT = Path(__file__).resolve().parents[1]
TICK_MS = 5
QUERIES = ("garde à vue prolongation", "GAV", "vol aggravé", "rdv gare", "outrage agent", "juge des libertés")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/evaldata/codes_penal_cpp/corpus.jsonl")
    parser.add_argument("--max-seconds", type=float, default=180.0, help="stop indexing after this long")
    parser.add_argument("--semantic", action="store_true", help="embed too (installed model)")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    load_before = load_average()

    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from arbiter_desktop.ui import state as gui_state
    from arbiter_desktop.ui.main_window import MainWindow

    qt_app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ARBITER_DATA_DIR"] = str(Path(tmp) / "user-data")
        if not args.semantic:
            os.environ["ARBITER_MODELS_DIR"] = str(Path(tmp) / "no-models")
        folder = Path(tmp) / "corpus"
        texts, size = write_files(args.corpus, folder)
        case_dir = Path(tmp) / "case"
        with app.open_session(case_dir, create=True):
            pass
        app.save_case_settings(case_dir, Settings())

        window = MainWindow(gui_state.GuiState())
        window.resize(1440, 900)
        window.show()
        gaps: list[float] = []
        clock = QElapsedTimer()
        ticker = QTimer()
        ticker.setInterval(TICK_MS)

        def tick() -> None:
            gaps.append(max(0.0, clock.nsecsElapsed() / 1e6 - TICK_MS))
            clock.restart()

        ticker.timeout.connect(tick)

        def run_for(seconds: float, until: object = None) -> float:
            started = time.monotonic()
            gaps.clear()
            clock.start()
            ticker.start()
            while time.monotonic() - started < seconds:
                qt_app.processEvents()
                time.sleep(0.001)
                if until is not None and until():  # type: ignore[operator]
                    break
            ticker.stop()
            return time.monotonic() - started

        opened: list[bool] = []
        window.case_ready.connect(lambda: opened.append(True))
        window.open_case(case_dir)
        while not opened:
            qt_app.processEvents()

        # the run: indexing, a search every half second, results drawn
        searches = {"n": 0, "shown": 0}
        window.results_shown.connect(lambda _r: searches.__setitem__("shown", searches["shown"] + 1))
        searcher = QTimer()
        searcher.setInterval(500)

        def search() -> None:
            window.query.setText(QUERIES[searches["n"] % len(QUERIES)])
            window.search()
            searches["n"] += 1

        searcher.timeout.connect(search)
        done: list[object] = []
        window.indexing.finished.connect(lambda r: done.append(r))
        window.index_paths([folder])
        searcher.start()
        seconds = run_for(args.max_seconds, lambda: bool(done))
        searcher.stop()
        indexing_gaps = sorted(gaps)
        if not done:
            window.indexing.cancel()
            while not done:
                qt_app.processEvents()
                time.sleep(0.01)

        # the reference: the same window, idle, as long
        run_for(min(seconds, 60.0))
        idle_gaps = sorted(gaps)
        window.close()

    def figures(values: list[float]) -> dict[str, float]:
        return {
            "max_ms": round(values[-1], 1),
            "p99_ms": round(values[int(0.99 * (len(values) - 1))], 1),
            "median_ms": round(statistics.median(values), 2),
            "ticks": len(values),
        }

    run, ref = figures(indexing_gaps), figures(idle_gaps)
    report = done[0]
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    print(
        f"corpus: {len(texts)} files, {size / 1e6:.1f} MB of text; indexing ran {seconds:.0f}s "
        f"({'completed' if not getattr(report, 'cancelled', True) else 'stopped at the time limit'}); "
        f"{searches['shown']} searches shown"
    )
    print(f"{'event loop stall':<28}{'max':>10}{'p99':>10}{'median':>10}{'ticks':>10}")
    for name, f in (("indexing + searching", run), ("idle (reference)", ref)):
        print(f"{name:<28}{f['max_ms']:>8.1f}ms{f['p99_ms']:>8.1f}ms{f['median_ms']:>8.2f}ms{f['ticks']:>10}")
    if args.json:
        figures_json = {
            "gui_max_stall_ms": run["max_ms"],
            "indexing": run,
            "idle": ref,
            "files": len(texts),
            "text_mb": round(size / 1e6, 2),
            "indexing_s": round(seconds, 1),
            "completed": not getattr(report, "cancelled", True),
            "searches_shown": searches["shown"],
            "load_before": load_before,
            "load_after": load_average(),
        }
        args.json.write_text(json.dumps(figures_json, indent=2))


if __name__ == "__main__":
    main()
