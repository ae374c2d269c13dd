"""Paging for a projected screen: which panel and which rows of a long list show, and what the pager says.

A projector shows one screen: a list longer than a screen is cut into pages a presenter steps through with
buttons, never a grid that scrolls inside itself. Numbers here are 0-based; people see them 1-based.
"""
from __future__ import annotations

from present.formats import number
from present.words import t


def page_count(rows: int, per_page: int) -> int:
    """Pages needed for `rows` rows; an empty list still has one (empty) page."""
    if per_page < 1:
        raise ValueError(f"per_page must be at least 1, got {per_page}")
    return max(1, -(-rows // per_page))


def clamp(index: int, count: int) -> int:
    """`index` moved into 0 … count-1: a page or panel number from an old URL, or past a list that shrank."""
    return min(max(index, 0), max(count - 1, 0))


def page_bounds(page: int, rows: int, per_page: int) -> tuple[int, int]:
    """The rows [start, stop) that page `page` shows (a page out of range shows the nearest one)."""
    page = clamp(page, page_count(rows, per_page))
    start = page * per_page
    return start, min(start + per_page, rows)


def from_url(value: str | None, count: int) -> int:
    """A 1-based number from the URL (`panel=2`) as a 0-based index; anything unreadable opens the first."""
    try:
        return clamp(int(value) - 1, count)
    except (TypeError, ValueError):
        return 0


def rows_text(page: int, rows: int, per_page: int, lang: str | None = None) -> str:
    """`Baris 9–16 dari 20` / `Rows 9–16 of 20`, for the pager under a paged list."""
    start, stop = page_bounds(page, rows, per_page)
    return t("rows_of", lang, first=number(start + 1, 0, lang), last=number(stop, 0, lang),
             total=number(rows, 0, lang))
