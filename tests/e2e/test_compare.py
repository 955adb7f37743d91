#!/usr/bin/python3
"""tools/compare.py, the table `tools/run` prints for the seed's 3-instance vs 10-instance comparison: one row per
metric, one right-aligned column per run, every value separated from its neighbour (a wide cell once ran into
the next one), and the numbers those of summary.json."""
import os
import subprocess

from harness import ROOT, check, check_eq, finish, run

d3, s3 = run("scenarios/seed-3-instances.json", "compare-3")
d10, s10 = run("scenarios/seed-10-instances.json", "compare-10")
p = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tools", "compare.py"), d3, d10], capture_output=True,
                   text=True)
check_eq(p.returncode, 0, "compare.py exit code")
lines = p.stdout.splitlines()
table = lines[:lines.index("")] if "" in lines else lines
rows = {}
for line in table:
    label = line[:28].strip()
    rows[label] = line[28:].split()
check_eq(rows.get("scenario"), ["seed-3-instances", "seed-10-instances"], "one column per run, named")
check_eq(len({len(line) for line in table}), 1, "every row has the same width (the columns line up)")
check_eq(rows.get("requests"), [str(s3["requests"]["total"]), str(s10["requests"]["total"])], "requests row")
check_eq(rows.get("latency p50 ms"), [f"{s3['requests']['latency_ms']['p50']:.1f}",
                                      f"{s10['requests']['latency_ms']['p50']:.1f}"], "p50 row")
check_eq(rows.get("served per auth instance"), ["100/100/100", "150", "x", "10"],
         "served per auth instance: 100/100/100 and '150 x 10' (all ten equal), kept apart")
check(f"results in: {d3}/, {d10}/" in p.stdout, "names the result directories")
finish()
