#!/usr/bin/python3
"""More failover scenarios (issue 3), each with its expected seconds derived from SPEC §1's timers and the
seed start script (see test_failover.py for the shared timeline), plus the invariants on every fault run."""
from harness import EXACT, check, check_eq, check_near, events, finish, query, run, svcsim

MS = 0.001


def invariants(d, s, name):
    total, ended = query(d, "SELECT COUNT(*), SUM(outcome != 'pending') FROM requests")[0]
    check_eq(ended, total, f"{name}: every request ends exactly once")
    check_eq(s["requests"]["success"] + s["requests"]["failed"], s["requests"]["total"], f"{name}: sent = answered + failed")
    served = sum(v["served"] for v in s["by_instance"].values())
    failed = sum(v["failed"] for v in s["by_instance"].values())
    check_eq(served + failed, s["load_balancer"]["attempts"], f"{name}: per-instance counts add up to the attempts")
    # Nothing routed to an instance between its exclusion and its return.
    for inst in s["by_instance"]:
        removed = events(d, "lb.pool_removed", inst) + events(d, "lb.check_unhealthy", inst)
        for t in removed:
            back = [x for x in events(d, "lb.pool_added", inst) + events(d, "lb.check_healthy", inst) if x > t]
            until = min(back) if back else 1e18
            n = query(d, "SELECT COUNT(*) FROM attempts WHERE instance = ? AND start_s > ? AND start_s < ?",
                      (inst, t, until))[0][0]
            check_eq(n, 0, f"{name}: nothing routed to {inst} while excluded ({t:.3f}..{until:.3f})")


# Every data instance down from 40 s (k = 3, 4, 5 → started 6, 7, 8 s; last heartbeats 36, 37, 38 s;
# registry marks all three at the sweep of 70 s; discovery at 75 s empties the pool); restarted at 100 s,
# they register at once and the discovery of 105 s brings them back.
d, s = run("scenarios/failover-all-down.json", None, *EXACT)
invariants(d, s, "all-down")
codes = {r[0]: (r[1], r[2]) for r in query(d, "SELECT status, MIN(sent_s), MAX(sent_s) FROM requests GROUP BY status")}
# The balancer forwards at once (no request overhead in the seed model): a request sent at 75.0 s reaches it at
# 75.000025 s, before the discovery's answer empties the pool at 75.00025 s, so it still gets the 502.
check(codes[502][1] <= 75.0, f"all-down: 502 (every attempt refused) only until the pool empties ({codes[502]})")
check(codes[503][0] > 75.0 and codes[503][1] <= 105.0, f"all-down: 503 (no healthy instance) after 75 s, up to 105 s ({codes[503]})")
late_ok = query(d, "SELECT MIN(sent_s) FROM requests WHERE status = 200 AND sent_s > 40")[0][0]
check_near(late_ok, 105.0, 0.06, "all-down: the first success after the outage is sent at the discovery of 105 s")

# Partition between data-service-2 and the registry only, 40 s → 100 s: heartbeats lost (last 37 s), marked at
# 70 s, dropped by discovery at 75 s although it works; heartbeat of 107 s restores it, discovery 120 s.
d, s = run("scenarios/failover-partition.json", None, *EXACT)
invariants(d, s, "partition")
f = s["faults"][0]
check_near(f["registry_unhealthy_at_s"], 70.0, MS, "partition: registry marks it")
check_near(f["lb_excluded_at_s"], 75.0, MS, "partition: balancer drops a working instance")
check(f["detector_alert_at_s"] is None, "partition: the detector (not cut off) raises no alert")
check_eq(s["requests"]["failed"], 0, "partition: no client failure")
check_near(f["registry_recovered_at_s"], 107.0, MS, "partition: registry takes it back at the heartbeat of 107 s")
check_near(f["lb_readded_at_s"], 120.0, MS, "partition: balancer takes it back at the discovery of 120 s")

# Registry outage 40 s → 70 s (restarted empty). Each instance learns from a 404 at its next heartbeat that it
# must register again; heartbeats tick at (start + 10 m) s and data-service-1..3 started at 6, 7, 8 s, so they
# re-register at 76, 77, 78 s: the discovery of 75 s finds no data instance and empties the data pool, the one of
# 90 s fills it again → clients get 503 for requests sent from 75 s to 90 s.
d, s = run("scenarios/registry-outage.json", None, *EXACT)
invariants(d, s, "registry-outage")
bad = query(d, "SELECT MIN(sent_s), MAX(sent_s), COUNT(*) FROM requests WHERE status = 503")[0]
# A request sent at a discovery's second reaches the balancer 25 us later, before the list lands (250 us): the
# one of 75.0 s still finds the old pool, the one of 90.0 s the empty one. So 75.05 s ... 90.0 s: 300 requests.
check(bad[0] > 75.0 and bad[1] <= 90.0, f"registry-outage: 503s only between the discoveries of 75 s and 90 s ({bad})")
check_eq(bad[2], 300, "registry-outage: 15 s × 20 RPS of 503s")
rereg = [t for t in events(d, "registry.registered", "data-service-1") if t > 40]
check_near(rereg[0], 76.0, MS, "registry-outage: data-service-1 re-registers after the 404 of its 76 s heartbeat")
check(len(events(d, "registry.unknown_heartbeat")) >= 9, "registry-outage: the restarted registry answers 404s")
check(events(d, "lb.discovery_failed"), "registry-outage: discovery fails while the registry is down")
# The fault report's registry-outage fields, by hand. Link 25 µs one way, registry overhead 0.2 ms.
# Discoveries at 45 and 60 s are refused (2 failures; none at 40 s). The last instance to register again is
# compute-service-2 (started at 10 s): heartbeat at 80 s → 404 back at 80 + 25 µs + 0.2 ms + 25 µs = 80.00025 →
# register arrives 25 µs later: 80.000275. The discovery of 75 s gets its list at 75.00025 and drops six
# instances (pools short from then); the one of 90 s, at 90.00025, has all nine again. Every request sent from
# 40 s until then that failed: the 300 503s above.
rf = s["faults"][0]
check_eq(rf["discovery_failures"], 2, "registry-outage report: discovery_failures")
check_near(rf["reregistered_at_s"], 80.000275, 1e-6, "registry-outage report: reregistered_at_s")
check_near(rf["lb_pools_lost_at_s"], 75.00025, 1e-6, "registry-outage report: lb_pools_lost_at_s")
check_near(rf["lb_pools_restored_at_s"], 90.00025, 1e-6, "registry-outage report: lb_pools_restored_at_s")
check_eq(rf["failed_requests"], 0, "registry-outage report: no request sent during the outage fails")
check_eq(rf["failed_requests_until_restored"], 300, "registry-outage report: failed_requests_until_restored")
with open(f"{d}/report.html") as f:
    html = f.read()
check("2 discoveries of the balancer were refused" in html and "pools short from 75 s to 90 s; 300 requests failed"
      in html and "registered again at 80 s" in html, "registry-outage: report.html tells the outage's aftermath")

# 3 of 10 crash together at 60 s (10 instances: balancer 36 s → discovery 51, 66, 81, 96 s; detector 38 s →
# cycles 63, 68, 73 s → alerts at 73 s). data-service-3/6/9 are k = 12, 15, 18 → start 15, 18, 21 s; last
# heartbeats 55, 58, 51 s; sweep of 90 s: 35/32/39 s old → marked at 90 s; discovery 96 s excludes them.
d, s = run("scenarios/failover-10-instances.json", None, *EXACT)
invariants(d, s, "10-instances")
for f, last in zip(s["faults"], (55.0, 58.0, 51.0)):
    check_near(f["last_heartbeat_at_s"], last, MS, f"10-instances: {f['target']} last heartbeat")
    check_near(f["registry_unhealthy_at_s"], 90.0, MS, f"10-instances: {f['target']} marked")
    check_near(f["lb_excluded_at_s"], 96.0, MS, f"10-instances: {f['target']} excluded")
    check_near(f["detector_alert_at_s"], 73.0, MS, f"10-instances: {f['target']} alert")
# A request fails (502) only when its 3 attempts all hit dead instances.
bad = query(d, "SELECT COUNT(*) FROM requests WHERE status = 502 AND id NOT IN (SELECT request_id FROM attempts"
               " WHERE outcome = 'answered')")[0][0]
check_eq(bad, s["requests"]["by_status"].get("502", 0), "10-instances: every 502 had all its attempts fail")
three = query(d, "SELECT COUNT(*) FROM (SELECT request_id FROM attempts GROUP BY request_id HAVING COUNT(*) > 3)")[0][0]
check_eq(three, 0, "10-instances: at most 3 attempts per request")

# Static pools: only the balancer's health checks exclude. Checks at 15 + 20 m s time out 5 s later; the hang
# starts at 40 s, so failures at 60, 80, ..., and the 10th consecutive one at 240 s.
d, s = run("scenarios/lb-threshold.json", None, *EXACT)
invariants(d, s, "lb-threshold")
f = s["faults"][0]
check_near(f["lb_excluded_at_s"], 240.0, MS, "lb-threshold: the 10th failed check excludes it at 240 s")
check(not events(d, "lb.pool_removed"), "lb-threshold: no discovery in static mode")
# Resumed at 300 s: the next check (315 s) succeeds → back at once.
check_near(f["lb_readded_at_s"], 315.0, MS, "lb-threshold: first successful check takes it back")

# The seed's 10-instance script taken literally: auth-service-5 cannot bind 3005 (registry), the detector
# cannot bind 3004 (auth-service-4 took it at 6 s). 1500 requests over 9 auth instances: 6 × 167 + 3 × 166.
d, s = run("scenarios/seed-10-instances-literal.json", None, *EXACT)
check(not s["components"]["auth-service-5"]["started"], "literal: auth-service-5 fails to start")
check(not s["components"]["fault-detector"]["started"], "literal: the fault detector fails to start")
served = [s["by_instance"][f"auth-service-{k}"]["served"] for k in range(1, 11)]
check_eq(served, [167, 167, 167, 167, 0, 167, 167, 166, 166, 166], "literal: the traffic split")
check_eq(len(events(d, "process.bind_failed")), 2, "literal: two bind failures in the event log")

# The same script with one machine per process (platforms/lan.xml, "spread"): every port is bound once per
# machine, so nothing clashes: no warning, no bind failure, all ten auth instances share 1500 requests evenly.
spread = ["--set", '/platform="../platforms/lan.xml"', "--set", '/deployment/placement="spread"']
v = svcsim("validate", "scenarios/seed-10-instances-literal.json", *spread)
check_eq([ln for ln in v.stderr.splitlines() if "EADDRINUSE" in ln], [],
         "literal, spread over machines: validate warns about no clash")
d, s = run("scenarios/seed-10-instances-literal.json", "literal-spread", *EXACT, *spread)
check_eq(events(d, "process.bind_failed"), [], "literal, spread over machines: no bind failure")
check(s["components"]["fault-detector"]["started"], "literal, spread over machines: the detector starts")
served = [s["by_instance"][f"auth-service-{k}"]["served"] for k in range(1, 11)]
check_eq(served, [150] * 10, "literal, spread over machines: 150 requests per auth instance")

finish()
