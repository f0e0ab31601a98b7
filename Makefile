# Everything a fresh clone needs: `make demo` runs the tool, `make test` passes the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install browser fonts demo test lint bench docs clean

install: $(STAMP)

# torch and torchvision are pinned to the wheels that lie on this machine's disk; pip takes them
# from there before installing the project and its other dependencies from the registry.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.14.1 torchvision==0.29.1
	$(BIN)/pip install --quiet -e '.[dev,cluster,speech]'
	# the official SoccerNet evaluator, a test-only reference for our metric (its evaluation code
	# needs only numpy and tqdm; its other dependencies serve downloads we never make)
	$(BIN)/pip install --quiet --no-deps SoccerNet==0.2.0
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/soccer-highlights demo demo

# The review page's tests drive a real browser: Debian's Chromium and its driver, installed where apt
# is available (as root); elsewhere those tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || { \
	  command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) \
	  >/dev/null 2>&1 && echo "installed Chromium for the browser tests"; } || \
	  echo "no Chromium here and no apt to install it: the browser tests will skip"

# The synthetic Japanese score bug (synth_bugs.py, family two-rows) draws its team names with a
# Japanese face: Debian's IPA Gothic, installed where apt is available (as root); elsewhere the bug
# writes Latin names and says so.
fonts:
	@fc-list 2>/dev/null | grep -qi "ipagothic\|ipag.ttf\|notosanscjk\|vl-gothic\|droidsansfallback" || { \
	  command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	  fonts-ipafont-gothic) >/dev/null 2>&1 && echo "installed IPA Gothic for the synthetic Japanese score bug"; } || \
	  echo "no Japanese font here and no apt to install it: the synthetic two-rows bug writes Latin names"

# Two workers, one file each at a time (a file's fixtures are made once), one BLAS/OpenMP thread each:
# two cores run the suite in 13 minutes instead of 19 serially; with two workers and threaded
# libraries each, the threads of scikit-learn, PyTorch and Ray waited on each other (17 minutes).
test: $(STAMP) browser fonts
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -q -n 2 --dist loadfile

bench: $(STAMP)
	$(BIN)/python bench/run.py

# The pictures in docs/, made again from real runs (tests write only to temporary folders).
docs: $(STAMP) browser
	UPDATE_DOCS=1 $(BIN)/python -m pytest -q tests/test_review_page.py tests/test_web_browser.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

clean:
	rm -rf demo .pytest_cache build
