# Two entry points for a new machine (only Python >= 3.11, pip and make needed):
#   make demo   set everything up and run the demo pipeline into outputs/
#   make test   set everything up and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-quick system-deps lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tryggaplatser demo --out outputs

system-deps:
	bash .ci/system-deps

# Everything CI runs: lint, every test (browser tests included) on two processes (the 15
# slowest listed at the end), and the examples in the docstrings of src/ (doctests).
test: $(STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --no-loadscope-reorder --durations=15
	$(BIN)/python -m pytest -q -p no:cacheprovider --import-mode=importlib --doctest-modules src

# Inner loop while developing: skips the slow end-to-end tests (CI always runs everything).
test-quick: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --no-loadscope-reorder -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) outputs/publik outputs/internt
