#!/usr/bin/python3
"""Node timing end to end (issue 13): with the seed model's node timing, a scenario with ties gives the same
bytes for one seed and different results for different seeds; exact timing gives the golden bytes. Then the
rules seen in the results: the client's sends late by its measured lag (never more than the histogram's
largest bin, in order, the schedule not drifting), setInterval's lateness accumulating, and every timer late
by at most the histogram's largest bin.
    SVCSIM=build/svcsim /usr/bin/python3 tests/e2e/test_timing.py"""
import filecmp
import hashlib
import json
import os

from harness import BEFORE_NODE_TIMING, EXACT, ROOT, check, check_eq, events, finish, query, run


def sha(d):
    with open(os.path.join(d, "summary.json"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def without_seed(s):
    s = dict(s)
    s.pop("seed")
    return s


# ---- ties: scenarios/failover-hang.json ----
# Fixed-rate arrivals every 50 ms and a 10 s attempt timeout: every retry after a timeout reaches the balancer
# in the same millisecond as a fresh request (sent 10 s = 200 intervals later). Exact timing resolves each tie
# one fixed way; node timing by the seeded lateness of the timeout and the seeded lag of the send.
d1, s1 = run("scenarios/failover-hang.json", "timing-hang-1", "--seed", "1")
d1b, _ = run("scenarios/failover-hang.json", "timing-hang-1b", "--seed", "1")
d2, s2 = run("scenarios/failover-hang.json", "timing-hang-2", "--seed", "2")
d3, s3 = run("scenarios/failover-hang.json", "timing-hang-3", "--seed", "3")
check(filecmp.cmp(f"{d1}/summary.json", f"{d1b}/summary.json", shallow=False), "node timing, seed 1 twice: same bytes")
check(without_seed(s1) != without_seed(s2) and without_seed(s2) != without_seed(s3) and
      without_seed(s1) != without_seed(s3), "node timing, seeds 1, 2, 3: three different results")
served = [tuple(s["by_instance"][f"data-service-{k}"]["served"] for k in (1, 2, 3)) for s in (s1, s2, s3)]
print(f"note: data instances' served per seed: {served}; retries "
      f"{[s['load_balancer']['retries'] for s in (s1, s2, s3)]}")
for s in (s1, s2, s3):  # the invariants hold whatever the order
    check_eq(s["requests"]["total"], 1800, f"seed {s['seed']}: 20 RPS x 90 s requests")
    check_eq(s["requests"]["failed"], 0, f"seed {s['seed']}: none fails (every timed-out attempt is retried)")

# Exact timing (and the jitter it had): the golden bytes (tests/golden/summaries.json), whatever else the model's
# timing section says.
with open(os.path.join(ROOT, "tests", "golden", "summaries.json")) as f:
    golden = json.load(f)["failover-hang"]
de, _ = run("scenarios/failover-hang.json", "timing-hang-exact", *BEFORE_NODE_TIMING)
check_eq(sha(de), golden, "exact timing: failover-hang's golden bytes")
dm, _ = run("scenarios/failover-hang.json", "timing-hang-exact-mode", "--set", "/parameters/timing/mode=exact",
             "--set", "/parameters/overhead_jitter_ms=1.5")
check_eq(sha(dm), golden, "timing.mode exact (histograms given but unused): the same golden bytes")

# ---- the client's lag: scenarios/seed-3-instances.json, node timing, process CPU off ----
# Request i is due at 20 + i / 10 s and leaves late by a draw from client_lag_ms: bins 0..6 ms, so each lag
# is in [0, 7) ms; one thread sends, so the sends stay in order; the schedule does not drift (request 299 is
# still due at 49.9 s). With the CPU off nothing else delays a send.
dl, sl = run("scenarios/seed-3-instances.json", "timing-lag", "--set", "/parameters/process/cpu=false")
sends = [r[0] for r in query(dl, "SELECT sent_s FROM requests ORDER BY id")]
check_eq(len(sends), 300, "lag: 300 requests")
lags = [(t - (20 + i / 10)) * 1000 for i, t in enumerate(sends)]
check(all(0 <= x < 7 for x in lags), f"lag: every send 0-7 ms after its slot (min {min(lags):.3f}, max {max(lags):.3f})")
check(all(b >= a for a, b in zip(sends, sends[1:])), "lag: sends in order")
# The histogram: 2369 of 3000 readings in [0, 1) ms. Of 300 draws, about 237 (sd 7) land there.
share0 = sum(1 for x in lags if x < 1) / len(lags)
check(0.70 <= share0 <= 0.88, f"lag: share of sends less than 1 ms late {share0:.2f} (histogram 0.79)")
de, _ = run("scenarios/seed-3-instances.json", "timing-lag-exact", *EXACT)
sends_exact = [r[0] for r in query(de, "SELECT sent_s FROM requests ORDER BY id")]
check(all(abs(t - (20 + i / 10)) < 1e-9 for i, t in enumerate(sends_exact)), "exact: every send on its slot")

# ---- setInterval: the heartbeats of auth-service-1 (started at 3 s), node timing, CPU off ----
# Node schedules the next tick one interval after the callback started, so each tick is 10 s plus that tick's
# lateness after the one before: every gap is in [10, 10.014) s (the largest bin is 13 ms: < 14 ms), and the
# lateness adds up: tick k is after 3 + 10 k s. Exact timing: every 10 s on the dot.
beats = events(dl, "instance.heartbeat_sent", "auth-service-1")
gaps = [b - a for a, b in zip(beats, beats[1:])]
check(len(gaps) >= 8, f"heartbeats: {len(beats)} sent")
check(all(10.0 <= g < 10.014 for g in gaps), f"heartbeats: every gap in [10, 10.014) s ({min(gaps):.4f}..{max(gaps):.4f})")
check(beats[-1] - (3 + 10 * len(beats)) > 0, f"heartbeats: lateness accumulates (last at {beats[-1]:.4f} s)")
beats_exact = events(de, "instance.heartbeat_sent", "auth-service-1")
check(all(abs(b - (13 + 10 * k)) < 1e-9 for k, b in enumerate(beats_exact)), "exact: heartbeats every 10 s on the dot")

# ---- the work timer: 300 ms late by [0, 14) ms, CPU off ----
# An attempt's time at the balancer is the instance's 300 ms timer, its lateness, the instance's overheads
# (0.2 ms + an exponential jitter) and the loopback: never under 300 ms.
work = [r[0] for r in query(dl, "SELECT (end_s - start_s) * 1000 FROM attempts")]
check(min(work) >= 300.0, f"work: no attempt under its 300 ms timer ({min(work):.3f} ms)")
mean_late = sum(work) / len(work) - sum(r[0] for r in query(de, "SELECT (end_s - start_s) * 1000 FROM attempts")) / 300
# The same requests meet the same jitter draws in both runs, so the difference of the means is the timer's
# mean lateness. A draw of bin k is uniform in [k - 0.5, k + 0.5) cut at 0: bins 1.. give k on average (their
# readings sum to 882 ms over 514 readings), bin 0 gives 0.5 x 0.25 = 0.125, bin -1 gives 0: the mean is
# (882 + 77 x 0.125) / 592 = 1.506 ms. E[L^2] = (2234 + 514 / 12 + 77 / 24) / 592 = 3.851, so the sd is
# sqrt(3.851 - 1.506^2) = 1.26 ms and the mean of 300 draws has an sd of 0.073 ms: allow 0.35 ms (about 5 sd).
check(abs(mean_late - 1.506) < 0.35, f"work: the timer's mean lateness {mean_late:.3f} ms (histogram's 1.506 ms)")

finish()
