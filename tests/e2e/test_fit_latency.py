#!/usr/bin/python3
"""tools/fit-latency (issue 13): it fits the instances' jitter so that svcsim replays a load test's latencies.
1. Recovery: a "measured" load test made by svcsim itself with a known jitter (exponential, mean 3 ms, another
   seed) is fitted back: the table's quantiles are the exponential's, -3 ln(1 - p) ms, within the sampling
   error of 3,000 requests (derived below) plus what the floor's own spread blurs.
2. The calibration run (models/calibration/light-load-3x100.json): the fragment it writes validates, and
   svcsim with it gives p50 within 1 %, p95 and p99 within 5 % of the measured ones (computed here, from the
   file and from results.sqlite, not read from the tool's report).
3. A load test without latencies: one error line, exit 2, nothing written.
    SVCSIM=build/svcsim /usr/bin/python3 tests/e2e/test_fit_latency.py"""
import json
import math
import os
import sqlite3
import subprocess

from harness import ROOT, SCRATCH, SVCSIM, check, check_eq, finish, run

TOOL = os.path.join(ROOT, "tools", "fit-latency")
SCENARIO = "scenarios/light-load-3x100.json"
CALIBRATION = os.path.join(ROOT, "models", "calibration", "light-load-3x100.json")


def nearest_rank(values, p):
    v = sorted(values)
    return v[max(1, math.ceil(p * len(v))) - 1]


def latencies(run_dir):
    con = sqlite3.connect(os.path.join(run_dir, "results.sqlite"))
    try:
        return [r[0] for r in con.execute("SELECT latency_ms FROM requests WHERE status BETWEEN 200 AND 299")]
    finally:
        con.close()


def fit(loadtest, fragment, *extra):
    return subprocess.run([TOOL, loadtest, "--write", fragment, "--svcsim", SVCSIM, *extra], capture_output=True,
                          text=True, cwd=ROOT, timeout=600)


# ---- 1. recovery of a known jitter ----
known, _ = run(SCENARIO, "fit-known", "--seed", "2", "--set",
               '/parameters/overhead_jitter={"family":"exponential","mean_ms":3}')
fake = os.path.join(SCRATCH, "fit-known-loadtest.json")
with open(fake, "w") as f:
    json.dump({"config": {"RPS": 100, "DURATION": 30, "ENDPOINT": "/api/auth/auth-work", "METHOD": "GET"},
               "requests": [{"latencyMs": x, "status": 200} for x in latencies(known)]}, f)
frag_known = os.path.join(SCRATCH, "fit-known-fragment.json")
p = fit(fake, frag_known)
check(p.returncode == 0, f"recovery: the fit meets its targets (exit {p.returncode}; {p.stderr.strip()[-300:]})")
ms = json.load(open(frag_known))["overhead_jitter"]["ms"]
check_eq(len(ms), 101, "recovery: a percentile table")
# The p-quantile of 3,000 draws has a standard error sqrt(p (1-p) / n) / f(q_p), with the exponential's density
# f(q_p) = (1 - p) / 3: 0.055 ms at p = 0.5, 0.164 ms at p = 0.9. Four of them, plus 0.3 ms for the floor's
# spread (jitter off, its p5-p95 is about 0.5 ms), which quantile subtraction cannot separate exactly.
for pct in (50, 90):
    pr = pct / 100
    want = -3 * math.log(1 - pr)
    tol = 4 * math.sqrt(pr * (1 - pr) / 3000) / ((1 - pr) / 3) + 0.3
    check(abs(ms[pct] - want) <= tol, f"recovery: table at p{pct} {ms[pct]:.3f} ms ≈ -3 ln(1 - {pr}) = "
                                       f"{want:.3f} ms (± {tol:.3f})")

# ---- 2. the calibration run ----
frag = os.path.join(SCRATCH, "fit-calibration-fragment.json")
p = fit(CALIBRATION, frag)
check(p.returncode == 0, f"calibration: the fit meets its targets (exit {p.returncode})")
fragment = json.load(open(frag))
table = fragment["overhead_jitter"]
check_eq(table["family"], "quantiles", "calibration: a quantile table")
check(all(a <= b for a, b in zip(table["ms"], table["ms"][1:])) and table["ms"][0] >= 0,
      "calibration: the table is nondecreasing and >= 0")
fitted, _ = run(SCENARIO, "fit-calibration-check", "--set", "/parameters/overhead_jitter=" + json.dumps(table))
measured = [r["latencyMs"] for r in json.load(open(CALIBRATION))["requests"]]
sim = latencies(fitted)
for pr, tol in ((0.5, 0.01), (0.95, 0.05), (0.99, 0.05)):
    m, s = nearest_rank(measured, pr), nearest_rank(sim, pr)
    check(abs(s - m) <= tol * m, f"calibration: p{round(pr * 100)} {s:.3f} ms within {tol:.0%} of measured {m:.3f} ms")

# ---- 3. bad input ----
empty = os.path.join(SCRATCH, "fit-empty.json")
with open(empty, "w") as f:
    json.dump({"config": {}, "requests": []}, f)
out = os.path.join(SCRATCH, "fit-empty-fragment.json")
if os.path.exists(out):
    os.remove(out)
p = fit(empty, out)
check_eq(p.returncode, 2, "bad input: exit 2")
check_eq(len(p.stderr.strip().splitlines()), 1, "bad input: one error line")
check("/requests" in p.stderr and "expected at least 20" in p.stderr, f"bad input: names /requests ({p.stderr.strip()})")
check(not os.path.exists(out), "bad input: nothing written")
finish()
