"""The embedding models the set-up provisions, and how the app picks one."""

from __future__ import annotations

from pathlib import Path

from arbiter_desktop.config import paths

DEFAULT_EMBEDDER = "embeddinggemma-300m-bf16.gguf"  # best French quality measured; BF16 runs fastest; ~620 MiB
# The default until BF16 (same model, 8-bit blocks, ~320 MiB): used where it is installed and the new one is not,
# and kept for the cases embedded with it (app.open_embedder), so that a new default never re-embeds a case.
PREVIOUS_EMBEDDER = "embeddinggemma-300m-q8_0.gguf"
LIGHT_EMBEDDER = "multilingual-e5-small-q4_0.gguf"  # 4x faster, ~70 MiB; for low-end machines and the tests
PROVISIONED = (DEFAULT_EMBEDDER, PREVIOUS_EMBEDDER, LIGHT_EMBEDDER)


def model_path(setting: str, models: Path | None = None) -> Path:
    """A model setting read as a path: absolute as it is, otherwise a name in models/."""
    candidate = Path(setting)
    return candidate if candidate.is_absolute() else (models or paths.models_dir()) / candidate


def resolve_embedder(setting: str, models: Path | None = None) -> Path | None:
    """The model file for the ``embedder`` setting: a name in models/, a path, or "" for the best installed."""
    folder = models or paths.models_dir()
    if setting:
        return model_path(setting, folder)
    for name in PROVISIONED:
        if (folder / name).exists():
            return folder / name
    return None
