"""Readings of badly recognised documents: which documents get one, clean or damaged (arbiter_desktop/noisytext.py).

    .venv/bin/python -m bench.bench_readings [--damaged police_dev,police_marseille]
        [--clean police_dev,police_marseille,piaf_v1.1,codes_penal_cpp] [--rates 0.03,0.05,0.08,0.12] [--json OUT]

Two figures, both on the corpora of ``../shared/evaldata`` (no query is read):

* **Clean documents read**: every document of each ``--clean`` corpus judged against that corpus's own words, as
  the readings phase judges a case. A reading here changes words that were right (police_marseille's own damaged
  scans are listed as such: they are the ones a reading is for).
* **Damaged documents read**: each of the first 200 documents of each ``--damaged`` corpus, with one OCR confusion
  (e→c, i→l, l→1, o→0, m→rn, u→n, h→b, an accent lost) put in a share of its words of 4 letters or more at random
  (seed 7), judged against the corpus's words with the damaged copy in place of the document; then the share of
  the damaged words that the reading gives back as they were written.

It calls the same functions as the phase (``word_counts``, ``Vocabulary``, ``reading_fixes``), without the
catalog and the full-text index around them (their cost is measured by the text-indexing benchmark).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from arbiter_desktop.noisytext import Vocabulary, read_with, reading_fixes, word_counts
from bench.common import EVALDATA

CONFUSIONS = (("e", "c"), ("i", "l"), ("l", "1"), ("o", "0"), ("m", "rn"), ("u", "n"), ("h", "b"), ("é", "e"))
_WORD = re.compile(r"[^\W_]+")
DAMAGED_DOCUMENTS = 200


def corpus(name: str) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in (EVALDATA / name / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    return [(str(r.get("_id") or r.get("id")), str(r["text"])) for r in rows]


def damage(text: str, rate: float, rnd: random.Random) -> tuple[str, int]:
    """``text`` with one OCR confusion in about ``rate`` of its words of 4 letters or more; how many."""
    damaged = 0

    def one(m: re.Match[str]) -> str:
        nonlocal damaged
        word = m.group(0)
        if len(word) < 4 or rnd.random() >= rate:
            return word
        options = [(a, b) for a, b in CONFUSIONS if a in word]
        if not options:
            return word
        a, b = rnd.choice(options)
        at = rnd.choice([i for i in range(len(word)) if word.startswith(a, i)])
        damaged += 1
        return word[:at] + b + word[at + len(a) :]

    return _WORD.sub(one, text), damaged


def clean_read(name: str) -> dict[str, Any]:
    documents = corpus(name)
    counts: Counter[str] = Counter()
    for _, text in documents:
        counts.update(word_counts(text))
    vocabulary = Vocabulary.of(counts)
    read = {doc_id: len(fixes) for doc_id, text in documents if (fixes := reading_fixes(text, vocabulary))}
    return {"documents": len(documents), "read": len(read), "read_ids": read}


def damaged_read(name: str, rate: float) -> dict[str, Any]:
    documents = corpus(name)
    counts: Counter[str] = Counter()
    for _, text in documents:
        counts.update(word_counts(text))
    rnd = random.Random(7)
    read = damaged_words = given_back = 0
    sample = documents[:DAMAGED_DOCUMENTS]
    for _, text in sample:
        damaged, n = damage(text, rate, rnd)
        vocabulary = Vocabulary.of(counts - word_counts(text) + word_counts(damaged))
        fixes = reading_fixes(damaged, vocabulary)
        damaged_words += n
        if fixes:
            read += 1
            reading = read_with(damaged, fixes)
            given_back += sum(
                1
                for before, after, now in zip(
                    _WORD.findall(text), _WORD.findall(damaged), _WORD.findall(reading), strict=True
                )
                if before != after and now == before
            )
    return {
        "documents": len(sample),
        "read": read,
        "damaged_words": damaged_words,
        "given_back": given_back,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--damaged", default="police_dev,police_marseille")
    parser.add_argument("--clean", default="police_dev,police_marseille,piaf_v1.1,codes_penal_cpp")
    parser.add_argument("--rates", default="0.03,0.05,0.08,0.12")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    report: dict[str, Any] = {"clean": {}, "damaged": {}}
    for name in args.clean.split(","):
        found = report["clean"][name] = clean_read(name)
        listed = ", ".join(f"{i} ({n} words)" for i, n in found["read_ids"].items())
        print(f"clean   {name:<18} {found['read']:>4} of {found['documents']:>5} documents read  {listed}")
    for name in args.damaged.split(","):
        for rate in (float(r) for r in args.rates.split(",")):
            found = report["damaged"].setdefault(name, {})[str(rate)] = damaged_read(name, rate)
            back = found["given_back"] / found["damaged_words"] if found["damaged_words"] else 0.0
            print(
                f"damaged {name:<18} {rate:>5.0%} of words: {found['read']:>3} of {found['documents']} documents read, "
                f"{back:.0%} of all damaged words given back"
            )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
