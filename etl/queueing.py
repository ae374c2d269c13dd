"""Queueing models for staffing: how many counters a slot needs to meet the SOP on waits.

Erlang C (the M/M/c queue: Poisson arrivals, exponential service times, c counters, first come first served,
nobody leaves). For an offered load a = λ·s (arrivals per minute × mean service minutes) on c > a counters,
the probability that a ticket waits at all is Erlang's C(c, a), computed here through the stable Erlang B
recursion B(0) = 1, B(k) = a·B(k-1) / (k + a·B(k-1)), C = B / (1 - (a/c)(1 - B)); and the share called
within t minutes is 1 - C(c, a)·exp(-(c/s - λ)·t) (Gross & Harris, Fundamentals of Queueing Theory, §2.3;
Koole, Call Center Optimization, ch. 5). With c <= a the queue grows without bound: no share is met.

Known answer (tests/unit/test_queueing.py): Call Centre Helper's "Erlang C formula, made simple with an
easy worked example" (callcentrehelper.com): 100 calls in 30 minutes, 180 s handling time, 20 s target:
10 Erlangs; with 11 agents a call waits with probability 68.21 %, 39.0 % are answered within 20 s, the
average speed of answer is 122.8 s; 14 agents are the fewest reaching 80 % within 20 s.

Priority tickets (the elderly, the disabled, pregnant women) are called before the rest. With equal service
times the counters are as busy as without priority, so a priority ticket waits with the same probability
C(c, a), but only behind other priority tickets: its wait, when it waits, is exponential with rate c/s - λ_p
(the non-preemptive priority M/M/c queue; Gross & Harris §3.4). The share of all tickets within the limit is
taken from the first-come-first-served formula: priority moves waits between tickets, not their total.

An hour with no more counters than its load has no steady state: Erlang C says nobody is called in time, yet
a queue that builds for one hour only keeps its first arrivals' waits short. For what an hour did with the
counters it had, `share_within_hour` takes the fluid approximation there (arrivals and calls as steady flows,
starting from an empty queue; Whitt, "Fluid models for multiserver queues with abandonments", Oper. Res.
54(1), 2006, without abandonment): the queue grows at λ - c/s, an arrival τ minutes into the hour waits
(λ - c/s)·τ / (c/s), and the share called within t is min(1, t·(c/s) / ((λ - c/s)·T)) for a slot of T
minutes. `share_within_day` carries the queue an hour leaves into the next: waits of an hour after an
overload are its backlog's, until the backlog is under the limit's worth of calls, and Erlang C's after.

Every function takes numpy arrays (or scalars) and broadcasts, so one call prices every slot of a mart.
"""
from __future__ import annotations

import numpy as np

# More counters than any branch office has; a slot that needs more is reported as needing this many.
MAX_COUNTERS = 100


def erlang_c(counters, load) -> np.ndarray:
    """Probability that an arrival waits, C(c, a); 1 where c <= a (the queue never empties) or c == 0."""
    c, a = np.broadcast_arrays(np.asarray(counters, dtype=np.int64), np.asarray(load, dtype=float))
    b = np.ones(a.shape)
    for k in range(1, int(c.max(initial=0)) + 1):
        b = np.where(k <= c, a * b / (k + a * b), b)
    return _wait_probability(c, a, b)


def _wait_probability(c: np.ndarray, a: np.ndarray, erlang_b: np.ndarray) -> np.ndarray:
    stable = c > a
    safe_c = np.where(stable, c, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = erlang_b / (1 - (a / safe_c) * (1 - erlang_b))
    return np.where(stable, p, 1.0)


def share_within(counters, arrivals_per_min, service_min, limit_min, *, priority_per_min=None) -> np.ndarray:
    """Share of tickets called within `limit_min` minutes with `counters` open (0 where c <= load).

    With `priority_per_min`, the share of priority tickets instead (they are called first).
    """
    c = np.asarray(counters, dtype=np.int64)
    lam = np.asarray(arrivals_per_min, dtype=float)
    s = np.asarray(service_min, dtype=float)
    load = lam * s
    waits = erlang_c(c, load)
    ahead = lam if priority_per_min is None else np.asarray(priority_per_min, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        share = 1 - waits * np.exp(-(c / s - ahead) * limit_min)
    return np.where(c > load, np.clip(share, 0.0, 1.0), 0.0)


def share_within_hour(counters, arrivals_per_min, service_min, limit_min, slot_min: float) -> np.ndarray:
    """Share called within `limit_min` in one slot of `slot_min` minutes: Erlang C where the counters exceed
    the load, the fluid approximation of an overloaded slot elsewhere (0 with no counter)."""
    c = np.asarray(counters, dtype=np.int64)
    lam = np.asarray(arrivals_per_min, dtype=float)
    s = np.asarray(service_min, dtype=float)
    rate = c / s  # calls per minute with every counter busy
    with np.errstate(divide="ignore", invalid="ignore"):
        fluid = np.clip(limit_min * rate / ((lam - rate) * slot_min), 0.0, 1.0)
    return np.where(c > lam * s, share_within(c, lam, s, limit_min), np.where(c > 0, fluid, 0.0))


def share_within_day(counters, arrivals_per_min, service_min, limit_min: float, slot_min: float,
                     slot_index) -> np.ndarray:
    """Share called within `limit_min` per slot, slots of a day in order (slot_index 0, 1, ... with each day's
    slots consecutive), the fluid queue left by each slot starting the next.

    A slot that starts with q waiting and has counters: while q + (λ - c/s)·τ exceeds the limit's worth of calls
    (limit × c/s), arrivals wait too long; once under it, arrivals get Erlang C's share (or, still growing, all
    are within until it crosses). A slot without counters calls nobody and passes everyone on.
    """
    c = np.asarray(counters, dtype=np.int64)
    lam = np.asarray(arrivals_per_min, dtype=float)
    s = np.asarray(service_min, dtype=float)
    k = np.asarray(slot_index)
    rate = c / s
    drift = lam - rate
    steady = share_within(c, lam, s, limit_min)
    share = np.zeros(len(c))
    left = np.zeros(len(c))  # queue at each slot's end
    for slot in range(int(k.max(initial=-1)) + 1):
        rows = np.flatnonzero(k == slot)
        queue = left[rows - 1] if slot else np.zeros(len(rows))
        d, mu, allowed = drift[rows], rate[rows], limit_min * rate[rows]
        with np.errstate(divide="ignore", invalid="ignore"):
            # Growing (d >= 0): within until the queue passes the allowed length.
            growing = np.clip((allowed - queue) / d / slot_min, 0.0, 1.0)
            # Shrinking: too long until the queue is under the allowed length, Erlang C's share after.
            too_long = np.clip((queue - allowed) / -d / slot_min, 0.0, 1.0)
        shrinking = (1 - too_long) * steady[rows]
        share[rows] = np.where(mu <= 0, 0.0, np.where(d >= 0, np.where(d == 0, queue <= allowed, growing), shrinking))
        left[rows] = np.maximum(0.0, queue + d * slot_min)
    return share


def counters_needed(arrivals_per_min, service_min, limit_min: float, target, *,
                    priority_per_min=None, priority_limit_min: float | None = None,
                    priority_target=None) -> np.ndarray:
    """The fewest counters whose predicted share within `limit_min` is at least `target` (0 without arrivals).

    With priority arrivals and their own limit and target, both standards must hold (the second only where
    priority tickets arrive). A slot needing more
    than MAX_COUNTERS gets MAX_COUNTERS. Service times must be positive wherever there are arrivals.
    """
    lam, s = np.broadcast_arrays(np.asarray(arrivals_per_min, dtype=float), np.asarray(service_min, dtype=float))
    lam_p = None if priority_per_min is None else np.broadcast_to(np.asarray(priority_per_min, dtype=float), lam.shape)
    load = lam * s
    needed = np.zeros(lam.shape, dtype=np.int64)
    open_ = lam > 0
    b = np.ones(lam.shape)
    for c in range(1, MAX_COUNTERS + 1):
        if not open_.any():
            break
        b = load * b / (c + load * b)
        waits = _wait_probability(np.full(lam.shape, c), load, b)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ok = 1 - waits * np.exp(-(c / s - lam) * limit_min) >= target
            if lam_p is not None:
                # Without priority arrivals there is no priority ticket to keep waiting.
                ok &= (lam_p <= 0) | (1 - waits * np.exp(-(c / s - lam_p) * priority_limit_min) >= priority_target)
        met = open_ & ok & (c > load)
        needed = np.where(met, c, needed)
        open_ &= ~met
    return np.where(open_, MAX_COUNTERS, needed)
