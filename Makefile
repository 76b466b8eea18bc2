PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PLAN_OUT ?= plan_out
DEMO_DB := demo.db
DEMO_PASSWORD := reelplan-demo
DEMO_AS_OF := $(shell sed -n 's/^as_of *= *//p' sample_data/ems_factory/settings.toml)

.PHONY: setup demo test clean

$(BIN)/reelplan: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/reelplan

setup: $(BIN)/reelplan

demo: setup
	$(BIN)/reelplan plan sample_data/ems_factory --out $(PLAN_OUT)
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(DEMO_DB).planning.lock
	$(BIN)/reelplan import sample_data/ems_factory --db sqlite:///$(DEMO_DB)
	$(BIN)/reelplan run-now --as-of $(DEMO_AS_OF) --db sqlite:///$(DEMO_DB)
	for user in anna:buyer bob:planner demo:admin; do \
		echo '$(DEMO_PASSWORD)' | $(BIN)/reelplan user create --name $${user%%:*} --role $${user##*:} \
			--password-stdin --db sqlite:///$(DEMO_DB) || exit 1; \
	done
	@echo
	@echo "The web workspace on the planned sample factory:"
	@echo "    $(BIN)/reelplan serve --db sqlite:///$(DEMO_DB)"
	@echo "then open http://127.0.0.1:8000 and sign in as anna (buyer), bob (planner) or demo (admin),"
	@echo "password $(DEMO_PASSWORD). The HTTP API is documented at http://127.0.0.1:8000/docs."

test: setup
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

clean:
	rm -rf $(VENV) $(PLAN_OUT) .pytest_cache $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(DEMO_DB).planning.lock
