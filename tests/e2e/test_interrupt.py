#!/usr/bin/python3
"""Ctrl-C and SIGTERM: a run is abandoned at the next step of simulated time, its staging directory removed, the
output directory left as it was, and svcsim exits 128 + the signal with one line (SimGrid's own SIGINT handler
used to dump every actor's state and exit 1, the code of "a check found a regression"). A sweep stopped so keeps
the interrupted runs missing, not failed, and the same command finishes it."""
import csv
import os
import signal
import subprocess
import time

from harness import ROOT, SCRATCH, SVCSIM, check, check_eq, finish, run

LONG = [os.path.join(ROOT, "scenarios", "perf-10x1000.json"), "--set", "/workloads/0/duration_s=3600"]

for sig, name in ((signal.SIGINT, "Ctrl-C"), (signal.SIGTERM, "SIGTERM")):
    out, _ = run("scenarios/seed-3-instances.json", f"interrupt-{sig}")  # a previous, complete run
    with open(os.path.join(out, "summary.json"), "rb") as f:
        before = f.read()
    p = subprocess.Popen([SVCSIM, "run", *LONG, "--out", out, "--quiet"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    time.sleep(3)  # well into the simulation (start-up takes a few hundredths of a second)
    p.send_signal(sig)
    _, err = p.communicate(timeout=60)
    check_eq(p.returncode, 128 + sig, f"{name}: exit code 128 + {int(sig)}")
    lines = [ln for ln in err.splitlines() if ln.strip()]
    check(len(lines) == 1 and "interrupted" in lines[0] and name in lines[0],
          f"{name}: one line on stderr naming the interruption (got {lines[:3]})")
    with open(os.path.join(out, "summary.json"), "rb") as f:
        check(f.read() == before, f"{name}: the previous run's summary.json is untouched")
    check_eq(sorted(f for f in os.listdir(out) if f.startswith(".staging")), [], f"{name}: no staging directory left")

# A sweep of 4 runs of ~200,000 requests each, 2 at a time, stopped by Ctrl-C sent to its process group.
spec = os.path.join(SCRATCH, "interrupt-sweep.json")
with open(spec, "w") as f:
    f.write('{"name": "interrupt", "base": "%s", "set": {"/workloads/0/duration_s": 200},'
            ' "axes": [{"pointer": "/workloads/0/rps", "values": [1000, 1001]}], "seeds": [1, 2]}'
            % os.path.join(ROOT, "scenarios", "perf-10x1000.json"))
sweep_dir = os.path.join(SCRATCH, "interrupt-sweep")
p = subprocess.Popen([SVCSIM, "sweep", spec, "--out", sweep_dir, "--jobs", "2"], stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE, text=True, start_new_session=True)
time.sleep(2)
os.killpg(p.pid, signal.SIGINT)
_, err = p.communicate(timeout=60)
check_eq(p.returncode, 130, "sweep stopped by Ctrl-C: exit 130")
failed = [d for d in os.listdir(os.path.join(sweep_dir, "runs")) if os.path.exists(os.path.join(sweep_dir, "runs", d, "FAILED"))]
check_eq(failed, [], "sweep stopped by Ctrl-C: no run is marked FAILED")
check("0 failed" in err, f"sweep stopped by Ctrl-C: reports 0 failed ({err.strip().splitlines()[-1:]})")
p = subprocess.run([SVCSIM, "sweep", spec, "--out", sweep_dir, "--jobs", "2"], capture_output=True, text=True)
check_eq(p.returncode, 0, "the same command resumes and finishes the sweep")
with open(os.path.join(sweep_dir, "sweep.csv")) as f:
    rows = list(csv.DictReader(f))
check_eq(sorted(r.get("status") for r in rows), ["ok"] * 4, "after the resume: 4 runs, all ok")
finish()
