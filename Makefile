# Two commands on a fresh machine: `make brief` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: brief test images bench pages pdfjs clean

$(BIN)/briefing: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.test-deps: $(BIN)/briefing
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

## Set up and build the default brief into output/.
brief: $(BIN)/briefing
	$(BIN)/briefing build .

## Set up and run the tests.
test: $(VENV)/.test-deps
	$(BIN)/ruff check briefing tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/python -m pytest

$(VENV)/.bench-deps: $(VENV)/.test-deps
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@touch $@

## Run the performance benchmarks (writes benchmarks/results.md): our own harness, what
## tagging and PDF/A cost, then the side-by-side yardstick against Typst and a floor in ../shared/bench.
bench: $(VENV)/.bench-deps
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/tagging.py
	$(BIN)/python benchmarks/yardstick.py

## Redraw the default brief's figures (assets/*.png).
images: $(BIN)/briefing
	$(BIN)/python tools/make_images.py

## Render pages 1 and 2 of each default edition into docs/pages/ (needs poppler-utils).
pages: brief
	bash tools/render_pages.sh

## Refresh the vendored PDF.js that `briefing preview` serves (needs npm; not needed to install).
pdfjs:
	$(PYTHON) tools/vendor_pdfjs.py

clean:
	rm -rf $(VENV) output/*.pdf
