#!/usr/bin/env bash
# End-to-end test of tools/plot: every plot kind for seed-3 and for a crash scenario, plots.json's ECDF
# percentiles equal to summary.json's (nearest rank, exactly), the processes figure exactly when summary.json has
# "processes" (its numbers the summary's), and the sweep mode on a small hand-made sweep.csv.
# Usage: SVCSIM=build/svcsim tests/e2e/test_plots.sh [SCRATCH_DIR]   (prints ok/FAIL lines; exit 1 on failure)
source "$(dirname "$0")/e2e_lib.sh"
PLOT="$ROOT/tools/plot"
export MPLBACKEND=Agg

# run_and_plot NAME SCENARIO [ARGS...]: a run into $D/NAME, then tools/plot on it.
run_and_plot() {
  local name=$1
  run_svcsim "svcsim run" "$@" || return 1
  if "$PLOT" "$D/$name" >"$D/$name.plot.out" 2>"$D/$name.plot.err"; then
    ok "$name: tools/plot exit 0"
  else
    fail "$name: tools/plot exit $? ($(tail -c 600 "$D/$name.plot.err"))"
    return 1
  fi
}

# check_run NAME: every plot file, valid PNG/SVG, plots.json agreeing with summary.json.
check_run() {
  local name=$1 dir="$D/$1" kinds="latency_ecdf latency_throughput instance_share failover_timeline"
  grep -q '"processes"' "$dir/summary.json" && kinds="$kinds processes"
  for kind in $kinds; do
    for ext in png svg; do
      if [ -s "$dir/plots/$kind.$ext" ]; then ok "$name: plots/$kind.$ext is there, $(stat -c %s "$dir/plots/$kind.$ext") bytes"; else fail "$name: plots/$kind.$ext missing or empty"; fi
    done
  done
  if grep -q "check: ECDF p99 = .*: ok" "$D/$name.plot.err"; then ok "$name: tools/plot printed its p99 check"; else fail "$name: no 'check: ECDF p99 ... ok' line"; fi
  /usr/bin/python3 - "$dir" "$name" <<'PY' || failures=$((failures + 1))
import json, os, sys, xml.etree.ElementTree as ET
d, name = sys.argv[1], sys.argv[2]
bad = 0
def check(cond, what):
    global bad
    print(("ok   " if cond else "FAIL ") + f"{name}: {what}")
    bad += not cond
s = json.load(open(os.path.join(d, "summary.json")))
p = json.load(open(os.path.join(d, "plots", "plots.json")))
want = s["requests"]["latency_ms"]
for q in ("p50", "p95", "p99"):
    # Exact equality on purpose: the ECDF uses the same nearest-rank definition and rounding as the C++ summary.
    check(p["latency_ms"][q] == want[q], f"plots.json {q} {p['latency_ms'][q]!r} == summary.json {want[q]!r}")
check(p["latency_ms"]["n"] == s["requests"]["total"] - s["requests"]["by_status"].get("unfinished", 0),
      f"ECDF over every ended request ({p['latency_ms']['n']})")
check(p["agrees_with_summary"] is True, "plots.json says it agrees with summary.json")
kinds = sorted(m["kind"] for m in p["plots"])
want_kinds = ["failover_timeline", "instance_share", "latency_ecdf", "latency_throughput"]
want_kinds += ["processes"] if "processes" in s else []
check(kinds == want_kinds, f"plots listed: {kinds}")
for m in p["plots"]:
    for f in m["files"]:
        path = os.path.join(d, "plots", f)
        if f.endswith(".png"):
            check(open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n", f"{f} is a PNG")
        else:
            check(ET.parse(path).getroot().tag.endswith("svg"), f"{f} is well-formed SVG")
share = p["instance_share"]
check(list(share) == list(s["by_instance"]), "instance share: every instance, in summary order")
check(all(share[k]["served"] == v["served"] and share[k]["failed"] == v["failed"] for k, v in s["by_instance"].items()),
      "instance share: counts equal summary.json by_instance")
check(p["timeline"]["lanes"][:len(s["by_instance"])] == list(s["by_instance"]), "timeline: one lane per instance")
for f in s["faults"]:
    det = {x["view"]: x["at_s"] for x in p["timeline"]["detections"] if x["lane"] == f["target"]}
    check(any(w["label"].endswith(f["target"]) and w["from_s"] == f["at_s"] for w in p["fault_windows"]),
          f"fault window of {f['kind']} {f['target']} at {f['at_s']} s")
    for view, key in (("registry", "registry_unhealthy_at_s"), ("balancer", "lb_excluded_at_s"),
                      ("detector", "detector_alert_at_s")):
        if f.get(key) is not None:
            check(abs(det.get(view, -1) - f[key]) < 1e-6, f"timeline marks the {view}'s detection at {f[key]} s")
if not s["faults"]:
    check(p["fault_windows"] == [] and p["timeline"]["detections"] == [], "no fault: no window, no detection")
if "processes" not in s:
    check("processes" not in p and not os.path.exists(os.path.join(d, "plots", "processes.png")),
          "no process data in summary.json: no processes figure")
else:
    import sqlite3
    procs, cap, pp = s["processes"], s["capacity"], p.get("processes", {})
    groups = pp.get("groups", {})
    members = [m for g in groups.values() for m in g["members"]]
    check(sorted(members) == sorted(procs), f"processes: every process in exactly one line ({len(groups)} lines)")
    check(all(len(g["members"]) == 1 or all(m.split("-")[0] == k for m in g["members"]) for k, g in groups.items()),
          "processes: instances of one type share a line, every other process has its own")
    db = sqlite3.connect(os.path.join(d, "results.sqlite"))
    series = {}
    for proc, busy, ready in db.execute("SELECT process, busy_share, ready_max FROM process_series"):
        b, r = series.get(proc, (0.0, 0))
        series[proc] = (max(b, busy), max(r, ready))
    wrong = []
    for k, g in groups.items():
        ms = g["members"]
        want = {"load_busy_share": max(procs[m]["load_busy_share"] for m in ms),
                "peak_busy_share": max(procs[m]["peak_busy_share_1s"] for m in ms),
                "max_ready": max(procs[m]["max_ready"] for m in ms),
                "saturated_at_s": min((procs[m]["saturated_at_s"] for m in ms
                                       if procs[m]["saturated_at_s"] is not None), default=None)}
        got = {key: g[key] for key in want}
        if got != want:
            wrong.append(f"{k}: plots.json {got}, summary.json {want}")
        from_table = (max(series.get(m, (0.0, 0))[0] for m in ms), max(series.get(m, (0.0, 0))[1] for m in ms))
        if from_table != (g["peak_busy_share"], g["max_ready"]):
            wrong.append(f"{k}: plots.json peak/max ready {g['peak_busy_share']}/{g['max_ready']}, "
                         f"process_series {from_table}")
    check(not wrong, "processes: each line's busy share over the load window (legend), peak busy, max ready and "
          "first saturated second equal summary.json's and process_series'" + "".join("\n     " + w for w in wrong))
    check(pp.get("busiest_process") == cap["busiest_process"]
          and pp.get("busiest_saturated_at_s") == cap["busiest_saturated_at_s"],
          f"processes: busiest {pp.get('busiest_process')} (saturated at {pp.get('busiest_saturated_at_s')}) as in "
          "summary.json capacity")
sys.exit(1 if bad else 0)
PY
}

run_and_plot seed3 scenarios/seed-3-instances.json && check_run seed3
run_and_plot crash "${CRASH[@]}" && check_run crash
# A run whose balancer thread saturates, and one with the model's process CPU off (no processes figure).
run_and_plot hot scenarios/seed-3-instances.json --set /workloads/0/rps=2500 --set /workloads/0/duration_s=10 &&
  check_run hot
run_and_plot nocpu scenarios/seed-3-instances.json --set /parameters/process/cpu=false && check_run nocpu
if [ -s "$D/crash/summary.json" ] && /usr/bin/python3 -c "import json,sys; sys.exit(0 if json.load(open('$D/crash/summary.json'))['faults'] else 1)"; then
  ok "crash: the run has a fault to plot"
else
  fail "crash: the run has no fault"
fi

# --- sweep mode: 2 variants x 3 x-values x 3 seeds, one failed run ------------------------------------------
mkdir -p "$D/sweep"
/usr/bin/python3 - "$D/sweep/sweep.csv" <<'PY'
import csv, sys
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["run_id", "/workloads/0/rps", "/deployment/instances/auth", "seed", "status",
                "requests.latency_ms.p99", "requests.achieved_rps", "faults.0.lb_excluded_at_s"])
    for rps in (10, 20, 40):
        for n in (3, 10):
            for seed in (1, 2, 3):
                status = "failed" if (rps, n, seed) == (40, 3, 3) else "ok"
                p99 = 300 + rps * (2 if n == 3 else 1) + seed if status == "ok" else ""
                w.writerow([f"rps={rps}/n={n}/seed={seed}", rps, n, seed, status, p99,
                            rps - 0.1 * seed if status == "ok" else "", "" if n == 10 else 75.0])
PY
if "$PLOT" "$D/sweep" >"$D/sweep.plot.out" 2>"$D/sweep.plot.err"; then ok "sweep: tools/plot exit 0"; else fail "sweep: tools/plot exit $? ($(tail -c 600 "$D/sweep.plot.err"))"; fi
for m in requests_latency_ms_p99 requests_achieved_rps faults_0_lb_excluded_at_s; do
  for ext in png svg; do
    if [ -s "$D/sweep/plots/sweep_$m.$ext" ]; then ok "sweep: plots/sweep_$m.$ext is there"; else fail "sweep: plots/sweep_$m.$ext missing or empty"; fi
  done
done
/usr/bin/python3 - "$D/sweep/plots/plots.json" <<'PY' || failures=$((failures + 1))
import json, sys
p = json.load(open(sys.argv[1]))
bad = 0
def check(cond, what):
    global bad
    print(("ok   " if cond else "FAIL ") + "sweep: " + what)
    bad += not cond
check(p["x"] == "/workloads/0/rps", f"x axis is the numeric axis with most values ({p['x']})")
check(p["variant_axes"] == ["/deployment/instances/auth"], f"one line per variant of the other axis ({p['variant_axes']})")
check(p["runs"] == 18 and p["runs_used"] == 17, f"the failed run is left out ({p['runs_used']} of {p['runs']})")
lines = p["metrics"]["requests.latency_ms.p99"]["lines"]
check(len(lines) == 2, f"two lines ({len(lines)})")
l3 = [l for l in lines if l["variant"] == {"/deployment/instances/auth": "3"}][0]
# rps=20, n=3: seeds 1..3 give 341, 342, 343 → median 342, band 341-343; rps=40 has only seeds 1-2.
check(l3["x"] == [10.0, 20.0, 40.0] and l3["median"][1] == 342 and l3["min"][1] == 341 and l3["max"][1] == 343,
      f"median and min-max band over seeds ({l3['median']}, {l3['min']}, {l3['max']})")
check(l3["seeds"] == [3, 3, 2], f"seeds per point ({l3['seeds']})")
# The line drawn is the mean, the band p5-p95 by nearest rank: rps=20, 3 seeds: (341 + 342 + 343) / 3 = 342, ranks
# ceil(0.05 * 3) = 1 and ceil(0.95 * 3) = 3 → 341 and 343; rps=40, seeds 1-2 (p99 = 300 + 2 * 40 + seed):
# 381 and 382 → mean 381.5, ranks 1 and 2 → 381 and 382.
check(l3["mean"][1] == 342 and l3["p5"][1] == 341 and l3["p95"][1] == 343 and l3["mean"][2] == 381.5
      and l3["p5"][2] == 381 and l3["p95"][2] == 382, f"mean and 5-95 % band ({l3['mean']}, {l3['p5']}, {l3['p95']})")
sys.exit(1 if bad else 0)
PY

# --- errors -----------------------------------------------------------------------------------------------
mkdir -p "$D/empty"
"$PLOT" "$D/empty" >/dev/null 2>"$D/empty.err"
code=$?
if [ "$code" -eq 2 ] && grep -q "neither summary.json" "$D/empty.err"; then ok "a directory that is neither a run nor a sweep: exit 2"; else fail "empty directory: exit $code, expected 2 ($(cat "$D/empty.err"))"; fi

finish
