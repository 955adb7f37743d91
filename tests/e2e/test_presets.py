#!/usr/bin/python3
"""Discovery presets end to end (issue 14): when the balancer stops sending to a crashed or hung instance under
models/kubernetes.json and models/eureka.json, derived by hand from the presets' numbers, the seed start script
and the timers (the process CPU off: harness.EXACT).

Shared timeline (failover-crash.json / failover-hang.json): data-service-2 is the 5th instance, started at 7 s;
the registry starts at 0 s, the balancer at 15 s, the detector at 17 s; data-work at 20 RPS from 20 s; the fault
hits data-service-2 at 40 s. Network: loopback, 25 us one way.

Kubernetes (readiness probe period 10 s, timeout 1 s, failureThreshold 3, successThreshold 1; propagation 1 s):
  the kubelet's prober ticks one period after the pod starts, then every period: 17, 27, 37, 47, 57, 67, 77, 87 s
  for data-service-2 (ready after the 17 s probe, its endpoint at the balancer at 18 s).
  crash at 40 s: the container runtime reports the exit at once (one message, 25 us), the endpoint goes now and
    reaches the balancer 1 s later: excluded at 40 + 1 = 41.000 s (two 25 us hops: 41.00005).
    restartPolicy Always (the preset's): the first exit finds no back-off entry, so the kubelet restarts at once
    (40.000025 s); the container starts container_start_s = 1 s later, 41.000025 s, and its process registers
    (41.00005 s) and answers the detector's 42 s check (never SERVICE_DOWN). The new container is not ready
    until a probe passes: the 47 s probe (answered 47.00015 s: 25 us there, 0.1 ms of handling, 25 us back),
    its endpoint at the balancer 1 s later, 48.000175 s. Nothing goes to it from 41.00005 s to then.
    restartPolicy Never: it stays dead; the registry marks it at 70 s and the detector alerts at 52 s, as in
    the seed (README's worked example).
  hang at 40 s: the 37 s probe was answered; the probes of 47, 57 and 67 s wait out their 1 s timeout: the third
    failure in a row at 67 + 1 = 68 s makes the pod not ready; excluded at 68 + 1 = 69.000 s. Resumed at 80 s:
    the 77 s probe had already timed out at 78 s; the 87 s probe succeeds: back in the pool at 87 + 1 = 88.000 s.
Eureka (renewals 30 s, lease 90 s doubled by Lease.renew(), eviction every 60 s, response cache 30 s, client
fetch 30 s, server-list refresh 30 s from 1 s after the balancer's start):
  data-service-2 registers at 7 s and renews at 37 s (lastUpdate = 37 + 90 = 127 s), killed at 40 s; it expires
  when now > 127 + 90 = 217 s; sweeps at 60, 120, 180, 240 s: evicted (unhealthy) at 240 s; the response cache is
  refreshed at multiples of 30 s, at 240 s after the sweep (the sweep's timer is older); the balancer fetches at
  15 + 30k s: 225 s still lists it (the cache of 210 s), 255 s does not; the server list is refreshed at 16 + 30k s:
  226, 256 s: excluded at 256.000 s. (Seed: 75 s.) The load runs 260 s for it."""
import json
import os

from harness import EXACT, SCRATCH, check, check_eq, check_near, events, finish, query, run, svcsim

MS = 0.001
K8S = ("--set", "/model=kubernetes")
EUREKA = ("--set", "/model=eureka")


def fault(summary):
    return summary["faults"][0]


def attempts_after(run_dir, t):
    # summary times are rounded to the microsecond: an attempt at the very instant of the exclusion (the same
    # event time, handled before it) is not "after"
    return query(run_dir, "SELECT COUNT(*) FROM attempts WHERE instance = 'data-service-2' AND start_s > ?",
                 (t + 1e-6,))[0][0]


# ---- Kubernetes, crash, restartPolicy Never ----
d, s = run("scenarios/failover-crash.json", "k8s-crash", *EXACT, *K8S, "--set", '/parameters/discovery/restart_policy="Never"')
f = fault(s)
check_near(events(d, "lb.pool_added", "data-service-2")[0], 18.0, MS, "k8s: data-service-2's endpoint reaches the "
           "balancer one propagation after its first probe (17 + 1)")
check_near(events(d, "k8s.container_exit", "data-service-2")[0], 40.0, MS, "k8s crash: the kubelet learns of the exit at once")
check_near(f["lb_excluded_at_s"], 41.0, MS, "k8s crash: excluded at the exit + 1 s propagation")
check_eq(f["lb_excluded_by"], "container_exit", "k8s crash: summary.json names the kubelet's exit report")
check_eq(events(d, "k8s.readiness_probe_failed", "data-service-2"), [], "k8s crash: no probe needed to see it")
check_eq(query(d, "SELECT detail FROM events WHERE kind = 'lb.pool_removed' AND subject = 'data-service-2'"),
         [("endpoints",)], "k8s crash: the balancer's pool follows the endpoints watch")
check_eq(attempts_after(d, f["lb_excluded_at_s"]), 0, "k8s crash: no attempt to data-service-2 after it left the pool")
check_eq(s["requests"]["failed"], 0, "k8s crash: no client request fails (refused attempts are retried)")
# Only requests sent while it was in the pool (40 to 41 s: at most 21 at 20 RPS) can meet it, each once.
check(0 < s["load_balancer"]["retries"] <= 21, f"k8s crash: retries only in that second ({s['load_balancer']['retries']})")
check_eq(events(d, "lb.check_unhealthy") + events(d, "lb.check_healthy"), [], "k8s: the balancer runs no health checks")
# The registry and the detector run as in the seed (README's worked example: 70 s and 52 s).
check_near(f["registry_unhealthy_at_s"], 70.0, MS, "k8s crash: the registry still marks it at 70 s")
check_near(f["detector_alert_at_s"], 52.0, MS, "k8s crash: the detector still alerts at 52 s")
check_eq(events(d, "k8s.container_restart", "data-service-2"), [], "k8s crash, Never: no restart")

# ---- Kubernetes, crash, restartPolicy Always (the preset's default) ----
d, s = run("scenarios/failover-crash.json", "k8s-crash-restart", *EXACT, *K8S)
f = fault(s)
check_eq(len(events(d, "k8s.container_restart", "data-service-2")), 1, "k8s restart: the kubelet restarts it once")
check_near(events(d, "k8s.container_restart", "data-service-2")[0], 40.000025, MS,
           "k8s restart: decided at once (no back-off entry at the first exit)")
check_near(f["kubelet_restarted_at_s"], 41.000025, MS, "k8s restart: its new process runs 1 s later (container_start_s)")
check_near(f["lb_excluded_at_s"], 41.00005, MS, "k8s restart: the exit still takes the endpoint out (41 s)")
check_eq(f["registry_unhealthy_at_s"], None, "k8s restart: the registry never misses its heartbeats")
check_near(f["registry_recovered_at_s"], 41.00005, MS, "k8s restart: registered again at 41.00005 s")
check_eq(f["detector_alert_at_s"], None, "k8s restart: the detector's 42 s check finds it up")
check_near(events(d, "k8s.ready", "data-service-2")[-1], 47.00015, MS, "k8s restart: ready at the 47 s probe")
check_near(f["lb_readded_at_s"], 48.000175, MS, "k8s restart: back at the balancer 1 s later")
check_eq(query(d, "SELECT COUNT(*) FROM attempts WHERE instance = 'data-service-2' AND start_s > ? AND start_s < ?",
               (f["lb_excluded_at_s"] + 1e-6, f["lb_readded_at_s"]))[0][0], 0,
         "k8s restart: nothing sent to it between its exclusion and its new endpoint")
check(query(d, "SELECT COUNT(*) FROM attempts WHERE instance = 'data-service-2' AND start_s > ?",
            (f["lb_readded_at_s"],))[0][0] > 0, "k8s restart: it serves again after 48 s")
check_eq(s["requests"]["failed"], 0, "k8s restart: no client request fails")

# ---- Kubernetes, hang 40-80 s ----
d, s = run("scenarios/failover-hang.json", "k8s-hang", *EXACT, *K8S)
f = fault(s)
failed_probes = events(d, "k8s.readiness_probe_failed", "data-service-2")
check_eq(len(failed_probes), 1, "k8s hang: one verdict of not ready")
check_near(failed_probes[0], 68.0, MS, "k8s hang: not ready after the third failed probe (67 + 1 s timeout)")
check_near(f["lb_excluded_at_s"], 69.0, MS, "k8s hang: excluded at 68 + 1 s propagation")
check_eq(f["lb_excluded_by"], "readiness_probe", "k8s hang: summary.json names the readiness probes")
check_near(f["lb_readded_at_s"], 88.0, MS, "k8s hang: back after the 87 s probe + 1 s propagation")
check_eq(s["requests"]["failed"], 0, "k8s hang: no client request fails (timed-out attempts are retried)")
check_eq(query(d, "SELECT COUNT(*) FROM attempts WHERE instance = 'data-service-2' AND start_s > ? AND start_s < 88",
               (f["lb_excluded_at_s"] + 1e-6,))[0][0], 0, "k8s hang: nothing sent to it while it is out of the pool")

# ---- Eureka, crash, 260 s of load ----
d, s = run("scenarios/failover-crash.json", "eureka-crash", *EXACT, *EUREKA, "--set", "/workloads/0/duration_s=260")
f = fault(s)
check_near(f["last_heartbeat_at_s"], 37.0, MS, "eureka: last renewal 7 + 30 s")
check_near(f["registry_unhealthy_at_s"], 240.0, MS, "eureka: evicted by the sweep after 37 + 2 x 90 = 217 s")
check_near(f["lb_excluded_at_s"], 256.0, MS, "eureka: excluded at the server-list refresh after the 255 s fetch")
check_eq(query(d, "SELECT detail FROM events WHERE kind = 'lb.pool_removed' AND subject = 'data-service-2'"),
         [("server_list",)], "eureka: the pool changes at the server-list refresh")
check_eq(attempts_after(d, f["lb_excluded_at_s"]), 0, "eureka: no attempt to data-service-2 after it left the pool")
check_eq(s["requests"]["failed"], 0, "eureka crash: no client request fails")
check_near(f["detector_alert_at_s"], 52.0, MS, "eureka: the detector's own checks still alert at 52 s")
# Without the doubling the lease would end at 37 + 90 = 127 s: the 180 s sweep, the 180 s cache, the 195 s
# fetch and the 196 s refresh.
d, s = run("scenarios/failover-crash.json", "eureka-crash-single", *EXACT, *EUREKA, "--set",
           "/workloads/0/duration_s=260", "--set", "/parameters/registry/renew_adds_timeout=false")
check_near(fault(s)["registry_unhealthy_at_s"], 180.0, MS, "eureka without the doubling: evicted at 180 s")
check_near(fault(s)["lb_excluded_at_s"], 196.0, MS, "eureka without the doubling: excluded at 196 s")

# ---- extends: a cycle is refused with one line naming the model file that closes it ----
a = os.path.join(SCRATCH, "cycle-a.json")
b = os.path.join(SCRATCH, "cycle-b.json")
with open(a, "w") as fa:
    json.dump({"extends": "cycle-b.json"}, fa)
with open(b, "w") as fb:
    json.dump({"extends": "cycle-a.json"}, fb)
p = svcsim("validate", "scenarios/failover-crash.json", "--set", f"/model={a}", expect=2)
lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
check_eq(len(lines), 1, "extends cycle: one error line")
check(lines and lines[0].startswith(b + ":1:") and "/extends: expected a model that does not extend itself, got a "
      "cycle: " + a + " -> cycle-b.json -> cycle-a.json" in lines[0], f"extends cycle: the line names it ({lines})")

finish()
