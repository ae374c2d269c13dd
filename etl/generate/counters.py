"""Counter simulation: a multi-counter queue with priority, transfers and walk-outs, vectorised over branch-days.

Each row is one branch on one day. Every step serves the next ticket of every row at once: the counter
that frees first calls a waiting priority visitor if there is one, else the longest-waiting visitor, else
whoever arrives next, unless its officer's break is due, in which case the counter closes for the break.
A visitor who has waited longer than their patience has left (a no-show), and a transferred visitor
comes back as a new ticket a minute or two after their first ticket finished.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

INF = np.inf


@dataclass
class Served:
    """Simulation result per original ticket (NaN / -1 when not called) and per spawned transfer ticket."""

    called: np.ndarray
    finished: np.ndarray
    counter: np.ndarray
    child_issued: np.ndarray  # NaN when the ticket spawned no transfer
    child_called: np.ndarray
    child_finished: np.ndarray
    child_counter: np.ndarray


def serve(row, arrival, priority, duration, patience, spawns, transfer_gap, child_duration,
          free, break_start, break_length) -> Served:
    """Run every row's day. Tickets are indexed 0..n-1 in issue order within each row; `free`, `break_start`
    and `break_length` are (rows, counters) in seconds after midnight, `free` INF for a counter nobody staffs."""
    n = len(row)
    # Rows are relabelled busiest first: a row needs at most one step per ticket, transfer and break,
    # so at any step the rows still running form a prefix and every array can be sliced, not copied.
    counts = np.bincount(row, minlength=free.shape[0])
    steps = counts + np.bincount(row, weights=spawns, minlength=free.shape[0]).astype(np.int64) + free.shape[1]
    busiest = np.argsort(-steps, kind="stable")
    steps = steps[busiest]
    row = np.argsort(busiest)[row]
    free, break_start, break_length = free[busiest], break_start[busiest], break_length[busiest]
    rows = free.shape[0]
    on_break_taken = np.zeros(free.shape, dtype=bool)
    priority_arrivals, priority_index = _streams(row, arrival, priority, rows)
    regular_arrivals, regular_index = _streams(row, arrival, ~priority, rows)
    # Transfer tickets wait in per-row slots until served; a slot is INF while empty or once served.
    # The earliest waiting transfer of each row is cached and recomputed only for rows that change.
    slot = _rank_within(row, spawns)
    slot_width = max(int(slot.max(initial=-1)) + 1, 1)
    child_arrivals = {kind: np.full((rows, slot_width), INF) for kind in (True, False)}
    first_child = {kind: np.full(rows, INF) for kind in (True, False)}
    first_child_slot = {kind: np.zeros(rows, dtype=np.int64) for kind in (True, False)}
    child_parent = np.full((rows, slot_width), -1)
    next_priority = np.zeros(rows, dtype=np.int64)
    next_regular = np.zeros(rows, dtype=np.int64)
    out = Served(*(np.full(n, np.nan) for _ in range(2)), np.full(n, -1), np.full(n, np.nan),
                 np.full(n, np.nan), np.full(n, np.nan), np.full(n, -1))

    running = rows
    for step in range(int(steps[0]) if rows else 0):
        while running and steps[running - 1] <= step:
            running -= 1
        at = np.arange(running)
        row_free = free[:running]
        counter = row_free.argmin(axis=1)
        now = row_free[at, counter]
        head_priority = priority_arrivals[at, next_priority[:running]]
        head_regular = regular_arrivals[at, next_regular[:running]]
        child_p = first_child[True][:running]
        child_r = first_child[False][:running]
        best_priority = np.minimum(head_priority, child_p)
        best_regular = np.minimum(head_regular, child_r)
        # Priority first when one is waiting; otherwise the earliest arrival of either kind.
        take_priority = (best_priority <= now) | (best_priority <= best_regular)
        arrived = np.where(take_priority, best_priority, best_regular)
        live = np.isfinite(arrived) & np.isfinite(now)
        start = np.where(live, np.maximum(now, arrived), 0.0)
        # An officer whose break is due goes on it instead of calling; the ticket waits for the next step.
        due = live & ~on_break_taken[at, counter] & (start >= break_start[at, counter])
        free[at[due], counter[due]] = np.maximum(now, break_start[at, counter])[due] + break_length[at, counter][due]
        on_break_taken[at[due], counter[due]] = True
        live &= ~due
        from_priority = live & take_priority & (head_priority <= child_p)
        from_regular = live & ~take_priority & (head_regular <= child_r)
        from_child = {True: live & take_priority & ~from_priority, False: live & ~take_priority & ~from_regular}
        is_child = from_child[True] | from_child[False]
        child_slot = np.where(from_child[True], first_child_slot[True][:running], first_child_slot[False][:running])
        regular_or_child = np.where(from_regular, regular_index[at, next_regular[:running]], child_parent[at, child_slot])
        ticket = np.where(from_priority, priority_index[at, next_priority[:running]], regular_or_child)
        ticket = np.where(live, ticket, 0)
        next_priority[:running] += from_priority
        next_regular[:running] += from_regular
        for kind, taken in from_child.items():
            changed = at[taken]
            child_arrivals[kind][changed, child_slot[taken]] = INF
            _refresh_first_child(child_arrivals[kind], first_child[kind], first_child_slot[kind], changed)

        walked_out = live & ~is_child & (start - arrived > patience[ticket])
        called = live & ~walked_out
        finish = start + np.where(is_child, child_duration[ticket], duration[ticket])
        free[at[called], counter[called]] = finish[called]

        original = called & ~is_child
        out.called[ticket[original]] = start[original]
        out.finished[ticket[original]] = finish[original]
        out.counter[ticket[original]] = counter[original]
        child = called & is_child
        out.child_called[ticket[child]] = start[child]
        out.child_finished[ticket[child]] = finish[child]
        out.child_counter[ticket[child]] = counter[child]

        spawning = original & spawns[ticket]
        parents = ticket[spawning]
        issued = finish[spawning] + transfer_gap[parents]
        out.child_issued[parents] = issued
        child_parent[at[spawning], slot[parents]] = parents
        for kind in (True, False):
            chosen = priority[parents] == kind
            changed = at[spawning][chosen]
            child_arrivals[kind][changed, slot[parents[chosen]]] = issued[chosen]
            _refresh_first_child(child_arrivals[kind], first_child[kind], first_child_slot[kind], changed)
    return out


def _refresh_first_child(arrivals, first, first_slot, changed_rows):
    """Recompute the earliest waiting transfer of the rows whose transfer slots changed."""
    if len(changed_rows):
        first_slot[changed_rows] = arrivals[changed_rows].argmin(axis=1)
        first[changed_rows] = arrivals[changed_rows, first_slot[changed_rows]]


def _streams(row, arrival, mask, rows):
    """Arrivals of the masked tickets per row, padded with INF; and their ticket indices (input in issue order)."""
    index = np.flatnonzero(mask)
    position = _rank_within(row[index], np.ones(len(index), dtype=bool))
    width = (np.bincount(row[index], minlength=rows).max(initial=0)) + 1  # one INF column past the last ticket
    arrivals = np.full((rows, width), INF)
    indices = np.zeros((rows, width), dtype=np.int64)
    arrivals[row[index], position] = arrival[index]
    indices[row[index], position] = index
    return arrivals, indices


def _rank_within(row, mask):
    """0-based rank of each masked element among the masked elements of its row (in index order); -1 elsewhere."""
    rank = np.full(len(row), -1, dtype=np.int64)
    index = np.flatnonzero(mask)
    index = index[np.argsort(row[index], kind="stable")]
    sorted_rows = row[index]
    group_start = np.searchsorted(sorted_rows, sorted_rows, side="left")
    rank[index] = np.arange(len(index)) - group_start
    return rank
