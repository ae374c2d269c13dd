"""A plain DuckDB load of a raw folder: the yardstick `bench/etl.py --vs-reference` measures the ETL against.

    python bench/duckdb_reference.py RAW_DIR DATABASE_FILE

It does what the ETL's full load does, in the simplest way DuckDB allows: reads every file of each
source as text, applies the contract's row rules (required values, codes, numbers, timestamps, the
clock-skew clamp, the status rules, known branches), hides personal identifiers behind a keyed hash,
keeps the newest version of every id (a later file wins, then a later line), stores the facts in a
DuckDB file and computes the queue's weekly KPIs per branch (and weekly claim and complaint counts).
It keeps no quarantine, no batches and no monthly marts, so it is a floor for the ETL, not its twin.
DuckDB has no HMAC: sha256(key || value) stands in for it, the same amount of hashing.
"""
from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
TS_FORMATS = "['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M', " \
             "'%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M']"
KEY = "benchmark"


def ts(column: str) -> str:
    return f"try_strptime(nullif(trim({column}), ''), {TS_FORMATS})"


def text(column: str) -> str:
    return f"nullif(trim({column}), '')"


def in_codes(column: str, codes: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{c}'" for c in codes)
    return f"({text(column)} IS NULL OR {text(column)} IN ({listed}))"


def load(con: duckdb.DuckDBPyConnection, raw: Path, source: str, id_column: str, select: str, rules: str) -> None:
    """Read every `source` file as text, type it, keep the rows that pass `rules`, then the newest per id."""
    files = sorted(str(p) for p in raw.glob(f"{source}*.csv"))
    con.execute(f"CREATE TEMP TABLE raw_{source} AS SELECT * FROM read_csv({files!r}, all_varchar=true, "
                "filename=true)")
    con.execute(f"""
        CREATE TABLE {source} AS
        WITH typed AS (SELECT rowid AS _line, filename AS _file, {select} FROM raw_{source})
        SELECT * EXCLUDE (_line, _file) FROM typed WHERE {rules}
        QUALIFY row_number() OVER (PARTITION BY {id_column} ORDER BY _file DESC, _line DESC) = 1""")
    con.execute(f"DROP TABLE raw_{source}")


def main(raw: Path, database: Path) -> None:
    sop = tomllib.loads((ROOT / "data" / "config" / "sop.toml").read_text())
    skew = f"INTERVAL {int(sop['clock_skew_tolerance_seconds'])} SECOND"
    wait, priority_wait = sop["limits"]["wait_minutes"], sop["limits"]["priority_wait_minutes"]
    database.unlink(missing_ok=True)
    con = duckdb.connect(str(database))
    con.execute(f"CREATE TABLE branches AS SELECT * FROM read_csv('{raw / 'branches.csv'}', all_varchar=true)")
    known = "branch_code IN (SELECT branch_code FROM branches)"

    def clamp(later: str, earlier: str) -> str:
        """The later timestamp, clamped to the earlier when it runs back by at most the tolerance."""
        return (f"CASE WHEN {later} < {earlier} AND {later} >= {earlier} - {skew} THEN {earlier} ELSE {later} END")

    def ordered(later: str, earlier: str) -> str:
        return f"({later} IS NULL OR {earlier} IS NULL OR {later} >= {earlier} - {skew})"

    pseudonym = f"CASE WHEN {text('participant_id')} IS NOT NULL THEN left(sha256('{KEY}' || trim(participant_id)), 32) END"
    load(con, raw, "queue_tickets", "ticket_id", f"""
        {text('ticket_id')} AS ticket_id, {text('visit_id')} AS visit_id, {text('branch_code')} AS branch_code,
        {pseudonym} AS participant_id, {text('service')} AS service, {text('priority_group')} AS priority_group,
        {ts('issued_at')} AS issued_at, {ts('called_at')} AS called_at, {ts('finished_at')} AS finished_at,
        {text('counter_id')} AS counter_id, {text('outcome')} AS outcome, try_cast({text('rating')} AS INTEGER) AS rating,
        {text('called_at')} IS NOT NULL AS _has_called, {text('finished_at')} IS NOT NULL AS _has_finished,
        {text('rating')} IS NOT NULL AS _has_rating""",
         f"""ticket_id IS NOT NULL AND visit_id IS NOT NULL AND issued_at IS NOT NULL AND {known}
        AND service IN ('claim_jht','claim_other','membership','data_update','contributions','information','complaint')
        AND {in_codes('priority_group', ('elderly', 'disabled', 'pregnant'))}
        AND outcome IN ('resolved','transferred','unresolved','no_show')
        AND (called_at IS NOT NULL) = _has_called AND (finished_at IS NOT NULL) = _has_finished
        AND (rating BETWEEN 1 AND 5 OR NOT _has_rating)
        AND (outcome = 'no_show') <> (called_at IS NOT NULL) AND NOT (finished_at IS NOT NULL AND called_at IS NULL)
        AND NOT (called_at IS NOT NULL AND counter_id IS NULL)
        AND {ordered('called_at', 'issued_at')} AND {ordered('finished_at', 'coalesce(called_at, issued_at)')}""")
    con.execute(f"UPDATE queue_tickets SET called_at = {clamp('called_at', 'issued_at')}")
    con.execute(f"UPDATE queue_tickets SET finished_at = {clamp('finished_at', 'coalesce(called_at, issued_at)')}")
    con.execute("ALTER TABLE queue_tickets DROP _has_called; ALTER TABLE queue_tickets DROP _has_finished; "
                "ALTER TABLE queue_tickets DROP _has_rating")

    load(con, raw, "claims", "claim_id", f"""
        {text('claim_id')} AS claim_id, {text('branch_code')} AS branch_code, {pseudonym} AS participant_id,
        {text('programme')} AS programme, {text('channel')} AS channel,
        try_cast({text('amount_idr')} AS DOUBLE) AS amount_idr, {ts('submitted_at')} AS submitted_at,
        {ts('docs_complete_at')} AS docs_complete_at, {ts('decided_at')} AS decided_at, {ts('paid_at')} AS paid_at,
        {text('status')} AS status, {text('rejection_reason')} AS rejection_reason""",
         f"""claim_id IS NOT NULL AND participant_id IS NOT NULL AND submitted_at IS NOT NULL AND {known}
        AND programme IN ('JHT','JKK','JKM','JP','JKP') AND channel IN ('branch','lapak_asik','jmo','employer')
        AND amount_idr >= 0 AND status IN ('in_process','paid','rejected')
        AND {in_codes('rejection_reason', ('duplicate_membership', 'still_employed', 'incomplete_documents',
                                            'employer_arrears', 'data_mismatch', 'other'))}
        AND (status = 'paid') = (paid_at IS NOT NULL) AND (status IN ('paid','rejected')) = (decided_at IS NOT NULL)
        AND NOT (status = 'paid' AND docs_complete_at IS NULL)
        AND (status = 'rejected') = (rejection_reason IS NOT NULL)
        AND {ordered('docs_complete_at', 'submitted_at')}
        AND {ordered('decided_at', 'coalesce(docs_complete_at, submitted_at)')}
        AND {ordered('paid_at', 'coalesce(decided_at, docs_complete_at, submitted_at)')}""")

    load(con, raw, "complaints", "complaint_id", f"""
        {text('complaint_id')} AS complaint_id, {text('branch_code')} AS branch_code, {pseudonym} AS participant_id,
        {text('channel')} AS channel, {text('category')} AS category, {ts('received_at')} AS received_at,
        {ts('first_response_at')} AS first_response_at, {ts('resolved_at')} AS resolved_at,
        {text('status')} AS status, lower({text('reopened')}) IN ('true','1','ya','y') AS reopened""",
         f"""complaint_id IS NOT NULL AND received_at IS NOT NULL AND {known}
        AND channel IN ('walk_in','call_center','email','social_media','mass_media','jmo','lapor')
        AND category IS NOT NULL AND status IN ('open','in_progress','resolved')
        AND (status = 'resolved') = (resolved_at IS NOT NULL)
        AND {ordered('first_response_at', 'received_at')} AND {ordered('resolved_at', 'received_at')}""")

    con.execute(f"""
        CREATE TABLE kpi_weekly_queue AS
        SELECT branch_code, date_trunc('week', issued_at)::DATE AS period_start,
               count(*) FILTER (called_at IS NOT NULL AND date_diff('second', issued_at, called_at) <= {wait} * 60)
                 / nullif(count(called_at), 0) AS wait_within_sop,
               count(*) FILTER (called_at IS NOT NULL AND priority_group IS NOT NULL
                                AND date_diff('second', issued_at, called_at) <= {priority_wait} * 60)
                 / nullif(count(*) FILTER (called_at IS NOT NULL AND priority_group IS NOT NULL), 0)
                 AS priority_wait_within_sop,
               count(*) FILTER (outcome = 'no_show') / count(*) AS no_show_rate,
               count(*) FILTER (rating >= 4) / nullif(count(rating), 0) AS csat,
               quantile_cont(date_diff('second', issued_at, called_at) / 60, 0.9) AS wait_p90_min,
               median(date_diff('second', called_at, finished_at) / 60) AS service_time_median_min,
               count(DISTINCT visit_id) AS visits
        FROM queue_tickets GROUP BY ALL""")
    con.execute("""
        CREATE TABLE kpi_weekly_counts AS
        SELECT branch_code, period_start, sum(claims) AS claims_submitted, sum(complaints) AS complaints_received
        FROM (SELECT branch_code, date_trunc('week', submitted_at)::DATE AS period_start, 1 AS claims, 0 AS complaints
              FROM claims
              UNION ALL
              SELECT branch_code, date_trunc('week', received_at)::DATE, 0, 1 FROM complaints)
        GROUP BY ALL""")
    con.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
