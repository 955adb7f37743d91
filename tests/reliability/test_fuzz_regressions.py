"""Replays every fuzz finding kept in tests/inputs/fuzz-regressions/ (tools/fuzz copies each crash there; it is
committed with its fix) and every seed of the fuzz corpus: `svcsim validate` on each must exit 0 or 2, never
die of a signal or report an internal error (3), and print each error on one line of the shape
`FILE[:LINE:COL]: error: ...`. A file's leading `//set POINTER=VALUE` lines are passed as --set options, as
the fuzz target does. With FUZZ_BIN (build-fuzz/fuzz_scenario, built by tools/fuzz) the libFuzzer binary also
re-executes every file once under ASan + UBSan.
Usage: SVCSIM=build/svcsim /usr/bin/python3 tests/reliability/test_fuzz_regressions.py"""
import glob
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from relib import ROOT, SCRATCH, check, finish, svcsim  # noqa: E402

REGRESSIONS = os.path.join(ROOT, "tests", "inputs", "fuzz-regressions")
# Findings whose fix has not landed yet: printed as skip while they fail, as FAIL once they pass.
KNOWN_BUGS = {}
SEEDS = os.path.join(ROOT, "tests", "reliability", "fuzz", "seeds")


def sets_of(data):
    sets = []
    for line in data.split(b"\n"):
        if not line.startswith(b"//set ") or len(sets) >= 8:
            break
        sets.append(line[6:].decode("utf-8", "replace"))
    return sets


def main():
    files = sorted(f for f in glob.glob(os.path.join(REGRESSIONS, "*")) + glob.glob(os.path.join(SEEDS, "*"))
                   if os.path.isfile(f) and not f.endswith("README.md"))
    findings = [f for f in files if f.startswith(REGRESSIONS)]
    print(f"note: {len(files)} inputs ({len(findings)} fuzz findings)")
    # the fuzz target names its input scenarios/fuzz-input.json: replay from there so relative paths resolve alike
    # (a name not ending in .json: the unit test that validates every scenarios/*.json may run meanwhile)
    where = os.path.join(ROOT, "scenarios", f".fuzz-replay-{os.getpid()}.tmp")
    try:
        for f in files:
            with open(f, "rb") as fh:
                data = fh.read()
            shutil.copyfile(f, where)
            args = ["validate", where]
            for s in sets_of(data):
                args += ["--set", s]
            rc, out, err = svcsim(*args)
            name = os.path.relpath(f, ROOT)
            check(rc in (0, 2), f"{name}: validate exits 0 or 2 (got {rc})")
            lines = [ln for ln in err.splitlines() if ln.strip()]
            errs = [ln for ln in lines if ": error: " in ln]
            stray = [ln for ln in lines if ": error: " not in ln and ": warning: " not in ln]
            shape = re.compile(r"^\S.*?(:\d+:\d+)?: error: ")
            check(all(shape.match(e) for e in errs) and (rc == 0) == (not errs),
                  f"{name}: {len(errs)} error line(s) of the FILE[:LINE:COL]: error: shape")
            check(not stray, f"{name}: every stderr line is a whole error or warning line (stray: {stray[:2]})",
                  KNOWN_BUGS.get(os.path.basename(f)) if stray else None)
            check("internal error" not in err, f"{name}: no internal error")
    finally:
        if os.path.exists(where):
            os.remove(where)
    fuzz_bin = os.path.abspath(os.environ.get("FUZZ_BIN", os.path.join(ROOT, "build-fuzz", "fuzz_scenario")))
    if os.access(fuzz_bin, os.X_OK) and files:
        for f in files:
            p = subprocess.run([fuzz_bin, "-runs=1", f], capture_output=True, text=True, cwd=SCRATCH)
            name = os.path.relpath(f, ROOT)
            bug = KNOWN_BUGS.get(os.path.basename(f))
            check(p.returncode == 0, f"{name}: the fuzz target re-executes it cleanly (exit {p.returncode})",
                  bug if p.returncode != 0 else None)
            if p.returncode != 0 and not bug:
                print(p.stderr[-3000:])
    else:
        print(f"note: no {fuzz_bin}: the in-process replay under libFuzzer is skipped (tools/fuzz builds it)")
    finish()


if __name__ == "__main__":
    main()
