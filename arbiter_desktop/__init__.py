"""Arbiter Desktop: offline search workstation for French-speaking investigators.

Importing the package switches off every network path of the libraries it may load (the Hugging Face hub,
transformers and datasets, telemetry). The workstations are air-gapped: models are read from local files only.
A value already set in the environment is kept, so that a test can observe the defaults being applied.

It also sets how the OpenMP runtimes of the native libraries wait (:data:`THREADS_ENVIRONMENT`), before any of
them is loaded: each runtime reads these variables once, when it is loaded, and the first one loaded may serve
the others (usearch brings numkong's libgomp, and llama.cpp's computation then runs on it).
"""

import os

__version__ = "0.1.0"

OFFLINE_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",  # huggingface_hub: never call the hub, use local files only
    "TRANSFORMERS_OFFLINE": "1",  # transformers: same, for models, tokenizers and configs
    "HF_DATASETS_OFFLINE": "1",  # datasets, should any library pull it in
    "HF_HUB_DISABLE_TELEMETRY": "1",  # no usage report from huggingface_hub
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",  # never look for or send a stored token
    "DO_NOT_TRACK": "1",  # the cross-tool convention honoured by huggingface_hub and others
}

THREADS_ENVIRONMENT = {
    # A thread that waits at a barrier sleeps (the default spins ~3 ms: beside any other busy process, each
    # embedding took 640–840 ms instead of ~13 ms) ...
    "OMP_WAIT_POLICY": "PASSIVE",
    # ... after a few microseconds awake (libgomp's spin iterations). Sleeping at once made every one of the ~500
    # barriers of a forward pass a futex sleep and wake-up: measured on 2 cores (AMD EPYC, EmbeddingGemma BF16,
    # 2 threads), a 10-token query 39 → 20 ms, a 40-token one 64 → 46 ms, a 300-token passage 264 → 248 ms, for
    # the same CPU time; 300 gave nearly as much, 100 little. Short, so that threads sharing busy cores still go
    # to sleep quickly.
    "GOMP_SPINCOUNT": "1000",
}


def _apply(variables: dict[str, str], force: bool) -> None:
    for name, value in variables.items():
        if force:
            os.environ[name] = value
        else:
            os.environ.setdefault(name, value)


def set_threads_environment() -> None:
    """Apply :data:`THREADS_ENVIRONMENT` (values already in the environment win)."""
    _apply(THREADS_ENVIRONMENT, force=False)


def set_offline(force: bool = False) -> None:
    """Apply :data:`OFFLINE_ENVIRONMENT`. At import, values already in the environment win; ``force`` (used
    just before a Hugging Face library is imported) overrides them."""
    _apply(OFFLINE_ENVIRONMENT, force)


set_offline()
set_threads_environment()
