#!/usr/bin/python3
"""Heatmaps of a two-parameter sweep (tools/plot on a sweep directory): a real sweep (sweeps/heatmap-example.json,
18 runs of about 0.1 s) and hand-made sweep.csv tables (three axes, failed runs, null values, one axis; broken
files). Every number is checked against sweep.csv, computed here independently of tools/svcsim_sweep_plots.py:
the grid CSV and plots.json next to each heatmap, and the SVG itself (each cell's annotation, each cell's fill
colour, the tick labels, the axis and colour-bar labels).
Usage: SVCSIM=build/svcsim /usr/bin/python3 tests/e2e/test_sweep_heatmap.py   (exit 77: no matplotlib)"""
import csv
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

try:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import colors as mcolors
    from matplotlib import pyplot as plt
except ImportError:
    print(f"skip: matplotlib is not importable by {sys.executable} (run me with /usr/bin/python3)")
    sys.exit(77)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SVCSIM = os.environ.get("SVCSIM", os.path.join(ROOT, "build", "svcsim"))
PLOT = os.path.join(ROOT, "tools", "plot")
TMP = tempfile.mkdtemp(prefix="svcsim-heatmap-test-")
ENV = dict(os.environ, MPLBACKEND="Agg")
passed = failed = 0


def check(cond, what):
    global passed, failed
    print(("ok   " if cond else "FAIL ") + what)
    if cond:
        passed += 1
    else:
        failed += 1
    return cond


def start(sweep_dir, *args):
    """tools/plot on a sweep directory, in the background (the independent ones run side by side)."""
    return subprocess.Popen([PLOT, sweep_dir, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=ENV)


def wait(proc):
    out, err = proc.communicate()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def plot(sweep_dir, *args):
    return wait(start(sweep_dir, *args))


def tail(p):
    return "" if p.returncode == 0 else f" ({p.stderr[-600:]})"


# --- the expected grid, from sweep.csv alone ------------------------------------------------------------------

def num(cell):
    try:
        v = float(cell)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def run_value(row, metric):
    if metric == "requests.success_rate" and metric not in row:
        ok, total = num(row["requests.success"]), num(row["requests.total"])
        return 100.0 * ok / total if ok is not None and total else None
    return num(row[metric])


def expected_cells(csv_path, metric, x, y, facet=None):
    """{(facet values, y value, x value): (mean or None, n values, successful runs, runs)}."""
    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    facet = facet or []
    cells = {}
    for r in rows:
        key = (tuple(r[a] for a in facet), r[y], r[x])
        vals, ok, runs = cells.get(key, ([], 0, 0))
        runs += 1
        if r["status"] == "ok":
            ok += 1
            v = run_value(r, metric)
            if v is not None:
                vals.append(v)
        cells[key] = (vals, ok, runs)
    return {k: (sum(v) / len(v) if v else None, len(v), ok, runs) for k, (v, ok, runs) in cells.items()}


def close(a, b):
    return a is None and b is None or a is not None and b is not None and abs(a - b) <= 1e-9 * max(1.0, abs(b))


# --- what the SVG shows ---------------------------------------------------------------------------------------

def svg_tree(path):
    return ET.parse(path, parser=ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))).getroot()


def comments(elem):
    return [e.text.strip() for e in elem.iter() if e.tag is ET.Comment]


def svg_cells(root):
    """{(iy, ix): (annotation's first line, (x, y) where it is drawn)} from the <g id="cell_Y_X"> groups."""
    out = {}
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        m = re.fullmatch(r"cell_(\d+)_(\d+)", g.get("id", ""))
        if m:
            first = next(e for e in g.iter() if e.tag is ET.Comment).text.strip()
            where = next(e.get("transform") for e in g.iter() if (e.get("transform") or "").startswith("translate"))
            xy = tuple(float(v) for v in re.match(r"translate\(([-\d.e]+) ([-\d.e]+)\)", where).groups())
            out[(int(m.group(1)), int(m.group(2)))] = (first, xy)
    return out


def svg_fills(root):
    """Fill colours of the heatmap's cells, row by row from the bottom row (pcolormesh's order)."""
    mesh = next(g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("id", "").startswith("QuadMesh"))
    return [re.search(r"fill: ([^;]+)", p.get("style")).group(1) for p in mesh.iter("{http://www.w3.org/2000/svg}path")]


def label_agrees(label, mean):
    """The annotation shows the mean to the precision of its last digit (nearest, half a unit)."""
    try:
        shown = float(label)
    except ValueError:
        return False
    decimals = len(label.split(".")[1]) if "." in label else 0
    return abs(shown - mean) <= 0.5 * 10 ** -decimals * (1 + 1e-9) + 1e-12


def check_heatmap(name, sweep_dir, report, metric, x, y, facet_axes=(), facet_values=(), files=None):
    """One heatmap (one panel): files, grid CSV, plots.json and SVG against sweep.csv."""
    plots = os.path.join(sweep_dir, "plots")
    hm = report["heatmaps"]["metrics"].get(metric)
    if not check(hm is not None, f"{name}: plots.json has a heatmap of {metric}"):
        return
    panel = [p for p in hm["panels"] if tuple(p["facet"].get(a) for a in facet_axes) == tuple(facet_values)]
    if not check(len(panel) == 1, f"{name}: one panel of {metric} for {dict(zip(facet_axes, facet_values))}"):
        return
    panel = panel[0]
    if files is not None:
        check(panel["files"] == [files + ".png", files + ".svg"] and panel["data"] == files + ".csv",
              f"{name}: file names {panel['files'] + [panel['data']]} (want {files}.png/.svg/.csv)")
    png, svg, data = (os.path.join(plots, f) for f in panel["files"] + [panel["data"]])
    with open(png, "rb") as f:
        head = f.read(24)
    check(head[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(head[16:20], "big") > 200
          and int.from_bytes(head[20:24], "big") > 150, f"{name}: {os.path.basename(png)} is a PNG of some size")
    try:
        root = svg_tree(svg)
        check(root.tag.endswith("svg"), f"{name}: {os.path.basename(svg)} is well-formed SVG")
    except ET.ParseError as e:
        check(False, f"{name}: {os.path.basename(svg)} is well-formed SVG ({e})")
        return

    want = expected_cells(os.path.join(sweep_dir, "sweep.csv"), metric, x, y, list(facet_axes))
    fv = tuple(facet_values)
    xs = sorted({k[2] for k in want}, key=float)
    ys = sorted({k[1] for k in want}, key=float)
    check(hm["x_values"] == xs and hm["y_values"] == ys, f"{name}: x {hm['x_values']} and y {hm['y_values']} values, "
          "sorted by number")

    # The grid CSV, cell by cell.
    with open(data, newline="") as f:
        grid = list(csv.DictReader(f))
    check(len(grid) == len(xs) * len(ys), f"{name}: {os.path.basename(data)} has every cell ({len(grid)})")
    bad = []
    for g in grid:
        key = (tuple(g[a] for a in facet_axes), g[y], g[x])
        mean, n, ok, runs = want.get(key, (None, 0, 0, 0))
        got = num(g["mean"])
        if not (close(got, mean) and int(g["n"]) == n and int(g["runs_ok"]) == ok and int(g["runs"]) == runs):
            bad.append((key, g["mean"], mean, g["n"], n))
    check(not bad, f"{name}: grid CSV means, n, runs equal sweep.csv's ({len(grid)} cells)"
          + (f": {bad[:3]}" if bad else ""))

    # plots.json, the same numbers.
    bad = [(iy, ix) for iy, yv in enumerate(ys) for ix, xv in enumerate(xs)
           if not close(panel["mean"][iy][ix], want.get((fv, yv, xv), (None,))[0])]
    check(not bad, f"{name}: plots.json means equal sweep.csv's" + (f": cells {bad}" if bad else ""))

    # The SVG: an annotation in every cell, showing the mean (or why there is none), placed on the grid.
    cells = svg_cells(root)
    check(set(cells) == {(iy, ix) for iy in range(len(ys)) for ix in range(len(xs))},
          f"{name}: an annotation in each of the {len(xs)}x{len(ys)} cells ({len(cells)})")
    bad = []
    for (iy, ix), (label, _) in sorted(cells.items()):
        mean, n, ok, runs = want.get((fv, ys[iy], xs[ix]), (None, 0, 0, 0))
        if runs == 0:
            good = label == "no run"
        elif ok == 0:
            good = label == "failed"
        elif n == 0:
            good = label in ("never", "no value")
        else:
            good = label_agrees(label, mean)
        if not good:
            bad.append(f"({ys[iy]}, {xs[ix]}): shows {label!r}, sweep.csv mean {mean} (n {n}, ok {ok}, runs {runs})")
    check(not bad, f"{name}: every SVG annotation shows sweep.csv's mean" + (f": {bad[:3]}" if bad else ""))
    at = {k: v[1] for k, v in cells.items()}  # SVG coordinates: y grows downwards
    placed = all(at[(iy, ix)][0] < at[(iy, ix + 1)][0] for iy in range(len(ys)) for ix in range(len(xs) - 1)) \
        and all(at[(iy, ix)][1] > at[(iy + 1, ix)][1] for iy in range(len(ys) - 1) for ix in range(len(xs)))
    check(placed, f"{name}: annotations placed left to right by x, bottom to top by y")

    # The colours: viridis over [min, max] of the metric's cell means (all panels), grey where there is no mean.
    means = [m for (f_, _, _), (m, *_r) in want.items() if m is not None]
    lo, hi = min(means), max(means)
    norm = mcolors.Normalize(lo, hi) if hi > lo else (lambda v: 0.5)
    cmap = plt.get_cmap("viridis")
    want_fills = [mcolors.to_hex(cmap(norm(want[(fv, yv, xv)][0]))) if want.get((fv, yv, xv), (None,))[0] is not None
                  else "none" for yv in ys for xv in xs]
    got_fills = svg_fills(root)
    check(got_fills == want_fills, f"{name}: cell colours are viridis of the means on [{lo:g}, {hi:g}]"
          + ("" if got_fills == want_fills else f": {got_fills} vs {want_fills}"))

    # Ticks and labels, in drawing order: x ticks, x label, y ticks, y label; a colour bar naming the unit.
    text = comments(root)
    k = len(xs) + 1 + len(ys) + 1
    check(text[:k] == xs + [x] + ys + [y], f"{name}: tick labels {xs} / {ys} and axis labels {x} / {y}")
    unit = hm["unit"]
    check(bool(unit) and any(t.endswith(f"({unit})") for t in text[k:]),
          f"{name}: a colour bar label with the unit ({unit})")
    check(any(metric in t or "requests.success" in t for t in text[k:]), f"{name}: the title names {metric}")


# =============================================================================================================
if not os.access(SVCSIM, os.X_OK):
    print(f"FAIL no svcsim binary at {SVCSIM} (set SVCSIM)")
    sys.exit(1)


def metric_file(metric):
    return "sweep_heatmap_" + re.sub(r"[^A-Za-z0-9]+", "_", metric).strip("_")


# --- the inputs -------------------------------------------------------------------------------------------------
# 1. A real two-parameter sweep: data-work RPS x the registry's heartbeat timeout, a crash, seeds 1-2.
sweep_file = os.path.join(ROOT, "sweeps", "heatmap-example.json")
with open(sweep_file) as f:
    axes = [a["pointer"] for a in json.load(f)["axes"]]
d1 = os.path.join(TMP, "example")
p = subprocess.run([SVCSIM, "sweep", sweep_file, "--out", d1, "--jobs", "2", "--quiet"], capture_output=True, text=True)
if not check(p.returncode == 0 and os.path.isfile(os.path.join(d1, "sweep.csv")),
             f"svcsim sweep sweeps/heatmap-example.json: exit {p.returncode}{tail(p)}"):
    print(f"{passed} passed, {failed} failed")
    sys.exit(1)

# 2. Hand-made: three axes (the third one categorical), failed runs, null values, a cell without runs.
d2 = os.path.join(TMP, "three")
os.makedirs(d2)
X, Y, Z = "/workloads/0/rps", "/deployment/instances/auth", "/workloads/0/arrivals"
with open(os.path.join(d2, "sweep.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["run_id", X, Y, Z, "seed", "status", "requests.total", "requests.success", "requests.latency_ms.p99",
                "faults[0].detector_alert_at_s"])
    for rps in (10, 20, 40):
        for n in (3, 10):
            for arr in ("fixed", "poisson"):
                if (rps, n, arr) == (40, 10, "poisson"):
                    continue  # a cell without any run
                for seed in (1, 2, 3):
                    status = "failed" if (rps, n, seed) == (20, 3, 3) or (rps, n, arr) == (10, 10, "fixed") else "ok"
                    total = rps * 30
                    # seed ** 2: values not evenly spaced over the seeds, so that the mean is not the median
                    success = total - seed ** 2 * (n == 3) * rps // 10
                    p99 = 300 + rps * (2 if n == 3 else 1) + seed ** 2 * 0.37 + (arr == "poisson") * 5
                    alert = "" if (seed == 2 and n == 3) or (rps == 40 and n == 3) else 52 + seed ** 2 * 0.001
                    w.writerow([f"{rps}-{n}-{arr}-{seed}", rps, n, arr, seed, status, total if status == "ok" else "",
                                success if status == "ok" else "", p99 if status == "ok" else "",
                                alert if status == "ok" else ""])

# 3. Hand-made: one axis.
d3 = os.path.join(TMP, "one")
os.makedirs(d3)
with open(os.path.join(d3, "sweep.csv"), "w") as f:
    f.write("run_id,/workloads/0/rps,seed,status,requests.latency_ms.p99\n"
            "a,10,1,ok,301.5\nb,10,2,ok,302.5\nc,20,1,ok,311\nd,20,2,ok,312\n")

# 4. sweep.csv files that cannot be read.
cases = [
    ("ragged", b"run_id,/a,/b,seed,status,m.x\nr1,1,1,1,ok,3\nr2,1,2,1,ok\n",
     r"sweep\.csv:3: expected 6 fields .*got 5"),
    ("not-utf8", b"run_id,/a,/b,seed,status,m.x\nr1,\xff\xfe,1,1,ok,3\n", r"sweep\.csv: not UTF-8 text"),
    ("nul", b"run_id,/a,/b,seed,status,m.x\nr1,1,1,1,ok,3\x00\n", r"sweep\.csv:2: a NUL byte"),
    ("empty", b"", r"sweep\.csv: empty file"),
    ("duplicate", b"run_id,/a,/a,seed,status,m.x\nr1,1,1,1,ok,3\n",
     r"sweep\.csv:1: the header names a column twice: /a"),
    ("quote", b"run_id,/a,/b,seed,status,m.x\nr1,1,\"1,1,ok,3\n", r"sweep\.csv:2: malformed CSV"),
]
if os.geteuid() != 0:  # root reads a mode-000 file anyway
    cases.append(("unreadable", b"run_id,/a,/b,seed,status,m.x\nr1,1,1,1,ok,3\n",
                  r"sweep\.csv: cannot read: Permission denied"))
for name, content, _ in cases:
    d = os.path.join(TMP, "bad-" + name)
    os.makedirs(d)
    with open(os.path.join(d, "sweep.csv"), "wb") as f:
        f.write(content)
    if name == "unreadable":
        os.chmod(os.path.join(d, "sweep.csv"), 0)

# tools/plot on all of them, side by side.
jobs = {"example": start(d1), "three": start(d2), "one": start(d3)}
jobs.update({"bad-" + name: start(os.path.join(TMP, "bad-" + name), "--quiet") for name, _, _ in cases})
done = {k: wait(v) for k, v in jobs.items()}

# --- 1. the real sweep: a heatmap per key metric, every number from sweep.csv ------------------------------------
p = done["example"]
check(p.returncode == 0, f"example: tools/plot exit {p.returncode}{tail(p)}")
with open(os.path.join(d1, "plots", "plots.json")) as f:
    rep1 = json.load(f)
hm = rep1.get("heatmaps") or {}
# x: the line plots' x (numeric, most values; the first in column order on a tie), y: the other axis.
check(hm.get("x") == rep1["x"] == axes[0] and hm.get("y") == axes[1] and hm.get("facet_axes") == [],
      f"example: heatmap x {hm.get('x')}, y {hm.get('y')}")
with open(os.path.join(d1, "sweep.csv"), newline="") as f:
    header = next(csv.reader(f))
faults = [c for c in header if re.fullmatch(
    r"faults\[0\]\.(registry_unhealthy_at_s|lb_excluded_at_s|detector_alert_at_s|failed_requests)", c)]
key = ["requests.latency_ms.p99", "requests.latency_ms.p50", "requests.success_rate", "requests.achieved_rps"] + faults
check(len(faults) == 4 and list(hm.get("metrics", {})) == key,
      f"example: heatmaps of the key metrics {list(hm.get('metrics', {}))}")
for m in key:
    check_heatmap("example", d1, rep1, m, axes[0], axes[1], files=metric_file(m))
never = [lab for row in hm["metrics"]["faults[0].registry_unhealthy_at_s"]["panels"][0]["labels"] for lab in row]
check(never.count("never") == 3, "example: with a 60 s timeout the registry never marks the crashed instance (3 cells)")
# The line plots are still there, one per metric column with a number (not capacity.busiest_process, a name,
# nor a column empty in every run), listed first.
with open(os.path.join(d1, "sweep.csv"), newline="") as f:
    csv_rows = list(csv.DictReader(f))
metric_cols = [c for c in header[header.index("status") + 1:] if any(num(r[c]) is not None for r in csv_rows)]
kinds = [m["kind"] for m in rep1["plots"]]
check(kinds[:len(metric_cols)] == ["sweep_" + re.sub(r"[^A-Za-z0-9]+", "_", c).strip("_") for c in metric_cols]
      and all(os.path.getsize(os.path.join(d1, "plots", f)) > 0 for m in rep1["plots"] for f in m["files"]),
      f"example: the {len(metric_cols)} line plots are still drawn, then {len(kinds) - len(metric_cols)} heatmaps")
check(not [f for f in os.listdir(os.path.join(d1, "plots")) if ".tmp-" in f], "example: no temporary file left")
# Drawn again (one metric, for time): the same names, the same bytes.
before = {f: open(os.path.join(d1, "plots", f), "rb").read()
          for f in os.listdir(os.path.join(d1, "plots")) if f.startswith(metric_file("requests.latency_ms.p99") + ".")}
p = plot(d1, "--metrics", "requests.latency_ms.p99", "--quiet")
after = {f: open(os.path.join(d1, "plots", f), "rb").read() for f in before}
check(p.returncode == 0 and p.stderr == "" and len(before) == 3 and before == after,
      "example: drawn again, the p99 heatmap's PNG, SVG and CSV are the same bytes")

# --- 2. three axes: one file per value of the third, one colour scale ----------------------------------------------
p = done["three"]
check(p.returncode == 0, f"three axes: tools/plot exit {p.returncode}{tail(p)}")
with open(os.path.join(d2, "plots", "plots.json")) as f:
    rep2 = json.load(f)
hm2 = rep2.get("heatmaps") or {}
check(hm2.get("x") == X and hm2.get("y") == Y and hm2.get("facet_axes") == [Z],
      f"three axes: x {hm2.get('x')}, y {hm2.get('y')}, one panel per value of {hm2.get('facet_axes')}")
check(list(hm2.get("metrics", {})) == ["requests.latency_ms.p99", "requests.success_rate",
                                       "faults[0].detector_alert_at_s"],
      f"three axes: heatmaps of the key metrics present ({list(hm2.get('metrics', {}))})")
for m in hm2.get("metrics", {}):
    for arr in ("fixed", "poisson"):
        check_heatmap(f"three axes, {arr}", d2, rep2, m, X, Y, [Z], [arr],
                      files=metric_file(m) + "__workloads_0_arrivals_" + arr)
alerts = {(p["facet"][Z]): p["labels"] for p in hm2["metrics"]["faults[0].detector_alert_at_s"]["panels"]}
check(alerts["fixed"][0][1] == "52.001\n(1 of 2 runs)",
      f"three axes: a mean over part of the runs says so ({alerts['fixed'][0][1]!r})")
check(alerts["fixed"][1][0] == "failed" and alerts["poisson"][1][2] == "no run" and alerts["fixed"][0][2] == "never",
      f"three axes: failed, missing and never-alerted cells are named ({alerts['fixed'][1][0]!r}, "
      f"{alerts['poisson'][1][2]!r}, {alerts['fixed'][0][2]!r})")
p99 = hm2["metrics"]["requests.latency_ms.p99"]
all_means = [v for pn in p99["panels"] for row in pn["mean"] for v in row if v is not None]
check((p99["vmin"], p99["vmax"]) == (min(all_means), max(all_means)), "three axes: one colour scale for both panels")
# --x chooses the heatmaps' x axis too.
p = plot(d2, "--x", Y, "--metrics", "requests.latency_ms.p99", "--quiet")
with open(os.path.join(d2, "plots", "plots.json")) as f:
    rep2x = json.load(f)
check(p.returncode == 0 and rep2x["heatmaps"]["x"] == Y and rep2x["heatmaps"]["y"] == X,
      f"three axes: --x {Y} puts it on the heatmaps' x axis too{tail(p)}")
check_heatmap("three axes, --x", d2, rep2x, "requests.latency_ms.p99", Y, X, [Z], ["poisson"])

# --- 3. one axis: line plots only, plots.json as before --------------------------------------------------------------
p = done["one"]
with open(os.path.join(d3, "plots", "plots.json")) as f:
    rep3 = json.load(f)
check(p.returncode == 0 and "heatmaps" not in rep3 and sorted(os.listdir(os.path.join(d3, "plots"))) ==
      ["plots.json", "sweep_requests_latency_ms_p99.png", "sweep_requests_latency_ms_p99.svg"],
      f"one axis: the line plot only, no heatmap, no heatmaps section in plots.json{tail(p)}")

# --- 4. a sweep.csv that cannot be read: exit 2 (even with --quiet), the file, the line, what is wrong, no plots/ ---
for name, _, pattern in cases:
    d = os.path.join(TMP, "bad-" + name)
    p = done["bad-" + name]
    line = p.stderr.strip()
    check(p.returncode == 2 and line.startswith("tools/plot: error: " + d) and re.search(pattern, line)
          and "Traceback" not in p.stderr and not os.path.exists(os.path.join(d, "plots")),
          f"bad sweep.csv ({name}): exit {p.returncode}, {line!r}")

print(f"{passed} passed, {failed} failed")
if failed:
    print(f"outputs kept in {TMP}")
    sys.exit(1)
shutil.rmtree(TMP, ignore_errors=True)
sys.exit(0)
