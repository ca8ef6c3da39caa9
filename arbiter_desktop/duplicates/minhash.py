"""MinHash signatures of normalised text, LSH band keys, and the similarity they estimate. Pure, no I/O."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np
import numpy.typing as npt

SHINGLE = 5  # characters per shingle (letters and digits only)
PERMUTATIONS = 126
BANDS = 42  # LSH: 3 rows a band; documents sharing two bands are candidates (P = 0.974 at similarity 0.5: analysis.py)
ROWS = PERMUTATIONS // BANDS
# Estimated Jaccard similarity of shingle sets from which two documents are one: a typed PV and its OCR scan
# (accents lost, "rn" for "m", stray characters) measure 0.55–0.8; two PVs written from one template with
# different facts measure under 0.35 (tests/duplicates/test_minhash.py).
THRESHOLD = 0.5
BLOCK_VALUES = 1 << 18  # hashes computed at once (2 MiB): every permutation at once for a text under 2,000 shingles
MIN_SHINGLES = 40  # a shorter text (a few words) is too short to call a near-duplicate of anything
UNIQUE_BELOW = 4 * MIN_SHINGLES  # shingles of a text hashed distinct; a longer text is hashed with its repeats

Signature = npt.NDArray[np.uint32]

_NOT_ASCII_ALNUM = re.compile(r"[^A-Za-z0-9]+")  # what str.isalnum() and str.isascii() refuse together

_rng = np.random.default_rng(0x5EED_18)
_A = (_rng.integers(1, 2**63, size=PERMUTATIONS, dtype=np.uint64) * 2 + 1).astype(np.uint64)  # odd multipliers
_B = _rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)


def normalise(text: str) -> str:
    """Lowercase letters and digits only, accents removed: "Procès-verbal n° 12" → "procesverbaln12"."""
    return _NOT_ASCII_ALNUM.sub("", unicodedata.normalize("NFKD", text.lower()))


def shingles(text: str) -> npt.NDArray[np.uint64]:
    """The distinct shingles of ``text``'s normalised form, as 64-bit integers."""
    return np.unique(_all_shingles(text))


def _all_shingles(text: str) -> npt.NDArray[np.uint64]:
    """Every shingle of ``text``'s normalised form in order, repeats included."""
    data = np.frombuffer(normalise(text).encode("ascii"), dtype=np.uint8).astype(np.uint64)
    if len(data) < SHINGLE:
        return np.zeros(0, dtype=np.uint64)
    value = np.zeros(len(data) - SHINGLE + 1, dtype=np.uint64)
    for i in range(SHINGLE):
        value = (value << np.uint64(8)) | data[i : len(data) - SHINGLE + 1 + i]
    return value


def signature(text: str) -> npt.NDArray[np.uint32] | None:
    """The MinHash signature (PERMUTATIONS values), or None for a text too short to compare."""
    values = _all_shingles(text)
    # A minimum is the same over the shingles with their repeats: they are made distinct (a sort, a third of the
    # signature's time) only where that saves hashing, a long text's repeats being a tenth of its shingles. The
    # count of distinct shingles is only needed to refuse a short text: MIN_SHINGLES distinct among the first
    # few hundred settle it.
    if len(values) < UNIQUE_BELOW or len(np.unique(values[:UNIQUE_BELOW])) < MIN_SHINGLES:
        values = np.unique(values)
        if len(values) < MIN_SHINGLES:
            return None
    out = np.empty(PERMUTATIONS, dtype=np.uint32)
    step = max(1, min(PERMUTATIONS, BLOCK_VALUES // len(values)))  # bounded memory on long documents
    hashed = np.empty((step, len(values)), dtype=np.uint64)
    for start in range(0, PERMUTATIONS, step):
        block = hashed[: min(step, PERMUTATIONS - start)]
        # multiply-shift hashing, (a * v + b) >> 32 modulo 2^64, computed in place; the shift commutes with the
        # minimum (it keeps the order), so it applies to one value a permutation instead of to every hash
        np.multiply(_A[start : start + len(block), None], values[None, :], out=block)
        block += _B[start : start + len(block), None]
        out[start : start + len(block)] = block.min(axis=1) >> np.uint64(32)
    return out


def band_keys(sig: npt.NDArray[np.uint32]) -> list[int]:
    """One 63-bit key per band: two documents sharing a key are candidates."""
    keys: list[int] = []
    for band in range(BANDS):
        rows = sig[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(rows, digest_size=8, person=band.to_bytes(2, "little")).digest()
        keys.append(int.from_bytes(digest, "little") >> 1)
    return keys


def similarity(a: npt.NDArray[np.uint32], b: npt.NDArray[np.uint32]) -> float:
    """The share of rows where two signatures agree: an estimate of the Jaccard similarity of their shingles."""
    return float(np.count_nonzero(a == b)) / PERMUTATIONS


def to_bytes(sig: npt.NDArray[np.uint32]) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(data: bytes) -> npt.NDArray[np.uint32]:
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)
