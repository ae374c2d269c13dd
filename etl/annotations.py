"""Known events (annotations): what explains a line's dip, written once and drawn on every time chart.

An event covers a date range, for a whole region (branch_code null) or one branch of it. Events arrive from
`annotations*.csv` through the ETL (etl.contract.ANNOTATIONS) or are written in the dashboard (`save`, checked
against the same rules); both live in one table, so a file resending an id replaces the event.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid

import polars as pl
from sqlalchemy import Engine, delete as sql_delete, insert, select, update

from etl import schema
from etl.contract import ANNOTATION_CATEGORIES, FORMULA_START, MARKUP
from etl.db import read_frame

TEXT_FIELDS = ("label", "text", "author")
REQUIRED = ("label", "author")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
COLUMNS = ("annotation_id", "region_code", "branch_code", "category", "starts_on", "ends_on", "label", "text",
           "author")


class AnnotationError(ValueError):
    """Bad input; `field` names the field to correct."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field = field


def save(engine: Engine, *, region_code: str, branch_code: str | None, category: str, starts_on: dt.date,
         ends_on: dt.date, label: str, author: str, text: str | None = None, annotation_id: str | None = None,
         now: dt.datetime | None = None) -> str:
    """Store a new event (no `annotation_id`) or replace one; return its id. The caller checked the scope."""
    fields = _checked(category=category, starts_on=starts_on, ends_on=ends_on, label=label, text=text, author=author)
    saved_at = (now or dt.datetime.now()).replace(microsecond=0)
    table = schema.annotations
    with engine.begin() as conn:
        regions = {c: r for c, r in conn.execute(select(schema.branches.c.branch_code, schema.branches.c.region_code))}
        if region_code not in set(regions.values()):
            raise AnnotationError("region_code", "not a region of the branches table")
        if branch_code is not None and regions.get(branch_code) != region_code:
            raise AnnotationError("branch_code", "not a branch of this region")
        values = {"region_code": region_code, "branch_code": branch_code, **fields, "batch_id": None,
                  "updated_at": saved_at, "updated_by": author}
        if annotation_id is None:
            annotation_id = f"web-{uuid.uuid4().hex[:12]}"
            conn.execute(insert(table).values(annotation_id=annotation_id, **values))
        elif not conn.execute(update(table).where(table.c.annotation_id == annotation_id).values(**values)).rowcount:
            raise AnnotationError("annotation_id", "no such event")
    return annotation_id


def remove(engine: Engine, annotation_id: str) -> None:
    with engine.begin() as conn:
        conn.execute(sql_delete(schema.annotations).where(schema.annotations.c.annotation_id == annotation_id))


def scope_of(engine: Engine, annotation_id: str) -> tuple[str, str | None] | None:
    """(region_code, branch_code) of a stored event; None when there is none."""
    table = schema.annotations
    with engine.connect() as conn:
        row = conn.execute(select(table.c.region_code, table.c.branch_code)
                           .where(table.c.annotation_id == annotation_id)).first()
    return tuple(row) if row else None


def events(engine: Engine, regions: list[str] | None, first: dt.date = dt.date.min,
           last: dt.date = dt.date.max) -> pl.DataFrame:
    """The events of `regions` (None: every region) that overlap the days `first`..`last`, earliest first."""
    table = schema.annotations
    query = select(*[table.c[c] for c in COLUMNS]).where(table.c.ends_on >= first, table.c.starts_on <= last)
    if regions is not None:
        query = query.where(table.c.region_code.in_(regions))
    with engine.connect() as conn:
        return read_frame(conn, query.order_by(table.c.starts_on, table.c.annotation_id))


def of_scope(found: pl.DataFrame, code: str, level: str) -> pl.DataFrame:
    """The events a chart or sentence about `code` shows: a region's own, or a branch's plus its region's."""
    if level == "region":
        return found.filter(pl.col("branch_code").is_null() & (pl.col("region_code") == code))
    return found.filter(pl.col("branch_code").is_null() | (pl.col("branch_code") == code))


def during(rows: pl.DataFrame, found: pl.DataFrame, first: dt.date, last: dt.date) -> pl.DataFrame:
    """`rows` (level, code) with `during`: the labels of the events of each row's scope overlapping first..last,
    joined by commas, or null. `found` holds one region's events."""
    inside = found.filter((pl.col("ends_on") >= first) & (pl.col("starts_on") <= last))
    labels = []
    levels = rows["level"] if "level" in rows.columns else ["branch"] * rows.height
    for level, code in zip(levels, rows["code"]):
        matched = of_scope(inside, code, level)["label"].to_list() if inside.height else []
        labels.append(", ".join(matched) or None)
    return rows.with_columns(pl.Series("during", labels, dtype=pl.String))


def _checked(**fields) -> dict:
    if fields["category"] not in ANNOTATION_CATEGORIES:
        raise AnnotationError("category", f"must be one of {', '.join(ANNOTATION_CATEGORIES)}")
    for name in ("starts_on", "ends_on"):
        if not isinstance(fields[name], dt.date) or isinstance(fields[name], dt.datetime):
            raise AnnotationError(name, "must be a date")
    if fields["ends_on"] < fields["starts_on"]:
        raise AnnotationError("ends_on", "must not be before starts_on")
    for name in TEXT_FIELDS:
        value = (fields[name] or "").strip() or None
        fields[name] = value
        if value is None:
            if name in REQUIRED:
                raise AnnotationError(name, "is required")
            continue
        limit = schema.annotations.c[name].type.length
        if len(value) > limit:
            raise AnnotationError(name, f"at most {limit} characters")
        if CONTROL.search(value) or re.search(FORMULA_START, value) or re.search(MARKUP, value):
            raise AnnotationError(name, "no line breaks, markup ([, ], <, >, web addresses) or formulas (=, +, @)")
    return fields
