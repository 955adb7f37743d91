#!/usr/bin/python3
"""Golden bytes: the SHA-256 of summary.json for the canonical scenarios, committed in
tests/golden/summaries.json. Speed work must not move a result by one bit (issue 7); a deliberate model change
does, and then the file is regenerated and the change reviewed:
    SVCSIM=build/svcsim /usr/bin/python3 tests/e2e/test_golden.py --update
The baselines of tests/baselines/ say whether a change matters; this says whether anything changed at all.
(Checked when the file was made: the binary of 3c7dbf6, before any speed work, gives the same bytes for every
scenario here but registry-outage, whose fault report gained fields since.) The scenarios run with exact timing
(issue 13: "with timing exact every existing result is unchanged"); the seed model's node timing is checked by
test_timing.py."""
import hashlib
import json
import os
import sys

from harness import BEFORE_NODE_TIMING, ROOT, check_eq, finish, run

GOLDEN = os.path.join(ROOT, "tests", "golden", "summaries.json")
SCENARIOS = ["seed-3-instances", "seed-10-instances", "seed-10-instances-literal", "failover-crash",
             "failover-hang", "failover-partition", "failover-all-down", "registry-outage", "auth-flow",
             "secret-mismatch", "data-crud", "perf-10x1000"]


def digest(scenario):
    out, _ = run(f"scenarios/{scenario}.json", f"golden-{scenario}", *BEFORE_NODE_TIMING)
    with open(os.path.join(out, "summary.json"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


got = {sc: digest(sc) for sc in SCENARIOS}
if "--update" in sys.argv[1:]:
    tmp = GOLDEN + ".tmp"
    with open(tmp, "w") as f:
        json.dump(got, f, indent=2)
        f.write("\n")
    os.replace(tmp, GOLDEN)
    print(f"wrote {GOLDEN} ({len(got)} scenarios)")
    sys.exit(0)

with open(GOLDEN) as f:
    want = json.load(f)
check_eq(sorted(want), sorted(SCENARIOS), "the golden file lists exactly the canonical scenarios")
for sc in SCENARIOS:
    check_eq(got[sc], want.get(sc), f"{sc}: summary.json bytes (SHA-256) as committed")
finish()
