"""The slow variants of tests/integration/test_property.py (`make verify`)."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.test_property import FILE_SHAPES, check, check_complaints, complaint_files


@pytest.mark.reliability
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(*FILE_SHAPES)
def test_every_row_is_loaded_unchanged_or_quarantined_with_its_reason_at_length(lines, separator, bom, crlf):
    check(lines, separator, bom, crlf)


@pytest.mark.reliability
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(complaint_files(), st.sampled_from([",", ";"]))
def test_every_complaint_is_loaded_unchanged_or_quarantined_with_its_reason_at_length(lines, separator):
    check_complaints(lines, separator)

