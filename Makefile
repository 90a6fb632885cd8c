# Two commands set everything up on a fresh machine:
#   make demo   build the example site offline and say where it is
#   make test   run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test bench system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# GNU gettext (msgfmt, msgmerge) for the round-trip tests; Chromium for the browser and axe-core tests
# (driven by the Python package playwright from the test extras, with this Chromium: no browser download).
system-deps:
	@command -v msgfmt >/dev/null 2>&1 || { \
	  echo "installing gettext"; \
	  (apt-get update -qq && apt-get install -y -qq gettext >/dev/null) || \
	  echo "warning: could not install gettext; tests that need msgfmt will be skipped"; }
	@test -x /usr/bin/chromium || { \
	  echo "installing chromium"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "warning: could not install chromium; the browser test will be skipped"; }

demo: $(VENV)/.installed
	$(BIN)/i18nprofiles build
	-$(BIN)/i18nprofiles check --report site/check
	@echo
	@echo "The example site is in $(CURDIR)/site: open $(CURDIR)/site/index.html"
	@echo "Translation report and badges: $(CURDIR)/site/check/index.html"

test: $(VENV)/.installed system-deps
	I18NPROFILES_VERIFY=1 $(BIN)/python -m pytest -q

bench: $(VENV)/.installed system-deps
	$(BIN)/python benchmarks/run.py --before 072eedc  # the code before the store, measured alongside

clean:
	rm -rf $(VENV) site .site.staging build *.egg-info .pytest_cache
