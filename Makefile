# mamaflow: `make chat` to talk to the bot, `make test` to run every check, `make help` for the rest.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
.DEFAULT_GOAL := help

SOAK_SECONDS ?= 300

.PHONY: help chat test soak lint bench telegram tg-try graph schema docs clean

help:  ## list these targets
	@awk 'BEGIN {FS = ":[^#]*## "} /^[a-z][a-z-]*:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# Before the venv exists, check the Python: an old or missing one gets one line, not minutes of
# pip backtracking.
ifeq ($(wildcard $(PY)),)
ifneq ($(filter-out help clean,$(or $(MAKECMDGOALS),help)),)
PY_FOUND := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
ifeq ($(PY_FOUND),)
$(error mamaflow needs Python 3.11 or newer, and '$(PYTHON)' was not found; try: make $(firstword $(MAKECMDGOALS)) PYTHON=python3.11)
endif
ifneq ($(shell $(PYTHON) -c 'import sys; print(sys.version_info >= (3, 11))'),True)
$(error mamaflow needs Python 3.11 or newer, but '$(PYTHON)' is $(PY_FOUND); try: make $(firstword $(MAKECMDGOALS)) PYTHON=python3.11)
endif
endif
endif

$(PY):
	@echo "first run: creating $(VENV) with $$($(PYTHON) --version)"
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "could not create $(VENV) (on Debian or Ubuntu: apt-get install python3-venv)"; exit 1; }

# The chat needs only the runtime dependencies; the tests add their tools on top.
$(RUN_STAMP): pyproject.toml setup.py | $(PY)
	@echo "installing mamaflow and what the chat needs into $(VENV) (about 30 s, once)..."
	@$(PIP) -e .
	@touch $@

$(TEST_STAMP): pyproject.toml setup.py | $(PY)
	@echo "installing mamaflow and the test tools into $(VENV) (about a minute, once)..."
	@$(PIP) -e '.[test]'
	@touch $@ $(RUN_STAMP)

chat: $(RUN_STAMP)  ## chat with the bot in this terminal (sessions in ./data/mamaflow.db)
	@$(PY) -m bot console

test: $(TEST_STAMP)  ## lint the shipped content and the code, run every test
	$(PY) -m bot lint
	$(PY) -m ruff check bot tests bench docs setup.py
	$(PY) -m mypy
	$(PY) -m pytest -q

soak: $(TEST_STAMP)  ## fuzz the engine and the console for minutes (SOAK_SECONDS=300); report inputs and failures
	$(PY) -m tests.soak --seconds $(SOAK_SECONDS) $(SOAK_ARGS)

lint: $(RUN_STAMP)  ## check the flows and locales (file:line: message)
	$(PY) -m bot lint

bench: $(RUN_STAMP)  ## speed on this machine: engine, stores, start-up (interleaved rounds)
	$(PY) bench/bench_core.py
	$(PY) bench/bench_bound.py
	$(PY) bench/bench_telegram.py
	$(PY) bench/bench_engine.py
	$(PY) bench/bench_workers.py

telegram: $(RUN_STAMP)  ## run the Telegram bot (needs TELEGRAM_BOT_TOKEN)
	@$(PY) -m bot telegram

tg-try: $(TEST_STAMP)  ## be the user: chat with the real Telegram adapter offline, through the fake Bot API
	@$(PY) -m tests.fake_telegram

graph: $(RUN_STAMP)  ## print the triage flow's Mermaid diagram
	@$(PY) -m bot graph

schema: docs

docs: $(RUN_STAMP)  ## regenerate the schema, paths snapshot, clinical table, README diagram and the preview site
	$(PY) docs/update_docs.py
	@$(PY) -m bot preview --out docs/preview

clean:  ## remove the venv, the local sessions and the caches
	rm -rf $(VENV) data .pytest_cache .ruff_cache .mypy_cache
