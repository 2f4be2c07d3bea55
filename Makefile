# One command per job, the same on a laptop and in CI. Everything runs in ./.venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp
DEMO_STORE := .reportqa/demo-store

.PHONY: install demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The main job on the bundled sample reports: ingest them, then answer two sample questions.
demo: install
	$(BIN)/reportqa ingest samples --store $(DEMO_STORE)
	$(BIN)/reportqa list --store $(DEMO_STORE)
	$(BIN)/reportqa ask --store $(DEMO_STORE) "街道在垃圾分类上一共投入了多少钱？" "2025年万里街道三公经费预算是多少？"

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	HF_HUB_OFFLINE=1 $(BIN)/pytest -q

bench: install
	$(BIN)/python -m bench.ingest

clean:
	rm -rf $(VENV) .reportqa .pytest_cache .mypy_cache .ruff_cache
