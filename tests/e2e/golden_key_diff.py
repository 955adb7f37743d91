#!/usr/bin/python3
"""Shows that two binaries' summaries of the canonical golden scenarios differ only by added keys (issue 14
added faults[].lb_excluded_by): runs each scenario with both, deletes the named keys from the new summary
and compares the rest, key order and values included. Not run by CTest (it needs the old binary):
    /usr/bin/python3 tests/e2e/golden_key_diff.py OLD_SVCSIM NEW_SVCSIM [--key faults.lb_excluded_by]"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

# The canonical scenarios of tests/e2e/test_golden.py (which runs its check when imported).
SCENARIOS = ["seed-3-instances", "seed-10-instances", "seed-10-instances-literal", "failover-crash",
             "failover-hang", "failover-partition", "failover-all-down", "registry-outage", "auth-flow",
             "secret-mismatch", "data-crud", "perf-10x1000"]

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def summary(binary, scenario, out):
    subprocess.run([binary, "run", os.path.join(ROOT, "scenarios", scenario + ".json"), "--out", out, "--quiet",
                    "--no-report"], check=True, cwd=ROOT)
    with open(os.path.join(out, "summary.json")) as f:
        return json.load(f, object_pairs_hook=collections.OrderedDict)


def drop(doc, path):
    """Deletes `path` ("faults.lb_excluded_by": the key in every element of faults[]); returns how many."""
    head, _, rest = path.partition(".")
    if isinstance(doc, list):
        return sum(drop(x, path) for x in doc)
    if not isinstance(doc, dict) or head not in doc:
        return 0
    if not rest:
        del doc[head]
        return 1
    return drop(doc[head], rest)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--key", action="append", default=None)
    args = ap.parse_args()
    keys = args.key or ["faults.lb_excluded_by"]
    scratch = tempfile.mkdtemp(prefix="golden-key-diff-")
    bad = 0
    for sc in SCENARIOS:
        old = summary(args.old, sc, os.path.join(scratch, "old-" + sc))
        new = summary(args.new, sc, os.path.join(scratch, "new-" + sc))
        dropped = sum(drop(new, k) for k in keys)
        same = json.dumps(old) == json.dumps(new)
        bad += not same
        print(f"{'same' if same else 'DIFFERENT':9} {sc} (dropped {dropped} added key{'s' if dropped != 1 else ''})")
    print(f"{len(SCENARIOS) - bad} of {len(SCENARIOS)} summaries differ only by {', '.join(keys)}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
