"""The staffing model (etl/queueing.py): a published worked example, closed forms, and a simulation."""
from __future__ import annotations

import math

import ciw
import numpy as np
import pytest

from etl.queueing import MAX_COUNTERS, counters_needed, erlang_c, share_within, share_within_day, share_within_hour

# Call Centre Helper's worked example: 100 calls per 30 minutes, 180 s handling time, 20 s target (in minutes).
CALLS_PER_MIN = 100 / 30
HANDLING_MIN = 3.0
TARGET_MIN = 20 / 60


def test_call_centre_helper_worked_example():
    assert erlang_c(11, CALLS_PER_MIN * HANDLING_MIN) == pytest.approx(0.6821, abs=5e-5)
    assert share_within(11, CALLS_PER_MIN, HANDLING_MIN, TARGET_MIN) == pytest.approx(0.390, abs=5e-4)
    speed_of_answer_s = erlang_c(11, 10.0) * HANDLING_MIN * 60 / (11 - 10)
    assert speed_of_answer_s == pytest.approx(122.8, abs=0.05)
    assert counters_needed(CALLS_PER_MIN, HANDLING_MIN, TARGET_MIN, 0.80) == 14


def test_closed_forms_of_one_and_two_servers():
    # M/M/1: an arrival waits with probability rho; M/M/2: 2 rho^2 / (1 + rho).
    assert erlang_c(1, 0.7) == pytest.approx(0.7)
    rho = 0.6
    assert erlang_c(2, 2 * rho) == pytest.approx(2 * rho**2 / (1 + rho))
    # M/M/1: P(W <= t) = 1 - rho e^{-(mu - lambda) t}
    assert share_within(1, 0.1, 5.0, 15) == pytest.approx(1 - 0.5 * math.exp(-(0.2 - 0.1) * 15))


def test_overloaded_closed_and_empty_slots():
    assert erlang_c(5, 5.0) == 1.0 and erlang_c(0, 2.0) == 1.0
    assert share_within([4, 5, 0], 1.0, 5.0, 15).tolist() == [0.0, 0.0, 0.0]
    assert counters_needed([0.0, 0.5], 10.0, 15, 0.9).tolist()[0] == 0
    assert counters_needed(1000.0, 10.0, 15, 0.9) == MAX_COUNTERS


def test_an_overloaded_hour_is_priced_as_a_fluid_queue_from_empty():
    # 60 tickets an hour of 10 minutes on 5 counters: the queue grows by 0.5 a minute and drains at 0.5 a minute,
    # so a ticket τ minutes in waits τ minutes: a quarter of the hour's tickets are called within 15.
    assert share_within_hour(5, 1.0, 10.0, 15, 60) == pytest.approx(0.25)
    assert share_within_hour(0, 1.0, 10.0, 15, 60) == 0.0
    assert share_within_hour(12, 1.0, 10.0, 15, 60) == pytest.approx(share_within(12, 1.0, 10.0, 15))
    assert share_within_hour(10, 1.0, 10.0, 15, 60) == 1.0  # exactly as many counters as work: no queue grows


def test_more_counters_never_hurt_and_needed_is_the_fewest():
    rng = np.random.default_rng(7)
    lam, s = rng.uniform(0.05, 2.0, 500), rng.uniform(2, 20, 500)
    needed = counters_needed(lam, s, 15, 0.9)
    assert (share_within(needed, lam, s, 15) >= 0.9).all()
    assert (share_within(needed - 1, lam, s, 15) < 0.9).all()
    shares = np.stack([share_within(c, lam, s, 15) for c in range(1, 40)])
    assert (np.diff(shares, axis=0) >= -1e-12).all()


def test_priority_tickets_wait_less_and_can_need_more_counters():
    everyone = share_within(6, 0.5, 10.0, 5)
    priority = share_within(6, 0.5, 10.0, 5, priority_per_min=0.04)
    assert priority > everyone
    plain = counters_needed(0.5, 10.0, 15, 0.9)
    strict = counters_needed(0.5, 10.0, 15, 0.9, priority_per_min=0.04, priority_limit_min=5, priority_target=0.999)
    assert strict > plain
    # No priority ticket arrives: nothing to call within five minutes.
    assert counters_needed(1 / 60, 10.0, 15, 0.9, priority_per_min=0.0, priority_limit_min=5, priority_target=0.95) == 1


SLOTS = 250
SIM_MINUTES = 1500.0  # long enough for a steady state at the loads drawn; the first tenth is warm-up


def _simulated_share(arrivals_per_min: float, service_min: float, counters: int, limit: float, seed: int) -> float:
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=arrivals_per_min)],
        service_distributions=[ciw.dists.Exponential(rate=1 / service_min)],
        number_of_servers=[counters],
    )
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(SIM_MINUTES)
    waits = np.array([r.waiting_time for r in simulation.get_all_records() if r.arrival_date > SIM_MINUTES / 10])
    return float((waits <= limit).mean())


def test_counters_needed_agree_with_a_discrete_event_simulation():
    """On random slots, the simulated queue meets the SOP with one counter more than the model asks for, and
    misses it with two fewer (a queue with no more counters than its load cannot meet it: not simulated).

    Slots are drawn as a branch office has them: 4-60 tickets an hour, 3-15 minutes each (at most 15 counters'
    work). Near-critical queues take longer than any test run to settle, so a few slots may disagree by noise;
    at seed 2026, 247 of 250 agree.
    """
    rng = np.random.default_rng(2026)
    arrivals_per_hour = rng.uniform(4, 60, SLOTS)
    service_min = rng.uniform(3, 15, SLOTS)
    lam = arrivals_per_hour / 60
    needed = counters_needed(lam, service_min, 15, 0.9)
    agree = 0
    for i in range(SLOTS):
        above = _simulated_share(lam[i], service_min[i], int(needed[i]) + 1, 15, seed=i) >= 0.9
        below = needed[i] - 2
        fails_below = below < 1 or below <= lam[i] * service_min[i] or \
            _simulated_share(lam[i], service_min[i], int(below), 15, seed=SLOTS + i) < 0.9
        agree += above and fails_below
    assert agree / SLOTS >= 0.95, f"agree on {agree} of {SLOTS} slots"


def test_a_day_carries_its_backlog_into_the_next_hour():
    # Hour 0: 60 tickets of 10 minutes on 5 counters: a quarter within 15 minutes, 30 left waiting.
    # Hour 1: 30 tickets on 8 counters: the queue shrinks by 0.3 a minute from 30 to the 12 that 15 minutes of
    # calls clear, which takes 60 minutes: nobody in hour 1 is called in time, though Erlang C alone says 99 %.
    shares = share_within_day([5, 8, 8], [1.0, 0.5, 0.5], [10.0, 10.0, 10.0], 15, 60, [0, 1, 2])
    assert shares[0] == pytest.approx(share_within_hour(5, 1.0, 10.0, 15, 60)) == pytest.approx(0.25)
    assert share_within(8, 0.5, 10.0, 15) > 0.95 and shares[1] == pytest.approx(0.0)
    assert shares[2] == pytest.approx(share_within(8, 0.5, 10.0, 15))  # 12 left: 15 minutes of calls clear them
    # A stable day from empty is Erlang C hour by hour; a day without counters calls nobody.
    assert share_within_day([8, 8], [0.5, 0.5], [10.0, 10.0], 15, 60, [0, 1]) == pytest.approx(
        [float(share_within(8, 0.5, 10.0, 15))] * 2)
    assert share_within_day([0], [0.5], [10.0], 15, 60, [0]).tolist() == [0.0]
