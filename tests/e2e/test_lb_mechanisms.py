#!/usr/bin/python3
"""The balancer's alternative mechanisms (issue 14) end to end: the seconds at which Envoy's outlier
detection, NGINX's max_fails and a resilience4j circuit breaker take data-service-2 out of rotation, derived
by hand from their rules, the scenarios' timers and SPEC §1's round robin; a retry policy that does not
cover connect failures, a deadline, a retry budget that lets one retry run at a time, and Envoy's panic
threshold sending traffic to an ejected host.

Shared timeline (failover-crash / failover-hang, 3 instances per type, EXACT: no process CPU):
  data-work at 20 RPS from 20 s: request i is sent at 20 + i/20 s; it reaches the balancer 25 us later and
  its first attempt leaves at once (the seed model's balancer overheads are 0), at 20 + i/20 + 0.000025 s;
  an attempt to a dead process is refused one round trip (50 us) after it leaves;
  the data pool is [ds1, ds2, ds3] (registration order); before any failure request i makes exactly one
  selection, so the counter is i when it picks and round robin sends it to pool[i % 3]: ds2 when i % 3 == 1;
  the balancer starts at 15 s: discovery every 15 s (75 s drops ds2, which the registry marks unhealthy at
  70 s), health checks at 15, 35, 55, 75 s, outlier sweeps every 10 s from 15 s (25, 35, ..., 75 s).
At the fault (40 s), request 397 (sent 39.85 s, i % 3 == 1) is in ds2's 200 ms work: a crash resets it (the
reset reaches the balancer at 40.000025 s), a hang keeps it until its 10 s attempt timeout (49.850025 s).
Request 400, sent at 40.0 s just before the fault is injected, reaches the balancer at 40.000025 s too, ahead
of the reset (both take 25 us; the request left first), and picks with counter 400: 400 % 3 = 1 -> ds2."""
import json

from harness import EXACT, check, check_eq, check_near, events, finish, query, run

MS = 0.002  # a refused attempt fails one round trip after it leaves: a few tens of microseconds


def with_model(scenario, name, **parameters):
    extra = list(EXACT)
    for pointer, value in parameters.items():
        extra += ["--set", f"/parameters/load_balancer/{pointer}={json.dumps(value)}"]
    return run(scenario, name, *extra)


def attempts_to_ds2(run_dir, after, before):
    return query(run_dir, "SELECT COUNT(*) FROM attempts WHERE instance = 'data-service-2' AND start_s > ?"
                          " AND start_s < ?", (after, before))[0][0]


# ---- Envoy outlier detection on the crash: consecutive_5xx 5, base 10 s, max_ejection_percent 50 ----
# Envoy's 10 % default would never eject one of 3 hosts (100 x 1/3 = 33 % > 10 %), so the test allows 50 %.
# Failures on ds2 after 40 s (a reset or a refusal both count as 5xx in Envoy's default, unsplit mode):
#   request 400 picks ds2 (counter 400 -> 401); #1 request 397's reset: its retry takes 401 over [ds1, ds3]
#   -> ds3 (402); #2 request 400 refused at 40.000075 s, its retry 402 % 2 = 0 -> ds1 (403);
#   request 401: 403 % 3 = 1 -> ds2 (#3), retry 404 -> ds1; 402: 405 -> ds1; 403: 406 -> ds2 (#4), retry 407
#   -> ds3; 404: 408 -> ds1; 405 (40.25 s): 409 % 3 = 1 -> ds2 (#5): ejected when refused, 40.250075 s.
# Ejection 1 lasts base x 1 = 10 s: the first sweep at least 10 s later is 55 s (45 s is 4.75 s too early).
# From request 406 on, one selection each over [ds1, ds3] (405's retry took 410 -> ds1, so counter = i + 5).
# At 55 s ds2 is back: request 700 (55.0 s) c = 705 -> ds1; 701: 706 -> ds2 (#1), 707 -> ds3; 702: 708 ->
#   ds1; 703: 709 -> ds2 (#2), 710 -> ds1; 704: 711 -> ds1; 705: 712 -> ds2 (#3); 706: 714 -> ds1; 707: 715
#   -> ds2 (#4); 708: 717 -> ds1; 709: 718 -> ds2 (#5): ejected again at 55.450075 s, for base x 2 =
#   20 s (the doubling); the discovery at 75 s drops ds2 before that ends.
d, s = with_model("scenarios/failover-crash.json", "lbm-outlier",
                  outlier_detection={"base_ejection_time_s": 10, "max_ejection_percent": 50})
f = s["faults"][0]
check_near(f["lb_excluded_at_s"], 40.250075, MS, "outlier: ds2 ejected at the 5th consecutive failure")
check_eq(f["lb_excluded_by"], "outlier_ejection", "outlier: the exclusion is named")
ej = events(d, "lb.outlier_ejected", "data-service-2")
check_eq(len(ej), 2, f"outlier: ejected twice ({ej})")
check(len(ej) == 2 and abs(ej[1] - 55.450075) <= MS, f"outlier: second ejection at 55.45 s ({ej})")
details = [r[0] for r in query(d, "SELECT detail FROM events WHERE kind = 'lb.outlier_ejected' ORDER BY id")]
check_eq(details, ["consecutive_5xx for 10 s (ejection 1)", "consecutive_5xx for 20 s (ejection 2)"],
         "outlier: the second ejection lasts twice as long")
check_eq(events(d, "lb.outlier_readmitted", "data-service-2"), [55.0], "outlier: re-admitted at the 55 s sweep")
check_eq(attempts_to_ds2(d, 40.252, 55.0), 0, "outlier: nothing routed to ds2 while ejected")
check_eq(attempts_to_ds2(d, 55.452, 1e9), 0, "outlier: nothing routed to ds2 after the second ejection")
check_eq(s["requests"]["failed"], 0, "outlier: no client request fails (every failure retried)")
check_eq(s["load_balancer"].get("outlier_ejections"), 2, "outlier: summary counts 2 ejections")

# ---- Envoy's panic threshold with the same outlier detection: 70 %, so one host of 3 out is a panic ----
# Up to the ejection everything is as above: ds2 is ejected when request 405's attempt is refused
# (40.250075 s). 405's retry is the first choice after it: 2 of 3 hosts available, 66.7 % < 70 %: panic
# entered at 40.250075 s; the retry excludes only the tried ds2: 410 % 2 = 0 -> ds1 (411). In panic the
# candidates are all three again, so from request 406 on round robin includes the ejected ds2:
#   406: 411 % 3 = 0 -> ds1; 407: 412 % 3 = 1 -> ds2, refused, retry 413 % 2 = 1 -> ds3 (414);
#   408: 414 -> ds1; 409: 415 -> ds2, retry 416 -> ds1 (417); 410: 417 -> ds3; 411: 418 -> ds2 ...
# two requests advance the counter by three, and every odd request from 407 tries ds2: up to request 699
# (54.95 s), the last before the 55 s sweep re-admits ds2, that is (699 - 407) / 2 + 1 = 147 attempts. The
# first choice after the re-admission (request 700, 55.000025 s) finds 3 of 3 available: panic left. After the
# second ejection (55.450075 s, as above) the panic comes back until discovery drops ds2 at 75.00025 s: the
# next choice, request 1101 at 75.050025 s, finds 2 of 2 available.
d, s = with_model("scenarios/failover-crash.json", "lbm-panic",
                  outlier_detection={"base_ejection_time_s": 10, "max_ejection_percent": 50},
                  panic_threshold_percent=70)
panic_in = events(d, "lb.panic_entered", None)
panic_out = events(d, "lb.panic_left", None)
check(len(panic_in) == 2 and abs(panic_in[0] - 40.250075) <= MS and abs(panic_in[1] - 55.450075) <= MS,
      f"panic: entered at each ejection, 40.250075 and 55.450075 s ({panic_in})")
check(len(panic_out) == 2 and abs(panic_out[0] - 55.000025) <= MS and abs(panic_out[1] - 75.050025) <= MS,
      f"panic: left at the re-admission (55.000025 s) and after discovery dropped ds2 (75.050025 s) ({panic_out})")
in_window = [r[0] for r in query(d, "SELECT request_id FROM attempts WHERE instance = 'data-service-2' AND "
                                    "start_s > 40.252 AND start_s < 55.0 ORDER BY start_s")]
check(in_window == list(range(407, 700, 2)), "panic: the ejected ds2 gets every odd request from 407 to 699 "
      f"(got {len(in_window)}: {in_window[:3]} ... {in_window[-2:]})")
check_eq(s["requests"]["failed"], 0, "panic: every refused attempt retried on ds1 or ds3")

# ---- NGINX max_fails=1 fail_timeout=10 on the crash ----
# NGINX's clock is whole seconds (ngx_time()). Request 397's reset (40.000025 s) is ds2's first failure:
# checked = 40, unavailable while now - 40 <= 10. Request 400 had already picked it (counter 400): refused at
# 40.000075 s, a second failure in the same second (checked stays 40). 397's retry took 401 (ds3), 400's 402
# (ds1), so request i >= 401 picks with counter i + 2 over [ds1, ds3]. ds2 is back at second 51: request 620
# (51.000025 s): 622 % 3 = 1 -> ds2: the trial, refused at 51.000075 s: checked = 51, out until second 62; its
# retry takes 623, so i >= 621 picks with i + 3. Request 840 (62.000025 s): 843 % 3 = 0 -> ds1; 841
# (62.05 s): 844 % 3 = 1 -> ds2: trial 2 (with continuous time the trials would be at 50.1 and 60.25 s).
d, s = with_model("scenarios/failover-crash.json", "lbm-nginx", max_fails=1, fail_timeout_s=10)
f = s["faults"][0]
check_near(f["lb_excluded_at_s"], 40.0, MS, "nginx: ds2 unavailable at its first failure")
check_eq(f["lb_excluded_by"], "passive_max_fails", "nginx: the exclusion is named")
trials = events(d, "lb.passive_trial", "data-service-2")
check(len(trials) >= 2 and abs(trials[0] - 51.000025) <= MS, f"nginx: first trial at 51.0 s ({trials[:3]})")
check(len(trials) >= 2 and abs(trials[1] - 62.050025) <= MS, f"nginx: second trial at 62.05 s ({trials[:3]})")
check_eq(attempts_to_ds2(d, 40.001, 51.0), 0, "nginx: nothing routed to ds2 until second 51")
check_eq(s["requests"]["failed"], 0, "nginx: no client request fails")

# ---- resilience4j circuit breaker on the hang: count window 10, minimum 5 calls, 50 %, open 20 s ----
# ds2's window holds 10 successes when it stops at 40 s. Its attempts time out 10 s after they leave, in the
# order they left: request 397 (49.850025 s), then 400, 403, 406, 409 (no failure came back before 49.85 s,
# so the counter is still i). After the 5th timeout (409: 50.450025 s) the last 10 calls are 5 successes and
# 5 failures: 50 % >= 50 %: OPEN. The first request that looks at ds2 more than 20 s later (request 1010,
# 70.5 s) turns it HALF_OPEN. The registry marks ds2 unhealthy at 70 s and discovery drops it at 75 s.
d, s = with_model("scenarios/failover-hang.json", "lbm-breaker",
                  circuit_breaker={"sliding_window_size": 10, "minimum_number_of_calls": 5,
                                   "wait_duration_in_open_state_s": 20,
                                   "permitted_number_of_calls_in_half_open_state": 2})
f = s["faults"][0]
check_near(f["lb_excluded_at_s"], 50.450025, MS, "breaker: opens at the 5th timeout")
check_eq(f["lb_excluded_by"], "circuit_breaker", "breaker: the exclusion is named")
half = events(d, "lb.breaker_half_open", "data-service-2")
check(len(half) >= 1 and abs(half[0] - 70.500025) <= MS, f"breaker: half-open at 70.5 s ({half})")
check_eq(attempts_to_ds2(d, 50.451, 70.5), 0, "breaker: nothing routed to ds2 while open")
check_eq(s["load_balancer"].get("breaker_opens"), 1, "breaker: summary counts one opening")

# ---- retry policy that covers timeouts only, on the crash: a refused or reset attempt is not retried ----
# No retry ever happens, so request i picks with counter i: ds2 for i % 3 == 1 from 400 until the discovery
# of 75.00025 s drops ds2 (request 1099, 74.95 s, is the last to pick it): (1099 - 400) / 3 + 1 = 234
# refused, plus request 397 reset at 40 s: 235 requests fail, each answered 503 (Envoy's connect error).
d, s = with_model("scenarios/failover-crash.json", "lbm-retry", retry={"retry_on": ["timeout"]})
check_eq(s["requests"]["failed"], 235, "retry_on timeout: every refused or reset attempt fails its request")
check_eq(s["requests"]["by_status"].get("503"), 235, "retry_on timeout: answered 503")
check_eq(s["load_balancer"]["retries"], 0, "retry_on timeout: no retry")
check_eq(s["load_balancer"].get("retries_not_covered"), 235, "retry_on timeout: 235 failures not covered")

# ---- retry policy with a 2 s deadline on the hang: a request stuck on ds2 is answered 504 at its deadline ----
# The per-try timeout stays 10 s, so no attempt times out before its request's deadline: nothing is retried
# and request i picks with counter i, ds2 for i % 3 == 1. Request 397 (in ds2's work when it stopped) and
# requests 400, 403, ..., 1099 (the last before the 75 s discovery drops ds2) wait 2 s: 1 + 234 = 235
# answered 504 by the balancer, each its attempt closed as a timeout.
d, s = with_model("scenarios/failover-hang.json", "lbm-deadline", retry={"deadline_s": 2})
check_eq(s["requests"]["by_status"].get("504"), 235, "deadline: 235 requests answered 504")
check_eq(s["load_balancer"].get("deadline_exceeded"), 235, "deadline: counted")
check_eq(s["load_balancer"]["retries"], 0, "deadline: no retry")
late = query(d, "SELECT MIN(end_s - start_s), MAX(end_s - start_s) FROM attempts WHERE outcome = 'timeout'")[0]
check(late[0] is not None and abs(late[0] - 2) < MS and abs(late[1] - 2) < MS,
      f"deadline: every timed-out attempt lasted 2 s ({late})")

# ---- Envoy's retry budget on the crash: budget_percent 0, min_retry_concurrency 1 (one retry in flight) ----
# No back-off (base 0 ms), every failure covered (5xx: resets and refusals). A retry holds its place from the
# decision until its request ends: its retry goes to [ds1, ds3] by counter % 2 and is answered 200 ms + a few
# hundred us later, so the place is free again about 0.2005 s after it was taken.
#   request 400 picks ds2 (400 -> 401); 397's reset (40.000025 s): place free, retry 401 % 2 = 1 -> ds3
#   (402), held until ~40.2005 s; 400 refused at 40.000075 s: budget full, 400 fails (503).
#   401: 402 % 3 = 0 -> ds1; 402 (40.1 s): 403 % 3 = 1 -> ds2, refused, budget still full: fails;
#   403: 404 -> ds3; 404: 405 -> ds1; 405 (40.25 s): 406 % 3 = 1 -> ds2, refused at 40.250075 s: the place
#   is free (40.2005 s): retry 407 % 2 = 1 -> ds3 (408); 406: 408 -> ds1; 407 (40.35 s): 409 -> ds2, refused
#   while 405's retry runs: fails; 408: 410 -> ds3; 409: 411 -> ds1; 410 (40.5 s): 412 -> ds2, retried
#   (405's retry ended ~40.4505 s), 413 -> ds3 (414).
# So from 405 on, five requests advance the counter by six: request 405 + 5m is refused and retried on ds3
# (counter 407 + 6m, odd), request 407 + 5m is refused and fails. ds2 stays in the pool until the discovery
# of 75.00025 s; request 1100 (75.000025 s) = 405 + 5 x 139 is the last to pick it.
# Retries: 397 and 405, 410, ..., 1100 = 1 + 140 = 141, all on ds3. Failed: 400, 402 and 407, 412, ..., 1097
# = 2 + 139 = 141 requests, answered 503, each a retry the budget refused.
d, s = with_model("scenarios/failover-crash.json", "lbm-budget",
                  retry={"backoff": {"base_ms": 0}, "budget": {"budget_percent": 0, "min_retry_concurrency": 1}})
data = s["load_balancer"]["by_type"]["data"]
check_eq(data["retries"], 141, "budget: 141 retries (397, then every fifth request from 405 to 1100)")
check_eq(data["retries_denied_by_budget"], 141, "budget: 141 retries refused by the budget")
check_eq(s["requests"]["failed"], 141, "budget: each refused retry fails its request")
check_eq(s["requests"]["by_status"].get("503"), 141, "budget: answered 503")
expected_failed = [400, 402] + list(range(407, 1098, 5))
failed = [r[0] for r in query(d, "SELECT id FROM requests WHERE status <> 200 ORDER BY id")]
check(failed == expected_failed, "budget: the failed requests are 400, 402, 407, 412, ..., 1097 "
      f"(got {len(failed)}: {failed[:4]} ... {failed[-2:]}; unexpected {sorted(set(failed) - set(expected_failed))[:5]})")
retried = query(d, "SELECT request_id, instance FROM attempts WHERE attempt = 2 ORDER BY start_s")
expected_retried = [397] + list(range(405, 1101, 5))
check([r[0] for r in retried] == expected_retried, "budget: the retried requests are 397, 405, 410, ..., 1100 "
      f"(got {len(retried)}: {[r[0] for r in retried][:4]} ... {[r[0] for r in retried][-2:]})")
check_eq(sorted({r[1] for r in retried}), ["data-service-3"], "budget: every retry on ds3 (an odd counter)")
overlap = query(d, "SELECT COUNT(*) FROM attempts a JOIN attempts b ON a.attempt = 2 AND b.attempt = 2 AND "
                   "a.request_id <> b.request_id AND b.start_s < a.start_s AND b.end_s > a.start_s")[0][0]
check_eq(overlap, 0, "budget: never two retries in flight at once")

# ---- off: the mechanisms leave no trace in summary.json ----
_, s = run("scenarios/failover-crash.json", "lbm-off", *EXACT)
check(not any(k in s["load_balancer"] for k in ("outlier_ejections", "breaker_opens", "passive_unavailable",
                                                 "retries_not_covered")), "off: no mechanism counters")
check_eq(s["faults"][0]["lb_excluded_by"], "registry_sweep", "off: the seed's crash is excluded by discovery")
finish()
