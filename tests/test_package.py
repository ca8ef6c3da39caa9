"""The package's import-time environment: every OpenMP runtime that a search process loads (numkong's, brought by
usearch, and llama.cpp's) waits as THREADS_ENVIRONMENT says, even when the vector store is imported first."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from support import python_env

from arbiter_desktop import THREADS_ENVIRONMENT
from arbiter_desktop.config import paths
from arbiter_desktop.config.models import LIGHT_EMBEDDER

LIGHT = paths.models_dir() / LIGHT_EMBEDDER

# The order of a search process: the session (and with it the vector store's usearch and numkong) before the
# embedding model's llama.cpp.
SCENARIO = f"""
import arbiter_desktop.session
from pathlib import Path
from arbiter_desktop.embedding.gguf import GgufEmbedder
GgufEmbedder(Path({str(LIGHT)!r}), threads=2).embed_queries(["garde à vue"])
"""


@pytest.mark.skipif(not LIGHT.exists(), reason=f"{LIGHT} is absent: run `make models`")
def test_every_openmp_runtime_waits_as_set_even_when_loaded_before_the_model() -> None:
    env = python_env(OMP_DISPLAY_ENV="VERBOSE")
    for name in THREADS_ENVIRONMENT:
        env.pop(name, None)  # the package must set them itself
    done = subprocess.run(
        [sys.executable, "-c", SCENARIO], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-4000:]
    shown = re.findall(r"OPENMP DISPLAY ENVIRONMENT BEGIN(.*?)OPENMP DISPLAY ENVIRONMENT END", done.stderr, re.S)
    assert shown, "no OpenMP runtime was loaded"
    for block in shown:
        for name, value in THREADS_ENVIRONMENT.items():
            assert f"{name} = '{value}'" in block, block
