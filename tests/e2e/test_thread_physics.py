#!/usr/bin/python3
"""The process model's physics end to end (issue 12), each expectation derived by hand from SPEC §1b's rules
and the scenario's numbers, not from a run:
  - one thread at a known rate and cost: utilization rho = lambda * c and, for Poisson arrivals into one thread,
    the M/D/1 mean wait rho * c / (2 (1 - rho)) (Pollaczek-Khinchine with deterministic service);
  - an idle thread pays its wake-up once; a burst of k ready events costs one wake-up plus k events;
  - an accept queue of backlog 511 holds 512 connections (Linux admits one more than the limit); the later
    SYNs are dropped and sent again 1 s after the first.
Timing is exact (issue 13): the client sends on its schedule (a burst leaves together) and timers fire when due."""
from harness import TIMING_EXACT, check, check_eq, check_near, finish, query, run

# ---- M/D/1: scenarios/thread-md1.json: c = 1e7 flops on a 1 Gf core = 10 ms, lambda = 50/s (Poisson) ----
d, s = run("scenarios/thread-md1.json", None, *TIMING_EXACT)
a = s["processes"]["auth-service-1"]
n = s["requests"]["total"]
lam = n / 600.0  # the realised arrival rate over the 600 s phase
c = 0.010
rho = lam * c
# Busy time is exactly n * c (nothing else costs): over the window the share is rho (the window is the phase).
check_near(a["cpu_s"], n * c, 1e-6, "M/D/1: CPU time = requests x 10 ms")
check_near(a["load_busy_share"], rho, 0.002, "M/D/1: utilization = lambda x c")
# Every request's latency = fixed network/handling part + its wait + c; a request that finds the thread idle
# waits 0, so the minimum latency is the fixed part + c and the mean wait is mean - min.
lat = [r[0] for r in query(d, "SELECT latency_ms FROM requests WHERE outcome = 'success'")]
check_eq(len(lat), n, "M/D/1: every request succeeds")
wait_ms = sum(lat) / len(lat) - min(lat)
theory_ms = rho * c / (2 * (1 - rho)) * 1000
# 30,000 Poisson arrivals: the sample mean of the wait has a standard error of about 1.5 %; allow 6 %.
check_near(wait_ms, theory_ms, 0.06 * theory_ms, f"M/D/1: mean wait {wait_ms:.3f} ms vs theory {theory_ms:.3f} ms")

# ---- wake-up: scenarios/thread-burst.json: wake 4e6 flops = 4 ms, each request 1e6 flops = 1 ms ----
d, s = run("scenarios/thread-burst.json", None, *TIMING_EXACT)
a = s["processes"]["auth-service-1"]
lat = [r[0] for r in query(d, "SELECT latency_ms FROM requests ORDER BY id")]
# The burst: request j is sent j us after the first and leaves after the wake-up and j + 1 events: its
# latency is the first's + j x (1 ms - 1 us). The lone request at 30 s finds the thread idle: its latency is
# the burst's first one's (one wake-up + one event), up to the network (the burst shares the links).
for j in range(1, 10):
    check_near(lat[j] - lat[0], j * 0.999, 1e-6, f"burst: request {j} waits for {j} events, no extra wake-up")
check_near(lat[10], lat[0], 0.05, "burst: a lone request pays one wake-up and one event, like the burst's first")
check(lat[0] > 5.0, f"burst: the first request pays the 4 ms wake-up and its 1 ms ({lat[0]:.3f} ms)")
# Every wake-up costs 4 ms (cooling 0), every request 1 ms, nothing else costs anything.
check_near(a["cpu_s"], 0.004 * a["wakeups"] + 0.001 * 11, 1e-9, "burst: CPU = 4 ms x wake-ups + 1 ms x requests")
check(a["wakeups"] < a["events"], f"burst: fewer wake-ups ({a['wakeups']}) than events ({a['events']})")

# ---- accept queue: scenarios/accept-queue.json (every CPU cost zero) ----
d, s = run("scenarios/accept-queue.json", None, *TIMING_EXACT)
a = s["processes"]["auth-service-1"]
lb = s["processes"]["load-balancer"]
# The instance is stopped from 40 s to 43 s. The 520 requests of 42.5 s each need a new connection to it (the
# ones before hold theirs): 512 wait in the accept queue, the last 8 SYNs are dropped.
check_eq(a["max_accept_queue"], 512, "accept queue: 511 + 1 connections queued")
check_eq(a["handshakes_dropped"], 8, "accept queue: the 513th to 520th SYNs dropped")
check_eq(lb["syn_retransmits"], 8, "accept queue: the balancer's kernel sends each dropped SYN again once")
# The queued ones are served when it resumes at 43 s: answer at 43 + 0.3 (work) + 25 us (loopback back).
# The dropped ones get in with the retransmission 1 s after their first SYN: answer at
# first SYN + 1 + 25 us (there) + 0.3 + 25 us (back).
att = query(d, "SELECT request_id, start_s, end_s FROM attempts ORDER BY request_id")
check_eq(len(att), 520, "accept queue: one attempt per request (none times out)")
queued = att[:512]
dropped = att[512:]
check(all(abs(e - 43.300025) < 1e-6 for _, _, e in queued), "accept queue: the 512 queued are answered at 43.300025 s")
check(all(abs((e - st) - 1.30005) < 1e-6 for _, st, e in dropped),
      "accept queue: the 8 dropped are answered 1 s + 300.05 ms after their first SYN")
check_eq(s["requests"]["success"], 520, "accept queue: every request succeeds in the end")

finish()
