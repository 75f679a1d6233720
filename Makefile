# Two commands for a fresh clone with only python3 and make:
#   make demo   set up .venv, install, and run the flow on sample_scans/ into out/
#   make test   set up .venv with the dev extra, then ruff and pytest
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages needed at run or test time: fonts for rendering generated scans; LibreOffice (headless)
# and the faces real reports are set in, for the DOCX-made reports of the scan bench set (samplegen/render_docx.py);
# chromium for the browser tests (tests/test_prefect_ui.py, tests/test_review_station.py, driven by playwright).
APT_PACKAGES := fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai fonts-noto-cjk fonts-liberation \
	libreoffice-writer-nogui chromium

.PHONY: demo test apt constraints

# The real web texts are read from ../shared beside the checkout (never copied into the project).
REAL_TEXTS := $(wildcard ../shared/data/real/*.txt)

demo: apt $(VENV)/.installed-run
	$(BIN)/reportgrid run sample_scans $(REAL_TEXTS) --out out

test: apt $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/pytest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install -c constraints.txt -e .
	touch $@

# The paddleocr engine is tested too: paddleocr and paddlex go in without their declared dependencies,
# which would put opencv-contrib-python over opencv-python-headless (see the `paddle` extra).
$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install -c constraints.txt -e '.[dev,paddle]'
	$(BIN)/pip install -c constraints.txt --no-deps paddleocr paddlex
	touch $@ $(VENV)/.installed-run

# Installs only what is missing; without root (or apt) it says what to install and carries on.
apt:
	@missing=""; \
	for package in $(APT_PACKAGES); do \
		dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
		echo "note: no apt-get here; install these packages (or their equivalents) yourself:$$missing"; \
	elif [ "$$(id -u)" != "0" ]; then \
		echo "note: not root, skipping apt packages; to install them: sudo apt-get install -y --no-install-recommends$$missing"; \
	else \
		apt-get update && apt-get install -y --no-install-recommends $$missing; \
	fi

# Pins every installed distribution (the project itself excluded) so a fresh machine gets the same versions.
constraints:
	$(BIN)/pip freeze --exclude-editable \
		| sed -E 's#^([A-Za-z0-9_.-]+) @ .*/[^/]+-([0-9][^-/]*)-[^/]*\.whl.*$$#\1==\2#' \
		| grep -v -i '^reportgrid==' > constraints.txt
