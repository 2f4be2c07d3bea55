# One command per job, the same on a laptop and in CI. Everything runs in ./.venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp
DEMO_STORE := .reportqa/demo-store
CHROMIUM := /usr/bin/chromium

.PHONY: install demo ui test check lint browser screenshot bench clean

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

# The web page (http://localhost:8501) over the demo store that `make demo` fills; offline. An empty
# store offers to load the sample reports. REPORTQA_STORE=DIR make ui opens another store.
ui: install
	HF_HUB_OFFLINE=1 REPORTQA_STORE="$${REPORTQA_STORE:-$(DEMO_STORE)}" $(BIN)/streamlit run streamlit_app.py \
		--server.headless true --browser.gatherUsageStats false

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

# The browser test drives Debian's Chromium: installed here when missing (as root), never skipped.
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "安装 Chromium 与中文字体（浏览器端到端测试需要）…"; \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-microhei; \
		else \
			echo "缺少 Chromium（$(CHROMIUM)），浏览器端到端测试需要它。请先安装：sudo apt-get install -y chromium fonts-wqy-microhei" >&2; \
			exit 1; \
		fi; \
	fi

test: lint browser
	HF_HUB_OFFLINE=1 $(BIN)/pytest -q

# The fast loop before a commit (under three minutes on a 2-core machine): lint and the unit tests. The
# tests marked e2e (real embedder, OCR models, Chroma server, stores built by child processes) and browser
# run in `make test`, which is what CI runs.
check: lint
	HF_HUB_OFFLINE=1 $(BIN)/pytest -q -m "not e2e and not browser"

# The README picture, taken in headless Chromium over the demo store (run `make demo` first).
screenshot: install browser
	HF_HUB_OFFLINE=1 $(BIN)/python -m tests.browser $(DEMO_STORE) docs/screenshot.png "街道在垃圾分类上一共投入了多少钱？"

bench: install
	$(BIN)/python -m bench.ingest

clean:
	rm -rf $(VENV) .reportqa .pytest_cache .mypy_cache .ruff_cache build
