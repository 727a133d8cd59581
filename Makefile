# mamaflow: `make chat` to talk to the bot, `make test` to run every check.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: chat test lint bench telegram graph schema docs clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

chat: $(STAMP)  ## set up, then chat with the bot in the console (SQLite store under ./data/)
	@$(PY) -m bot console

test: $(STAMP)  ## set up, lint the shipped content and the code, run every test
	$(PY) -m bot lint
	$(PY) -m ruff check bot tests bench docs setup.py
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m bot lint

bench: $(STAMP)  ## engine and lint speed on this machine
	$(PY) bench/bench_engine.py

telegram: $(STAMP)  ## run the Telegram bot (needs TELEGRAM_BOT_TOKEN)
	@$(PY) -m bot telegram

graph: $(STAMP)
	@$(PY) -m bot graph

schema: docs

docs: $(STAMP)  ## regenerate the schema, the paths snapshot, the clinical table and the README diagram
	$(PY) docs/update_docs.py

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache
