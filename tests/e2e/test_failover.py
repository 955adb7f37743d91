#!/usr/bin/python3
"""Failover end to end (issue 3): the seconds at which the registry, the balancer and the detector notice a
crashed or hung instance, derived by hand from SPEC §1's timers and the seed start script, and invariants.

Timeline shared by both scenarios (3 instances of each type, seed start script):
  instance k (0-based: auth 1-3, data 1-3, compute 1-3) starts at 3 + k s, so data-service-2 (k = 4) starts
  at 7 s and heartbeats at 17, 27, 37, 47 ... (setInterval 10 s from its start);
  the registry starts at 0 s and sweeps at 10, 20, 30 ... (marks an entry whose last heartbeat is > 30 s old);
  the balancer starts at 15 s: discovery at 15, 30, 45, 60, 75, 90 ...; own health checks at 15, 35, 55, 75;
  the detector starts at 17 s: cycles at 17, 22, ... 42, 47, 52, 57 ...;
  the load (data-work, 20 RPS) runs from 20 s to 110 s; the fault hits data-service-2 at 40 s.
Network: loopback 25 us one way; the registry answers after 0.2 ms; so a discovery sent at T lands at
T + 0.00025 s, and a check cycle's health checks leave at T + 0.00025 s (after the list refresh)."""
from harness import EXACT, check, check_eq, check_near, events, finish, query, run

MS = 0.001  # asserted to the millisecond


def fault(summary):
    return summary["faults"][0]


# ---- crash (kill -9) at 40 s ----
dc, sc = run("scenarios/failover-crash.json", None, *EXACT)
f = fault(sc)
# Last heartbeat before the crash: 37 s (7 + 3 × 10).
check_near(f["last_heartbeat_at_s"], 37.0, MS, "crash: last heartbeat")
# Registry sweeps: at 60 s the heartbeat is 23 s old (kept); at 70 s it is 33 s old > 30 → unhealthy at 70.
check_near(f["registry_unhealthy_at_s"], 70.0, MS, "crash: registry marks unhealthy")
# Balancer: discovery at 60 s still lists it (healthy until 70); discovery at 75 s does not → leaves the
# pool at 75.00025 s. Its own health checks (55 s: one failure of 10) never reach the threshold first.
check_near(f["lb_excluded_at_s"], 75.0, MS, "crash: balancer excludes")
check(not events(dc, "lb.check_unhealthy", "data-service-2"), "crash: health checks never reach their threshold")
# Detector: cycles at 42, 47, 52 s are refused after one round trip → 3rd consecutive failure at 52 s.
check_near(f["detector_alert_at_s"], 52.0, MS, "crash: detector SERVICE_DOWN alert")
check_eq([a["kind"] for a in sc["alerts"]], ["SERVICE_DOWN"], "crash: one alert")
# Clients: every request still succeeds (refused attempts are retried on another instance).
check_eq(sc["requests"]["failed"], 0, "crash: no client request fails")
check(f["retried_requests"] > 0 and f["retried_requests"] == sc["load_balancer"]["retries"],
      f"crash: every retry is due to the crash ({f['retried_requests']} vs {sc['load_balancer']['retries']})")
# Refused attempts fail after one round trip: the retried requests are slowed by about a millisecond.
refused = query(dc, "SELECT MAX(end_s - start_s) FROM attempts WHERE outcome = 'refused'")[0][0]
check(refused is not None and refused < 0.001, f"crash: a refused attempt fails within 1 ms ({refused})")
# Nothing routed to it after its exclusion.
late = query(dc, "SELECT COUNT(*) FROM attempts WHERE instance = 'data-service-2' AND start_s > ?",
             (f["lb_excluded_at_s"],))[0][0]
check_eq(late, 0, "crash: no attempt to data-service-2 after it left the pool")
# While it is still in the pool, the counter rule gives the two survivors a 3:1 share (SPEC §1: the
# candidates are the untried healthy instances, index = counter % size, counter++ on every selection).
rows = dict(query(dc, "SELECT instance, COUNT(*) FROM attempts WHERE outcome = 'answered'"
                      " AND start_s > 41 AND start_s < 74 GROUP BY instance"))
ratio = max(rows["data-service-1"], rows["data-service-3"]) / min(rows["data-service-1"], rows["data-service-3"])
check_near(ratio, 3.0, 0.05, f"crash: survivors' shares 3:1 while the victim is in the pool ({rows})")
# Every request ends exactly once: sent = answered + failed.
total, ended = query(dc, "SELECT COUNT(*), SUM(outcome != 'pending') FROM requests")[0]
check_eq((total, ended), (1800, 1800), "crash: every request ends exactly once")

# ---- hang (kill -STOP at 40 s, kill -CONT at 80 s) ----
dh, sh = run("scenarios/failover-hang.json", None, *EXACT)
f = fault(sh)
check_near(f["last_heartbeat_at_s"], 37.0, MS, "hang: last heartbeat")
check_near(f["registry_unhealthy_at_s"], 70.0, MS, "hang: registry marks unhealthy")
check_near(f["lb_excluded_at_s"], 75.0, MS, "hang: balancer excludes")
# Detector checks at 42, 47, 52 s each time out after 3 s → 3rd failure at 55 s.
check_near(f["detector_alert_at_s"], 55.0, MS, "hang: detector SERVICE_DOWN alert")
# A hung instance's requests take the attempt timeout (10 s) plus the retry (~205 ms on another instance).
slow = query(dh, "SELECT MIN(r.latency_ms), MAX(r.latency_ms) FROM requests r WHERE r.id IN"
                 " (SELECT request_id FROM attempts WHERE instance = 'data-service-2' AND outcome = 'timeout')")[0]
check(10200 <= slow[0] and slow[1] <= 10230, f"hang: requests sent to it take 10 s + the retry ({slow})")
check_eq(sh["requests"]["failed"], 0, "hang: no client request fails (timeout 60 s > 10 s + retry)")
# On resume at 80 s the overdue heartbeat fires at once: the registry takes it back at 80 s; the balancer
# at its next discovery, 90 s; the detector's check sent at 77 s is answered on resume (slow: one alert).
check_near(f["registry_recovered_at_s"], 80.0, MS, "hang: registry takes it back on resume")
check_near(f["lb_readded_at_s"], 90.0, MS, "hang: balancer takes it back at the next discovery")
check_near(f["detector_recovered_at_s"], 80.0, MS, "hang: detector SERVICE_RECOVERED")
check(f["recovered_at_s"] is not None and 90.0 < f["recovered_at_s"] < 91.0, "hang: serves again after 90 s")
# Nothing routed to it between its exclusion and its return.
between = query(dh, "SELECT COUNT(*) FROM attempts WHERE instance = 'data-service-2' AND start_s > ? AND start_s < ?",
                (f["lb_excluded_at_s"], f["lb_readded_at_s"]))[0][0]
check_eq(between, 0, "hang: no attempt between exclusion and return")

# ---- a short hang escapes exclusion; a longer one does not ----
# Resumed at 65 s: the registry's sweeps (50: 13 s old, 60: 23 s old) never mark it; nothing excludes it.
de, se = run("scenarios/failover-hang.json", "hang-65", *EXACT, "--set", "/faults/0/until_s=65")
check(fault(se)["registry_unhealthy_at_s"] is None, "hang to 65 s: registry never marks it")
check(fault(se)["lb_excluded_at_s"] is None, "hang to 65 s: balancer never excludes it")
# Resumed at 72 s: marked at 70 s, healthy again at 72 s before the discovery of 75 s → not excluded.
dm, sm = run("scenarios/failover-hang.json", "hang-72", *EXACT, "--set", "/faults/0/until_s=72")
check_near(fault(sm)["registry_unhealthy_at_s"], 70.0, MS, "hang to 72 s: registry marks it at 70 s")
check(fault(sm)["lb_excluded_at_s"] is None, "hang to 72 s: healthy again before discovery, never excluded")

finish()
