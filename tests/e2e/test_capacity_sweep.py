#!/usr/bin/python3
"""The capacity sweep (sweeps/capacity-3-vs-10.json) in small: 2 offered loads x 3 or 10 instances x 2 seeds, 5 s
of load. sweep.csv carries the capacity columns with each run's summary.json values (empty cells for a summary
without "capacity"), and tools/plot draws the capacity figure (latency, success share, throughput against the
offered load, one line per deployment), lists it in plots.json with the means of sweep.csv, and draws none for
a sweep without a deployment axis.
Usage: SVCSIM=build/svcsim /usr/bin/python3 tests/e2e/test_capacity_sweep.py   (exit 77: no matplotlib)"""
import csv
import json
import os
import shutil
import subprocess
import sys

try:
    import matplotlib  # noqa: F401
except ImportError:
    print(f"skip: matplotlib is not importable by {sys.executable} (run me with /usr/bin/python3)")
    sys.exit(77)

from harness import ROOT, SCRATCH, check, check_eq, finish, svcsim

PLOT = os.path.join(ROOT, "tools", "plot")
ENV = dict(os.environ, MPLBACKEND="Agg")
RPS, DEPLOY, START = "/workloads/0/rps", "/deployment/instances", "/workloads/0/start_s"
# The columns collect wrote before the capacity model, in their order, then the capacity ones.
METRICS = ["requests.total", "requests.success", "requests.failed", "requests.latency_ms.mean",
           "requests.latency_ms.p50", "requests.latency_ms.p95", "requests.latency_ms.p99", "requests.latency_ms.max",
           "requests.achieved_rps", "load_balancer.attempts", "load_balancer.retries", "load_balancer.no_healthy"]
CAPACITY = ["capacity.busiest_process", "capacity.busiest_load_busy_share", "capacity.busiest_saturated_at_s"]
MACHINE = "capacity.machines.localhost.load_cpu_share"


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def cell(text):
    """A sweep.csv cell as the JSON value collect wrote (empty: null; text that is not JSON: a string)."""
    if text == "":
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def summary_value(summary, column):
    if column.startswith("capacity.machines."):
        host, key = column[len("capacity.machines."):].rsplit(".", 1)
        return ((((summary.get("capacity") or {}).get("machines") or {}).get(host)) or {}).get(key)
    at = summary
    for k in column.split("."):
        at = at.get(k) if isinstance(at, dict) else None
    return at


def mean(vals):
    vals = [v for v in vals if v is not None]
    return sum(vals) / len(vals) if vals else None


# --- the full sweep file expands to its 44 runs -------------------------------------------------------------
full = os.path.join(ROOT, "sweeps", "capacity-3-vs-10.json")
p = svcsim("sweep", full, "--emit-manifest", "--out", os.path.join(SCRATCH, "full"))
with open(os.path.join(SCRATCH, "full", "manifest.jsonl")) as f:
    manifest = [json.loads(line) for line in f]
check_eq(len(manifest), 44, "sweeps/capacity-3-vs-10.json: 11 loads x 2 deployments x 2 seeds")
check_eq(sorted({(m["axes"][DEPLOY], m["axes"][START]) for m in manifest}), [(3, 20), (10, 41)],
         "the deployment moves with the load's start time (3 -> 20 s, 10 -> 41 s)")
check(all(m["scenario"]["workloads"][0]["arrivals"] == "fixed" and m["scenario"]["workloads"][0]["endpoint"]
          == "/api/auth/auth-work" for m in manifest), "fixed-rate arrivals of GET /api/auth/auth-work")

# --- the same sweep in small ---------------------------------------------------------------------------------
with open(full) as f:
    spec = json.load(f)
spec["name"] = "capacity-tiny"
spec["base"] = os.path.join(ROOT, "scenarios", "seed-3-instances.json")
spec["set"]["/workloads/0/duration_s"] = 5
spec["axes"][0]["values"] = [20, 1000]
tiny = os.path.join(SCRATCH, "capacity-tiny.json")
with open(tiny, "w") as f:
    json.dump(spec, f, indent=2)
d = os.path.join(SCRATCH, "capacity-tiny")
svcsim("sweep", tiny, "--jobs", "2", "--out", d)

header, rows = read_csv(os.path.join(d, "sweep.csv"))
check_eq(header, ["run_id", RPS, DEPLOY, START, "seed", "status"] + METRICS + CAPACITY + [MACHINE],
         "sweep.csv: the columns as before, then the capacity ones")
check_eq(len(rows), 8, "sweep.csv: one row per run")
bad = []
for r in rows:
    with open(os.path.join(d, "runs", r["run_id"], "summary.json")) as f:
        s = json.load(f)
    for c in METRICS + CAPACITY + [MACHINE]:
        if cell(r[c]) != summary_value(s, c):
            bad.append(f"{r['run_id']} {c}: csv {r[c]!r}, summary.json {summary_value(s, c)!r}")
    if "capacity" not in s:
        bad.append(f"{r['run_id']}: summary.json has no capacity")
check(not bad, "every cell equals its run's summary.json (latency, success, throughput, capacity)"
      + (": " + "; ".join(bad[:4]) if bad else ""))
check(all(r["capacity.busiest_process"] and cell(r[MACHINE]) is not None for r in rows),
      "every run names its busiest process and the machine's CPU share")

# A summary without "capacity" (an older svcsim) leaves those cells empty; with none, no machine column.
old = os.path.join(SCRATCH, "capacity-old")
shutil.copytree(d, old)
path0 = os.path.join(old, "runs", rows[0]["run_id"], "summary.json")
with open(path0) as f:
    s0 = json.load(f)
del s0["capacity"]
with open(path0, "w") as f:
    json.dump(s0, f)
svcsim("collect", old)
h1, rows1 = read_csv(os.path.join(old, "sweep.csv"))
check_eq(h1, header, "one summary without capacity: the same columns")
check_eq([rows1[0][c] for c in CAPACITY + [MACHINE]], ["", "", "", ""], "its capacity cells are empty")
check(rows1[1:] == rows[1:], "the other rows are unchanged")
for r in rows:
    pth = os.path.join(old, "runs", r["run_id"], "summary.json")
    with open(pth) as f:
        s = json.load(f)
    s.pop("capacity", None)
    with open(pth, "w") as f:
        json.dump(s, f)
svcsim("collect", old)
h2, rows2 = read_csv(os.path.join(old, "sweep.csv"))
check_eq(h2, header[:-1], "no summary with capacity: no machine column, the busiest_* columns empty")
check(all(r[c] == "" for r in rows2 for c in CAPACITY), "... and every capacity cell is empty")

# --- the capacity figure --------------------------------------------------------------------------------------
p = subprocess.run([PLOT, d], capture_output=True, text=True, env=ENV)
check_eq(p.returncode, 0, "tools/plot on the sweep: exit code")
out = os.path.join(d, "plots")
files = ["sweep_capacity.png", "sweep_capacity.svg"]
check(all(os.path.isfile(os.path.join(out, f)) and os.path.getsize(os.path.join(out, f)) > 1000 for f in files),
      "sweep_capacity.png and .svg written")
check(not [f for f in os.listdir(out) if ".tmp-" in f], "no temporary file left")
with open(os.path.join(out, "plots.json")) as f:
    report = json.load(f)
check({"kind": "sweep_capacity", "files": files} in report["plots"], "plots.json lists the capacity figure")
cap = report.get("capacity") or {}
check_eq(cap.get("files"), files, "plots.json capacity: its files")
check_eq(cap.get("deployment_axes"), [DEPLOY], "one line per deployment (the start time moves with it)")
lines = cap.get("lines") or []
check_eq([ln["label"] for ln in lines], ["3 instances per type", "10 instances per type"], "line labels")
bad = []
for ln in lines:
    check_eq(ln["offered_rps"], [20, 1000], f"{ln['label']}: the offered loads")
    n = int(ln["variant"][DEPLOY])
    for i, x in enumerate(ln["offered_rps"]):
        at = [r for r in rows if int(r[DEPLOY]) == n and float(r[RPS]) == x]
        want = {"p50_ms": [cell(r["requests.latency_ms.p50"]) for r in at],
                "p99_ms": [cell(r["requests.latency_ms.p99"]) for r in at],
                "achieved_rps": [cell(r["requests.achieved_rps"]) for r in at],
                "success_share": [cell(r["requests.success"]) / cell(r["requests.total"]) for r in at]}
        for k, vals in want.items():
            got = (ln[k]["mean"][i], ln[k]["min"][i], ln[k]["max"][i])
            exp = (mean(vals), min(vals), max(vals))
            if any(abs(g - e) > 1e-9 * max(1.0, abs(e)) for g, e in zip(got, exp)):
                bad.append(f"{n} instances, {x} rps, {k}: drew {got}, sweep.csv {exp}")
        if ln["busiest_process"][i] not in {r["capacity.busiest_process"] for r in at}:
            bad.append(f"{n} instances, {x} rps: busiest {ln['busiest_process'][i]}")
check(not bad, "the figure's means and min-max bands are sweep.csv's" + (": " + "; ".join(bad[:4]) if bad else ""))
svg = open(os.path.join(out, "sweep_capacity.svg")).read()
check(all(t in svg for t in ("3 instances per type", "10 instances per type", "y = x")),
      "the SVG names both deployments and the y = x line")

# No deployment axis (one axis: the load): no capacity figure.
one = os.path.join(SCRATCH, "capacity-one-axis")
os.makedirs(one)
with open(os.path.join(one, "sweep.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["run_id", RPS, "seed", "status"] + METRICS)
    for r in (r for r in rows if r[DEPLOY] == "3"):
        w.writerow([r["run_id"], r[RPS], r["seed"], "ok"] + [r[c] for c in METRICS])
p = subprocess.run([PLOT, one], capture_output=True, text=True, env=ENV)
check_eq(p.returncode, 0, "tools/plot on a one-axis sweep: exit code")
with open(os.path.join(one, "plots", "plots.json")) as f:
    report = json.load(f)
check("capacity" not in report and not os.path.exists(os.path.join(one, "plots", "sweep_capacity.png")),
      "no deployment axis: no capacity figure")
finish()
