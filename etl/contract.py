"""The canonical raw-input contract: every source, its columns, types, codes and rules.

This is the single definition that the validator, the demo generator and the
docs (`data/README.md`) follow. Column order here is the canonical file order.
"""
from __future__ import annotations

from dataclasses import dataclass, field

SERVICES = ("claim_jht", "claim_other", "membership", "data_update", "contributions", "information", "complaint")
PRIORITY_GROUPS = ("elderly", "disabled", "pregnant")
OUTCOMES = ("resolved", "transferred", "unresolved", "no_show")
PROGRAMMES = ("JHT", "JKK", "JKM", "JP", "JKP")
CLAIM_CHANNELS = ("branch", "lapak_asik", "jmo", "employer")
ONLINE_CLAIM_CHANNELS = ("jmo", "lapak_asik")
CLAIM_STATUSES = ("in_process", "paid", "rejected")
REJECTION_REASONS = (
    "duplicate_membership", "still_employed", "incomplete_documents", "employer_arrears", "data_mismatch", "other",
)
# `other`: post, fax, a referral: channels a foreign export names that the agency's own systems do not have.
COMPLAINT_CHANNELS = ("walk_in", "call_center", "email", "social_media", "mass_media", "jmo", "lapor", "other")
PUBLIC_ESCALATION_CHANNELS = ("mass_media", "social_media")
COMPLAINT_CATEGORIES = (
    "queue", "staff_attitude", "staff_absent", "jht_claim", "duplicate_membership", "data_update",
    "employer_contributions", "jmo_app", "information", "other",
)
COMPLAINT_STATUSES = ("open", "in_progress", "resolved")
BRANCH_TYPES = ("KC", "KCP")
# What explains a dip on a chart: the app down, the office closed, people away, a new rule, anything else.
ANNOTATION_CATEGORIES = ("outage", "closure", "staffing", "policy", "other")
# Text that Excel, LibreOffice and Sheets take for a formula when a value is opened again (a CSV download,
# the pack's workbook): `=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`, `-2+3+cmd|…`, or a leading tab or carriage
# return (OWASP, CSV injection). A lone sign and signed numbers (`-5`, `+10`, `-1,5`) are not formulas: a
# spreadsheet reads them as numbers, and a rank change of `+10` must not show as `'+10` on screen.
# The ETL quarantines such values; every table and file shown to people makes any that remain inert.
FORMULA_START = r"^(?:[=@\t\r]|[+-].*[^0-9.,])"
# Markup in a name that every page shows (st.info, captions, the sidebar, chart labels): a bracket opens a
# Markdown link or image (`[Masuk](…)`, `![](…)`), an angle bracket HTML or an autolink (`<img …>`, `<https://…>`),
# and a bare web address (`https://…`, `www.…`) is made a link by itself. Office and region names hold none
# of these ("KC Jakarta Salemba", "KCP Pandeglang", "KC Cilegon – Ñusantara Café"); parentheses, dots, dashes
# and slashes stay allowed. The pages escape names too; this keeps such text out of the database first.
MARKUP = r"[\[\]<>]|(?i:://|www\.)"


@dataclass(frozen=True)
class Column:
    """One canonical column. `kind` decides how its text is parsed."""

    name: str
    kind: str  # text | code | timestamp | date | int | number | bool | time_of_day
    required: bool = False
    codes: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    personal: bool = False  # pseudonymised with a keyed hash before anything is stored
    shown_as_name: bool = False  # a name people read on every page: refused when it holds MARKUP
    never_stored: bool = False  # personal data the product has no use for: dropped on read


@dataclass(frozen=True)
class Source:
    """One raw source: how its files are named and what a valid row looks like."""

    name: str
    id_column: str
    columns: tuple[Column, ...]
    # Timestamps in the order they must happen; each must not precede the last set one before it.
    time_order: tuple[str, ...] = ()
    # Timestamps measured from the first one only (a complaint's response and resolution).
    time_order_from_first: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def stored_columns(self) -> list[Column]:
        return [c for c in self.columns if not c.never_stored]


BRANCHES = Source(
    name="branches",
    id_column="branch_code",
    columns=(
        Column("branch_code", "text", required=True),
        Column("branch_name", "text", required=True, shown_as_name=True),
        Column("branch_type", "code", required=True, codes=BRANCH_TYPES),
        Column("region_code", "text", required=True),
        Column("region_name", "text", required=True, shown_as_name=True),
        Column("city", "text", shown_as_name=True),
        Column("counters", "int", required=True, minimum=1, maximum=999),  # the database column is a 32-bit integer
        Column("opens_at", "time_of_day", required=True),
        Column("closes_at", "time_of_day", required=True),
    ),
)

QUEUE_TICKETS = Source(
    name="queue_tickets",
    id_column="ticket_id",
    columns=(
        Column("ticket_id", "text", required=True),
        Column("visit_id", "text", required=True),
        Column("branch_code", "text", required=True),
        Column("participant_id", "text", personal=True),
        Column("service", "code", required=True, codes=SERVICES),
        Column("priority_group", "code", codes=PRIORITY_GROUPS),
        Column("issued_at", "timestamp", required=True),
        Column("called_at", "timestamp"),
        Column("finished_at", "timestamp"),
        Column("counter_id", "text"),
        Column("outcome", "code", required=True, codes=OUTCOMES),
        Column("rating", "int", minimum=1, maximum=5),
    ),
    time_order=("issued_at", "called_at", "finished_at"),
)

CLAIMS = Source(
    name="claims",
    id_column="claim_id",
    columns=(
        Column("claim_id", "text", required=True),
        Column("branch_code", "text", required=True),
        Column("participant_id", "text", required=True, personal=True),
        Column("programme", "code", required=True, codes=PROGRAMMES),
        Column("channel", "code", required=True, codes=CLAIM_CHANNELS),
        Column("amount_idr", "number", required=True, minimum=0),
        Column("submitted_at", "timestamp", required=True),
        Column("docs_complete_at", "timestamp"),
        Column("decided_at", "timestamp"),
        Column("paid_at", "timestamp"),
        Column("status", "code", required=True, codes=CLAIM_STATUSES),
        Column("rejection_reason", "code", codes=REJECTION_REASONS),
    ),
    time_order=("submitted_at", "docs_complete_at", "decided_at", "paid_at"),
)

COMPLAINTS = Source(
    name="complaints",
    id_column="complaint_id",
    columns=(
        Column("complaint_id", "text", required=True),
        Column("branch_code", "text", required=True),
        Column("participant_id", "text", personal=True),
        Column("participant_name", "text", never_stored=True),
        Column("channel", "code", required=True, codes=COMPLAINT_CHANNELS),
        Column("category", "code", required=True, codes=COMPLAINT_CATEGORIES),
        Column("received_at", "timestamp", required=True),
        Column("first_response_at", "timestamp"),
        Column("resolved_at", "timestamp"),
        Column("status", "code", required=True, codes=COMPLAINT_STATUSES),
        Column("reopened", "bool", required=True),
    ),
    time_order_from_first=("received_at", "first_response_at", "resolved_at"),
)

# Known events written on the charts (a JMO outage, a Lebaran closure): for a whole region (branch_code empty)
# or one branch of it. People also write them in the dashboard; a file resending an id replaces that event.
ANNOTATIONS = Source(
    name="annotations",
    id_column="annotation_id",
    columns=(
        Column("annotation_id", "text", required=True),
        Column("region_code", "text", required=True),
        Column("branch_code", "text"),
        Column("category", "code", required=True, codes=ANNOTATION_CATEGORIES),
        Column("starts_on", "date", required=True),
        Column("ends_on", "date", required=True),
        Column("label", "text", required=True, shown_as_name=True),  # the chart's short label
        Column("text", "text", shown_as_name=True),  # the chart's hover
        Column("author", "text", required=True, shown_as_name=True),
    ),
)

SOURCES: dict[str, Source] = {s.name: s for s in (BRANCHES, QUEUE_TICKETS, CLAIMS, COMPLAINTS, ANNOTATIONS)}


def source_for_file(file_name: str) -> Source | None:
    """The source a raw file belongs to, by the start of its name (`claims_2026-W46.csv` → claims)."""
    lowered = file_name.lower()
    # Longest prefix first so that no source name shadows a longer one.
    for name in sorted(SOURCES, key=len, reverse=True):
        if lowered.startswith(name):
            return SOURCES[name]
    return None
