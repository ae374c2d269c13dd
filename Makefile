# Two commands for a newcomer: `make run` (dashboard on demo data) and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# Days months apart (a leap day among them) on which the date-dependent tests must pass as well as today.
CLOCK_DAYS := 2027-03-10 2027-08-17 2028-02-29
# A passing test's temporary files are deleted when it ends: many tests copy the 0.3 GB demo database, and
# pytest's default keeps every copy of its last three runs; a day of runs filled this machine's disk (74 GB).
PYTEST := $(PY) -m pytest -o tmp_path_retention_policy=failed

.PHONY: setup run demo test test-unit test-dates verify bench

# Reinstall only when requirements.txt changes, so both commands stay fast.
$(INSTALLED): requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(INSTALLED)

setup: $(INSTALLED)

# Builds and loads a year of demo data for Kanwil Banten when the database has none.
demo: setup
	$(PY) -m etl demo

# The open demo (no sign-in, every region) is only ever switched on explicitly: here, for the demo data.
run: demo
	PANTAU_OPEN_DEMO=1 $(PY) -m streamlit run dashboard.py

# Everything but the slow reliability suite, today and with the clock moved.
test: setup
	$(PYTEST) -q -m "not reliability"
	$(MAKE) --no-print-directory test-dates

# Pure functions only: no database, no Streamlit; under a minute.
test-unit: setup
	$(PYTEST) -q tests/unit

# The tests that depend on dates, under Debian's faketime (the clock starts on each day and runs on).
test-dates: setup
	@command -v faketime >/dev/null || { echo "faketime is missing: apt-get install faketime"; exit 1; }
	@for day in $(CLOCK_DAYS); do \
	  echo "== clock moved to $$day"; \
	  faketime -f "@$$day 09:30:00" $(PYTEST) -q -p no:cacheprovider -m "dates and not reliability" \
	    tests/unit tests/integration || exit 1; \
	done

# The slow fault and fuzz suite: kill-and-rerun, the hostile corpus at full size, property tests.
verify: setup
	$(PYTEST) -q -m reliability

bench: setup
	$(PY) bench/etl.py
