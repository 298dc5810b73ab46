# ThemeHub: make run | make test | make lint | make format | make clean
#
# Everything runs inside .venv, made with a Python >= 3.12 found on this machine
# (or the one named by `make ... PYTHON=/path/to/python3.13`).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PORT ?= 8000
PYTEST_ARGS ?=
BENCH_ARGS ?=
BENCH_ARGS_QUALITY ?=
PYTHON ?=

VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install; pyproject.toml newer than it means install again.
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium

# Prints the first interpreter that runs and is >= 3.12 with venv and ensurepip (Debian's
# python3 lacks ensurepip without python3-venv): $PYTHON if given, else python3.13,
# python3.12, python3, python on PATH, else pyenv's installs, newest first. pyenv shims
# on PATH fail for versions that are installed but not selected, hence the version dirs.
define find_python
if [ -n "$(PYTHON)" ]; then candidates="$(PYTHON)"; else \
  root="$$(pyenv root 2>/dev/null || echo "$$HOME/.pyenv")"; \
  candidates="python3.13 python3.12 python3 python $$(ls -d "$$root"/versions/3.1[2-9]*/bin/python "$$HOME"/.pyenv/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rVu || true)"; \
fi; \
for candidate in $$candidates; do \
  if "$$candidate" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
    command -v "$$candidate"; exit 0; \
  fi; \
done; \
echo "error: ThemeHub needs Python 3.12 or newer (with the venv module) and found none." >&2; \
echo "  tried: $$candidates" >&2; \
echo "  install one (e.g. 'pyenv install 3.13', or your system's python3 >= 3.12 with python3-venv)" >&2; \
echo "  and run make again, or name it: make $(or $(MAKECMDGOALS),run) PYTHON=/path/to/python3.13" >&2; \
exit 1
endef

.PHONY: help
help:
	@echo "make run      install, migrate, load demo data, serve http://127.0.0.1:$(PORT) (PORT=...)"
	@echo "             with a task worker that trains the taste models"
	@echo "make test     install test tools, Debian's chromium and vim, run the whole suite (PYTEST_ARGS=...)"
	@echo "make bench    speed and quality benchmarks of the recommender (a few minutes)"
	@echo "make lint     ruff check and ruff format --check"
	@echo "make format   ruff format and ruff check --fix"
	@echo "make clean    remove .venv, caches and collected static files (keeps db.sqlite3)"

# A missing .venv, or one left by an older Python, is made anew.
$(STAMP): pyproject.toml
	@if ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  python="$$($(find_python))"; \
	  echo "Creating $(VENV) with $$python ($$("$$python" --version))"; \
	  "$$python" -m venv --clear $(VENV); \
	fi
	@echo "Installing ThemeHub and its test tools into $(VENV) (pip install -e '.[test]')"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-input -e ".[test]"
	@touch $@

.PHONY: venv
venv: $(STAMP)

# runserver and the task worker (django-tasks-db's db_worker, every queue) run side by side.
# When runserver stops, or on Ctrl-C or a TERM to make, the EXIT trap stops both and waits
# for them, so nothing is left running. Both run in the background so that the traps fire
# at once (bash runs a trap only after a foreground command ends); `<&0` keeps the terminal
# as runserver's input for breakpoint(). Demo people get their models from that worker.
.PHONY: run
run: $(STAMP)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py demo_data
	$(BIN)/python manage.py train_models --missing
	@echo "ThemeHub at http://127.0.0.1:$(PORT)/ with a task worker (Ctrl-C stops both)"
	@trap 'kill -TERM $${server:-} $${worker:-} 2>/dev/null || true; wait' EXIT; \
	trap 'exit 130' INT; trap 'exit 143' TERM; \
	$(BIN)/python manage.py db_worker --queue-name '*' & worker=$$!; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT) <&0 & server=$$!; \
	wait $$server

# Browser tests drive Debian's chromium, never a browser that Playwright downloads.
.PHONY: chromium
chromium:
	@if [ -x $(CHROMIUM) ]; then \
	  :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium for the browser tests (apt-get)"; \
	  apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	else \
	  echo "note: $(CHROMIUM) is missing, so the browser tests will be skipped."; \
	  echo "      To run them, install Debian's chromium: sudo apt-get install chromium"; \
	fi

# The Vim export's test loads the colorscheme in a real headless Vim (Debian's vim), and the
# Neovim export's test runs its Lua under Debian's lua5.4; either missing is installed.
.PHONY: vim
vim:
	@missing=""; \
	command -v vim >/dev/null || missing="$$missing vim"; \
	command -v lua5.4 >/dev/null || missing="$$missing lua5.4"; \
	if [ -z "$$missing" ]; then \
	  :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's$$missing for the Vim and Neovim exports' tests (apt-get)"; \
	  apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
	  echo "note:$$missing not installed, so the Vim or Neovim export's test will be skipped."; \
	  echo "      To run them, install Debian's packages: sudo apt-get install$$missing"; \
	fi

.PHONY: test
test: $(STAMP) chromium vim
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Benchmarks (bench/): speed of training and recommending, and quality on simulated
# people, ThemeHub against a faithful reproduction of the demo's network (numba).
BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-input -e ".[test,bench]"
	@touch $@

.PHONY: bench
bench: $(BENCH_STAMP)
	$(BIN)/python -m bench.speed $(BENCH_ARGS)
	$(BIN)/python -m bench.quality $(BENCH_ARGS_QUALITY)

# The staff dashboard on PostgreSQL with 10,000 people and 1,000,000 ratings (makes the
# database themehub_bench; BENCH_DATABASE_URL=postgres://... to use another).
.PHONY: bench-dashboard
bench-dashboard: $(STAMP)
	$(BIN)/python -m bench.dashboard $(BENCH_ARGS)

.PHONY: lint
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: format
format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

.PHONY: clean
clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
