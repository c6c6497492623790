# Two entry points (see README): `make preview` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: preview test setup clean golden

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	# what pip does for an installed package and not for an editable one: with PYTHONDONTWRITEBYTECODE set (as on this
	# machine and its CI) every process compiled the modules it imports again, 25-30 ms a process
	$(BIN)/python -m compileall -q -x 'blueprints/template/' blueprints components platform
	touch $(STAMP)

setup: $(STAMP)

preview: $(STAMP)
	$(BIN)/dmesh preview domain_stacks

test: $(STAMP)
	$(BIN)/pytest

golden: $(STAMP)
	$(BIN)/pytest tests/components/test_golden.py --snapshot-update

clean:
	rm -rf $(VENV) .localstack-venv .pytest_cache .hypothesis
