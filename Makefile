PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PLAN_OUT ?= plan_out

.PHONY: setup demo test clean

$(BIN)/reelplan: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/reelplan

setup: $(BIN)/reelplan

demo: setup
	$(BIN)/reelplan plan sample_data/ems_factory --out $(PLAN_OUT)

test: setup
	$(BIN)/python -m pytest -q -n 2

clean:
	rm -rf $(VENV) $(PLAN_OUT) .pytest_cache
