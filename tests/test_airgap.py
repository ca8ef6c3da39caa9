"""Air gap: the package switches off the network paths of the libraries it loads, and indexing, searching (full
text and by meaning) and reranking run to the end in processes where every socket raises.

The scenario (tests/airgap/scenario.py) runs in a fresh interpreter whose PYTHONPATH starts with
tests/airgap/, so that its sitecustomize.py guard is loaded by that process and by every process it starts
(extraction workers included). The guard records any attempt, even one a library would catch and ignore.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import TESTS, python_env, write
from tiny_models import build_tiny_cross_encoder

from arbiter_desktop import OFFLINE_ENVIRONMENT
from arbiter_desktop.config import paths
from arbiter_desktop.config.models import LIGHT_EMBEDDER

GUARD = TESTS / "airgap"
# A socket created and refused at import time to test for IPv6 support, never given an address: not an access.
LOCAL_PROBES = ("urllib3/util/connection.py:_has_ipv6",)
LIGHT = paths.models_dir() / LIGHT_EMBEDDER
TEXTS = {
    "pv_vol.txt": "La voiture volée a été retrouvée sur le parking de la gare par une patrouille.",
    "pv_gav.txt": "Prolongation de la garde à vue du suspect par le procureur de la République.",
    "pv_menaces.txt": "La victime dépose plainte pour des menaces reçues par message téléphonique.",
    "pv_saisie.txt": "Perquisition au domicile du suspect : saisie de cannabis et d'une balance.",
}


def _clean_env(**variables: str) -> dict[str, str]:
    """The tests' environment without the offline switches (the package must set them itself)."""
    env = python_env(GUARD, **variables)
    for name in OFFLINE_ENVIRONMENT:
        env.pop(name, None)
    return env


def _run_guarded(tmp_path: Path, *options: str) -> tuple[dict[str, object], list[str]]:
    src = tmp_path / "src"
    for name, text in TEXTS.items():
        write(src, name, text)
    log = tmp_path / "sockets.log"
    command = [sys.executable, str(GUARD / "scenario.py"), str(tmp_path / "case"), str(src), *options]
    done = subprocess.run(
        command, capture_output=True, text=True, env=_clean_env(ARBITER_SOCKET_LOG=str(log)), timeout=600
    )
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(done.stdout.rsplit("RESULT ", 1)[1])
    return result, log.read_text(encoding="utf-8").splitlines()


def _check(result: dict[str, object], log: list[str]) -> None:
    assert result["switches"] == dict.fromkeys(OFFLINE_ENVIRONMENT, "1")
    loaded = {line.split()[0] for line in log if " LOADED " in line}
    assert len(loaded) >= 2, f"the guard was not loaded by the workers: {log}"  # the scenario and its workers
    attempts = [line for line in log if " ATTEMPT " in line and not line.endswith(LOCAL_PROBES)]
    assert len(attempts) == 1 and "scenario.py:main" in attempts[0], attempts  # only the scenario's own probe
    assert "air-gapped" in str(result["control"])
    assert result["documents"] == len(TEXTS) and result["errors"] == 0 and result["embedded"] == len(TEXTS)
    assert result["exported"] == ["a.pdf", "a.csv"]  # the case-file export runs air-gapped too


def test_importing_the_package_sets_the_offline_switches() -> None:
    code = "import json, os, arbiter_desktop as a; print(json.dumps({k: os.environ[k] for k in a.OFFLINE_ENVIRONMENT}))"
    env = _clean_env()
    env["PYTHONPATH"] = os.pathsep.join(p for p in env["PYTHONPATH"].split(os.pathsep) if p != str(GUARD))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert json.loads(done.stdout) == dict.fromkeys(OFFLINE_ENVIRONMENT, "1")
    assert {"HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"} <= set(
        OFFLINE_ENVIRONMENT
    )


def test_indexing_searching_and_reranking_with_every_socket_refused(tmp_path: Path) -> None:
    reranker = tmp_path / "models" / "tiny-crossencoder-fr"
    build_tiny_cross_encoder(reranker)  # skips without torch / sentence-transformers
    result, log = _run_guarded(tmp_path, "--reranker", str(reranker))
    _check(result, log)
    hits = result["hits"]
    assert isinstance(hits, dict) and all(hits[mode] for mode in ("lexical", "dense", "hybrid", "full"))
    assert result["reranked_by"] == "tiny-crossencoder-fr" and result["torch_loaded"]


@pytest.mark.skipif(not LIGHT.exists(), reason=f"{LIGHT} not provisioned (make setup): dense part not run")
def test_semantic_search_with_the_gguf_model_and_every_socket_refused(tmp_path: Path) -> None:
    result, log = _run_guarded(tmp_path, "--gguf", str(LIGHT))
    _check(result, log)
    hits = result["hits"]
    assert isinstance(hits, dict)
    assert hits["dense"][0] == "pv_vol.txt" and hits["hybrid"][0] == "pv_vol.txt"
