from pathlib import Path

from arbiter_desktop.config import models
from arbiter_desktop.config.models import GEMMA_BF16, GEMMA_Q8_0, LIGHT_EMBEDDER, gemma_for, resolve_embedder

AVX2 = {"sse4_2", "avx", "avx2", "fma", "f16c"}
ZEN4 = AVX2 | {"avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16"}
SKYLAKE_X = AVX2 | {"avx512f", "avx512bw", "avx512vl"}  # AVX-512 without its BF16 dot products
SAPPHIRE_RAPIDS = ZEN4 | {"amx_tile", "amx_int8", "amx_bf16"}  # 8-bit blocks in AMX tiles


def test_bf16_where_the_processor_multiplies_it_natively_q8_0_elsewhere() -> None:
    assert gemma_for(ZEN4) == GEMMA_BF16
    assert gemma_for(SAPPHIRE_RAPIDS) == GEMMA_Q8_0  # AMX: 8-bit blocks faster than BF16 dot products
    assert gemma_for(SKYLAKE_X) == GEMMA_Q8_0
    assert gemma_for(AVX2) == GEMMA_Q8_0
    assert gemma_for(set()) == GEMMA_Q8_0  # flags unknown: the file that runs well everywhere


def test_the_default_is_this_processors() -> None:
    assert gemma_for(models.cpu_flags()) == models.DEFAULT_EMBEDDER
    assert models.preference()[0] == models.DEFAULT_EMBEDDER


def test_the_best_installed_for_the_processor_else_the_other_file_else_the_light_model(tmp_path: Path) -> None:
    assert resolve_embedder("", tmp_path, ZEN4) is None
    (tmp_path / LIGHT_EMBEDDER).touch()
    assert resolve_embedder("", tmp_path, ZEN4) == tmp_path / LIGHT_EMBEDDER
    (tmp_path / GEMMA_Q8_0).touch()
    assert resolve_embedder("", tmp_path, ZEN4) == tmp_path / GEMMA_Q8_0  # BF16 absent: an older set-up
    (tmp_path / GEMMA_BF16).touch()
    assert resolve_embedder("", tmp_path, ZEN4) == tmp_path / GEMMA_BF16
    assert resolve_embedder("", tmp_path, AVX2) == tmp_path / GEMMA_Q8_0
    (tmp_path / GEMMA_Q8_0).unlink()
    assert resolve_embedder("", tmp_path, AVX2) == tmp_path / GEMMA_BF16


def test_a_chosen_model_is_taken_as_it_is(tmp_path: Path) -> None:
    assert resolve_embedder("other.gguf", tmp_path, AVX2) == tmp_path / "other.gguf"
    assert resolve_embedder(str(tmp_path / "x.gguf"), Path("/elsewhere"), AVX2) == tmp_path / "x.gguf"


def test_the_flags_are_read_from_the_processor() -> None:
    flags = models.cpu_flags()
    assert "sse2" in flags  # part of every x86-64 processor's flags
