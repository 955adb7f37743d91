"""The long run (slow: minutes): scenarios/long-hour.json, one simulated hour of data-work at 1,000 RPS with a
fault every five minutes (crashes restarted 120 s later and hangs resumed 60 s later, moving across the data
instances). It must finish, and its invariants hold:
  - every request ends exactly once: one row per request id in results.sqlite, none pending, end >= send;
  - sent = answered + failed: summary total = success + failed = sum of by_status = rps x duration;
  - per-instance counts add up: sum over instances of served + failed = load_balancer.attempts
    = rows of the attempts table = sum of requests.attempts; per instance, served = its answered attempts;
  - every fault took effect (the registry saw each crash and hang) and every restart and resume recovered;
  - memory stays bounded: peak RSS (perf.json and the kernel's own count) under RSS_BUDGET_MB (default 1536)
    and under 400 bytes per request beyond a 64 MB base (the recorder keeps every sample, by design).
Environment: SVCSIM, LONG_SCENARIO (default scenarios/long-hour.json), RSS_BUDGET_MB.
Usage: SVCSIM=build/svcsim /usr/bin/python3 tests/reliability/test_long_run.py"""
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from relib import ROOT, SCRATCH, SVCSIM, check, finish  # noqa: E402

SCENARIO = os.environ.get("LONG_SCENARIO", "scenarios/long-hour.json")
RSS_BUDGET_MB = float(os.environ.get("RSS_BUDGET_MB", "1536"))


def main():
    out = os.path.join(SCRATCH, "long")
    t0 = time.monotonic()
    p = subprocess.run([SVCSIM, "run", SCENARIO, "--out", out, "--quiet"], cwd=ROOT, capture_output=True, text=True)
    wall = time.monotonic() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    kernel_rss_mb = usage.ru_maxrss / 1024.0
    cpu_s = usage.ru_utime + usage.ru_stime
    if not check(p.returncode == 0, f"{SCENARIO} finishes (exit {p.returncode}, {wall:.0f} s wall)"):
        print(p.stderr[-2000:])
        finish()
    with open(os.path.join(ROOT, SCENARIO)) as f:
        scenario = json.load(f)
    with open(os.path.join(out, "summary.json")) as f:
        s = json.load(f)
    with open(os.path.join(out, "perf.json")) as f:
        perf = json.load(f)
    req = s["requests"]
    expected = round(sum(w["rps"] * w["duration_s"] for w in scenario["workloads"]))

    # sent = answered + failed
    check(req["total"] == expected, f"every scheduled request was sent: {req['total']} of {expected}")
    check(req["total"] == req["success"] + req["failed"], f"total {req['total']} = success {req['success']} + failed {req['failed']}")
    check(sum(req["by_status"].values()) == req["total"], "the status counts add up to the total")

    con = sqlite3.connect(f"file:{os.path.join(out, 'results.sqlite')}?mode=ro", uri=True)
    q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
    n, distinct, pending, backwards = q("SELECT count(*), count(DISTINCT id), sum(end_s IS NULL OR outcome IS NULL OR "
                                        "outcome = 'pending'), sum(end_s < sent_s) FROM requests")[0]
    check(n == req["total"] and distinct == n, f"one row per request: {n} rows, {distinct} ids, summary {req['total']}")
    check(pending == 0, f"every request ended (not ended: {pending})")
    check(backwards == 0, f"no request ends before it was sent ({backwards})")
    ok = q("SELECT count(*) FROM requests WHERE outcome = 'success'")[0][0]
    check(ok == req["success"], f"successful rows {ok} = summary success {req['success']}")

    # per-instance counts
    lb = s["load_balancer"]
    by_inst = s["by_instance"]
    served = sum(v["served"] for v in by_inst.values())
    failed = sum(v["failed"] for v in by_inst.values())
    attempt_rows = q("SELECT count(*) FROM attempts")[0][0]
    attempts_col = q("SELECT sum(attempts) FROM requests")[0][0]
    check(served + failed == lb["attempts"], f"sum of served {served} + failed {failed} = balancer attempts {lb['attempts']}")
    check(attempt_rows == lb["attempts"] == attempts_col,
          f"attempt rows {attempt_rows} = balancer attempts {lb['attempts']} = sum of requests.attempts {attempts_col}")
    check(lb["attempts"] - lb["retries"] <= req["total"],
          f"first attempts {lb['attempts'] - lb['retries']} <= requests {req['total']} (no_healthy {lb['no_healthy']})")
    answered = dict(q("SELECT instance, count(*) FROM attempts WHERE outcome = 'answered' GROUP BY instance"))
    bad = {k: (v["served"], answered.get(k, 0)) for k, v in by_inst.items() if v["served"] != answered.get(k, 0)}
    check(not bad, f"per instance, served = answered attempts (differ: {bad or 'none'})")
    con.close()

    # faults took effect and recovered
    faults = s["faults"]
    check(len(faults) == len(scenario["faults"]), f"{len(faults)} faults reported, {len(scenario['faults'])} injected")
    for f in faults:
        label = f"{f['kind']} {f['target']} at {f['at_s']:.0f} s"
        if f["kind"] in ("crash", "hang"):
            check(f.get("registry_unhealthy_at_s") is not None, f"{label}: the registry marked it unhealthy")
        if f["kind"] in ("restart", "hang"):
            check(f.get("recovered_at_s") is not None, f"{label}: recovered (at {f.get('recovered_at_s')})")

    # memory
    rss = perf["peak_rss_mb"]
    per_request = (max(rss, kernel_rss_mb) - 64) * 1024 * 1024 / max(1, req["total"])
    check(rss <= RSS_BUDGET_MB and kernel_rss_mb <= RSS_BUDGET_MB,
          f"peak RSS {rss:.0f} MB (kernel: {kernel_rss_mb:.0f} MB) within {RSS_BUDGET_MB:.0f} MB")
    check(per_request <= 400, f"{per_request:.0f} bytes per request beyond a 64 MB base (at most 400)")
    size_mb = os.path.getsize(os.path.join(out, "results.sqlite")) / 1e6
    print(f"note: wall {wall:.0f} s, CPU {cpu_s:.0f} s (simulation {perf.get('sim_wall_s', 0):.0f} s wall), "
          f"{req['total'] / max(1e-9, perf.get('sim_wall_s') or wall):.0f} simulated requests per wall second, peak RSS {rss:.0f} MB, "
          f"results.sqlite {size_mb:.0f} MB")
    finish()


if __name__ == "__main__":
    main()
