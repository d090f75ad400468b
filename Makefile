# eventcoder: two commands. `make run` extracts the bundled samples and serves the review app;
# `make test` runs the whole test suite. Both install what they need first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DB ?= data/eventcoder.db
PORT ?= 8000

.PHONY: run test install install-dev system-deps bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q -U pip
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PIP) install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev system-deps

system-deps:
	bash scripts/install-system-deps.sh

run: install
	mkdir -p $(dir $(DB))
	$(VENV)/bin/eventcoder extract samples/ --db $(DB) --out data/sample-events.jsonl
	$(VENV)/bin/eventcoder user ensure-admin --db $(DB) --url http://127.0.0.1:$(PORT)
	$(VENV)/bin/eventcoder serve --db $(DB) --host 127.0.0.1 --port $(PORT)

test: install-dev
	$(PY) -m pytest -q

bench: install-dev
	$(PY) bench/bench_extract.py

clean:
	rm -rf $(VENV) data/eventcoder.db* .pytest_cache
