#!/usr/bin/python3
"""Past a limit (2^20 requests) the recorder streams finished request and attempt rows to spill files instead of
holding them (metrics/recorder.hpp). Everything read after the run (summary, fault report, results.sqlite,
report.html, the Chrome trace) must be the same bytes whether the rows were held or streamed.
SVCSIM_ROWS_IN_MEMORY=N lowers the limit so that ordinary scenarios stream: N = 0 streams from the first
request; N = 7 switches in the middle of the run. The spill files live in the run's staging directory and are
unlinked: nothing is left in the output directory or in $TMPDIR."""
import os
import subprocess

from harness import ROOT, SCRATCH, SVCSIM, check, check_eq, finish

SCENARIOS = ["seed-3-instances", "failover-crash", "failover-partition", "auth-flow", "failover-all-down"]
FILES = ["summary.json", "results.sqlite", "system.sqlite", "report.html", "trace.json"]


def run_with(scenario, rows_in_memory):
    tag = "held" if rows_in_memory is None else f"rows{rows_in_memory}"
    out = os.path.join(SCRATCH, f"{scenario}-{tag}")
    tmp = os.path.join(SCRATCH, f"tmp-{scenario}-{tag}")
    os.makedirs(tmp)
    env = dict(os.environ, TMPDIR=tmp)
    env.pop("SVCSIM_ROWS_IN_MEMORY", None)
    if rows_in_memory is not None:
        env["SVCSIM_ROWS_IN_MEMORY"] = str(rows_in_memory)
    p = subprocess.run([SVCSIM, "run", os.path.join(ROOT, "scenarios", scenario + ".json"), "--out", out, "--quiet",
                        "--trace", os.path.join(out, "trace.json")], env=env, capture_output=True, text=True)
    check_eq(p.returncode, 0, f"{scenario} ({tag}) exit code")
    check_eq(os.listdir(tmp), [], f"{scenario} ({tag}) leaves nothing in $TMPDIR")
    leftovers = sorted(f for f in os.listdir(out) if f not in FILES + ["perf.json", "events.jsonl"])
    check_eq(leftovers, [], f"{scenario} ({tag}) leaves no staging or spill file in the output directory")
    return out


def read(path):
    with open(path, "rb") as f:
        return f.read()


for sc in SCENARIOS:
    held = run_with(sc, None)
    # The held run really holds rows: its latency chart has points (guards against comparing two empty charts).
    html = read(os.path.join(held, "report.html")).decode()
    latency = html[html.find('<section id="latency"'):]
    latency = latency[:latency.find("</section>")]
    check("<polyline" in latency, f"{sc}: the report's latency section draws an ECDF curve")
    for n in (0, 7):
        streamed = run_with(sc, n)
        for f in FILES:
            check(read(os.path.join(held, f)) == read(os.path.join(streamed, f)),
                  f"{sc}: {f} identical with rows held and with SVCSIM_ROWS_IN_MEMORY={n}")

finish()
