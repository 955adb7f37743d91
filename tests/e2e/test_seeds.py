"""`svcsim run SCENARIO --seeds A..B` and the band check (issue 13), end to end: three seeds of the seed's
3-instance run write three run directories and a spread.json whose statistics this test recomputes itself from
the three summary.json files; the same command twice gives the same bytes; a seed's run equals `run --seed N`;
bad seed ranges and bad scenarios exit 2 and write nothing; `svcsim check --band` gives 0 inside, 1 outside and
2 for a missing metric or a directory without spread.json.
Usage: SVCSIM=build/svcsim /usr/bin/python3 tests/e2e/test_seeds.py"""
import json
import math
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, SCRATCH, check, check_eq, finish, svcsim  # noqa: E402

SCENARIO = os.path.join(ROOT, "scenarios", "seed-3-instances.json")
OUT = os.path.join(SCRATCH, "spread")


def leaves(node, path=()):
    """Every number or null of a summary, by path; strings and booleans are not metrics."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaves(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from leaves(v, path + (i,))
    elif node is None or (isinstance(node, (int, float)) and not isinstance(node, bool)):
        yield path, node


def nearest_rank(sorted_values, q):
    # SPEC's nearest rank: the smallest sample with at least q % of the samples at or below it.
    return sorted_values[max(math.ceil(q * len(sorted_values) / 100) - 1, 0)]


def expected_stats(values):
    nums = [v for v in values if v is not None]
    if not nums:
        return {"mean": None, "min": None, "max": None, "p5": None, "p95": None, "n": 0}
    s = sorted(nums)
    total = 0.0
    for v in nums:  # in seed order, as the C++ sums
        total += v
    return {"mean": total / len(nums), "min": s[0], "max": s[-1], "p5": nearest_rank(s, 5),
            "p95": nearest_rank(s, 95), "n": len(nums)}


def at(tree, path):
    for k in path:
        tree = tree[k]
    return tree


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


# --- three seeds -------------------------------------------------------------------------------------------
p = svcsim("run", SCENARIO, "--seeds", "1..3", "--jobs", "1", "--out", OUT)
check(all(os.path.isfile(os.path.join(OUT, f"seed-{s}", "summary.json")) for s in (1, 2, 3)),
      "--seeds 1..3 writes OUT/seed-1, seed-2 and seed-3, each a complete run")
check(os.path.isfile(os.path.join(OUT, "spread.json")) and os.path.isfile(os.path.join(OUT, "spread.html")),
      "and OUT/spread.json and spread.html")
html = read(os.path.join(OUT, "spread.html"))
check("Spread over seeds" in html and 'href="seed-3/report.html"' in html and "requests.latency_ms.p99" in html,
      "spread.html: the key metrics' table and a link to each seed's report")
check("requests.latency_ms.p99" in p.stdout and "[" in p.stdout, "stdout: the key metrics as mean [p5, p95]")
summaries = [json.loads(read(os.path.join(OUT, f"seed-{s}", "summary.json"))) for s in (1, 2, 3)]
spread = json.loads(read(os.path.join(OUT, "spread.json")))
check_eq(spread["seeds"], [1, 2, 3], "spread.json names its seeds")
metrics = spread["metrics"]

# Every numeric leaf of the summaries (the top-level seed aside), recomputed here.
by_path = {}
for summary in summaries:
    for path, value in leaves(summary):
        if path != ("seed",):
            by_path.setdefault(path, []).append(value)
wrong = []
for path, values in by_path.items():
    try:
        got = at(metrics, path)
    except (KeyError, IndexError, TypeError):
        wrong.append(f"{path}: missing")
        continue
    want = expected_stats(values)
    if got != want:
        wrong.append(f"{path}: want {want}, got {got}")
check(not wrong, f"spread.json's mean / min / max / p5 / p95 / n equal this test's, for all {len(by_path)} "
      "numeric leaves" + (": " + "; ".join(wrong[:3]) if wrong else ""))
p99 = at(metrics, ("requests", "latency_ms", "p99"))
check(p99["min"] < p99["max"], f"the seeds differ (overhead jitter): p99 from {p99['min']} to {p99['max']}")
# Three seeds: nearest rank ceil(0.05 * 3) = 1 and ceil(0.95 * 3) = 3, so the 5-95 % band is min-max.
check(p99["p5"] == p99["min"] and p99["p95"] == p99["max"], "with 3 seeds, p5 = min and p95 = max")

# A seed's run is `svcsim run --seed N` exactly.
single = os.path.join(SCRATCH, "single-2")
svcsim("run", SCENARIO, "--seed", "2", "--out", single, "--quiet")
check(read(os.path.join(single, "summary.json"), "rb") == read(os.path.join(OUT, "seed-2", "summary.json"), "rb"),
      "seed-2/summary.json has the bytes of `svcsim run --seed 2`")

# The same command again, two at a time: the same spread.json bytes.
before = read(os.path.join(OUT, "spread.json"), "rb")
svcsim("run", SCENARIO, "--seeds", "1..3", "--jobs", "2", "--out", OUT, "--quiet")
check(read(os.path.join(OUT, "spread.json"), "rb") == before, "the same command twice: the same spread.json bytes")

# A list of seeds.
listed = os.path.join(SCRATCH, "listed")
svcsim("run", SCENARIO, "--seeds", "3,1", "--out", listed, "--quiet")
check_eq(json.loads(read(os.path.join(listed, "spread.json")))["seeds"], [3, 1], "--seeds 3,1: a list")

# tools/plot on the spread: one panel per key metric, its band recomputed from the seeds' summaries.
env = dict(os.environ, MPLBACKEND="Agg")
pl = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tools", "plot"), OUT, "--quiet"], capture_output=True,
                    text=True, env=env)
plots = json.loads(read(os.path.join(OUT, "plots", "plots.json"))) if pl.returncode == 0 else {}
panel = [q for q in plots.get("panels", []) if q["metric"] == "requests.latency_ms.p99"]
check(pl.returncode == 0 and os.path.getsize(os.path.join(OUT, "plots", "spread.png")) > 0
      and plots["agrees_with_spread"] and panel and (panel[0]["p5"], panel[0]["p95"]) == (p99["p5"], p99["p95"]),
      f"tools/plot OUT draws plots/spread.png with spread.json's bands (exit {pl.returncode}: {pl.stderr[-300:]})")

# --- bad input: one line, exit 2, nothing written -----------------------------------------------------------
for args, what in [(["--seeds", "5..1"], "A <= B"), (["--seeds", "0.."], "A..B"), (["--seeds", "a..b"], "A..B"),
                   (["--seeds", "1..5000"], "at most 1000"), (["--seeds", "1,1"], "each seed once"),
                   (["--seeds", "1..2", "--seed", "3"], "--seed and --seeds"), (["--jobs", "2"], "--jobs"),
                   (["--seeds", "1..2", "--set", "/workloads/0/rps=-5"], "/workloads/0/rps")]:
    bad = os.path.join(SCRATCH, "bad-" + "-".join(a.strip("-/") for a in args).replace("/", "_"))
    r = svcsim("run", SCENARIO, *args, "--out", bad, expect=None)
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    check(r.returncode == 2 and len(lines) == 1 and what in lines[0] and not os.path.exists(bad),
          f"{' '.join(args)}: exit 2, one line naming {what!r}, nothing written (exit {r.returncode}: {lines})")

# --- band checks ---------------------------------------------------------------------------------------------
ok = svcsim("check", OUT, "--band", f"requests.latency_ms.p99={p99['p5']}", expect=None)
check_eq(ok.returncode, 0, "a real p99 equal to the band's lower end is inside: exit 0")
above = svcsim("check", OUT, "--band", f"requests.latency_ms.p99={p99['p95'] + 1}", expect=None)
check(above.returncode == 1 and "OUTSIDE (above)" in above.stdout, "1 ms above p95: exit 1, says above")
below = svcsim("check", OUT, "--band", f"requests.latency_ms.p99={p99['p5'] - 1}", "--within", "min-max", expect=None)
check(below.returncode == 1 and "OUTSIDE (below)" in below.stdout, "1 ms below the min-max band: exit 1")
miss = svcsim("check", OUT, "--band", "requests.latency_ms.p999=321.2", expect=None)
check(miss.returncode == 2 and miss.stderr.count("\n") == 1 and "requests.latency_ms.p999 not found" in miss.stderr,
      f"a metric missing from spread.json: one line, exit 2 ({miss.stderr.strip()})")
nospread = svcsim("check", os.path.join(OUT, "seed-1"), "--band", "requests.latency_ms.p99=310", expect=None)
check(nospread.returncode == 2 and "no spread.json" in nospread.stderr, "a run directory without spread.json: exit 2")
band_file = os.path.join(SCRATCH, "bands.json")
with open(band_file, "w") as f:
    json.dump({"bands": [{"metric": "requests.latency_ms.p99", "real": p99["max"], "within": "p5-p95"}]}, f)
check_eq(svcsim("check", OUT, "--baseline", band_file, expect=None).returncode, 0, "a band file as --baseline: exit 0")

# --- a band from a collected sweep: the seeds of one variant ----------------------------------------------------
# sweeps/small.json: /workloads/0/rps in {10, 20} x seeds 1, 2, Poisson arrivals, 10 s. Its rps=10 variant is the
# base scenario with the sweep's "set" and that rps, so `--seeds 1..2` of that gives the band the check must use.
sweep = os.path.join(SCRATCH, "sweep-small")
svcsim("sweep", os.path.join(ROOT, "sweeps", "small.json"), "--jobs", "2", "--out", sweep, "--quiet")
same = os.path.join(SCRATCH, "small-rps10")
svcsim("run", SCENARIO, "--seeds", "1..2", "--set", "/workloads/0/arrivals=poisson", "--set",
       "/workloads/0/duration_s=10", "--set", "/workloads/0/rps=10", "--out", same, "--quiet")
want = at(json.loads(read(os.path.join(same, "spread.json")))["metrics"], ("requests", "latency_ms", "p99"))
r = svcsim("check", sweep, "--band", f"requests.latency_ms.p99={want['p95']}", "--variant", "/workloads/0/rps=10",
           "--format", "json", expect=None)
row = json.loads(r.stdout)["rows"][0] if r.returncode == 0 else {}
check(r.returncode == 0 and (row["low"], row["high"], row["mean"], row["n"]) ==
      (want["p5"], want["p95"], want["mean"], want["n"]),
      f"sweep --variant /workloads/0/rps=10: the band of `--seeds 1..2` of that variant (exit {r.returncode}, {row})")
r = svcsim("check", sweep, "--band", "requests.latency_ms.p99=311", expect=None)
check(r.returncode == 2 and "vary /workloads/0/rps" in r.stderr and r.stderr.count("\n") == 1,
      "a sweep with two variants and no --variant: one line naming the axis, exit 2")
finish()
