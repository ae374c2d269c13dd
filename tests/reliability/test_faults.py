"""The slow variants of tests/integration/test_faults.py (`make verify`)."""
from __future__ import annotations

import pytest

from etl.generate import generate
from tests.integration.test_faults import END, database_url_of, kill_and_rerun


@pytest.mark.reliability
def test_sigkill_during_a_national_load_then_rerun_equals_a_clean_run(any_engine, tmp_path):
    raw = tmp_path / "national"
    generate(raw, weeks=2, end=END, scale="national")
    hits = kill_and_rerun(any_engine, database_url_of(any_engine), raw, kills=8, seed=2026)
    print(f"\nnational kill-and-rerun on {any_engine.dialect.name}: {hits} of 8 kills hit a live run; "
          "database identical to a clean run")
    assert hits >= 5

