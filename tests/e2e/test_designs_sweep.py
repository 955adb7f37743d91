#!/usr/bin/python3
"""The failover designs compared (issue 14): sweeps/failover-designs.json reduced to the hand-derived presets
(seed, kubernetes, eureka; no policy axis; seed 1; the process CPU off, exact timing), collected, then tools/plot's designs
figure and tools/designs-table. Times to exclusion (after the fault at 40 s), derived in test_presets.py and
README's worked example: seed 75 - 40 = 35 s for both faults (discovery at 75 s after the registry's 70 s
sweep); kubernetes crash 41 - 40 = 1 s, hang 69 - 40 = 29 s; eureka crash 256 - 40 = 216 s; the eureka hang
ends (80 s) before its lease could expire (37 + 180 = 217 s): never. No request fails in any of them (every
attempt that fails is retried on a survivor)."""
import csv
import json
import os
import subprocess

from harness import ROOT, SCRATCH, check, check_eq, finish, svcsim

with open(os.path.join(ROOT, "sweeps", "failover-designs.json")) as f:
    spec = json.load(f)
spec["name"] = "designs-tiny"
spec["base"] = os.path.join(ROOT, "scenarios", "failover-crash.json")
spec["set"]["/parameters/process/cpu"] = False
spec["set"]["/parameters/timing"] = "exact"  # the hand-derived seconds: timers fire when due
axes = {a["pointer"]: a for a in spec["axes"]}
check_eq([len(axes["/faults"]["values"]), axes["/model"]["values"]], [3, ["seed", "kubernetes", "envoy", "nginx", "eureka"]],
         "the sweep file: crash, hang and no fault under the five presets")
axes["/model"]["values"] = ["seed", "kubernetes", "eureka"]  # the presets whose seconds test_presets.py derives
spec["axes"] = [axes["/faults"], axes["/model"]]
spec["seeds"] = [1]
tiny = os.path.join(SCRATCH, "designs-tiny.json")
with open(tiny, "w") as f:
    json.dump(spec, f)
d = os.path.join(SCRATCH, "designs-tiny")
svcsim("sweep", tiny, "--jobs", "2", "--out", d)

with open(os.path.join(d, "sweep.csv"), newline="") as f:
    rows = list(csv.DictReader(f))
check_eq(len(rows), 9, "sweep.csv: 3 faults x 3 presets")
check("faults[0].retried_requests" in rows[0] and "faults[0].extra_latency_ms" in rows[0]
      and "faults[0].lb_excluded_by" in rows[0], "sweep.csv: the design columns")

env = dict(os.environ, MPLBACKEND="Agg")
p = subprocess.run([os.path.join(ROOT, "tools", "plot"), d, "-q"], capture_output=True, text=True, env=env)
check_eq(p.returncode, 0, f"tools/plot: exit 0 ({p.stderr[-400:]})")
for name in ("designs.png", "designs.svg", "designs.json", "designs.md"):
    check(os.path.getsize(os.path.join(d, "plots", name)) > 0, f"tools/plot wrote plots/{name}")
with open(os.path.join(d, "plots", "designs.json")) as f:
    data = json.load(f)
by = {(r["design"], r["fault"]): r for r in data["rows"]}
want = {("seed", "crash"): 35.0, ("seed", "hang"): 35.0, ("kubernetes", "crash"): 1.0,
        ("kubernetes", "hang"): 29.0, ("eureka", "crash"): 216.0, ("eureka", "hang"): None}
for key, t in want.items():
    got = by[key]["exclusion_s"]
    check(got is None if t is None else got is not None and abs(got - t) < 0.001,
          f"time to exclusion {key}: want {t}, got {got}")
    check_eq(by[key]["failed"], 0.0, f"failed requests {key}")
# Retries per request, recomputed from the row's own cells.
row = next(r for r in rows if r["/model"] == "eureka" and '"crash"' in r["/faults"])
check(abs(by[("eureka", "crash")]["retries_per_request"]
          - float(row["load_balancer.retries"]) / float(row["requests.total"])) < 1e-12,
      "retries per request: load_balancer.retries / requests.total")
# The eureka crash keeps a dead instance in the pool for 216 s: far more retries than kubernetes' 1 s.
check(by[("eureka", "crash")]["retries_per_request"] > 50 * by[("kubernetes", "crash")]["retries_per_request"],
      "eureka's crash costs far more retries than kubernetes'")

t = subprocess.run([os.path.join(ROOT, "tools", "designs-table"), d], capture_output=True, text=True)
check_eq(t.returncode, 0, "tools/designs-table: exit 0")
with open(os.path.join(d, "plots", "designs.md")) as f:
    check_eq(t.stdout, f.read(), "tools/designs-table prints plots/designs.md")
check("| kubernetes | crash | 1.0 | 0.0 |" in t.stdout and "| eureka | hang | never |" in t.stdout,
      "the table's lines")
bad = subprocess.run([os.path.join(ROOT, "tools", "designs-table"), SCRATCH], capture_output=True, text=True)
check_eq(bad.returncode, 2, "tools/designs-table on a directory without a sweep: exit 2")
finish()
