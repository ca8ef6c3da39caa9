"""llama.cpp's CPU code chosen for this processor (embedding/llama_backend.py, built by installer/llama_runtime.py)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from arbiter_desktop.config import paths
from arbiter_desktop.config.models import LIGHT_EMBEDDER
from arbiter_desktop.embedding.llama_backend import VARIANT_VARIABLE, ensure_cpu_backend

REPO = Path(__file__).resolve().parents[2]
LIGHT = paths.models_dir() / LIGHT_EMBEDDER
# The variants that make a difference on a processor with these flags (llama.cpp scores them by the instruction
# sets they were compiled for; the best supported one must win).
AVX512_VARIANTS = {"skylakex", "cannonlake", "cascadelake", "icelake", "cooperlake", "zen4", "sapphirerapids"}
AVX2_VARIANTS = AVX512_VARIANTS | {"haswell", "alderlake"}


def load_runtime_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("arbiter_llama_runtime", REPO / "installer" / "llama_runtime.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cpu_flags() -> set[str]:
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


def run_with_light_model(body: str, cwd: Path) -> dict[str, Any]:
    """Run ``body`` in a fresh Python process (from ``cwd``) after ``e = GgufEmbedder(light model)``; the JSON it
    prints last."""
    code = (
        "import json, sys; from pathlib import Path\n"
        "from arbiter_desktop.embedding.gguf import GgufEmbedder\n"
        "e = GgufEmbedder(Path(sys.argv[1]), threads=1)\n" + body
    )
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code, str(LIGHT)], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def test_the_setup_installs_every_cpu_variant() -> None:
    backend = ensure_cpu_backend()
    assert set(load_runtime_script().REQUIRED_VARIANTS) <= set(backend.available), backend.available


def test_the_best_variant_for_this_processor_is_chosen() -> None:
    backend = ensure_cpu_backend()
    assert backend.variant in backend.available, backend  # exactly one variant mapped, one of the build's
    flags = cpu_flags()
    if "avx512f" in flags:
        assert backend.variant in AVX512_VARIANTS
    elif "avx2" in flags:
        assert backend.variant in AVX2_VARIANTS
    assert backend.variant in backend.describe()
    assert ensure_cpu_backend() is backend  # registered once per process


@pytest.mark.skipif(not LIGHT.exists(), reason=f"{LIGHT} not provisioned (make setup)")
def test_a_model_loads_from_any_working_directory(tmp_path: Path) -> None:
    """llama.cpp itself looks for its CPU libraries only beside the executable and in the working directory."""
    answer = run_with_light_model(
        "v = e.embed_queries(['garde à vue prolongée'])\n"
        "print(json.dumps({'variant': e.cpu.variant, 'dim': int(v.shape[1])}))\n",
        tmp_path,
    )
    assert answer["dim"] == 384 and answer["variant"] == ensure_cpu_backend().variant


def _backend_with_variant(variant: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import json; from arbiter_desktop.embedding.llama_backend import ensure_cpu_backend\n"
        "print(json.dumps({'variant': ensure_cpu_backend().variant}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), VARIANT_VARIABLE: variant}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.mark.skipif("avx2" not in cpu_flags(), reason="the haswell variant needs AVX2")
def test_a_variant_can_be_chosen_instead_of_the_best_one(tmp_path: Path) -> None:
    """The way round a variant that fails on a processor (llama.cpp's AMX kernels did)."""
    done = _backend_with_variant("haswell", tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"variant": "haswell"}
    unknown = _backend_with_variant("pentium4", tmp_path)
    assert unknown.returncode != 0
    assert f"{VARIANT_VARIABLE}=pentium4: this build of llama.cpp has no such CPU variant; it has" in unknown.stderr
    assert "haswell" in unknown.stderr.splitlines()[-1]


def test_runtime_script_is_idempotent_and_keyed_by_its_options(monkeypatch: pytest.MonkeyPatch) -> None:
    script = load_runtime_script()
    assert script.main(["--check"]) == 0  # the set-up installed this very build (its key), with its variants
    monkeypatch.setattr(script, "build_wheel", lambda *_: pytest.fail("rebuilt although installed"))
    assert script.main([]) == 0
    key = script.build_key()
    monkeypatch.setattr(script, "CMAKE_ARGS", (*script.CMAKE_ARGS, "-DGGML_OPENMP=OFF"))
    assert script.build_key() != key  # other build options never reuse a cached wheel…
    assert not script.is_installed()  # …nor count as installed


def test_runtime_script_says_what_to_do_when_the_sdist_cannot_be_fetched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    script = load_runtime_script()
    monkeypatch.setattr(script, "is_installed", lambda: False)
    failed = subprocess.CompletedProcess([], 1, "", "ERROR: No matching distribution found")
    monkeypatch.setattr(script.subprocess, "run", lambda *a, **k: failed)
    assert script.main(["--cache", str(tmp_path)]) == script.EXIT_BUILD
    err = capsys.readouterr().err
    assert "No matching distribution" in err
    assert f"put {script.SDIST_NAME} in {tmp_path / 'downloads'}" in err


def _sdist(path: Path, members: dict[str, str]) -> Path:
    import io
    import tarfile

    with tarfile.open(path, "w:gz") as archive:
        for member, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_runtime_script_patches_the_sources_or_stops(tmp_path: Path) -> None:
    script = load_runtime_script()
    members = {member: f"// before\n{old}// after\n" for member, old, _ in script.PATCHES}
    assert len(members) == len(script.PATCHES) == 2  # the logits buffer; the AMX tile configuration
    tree = script.unpack_patched(_sdist(tmp_path / "good.tar.gz", members), tmp_path / "good")
    assert tree.name == f"llama_cpp_python-{script.VERSION}"
    for member, _, new in script.PATCHES:
        assert (tmp_path / "good" / member).read_text() == f"// before\n{new}// after\n"
    first = script.PATCHES[0][0]
    changed = _sdist(tmp_path / "changed.tar.gz", {**members, first: "    bool has_logits = true;\n"})
    with pytest.raises(script.BuildError, match="pinned sdist changed"):
        script.unpack_patched(changed, tmp_path / "changed")


def test_the_amx_tile_configuration_is_written_before_it_is_loaded() -> None:
    """GCC dropped the stores of the tile rows and widths before ``ldtilecfg``: on a processor with AMX the first
    tile instruction then killed the process (SIGILL) when a Q4_0/Q8_0 model computed."""
    member, old, new = load_runtime_script().PATCHES[1]
    assert member.endswith("ggml-cpu/amx/mmq.cpp") and "_tile_loadconfig(&tc);" in old
    barrier = new[: new.index("_tile_loadconfig")]
    assert '"r"(&tc)' in barrier and '"memory"' in barrier


@pytest.mark.skipif(not LIGHT.exists(), reason=f"{LIGHT} not provisioned (make setup)")
@pytest.mark.skipif("amx_int8" not in cpu_flags(), reason="a processor without AMX runs no tile instruction")
def test_a_quantised_model_computes_with_amx_tiles(tmp_path: Path) -> None:
    """A batch of passages (enough rows for llama.cpp's AMX kernel) in a process of its own: it died with SIGILL."""
    answer = run_with_light_model(
        "v = e.embed_documents(['Procès-verbal de saisie du téléphone. ' * 20] * 8, ['PV'] * 8)\n"
        "print(json.dumps({'shape': list(v.shape)}))\n",
        tmp_path,
    )
    assert answer["shape"] == [8, 384]


@pytest.mark.skipif(not LIGHT.exists(), reason=f"{LIGHT} not provisioned (make setup)")
def test_an_embedding_model_does_not_hold_a_logits_buffer(tmp_path: Path) -> None:
    """llama.cpp as released reserves vocabulary × tokens floats of logits (489 MiB for e5's 250k tokens at 512)."""
    answer = run_with_light_model(
        "e.embed_documents(['Le témoin a vu un véhicule gris quitter le parking de la gare. ' * 40], ['PV'])\n"
        "peak = [int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
        "print(json.dumps({'peak_kib': peak}))\n",
        tmp_path,
    )
    peak_mib = answer["peak_kib"] / 1024
    assert peak_mib < 300, f"peak RSS {peak_mib:.0f} MiB with a 64 MiB model"
