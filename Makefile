# lzfk — developer and user entry points. `make help` lists them.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
OUT ?= out

.DEFAULT_GOAL := help
.PHONY: help setup system-deps pdf-deps browser-deps run test lint fmt schemas bench dist clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP) ## create .venv and install lzfk with its development tools

system-deps: ## install graphviz and CJK fonts for flowcharts (skipped with a message if impossible)
	@bash tools/system-deps.sh

pdf-deps: ## also install LibreOffice and poppler for PDF previews and their tests
	@bash tools/system-deps.sh --pdf

browser-deps: ## install Chromium and ChromeDriver for the browser tests of the 公示 site (skipped with a message if impossible)
	@bash tools/system-deps.sh --browser

run: setup system-deps ## the main job on the bundled sample: validate, grade, build every document and the 公示 edition into out/
	$(BIN)/lzfk validate registers
	$(BIN)/lzfk grade --format json > /dev/null && echo "lzfk grade: 申报等级均不低于评级结果"
	$(BIN)/lzfk build --out $(OUT)
	$(BIN)/lzfk build --edition public --out $(OUT)

test: lint system-deps pdf-deps browser-deps ## lint, then run the whole test suite (system tools installed first, or skipped with a message)
	$(BIN)/python -m pytest

lint: setup ## ruff, mypy, and check that schemas/ matches the models
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lzfk schema --check --out schemas

fmt: setup ## format the code
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

schemas: setup ## regenerate schemas/ from the models
	$(BIN)/lzfk schema --out schemas

bench: setup ## benchmarks: files/s, seconds and peak memory, beside check-jsonschema
	$(BIN)/python bench/run.py

dist: setup ## build the release files into dist/: the wheel and the sdist (see docs/install.md)
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist .
	@ls -l dist

clean: ## remove the virtual environment, caches and outputs
	rm -rf $(VENV) .lzfk_cache .mypy_cache .ruff_cache .pytest_cache $(OUT) bench/_work dist build
