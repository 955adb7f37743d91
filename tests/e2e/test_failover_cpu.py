#!/usr/bin/python3
"""Failover with the seed model's process CPU on (issue 12): how the CPU each process pays moves the seconds that
test_failover.py derives from the timers alone (same scenarios, same timeline; read its docstring first).

Every observation is a chain of events, each handled by a single thread: the timer that starts it, a message or
two, the handler that records it. An event costs at most one wake-up plus its handling: for the coldest process
(the registry: wake 0.75 ms, a message 0.47 ms x cold factor 2.6) under 2 ms. A chain of at most four such events,
each perhaps queued behind a few others at 20 RPS, ends within 25 ms of the timer's second, never before it.
What the CPU changes beyond that is derived below (the hang's recovery alert). Timing is exact (issue 13): the
timers fire on their seconds, as test_failover.py derives them."""
from harness import TIMING_EXACT, check, check_eq, finish, query, run

CPU_BOUND = 0.025


def within(got, second, what):
    return check(got is not None and second <= got <= second + CPU_BOUND,
                 f"{what}: want [{second}, {second + CPU_BOUND}], got {got}")


# ---- crash (kill -9) at 40 s ----
dc, sc = run("scenarios/failover-crash.json", "cpu-crash", *TIMING_EXACT)
f = sc["faults"][0]
# Timers whose handler records the observation as it starts, on an idle thread: the second itself.
check_eq(f["last_heartbeat_at_s"], 37.0, "crash: last heartbeat (a timer on an idle thread)")
check_eq(f["registry_unhealthy_at_s"], 70.0, "crash: the registry's sweep of 70 s")
within(f["lb_excluded_at_s"], 75.0, "crash: balancer excludes after the discovery of 75 s")
within(f["detector_alert_at_s"], 52.0, "crash: detector SERVICE_DOWN after the refusals of 42, 47, 52 s")
check_eq(sc["requests"]["failed"], 0, "crash: no client request fails")
# A refused attempt: one round trip (50 us) plus the balancer's handling of the refusal (one event, < 2 ms)
# and whatever waits in its thread before it (at 20 RPS: a few events).
refused = query(dc, "SELECT MAX(end_s - start_s) FROM attempts WHERE outcome = 'refused'")[0][0]
check(refused is not None and refused < 0.010, f"crash: a refused attempt fails within 10 ms ({refused})")

# ---- hang (kill -STOP at 40 s, kill -CONT at 80 s) ----
dh, sh = run("scenarios/failover-hang.json", "cpu-hang", *TIMING_EXACT)
f = sh["faults"][0]
check_eq(f["registry_unhealthy_at_s"], 70.0, "hang: the registry's sweep of 70 s")
within(f["lb_excluded_at_s"], 75.0, "hang: balancer excludes")
within(f["detector_alert_at_s"], 55.0, "hang: detector SERVICE_DOWN (the third 3 s check timeout)")
# On resume the overdue heartbeat is the first thing its thread handles (timers before the queued messages).
within(f["registry_recovered_at_s"], 80.0, "hang: registry takes it back on resume")
within(f["lb_readded_at_s"], 90.0, "hang: balancer takes it back at the next discovery")
# The detector's check of 77 s times out at 80 s + the few ms its cycle took to send it. The instance resumes at
# 80.000 s with 35 s of requests queued ahead of that check (20 RPS / 3 instances: ~230 requests, each at least
# 0.2 ms of its thread): its answer comes tens of milliseconds too late. That check fails (without the CPU,
# the answer at 80.000 s beat the timeout and raised SLOW_RESPONSE); the next cycle's, at 82 s, succeeds.
within(f["detector_recovered_at_s"], 82.0, "hang: detector SERVICE_RECOVERED at the cycle of 82 s")
check_eq([a["kind"] for a in sh["alerts"]], ["SERVICE_DOWN", "SERVICE_RECOVERED"], "hang: alerts (no SLOW_RESPONSE)")
slow = query(dh, "SELECT MIN(r.latency_ms), MAX(r.latency_ms) FROM requests r WHERE r.id IN"
                 " (SELECT request_id FROM attempts WHERE instance = 'data-service-2' AND outcome = 'timeout')")[0]
check(10200 <= slow[0] and slow[1] <= 10250, f"hang: requests sent to it take 10 s + the retry ({slow})")
check_eq(sh["requests"]["failed"], 0, "hang: no client request fails")

finish()
