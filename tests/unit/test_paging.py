"""Paging for the projector: every row lands on exactly one page, and a number from a URL never breaks the view."""
from __future__ import annotations

import pytest

from present.paging import clamp, from_url, page_bounds, page_count, rows_text


@pytest.mark.parametrize(("rows", "per_page", "pages"), [(0, 8, 1), (1, 8, 1), (8, 8, 1), (9, 8, 2), (17, 8, 3)])
def test_page_count_rounds_up_and_an_empty_list_has_one_page(rows, per_page, pages):
    assert page_count(rows, per_page) == pages


def test_a_page_of_no_rows_is_refused():
    with pytest.raises(ValueError):
        page_count(5, 0)


@pytest.mark.parametrize("rows", [0, 1, 7, 8, 9, 16, 17, 40])
def test_pages_cover_every_row_once_in_order(rows):
    seen = []
    for page in range(page_count(rows, 8)):
        start, stop = page_bounds(page, rows, 8)
        assert stop - start <= 8
        seen.extend(range(start, stop))
    assert seen == list(range(rows))


def test_the_last_page_holds_the_rest():
    assert page_bounds(2, 20, 8) == (16, 20)


@pytest.mark.parametrize(("page", "bounds"), [(-1, (0, 8)), (9, (16, 20))])
def test_a_page_out_of_range_shows_the_nearest(page, bounds):
    assert page_bounds(page, 20, 8) == bounds


@pytest.mark.parametrize(("index", "count", "kept"), [(0, 4, 0), (3, 4, 3), (4, 4, 3), (-2, 4, 0), (5, 0, 0)])
def test_clamp(index, count, kept):
    assert clamp(index, count) == kept


@pytest.mark.parametrize(("value", "index"), [("1", 0), ("3", 2), ("4", 3), ("9", 3), ("0", 0), ("-1", 0),
                                              ("x", 0), ("", 0), (None, 0), ("2.5", 0)])
def test_a_panel_number_from_the_url_is_one_based_and_never_out_of_range(value, index):
    assert from_url(value, 4) == index


@pytest.mark.parametrize(("lang", "text"), [("id", "Baris 1.001–1.008 dari 1.010"),
                                            ("en", "Rows 1,001–1,008 of 1,010")])
def test_the_pager_says_which_rows_show_in_the_language_s_numbers(lang, text):
    assert rows_text(125, 1010, 8, lang) == text
