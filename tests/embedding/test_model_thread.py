import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from arbiter_desktop.embedding.model_thread import ModelThread


def test_calls_from_any_thread_run_on_one_thread() -> None:
    runner = ModelThread("t")
    try:
        with ThreadPoolExecutor(4) as callers:
            seen = set(callers.map(lambda _: runner.run(threading.get_ident), range(16)))
        assert len(seen) == 1
        assert seen != {threading.get_ident()}
    finally:
        runner.close()


def test_a_call_from_the_model_thread_runs_at_once() -> None:
    runner = ModelThread("t")
    try:
        # would wait for itself forever if it were queued behind the call in hand
        assert runner.run(lambda: runner.run(lambda: 7)) == 7
    finally:
        runner.close()


def test_the_exception_of_a_call_reaches_its_caller() -> None:
    runner = ModelThread("t")
    try:
        with pytest.raises(ValueError, match="bad"):
            runner.run(int, "bad")
        assert runner.run(int, "3") == 3  # the thread goes on
    finally:
        runner.close()


def test_closed_it_runs_nothing_more() -> None:
    runner = ModelThread("t")
    runner.close()
    with pytest.raises(RuntimeError):
        runner.run(int, "1")
