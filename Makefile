# Two commands for a newcomer: `make run` (dashboard on demo data) and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: setup run demo test verify bench

# Reinstall only when requirements.txt changes, so both commands stay fast.
$(INSTALLED): requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(INSTALLED)

setup: $(INSTALLED)

# Builds and loads a year of demo data for Kanwil Banten when the database has none.
demo: setup
	$(PY) -m etl demo

run: demo
	$(PY) -m streamlit run dashboard.py

test: setup
	$(PY) -m pytest -q -m "not reliability"

# The slow fault and fuzz suite: kill-and-rerun, the hostile corpus at full size, property tests.
verify: setup
	$(PY) -m pytest -q -m reliability

bench: setup
	$(PY) bench/etl.py
