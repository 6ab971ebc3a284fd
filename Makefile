# Two entry points for a new machine (only Python >= 3.11, pip and make needed):
#   make demo   set everything up and run the demo pipeline into outputs/
#   make test   set everything up and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-quick system-deps lint bench clean compiled

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# The package's own modules compiled to bytecode once, as a regular (non-editable) pip install
# does: a run need not compile them again (it could not cache them where
# PYTHONDONTWRITEBYTECODE is set). Quick when they are up to date.
compiled: $(STAMP)
	$(BIN)/python -m compileall -q src

demo: $(STAMP) compiled
	$(BIN)/tryggaplatser demo --out outputs

system-deps:
	bash .ci/system-deps

# Everything CI runs: lint, every test (browser tests included) on two processes (the 15
# slowest listed at the end), and the examples in the docstrings of src/ (doctests).
test: $(STAMP) compiled system-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --no-loadscope-reorder --durations=15
	$(BIN)/python -m pytest -q -p no:cacheprovider --import-mode=importlib --doctest-modules src

# Inner loop while developing: skips the slow end-to-end tests (CI always runs everything).
test-quick: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --no-loadscope-reorder -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP) compiled
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) outputs/publik outputs/internt
