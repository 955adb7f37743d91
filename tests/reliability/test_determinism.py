"""Determinism under change: the canonical scenarios give the same summary.json bytes with each of SimGrid's
context factories (raw, ucontext, boost, thread: whichever this SimGrid build has) and with the binaries of
other optimisation levels (-O0, -O2; the reference build is CMake's Release, -O3). Also: the same binary run
twice gives the same bytes, and every run also agrees with the committed baselines (tests/baselines/) where
one exists, so "all equal" cannot mean "all equally wrong".
Environment: SVCSIM (reference binary), SVCSIM_O0, SVCSIM_O2 (other builds; skipped with a note if unset or
missing: tools/test-determinism builds them), DET_SCENARIOS (space-separated, default the five canonical ones).
Usage: SVCSIM=build/svcsim SVCSIM_O0=build-O0/svcsim SVCSIM_O2=build-O2/svcsim \\
       /usr/bin/python3 tests/reliability/test_determinism.py"""
import hashlib
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from relib import ROOT, SCRATCH, SVCSIM, check, finish  # noqa: E402

SCENARIOS = os.environ.get("DET_SCENARIOS", "seed-3-instances seed-10-instances failover-crash failover-hang auth-flow").split()
FACTORIES = ["raw", "ucontext", "boost", "thread"]


def run(binary, scenario, tag, *extra):
    out = os.path.join(SCRATCH, f"{scenario}-{tag}")
    p = subprocess.run([binary, "run", os.path.join("scenarios", scenario + ".json"), "--out", out, "--quiet", *extra],
                       cwd=ROOT, capture_output=True, text=True, timeout=900)
    if p.returncode != 0:
        return None, f"exit {p.returncode}: {p.stderr.strip()[-300:]}"
    with open(os.path.join(out, "summary.json"), "rb") as f:
        data = f.read()
    return data, hashlib.sha256(data).hexdigest()[:16]


def available_factories():
    """The factories this SimGrid has: it lists them when asked for an unknown one (and aborts, as it does)."""
    p = subprocess.run([SVCSIM, "run", "scenarios/seed-3-instances.json", "--out", os.path.join(SCRATCH, "probe"),
                        "--quiet", "--cfg=contexts/factory:list-them"], cwd=ROOT, capture_output=True, text=True)
    have = [f for f in FACTORIES if f"  {f}: " in p.stderr]
    return have or FACTORIES


def main():
    builds = {"O3 (Release)": SVCSIM}
    for tag, var in (("O0", "SVCSIM_O0"), ("O2", "SVCSIM_O2")):
        path = os.environ.get(var, "")
        if path and os.access(path, os.X_OK):
            builds[tag] = os.path.abspath(path)
        else:
            print(f"note: {var} not set or not built: the -{tag} comparison is skipped (tools/test-determinism builds it)")
    factories = available_factories()
    print(f"note: context factories in this SimGrid: {', '.join(factories)}")
    missing = [f for f in FACTORIES if f not in factories]
    check(not missing, f"all four context factories exist (missing: {missing or 'none'})")
    timings = {}
    for scenario in SCENARIOS:
        ref, ref_hash = run(SVCSIM, scenario, "ref")
        if not check(ref is not None, f"{scenario}: reference run ({ref_hash})"):
            continue
        again, h = run(SVCSIM, scenario, "again")
        check(again == ref, f"{scenario}: same binary twice, same bytes ({h} vs {ref_hash})")
        for fac in factories:
            t0 = time.monotonic()
            data, h = run(SVCSIM, scenario, f"ctx-{fac}", f"--cfg=contexts/factory:{fac}")
            timings[f"ctx-{fac}"] = timings.get(f"ctx-{fac}", 0) + time.monotonic() - t0
            check(data == ref, f"{scenario}: contexts/factory:{fac} gives the same bytes ({h} vs {ref_hash})")
        for tag, binary in builds.items():
            if binary == SVCSIM:
                continue
            t0 = time.monotonic()
            data, h = run(binary, scenario, f"build-{tag}")
            timings[tag] = timings.get(tag, 0) + time.monotonic() - t0
            check(data == ref, f"{scenario}: the -{tag} build gives the same bytes ({h} vs {ref_hash})")
        baseline = os.path.join(ROOT, "tests", "baselines", scenario + ".json")
        if os.path.exists(baseline):
            p = subprocess.run([SVCSIM, "check", os.path.join(SCRATCH, f"{scenario}-ref"), "--baseline", baseline,
                                "--quiet"], cwd=ROOT, capture_output=True, text=True)
            check(p.returncode == 0, f"{scenario}: the reference run passes its committed baseline (exit {p.returncode})")
    print("note: wall seconds per variant over all scenarios: " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    finish()


if __name__ == "__main__":
    main()
