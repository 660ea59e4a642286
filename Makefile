# tipgraph: two commands do everything on a fresh machine.
#   make demo   set up, build the graph, validate, reason, answer the questions, write the maps (under out/)
#   make test   set up, then run the whole test suite (browser tests included)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
TG     := $(VENV)/bin/tipgraph
OUT    ?= out
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint browser virtuoso bench notebooks lab namespace clean help

help:
	@echo "make demo   - build the graph, validate, reason, answer the competency questions, write maps to $(OUT)/"
	@echo "make test   - the whole test suite"
	@echo "make bench  - benchmarks at 10k, 100k and 1M triples (about an hour; see benchmarks/README.md)"
	@echo "make lab    - JupyterLab with the notebooks"

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[all,test]"
	touch $(STAMP)

# Headless Chromium for the map tests: Debian's package, installed when we are root.
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "warning: no chromium and not root: browser tests will be skipped (install it: apt-get install chromium)"; \
	fi

# Virtuoso 7 for the remote-store tests: Debian's package, installed when we are root (it does not start itself).
virtuoso:
	@if command -v virtuoso-t >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's virtuoso-opensource for the remote-store tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null; \
	else \
		echo "warning: no Virtuoso and not root: its remote-store tests will be skipped (apt-get install virtuoso-opensource)"; \
	fi

demo: setup
	@mkdir -p $(OUT)
	$(TG) build --store $(OUT)/store
	$(TG) stats --store $(OUT)/store --top 10
	$(TG) query --store $(OUT)/store --all
	$(TG) map $(OUT)/landscape.html --store $(OUT)/store --title "Who does what against TIP and SOM"
	$(TG) map $(OUT)/pakistan.html --store $(OUT)/store --country PK
	$(TG) map $(OUT)/protect.html --store $(OUT)/store --programme PROTECT
	$(TG) map $(OUT)/unodc.html --store $(OUT)/store --focus UNODC --depth 2
	$(TG) analyze --store $(OUT)/store --chain "European Union" "virtual MRC Afghanistan" --export $(OUT)/network.gexf
	$(TG) export $(OUT)/tipgraph.trig --store $(OUT)/store
	@echo "done: open $(OUT)/landscape.html in a browser (it works offline)"

# ruff and mypy first: the package ships py.typed, so its types are part of its interface.
lint: setup
	$(PY) -m ruff check src tests benchmarks
	$(PY) -m mypy

# Two workers, one test file each at a time (files keep their session fixtures): half the time
# on this 2-core machine. A single file runs on its own as usual: .venv/bin/pytest tests/test_x.py
test: setup browser virtuoso lint
	$(PY) -m pytest -n 2 --dist loadfile

bench: setup
	$(PY) benchmarks/run.py --sizes 10k,100k,1m

notebooks: setup
	$(PY) -m pip install --quiet -e ".[notebooks]"

lab: notebooks
	$(VENV)/bin/jupyter lab notebooks/

namespace: setup
	$(PY) -m tipgraph.namespace.generate

clean:
	rm -rf $(OUT) test-output .pytest_cache
