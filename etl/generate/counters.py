"""Counter simulation: a multi-counter queue with priority, transfers and walk-outs, vectorised over branch-days.

Each row is one branch on one day. Every step serves the next ticket of every row at once: the counter
that frees first calls a waiting priority visitor if there is one, else the longest-waiting visitor, else
whoever arrives next; unless its officer's break is due, in which case the counter closes for the break. A visitor who has waited longer than their patience has left (a no-show), and a
transferred visitor comes back as a new ticket a minute or two after their first ticket finished.
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
    """Run every row's day. Tickets are indexed 0..n-1; `free`, `break_start` and `break_length` are
    (rows, counters) in seconds after midnight, `free` INF for a counter nobody staffs."""
    rows = free.shape[0]
    n = len(row)
    at = np.arange(rows)
    free = free.copy()
    on_break_taken = np.zeros(free.shape, dtype=bool)
    priority_arrivals, priority_index = _streams(row, arrival, priority, rows)
    regular_arrivals, regular_index = _streams(row, arrival, ~priority, rows)
    # Transfer tickets wait in per-row slots until served; a slot is INF while empty or once served.
    slot = _rank_within(row, spawns)
    slot_width = max(int(slot.max(initial=-1)) + 1, 1)
    child_arrivals = {True: np.full((rows, slot_width), INF), False: np.full((rows, slot_width), INF)}
    child_parent = np.full((rows, slot_width), -1)
    next_priority = np.zeros(rows, dtype=np.int64)
    next_regular = np.zeros(rows, dtype=np.int64)
    out = Served(*(np.full(n, np.nan) for _ in range(2)), np.full(n, -1), np.full(n, np.nan),
                 np.full(n, np.nan), np.full(n, np.nan), np.full(n, -1))

    while True:
        counter = free.argmin(axis=1)
        now = free[at, counter]
        head_priority = priority_arrivals[at, next_priority]
        head_regular = regular_arrivals[at, next_regular]
        child_p_slot = child_arrivals[True].argmin(axis=1)
        child_r_slot = child_arrivals[False].argmin(axis=1)
        child_p = child_arrivals[True][at, child_p_slot]
        child_r = child_arrivals[False][at, child_r_slot]
        best_priority = np.minimum(head_priority, child_p)
        best_regular = np.minimum(head_regular, child_r)
        # Priority first when one is waiting; otherwise the earliest arrival of either kind.
        take_priority = (best_priority <= now) | (best_priority <= best_regular)
        arrived = np.where(take_priority, best_priority, best_regular)
        live = np.isfinite(arrived) & np.isfinite(now)
        if not live.any():
            return out
        start = np.where(live, np.maximum(now, arrived), 0.0)
        # An officer whose break is due goes on it instead of calling; the ticket waits for the next step.
        due = live & ~on_break_taken[at, counter] & (start >= break_start[at, counter])
        free[at[due], counter[due]] = np.maximum(now, break_start[at, counter])[due] + break_length[at, counter][due]
        on_break_taken[at[due], counter[due]] = True
        live &= ~due
        from_priority = live & take_priority & (head_priority <= child_p)
        from_regular = live & ~take_priority & (head_regular <= child_r)
        from_child_p = live & take_priority & ~from_priority
        from_child_r = live & ~take_priority & ~from_regular
        is_child = from_child_p | from_child_r
        child_slot = np.where(from_child_p, child_p_slot, child_r_slot)
        ticket = np.where(from_priority, priority_index[at, next_priority],
                          np.where(from_regular, regular_index[at, next_regular], child_parent[at, child_slot]))
        ticket = np.where(live, ticket, 0)
        next_priority += from_priority
        next_regular += from_regular
        child_arrivals[True][at[from_child_p], child_slot[from_child_p]] = INF
        child_arrivals[False][at[from_child_r], child_slot[from_child_r]] = INF

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
        for is_priority in (True, False):
            chosen = priority[parents] == is_priority
            child_arrivals[is_priority][at[spawning][chosen], slot[parents[chosen]]] = issued[chosen]
        child_parent[at[spawning], slot[parents]] = parents


def _streams(row, arrival, mask, rows):
    """Arrivals of the masked tickets per row, sorted, padded with INF; and their ticket indices."""
    index = np.flatnonzero(mask)
    index = index[np.lexsort((arrival[index], row[index]))]
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
