# Huddle — the whole set-up on a fresh machine is `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint layers typecheck unit mutate demo bench clean

# pip's -qq keeps errors and drops the pages of notices and warnings a newcomer would
# otherwise have to read past.
PIP := $(BIN)/python -m pip install -qq --disable-pip-version-check

$(STAMP): pyproject.toml
	@echo "==> Setting up $(VENV) and installing Huddle with its dependencies (about a minute)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(PIP) --upgrade pip
	@$(PIP) -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@
	@echo "==> Installed"

run: $(STAMP)
	$(BIN)/huddle run

demo: $(STAMP)
	$(BIN)/huddle demo

lint: $(STAMP)
	@echo "==> ruff"
	@$(BIN)/ruff check -q .
	@$(BIN)/ruff format -q --check .

# The floors of the house (pyproject.toml, [tool.importlinter]): imports only go down.
layers: $(STAMP)
	@echo "==> import-linter: imports only go down the floors"
	@$(BIN)/lint-imports --no-cache > $(VENV)/lint-imports.log || (cat $(VENV)/lint-imports.log; exit 1)
	@tail -n 1 $(VENV)/lint-imports.log

typecheck: $(STAMP)
	@echo "==> mypy (strict)"
	@$(BIN)/mypy

test: lint layers typecheck
	@echo "==> pytest (SQLite and PostgreSQL)"
	@$(BIN)/pytest -q -rs

# The pure core's fast unit tests (no database, no HTTP): what `make mutate` runs
# against each mutant, and what .ci/run runs again with the process clock far from UTC
# (UNIT_ARGS=--process-tz=Pacific/Auckland), so a server-clock leak fails.
UNIT_TESTS := tests/test_planner.py tests/test_planner_rules.py tests/test_planner_load.py \
	tests/test_progress.py \
	tests/test_weeks.py tests/test_windows.py tests/test_grammar.py tests/test_verdicts.py \
	tests/test_admin_grammar.py tests/test_settings.py tests/test_weekly_messages.py \
	tests/test_home_messages.py tests/test_announcements.py tests/test_team_calendar.py \
	tests/test_team_settings.py tests/test_team_grammar.py tests/test_team_admin_messages.py \
	tests/test_holiday_grammar.py tests/test_planner_holidays.py tests/test_out_of_office.py
UNIT_ARGS ?=

unit: $(STAMP)
	@echo "==> pytest: the fast unit tests $(UNIT_ARGS)"
	@$(BIN)/pytest -q -p no:cacheprovider $(UNIT_ARGS) $(UNIT_TESTS)

# Mutation testing of the pure core ([tool.mutmut] in pyproject.toml; docs/MUTATION.md).
# Slow (tens of minutes on two cores), so not part of `make test`.
mutate: $(STAMP)
	@echo "==> mutmut: the planner, goals, windows, weeks and check-in grammar"
	@$(BIN)/mutmut run --max-children $${MUTATE_CHILDREN:-2}; $(BIN)/mutmut results

# Check-ins against bare Bolt, company scale, the Thursday fan-out at Slack's pace;
# prints the tables of docs/PERFORMANCE.md. Needs PostgreSQL at 127.0.0.1:5432 like
# the tests; about 10 min. BENCH_QUICK=1 make bench: the same company with a fifth of the
# reps (about 3 min).
bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
