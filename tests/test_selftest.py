"""`arbiter selftest`: how it reports a failed step, and its check of models/SHA256SUMS. (A whole passing run,
which embeds the demo case, is tested on the offline bundle: tests/installer/test_bundle.py.)"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from arbiter_desktop.cli import main
from arbiter_desktop.config.models import DEFAULT_EMBEDDER
from arbiter_desktop.selftest import StepFailed, verify_sums


def test_a_failed_step_fails_the_selftest_and_skips_the_steps_that_need_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ARBITER_MODELS_DIR", str(tmp_path / "no-models"))
    monkeypatch.delenv("ARBITER_DATA_DIR", raising=False)
    assert main(["--selftest", "--work", str(tmp_path / "work")]) == 1
    lines = capsys.readouterr().out.splitlines()
    status = {line[7:22].strip(): line[:6] for line in lines if line.startswith("[")}
    assert status == {
        "resources": "[ ok ]",
        "models": "[FAIL]",
        "index": "[skip]",
        "search lexical": "[skip]",
        "search ocr": "[skip]",
        "names": "[skip]",
        "search hybrid": "[skip]",
        "export pdf": "[skip]",
        "gui offscreen": "[skip]",
    }
    assert any("no embedding model in" in line and DEFAULT_EMBEDDER in line for line in lines)
    assert lines[-1].startswith("selftest FAILED: 1/9 steps passed") and lines[-1].endswith("(failed: models)")
    assert not (tmp_path / "work" / "case").exists()
    assert "ARBITER_DATA_DIR" not in os.environ  # set for the run only
    assert os.environ["ARBITER_NAMES"] == "0"  # the tests' value, back after the run


def test_the_sums_file_catches_a_damaged_or_missing_model(tmp_path: Path) -> None:
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF" + bytes(1000))
    sums = tmp_path / "SHA256SUMS"
    sums.write_text(f"{hashlib.sha256(model.read_bytes()).hexdigest()}  model.gguf\n", encoding="utf-8")
    assert verify_sums(sums) == ["model.gguf"]
    model.write_bytes(b"GGUF" + bytes(999) + b"\x01")
    with pytest.raises(StepFailed, match="does not match its SHA-256"):
        verify_sums(sums)
    model.unlink()
    with pytest.raises(StepFailed, match="listed in SHA256SUMS but missing"):
        verify_sums(sums)
    sums.write_text("not a sum\n", encoding="utf-8")
    with pytest.raises(StepFailed, match="expected '<SHA-256>  <file name>'"):
        verify_sums(sums)
