# The two commands of the README: `make run` and `make test`. Each makes the virtual
# environment on first use and reinstalls when pyproject.toml changes.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench chat money lock

# Installs exactly the locked versions, each checked against its hash; the project itself
# on top, without resolving anything more.
$(STAMP): pyproject.toml requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python bot.py run

chat: $(STAMP)
	$(BIN)/python bot.py chat

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m tests.bench
	$(BIN)/python -m tests.bench.fleet
	$(BIN)/python -m tests.bench.notifications
	$(BIN)/python -m tests.bench.billing
	$(BIN)/python -m tests.bench.screens

# The money invariant of tests/test_money.py on a long run with a new seed (printed, so that a
# failure can be run again with MONEY_SEED=...); with TEST_DATABASE_URL and TEST_REDIS_URL set,
# through two processes of a fleet on PostgreSQL and Redis too.
money: $(STAMP)
	MONEY_SEED=$${MONEY_SEED:-$$(date +%s)} MONEY_STEPS=$${MONEY_STEPS:-1000} \
		$(BIN)/python -m pytest -q -s tests/test_money.py

# The lock files, after a dependency changed in pyproject.toml: production's (the bot alone)
# and the development one (with the tools), both for Python 3.11 with every file's hash.
LOCK := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock: $(STAMP)
	$(LOCK) -o requirements/production.txt pyproject.toml
	$(LOCK) --extra dev -o requirements/dev.txt pyproject.toml
