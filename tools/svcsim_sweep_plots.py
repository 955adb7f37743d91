"""Plots of a collected svcsim sweep (SWEEP_DIR/sweep.csv as `svcsim collect` writes it: run_id, one column per
swept axis named by its JSON pointer, seed, status, then metric columns named by summary.json paths): each
metric against the swept parameter, one line per variant (the other axes' values), the mean over seeds with
a 5-95 % band (nearest rank, as spread.json; with fewer than 20 seeds it is the min-max band). When two or more
axes vary independently, also a heatmap per key metric (x: the line plots' x axis, y: the next axis, cell: the
mean over seeds, annotated; more axes: one file per combination of their values, on one colour scale). A sweep of the offered load
(/workloads/0/rps) against the deployment also gets the capacity figure (svcsim_capacity_plot). Writes
SWEEP_DIR/plots/ (every file through a temporary file and a rename) and plots.json."""
import csv
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# (svcsim_heatmaps takes save_atomic and write_atomic from here; svcsim_plots also sets the rcParams)
from svcsim_plots import save as save_atomic, write_atomic, write_json_atomic  # noqa: E402,F401

RESERVED = ("run_id", "seed", "status")
OK_STATUS = ("", "ok", "done", "success", "0")


def number(cell):
    try:
        v = float(cell)
    except (TypeError, ValueError):
        return None
    return v if np.isfinite(v) else None


def axis_columns(columns):
    """Axes are named by JSON pointer ("/workloads/0/rps"); a hand-made table may use bare names instead, so
    without any pointer column every column that is not reserved and not a dotted metric path is an axis."""
    axes = [c for c in columns if c.startswith("/")]
    if axes:
        return axes
    return [c for c in columns if c not in RESERVED and "." not in c and "[" not in c]


def file_name(metric):
    return "sweep_" + re.sub(r"[^A-Za-z0-9]+", "_", metric).strip("_")


# ---------------------------------------------------------------------------------------------------------
# Reading sweep.csv and writing files

class SweepCsvError(Exception):
    """sweep.csv cannot be read: the message names the file (and the line) and what is wrong."""


def error(msg):
    # Straight to stderr, also under --quiet: an error must never be silent.
    print(f"tools/plot: error: {msg}", file=sys.stderr)


def read_sweep_csv(path):
    """(columns, rows as dicts) of a sweep.csv; SweepCsvError when it is not a rectangular UTF-8 CSV table with
    a header of distinct, non-empty column names. Blank lines are skipped (as csv.DictReader does)."""
    line = 0
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f, strict=True)
            header = None
            rows = []
            for rec in reader:
                line = reader.line_num
                if not rec:
                    continue
                if any("\0" in cell for cell in rec):  # Python 3.11's csv takes NUL bytes; collect never writes one
                    raise SweepCsvError(f"{path}:{line}: a NUL byte (a damaged file?)")
                if header is None:
                    header = rec
                    for k, name in enumerate(header):
                        if not name.strip():
                            raise SweepCsvError(f"{path}:{line}: column {k + 1} of the header has no name")
                    dup = sorted({c for c in header if header.count(c) > 1})
                    if dup:
                        raise SweepCsvError(f"{path}:{line}: the header names a column twice: {', '.join(dup)}")
                    continue
                if len(rec) != len(header):
                    raise SweepCsvError(f"{path}:{line}: expected {len(header)} fields (as in the header), "
                                        f"got {len(rec)}")
                rows.append(dict(zip(header, rec)))
    except OSError as e:
        raise SweepCsvError(f"{path}: cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise SweepCsvError(f"{path}: not UTF-8 text (byte {e.start}: {e.reason})") from None
    except csv.Error as e:
        raise SweepCsvError(f"{path}:{line + 1}: malformed CSV (from this line on): {e}") from None
    if header is None:
        raise SweepCsvError(f"{path}: empty file (expected a header line: run_id, the axes, seed, status, "
                            "metrics)")
    return header, rows


def plot_sweep(sweep_dir, log, x_axis=None, metrics=None):
    try:
        columns, rows = read_sweep_csv(os.path.join(sweep_dir, "sweep.csv"))
    except SweepCsvError as e:
        error(str(e))
        return 2
    if not rows:
        error(f"{sweep_dir}/sweep.csv has no runs")
        return 2
    good = [r for r in rows if (r.get("status") or "").strip().lower() in OK_STATUS]
    if len(good) < len(rows):
        log(f"note: {len(rows) - len(good)} of {len(rows)} runs did not succeed (status column); left out")
    axes = axis_columns(columns)
    varying = [a for a in axes if len({r[a] for r in good}) > 1]
    numeric_axes = [a for a in varying if all(number(r[a]) is not None for r in good)]
    if x_axis is None:
        pool = numeric_axes or varying or axes
        if not pool:
            error(f"{sweep_dir}/sweep.csv has no axis column")
            return 2
        x_axis = max(pool, key=lambda a: len({r[a] for r in good}))  # first of the widest, column order
    elif x_axis not in columns:
        error(f"--x {x_axis}: no such column in {sweep_dir}/sweep.csv")
        return 2
    variant_axes = [a for a in varying if a != x_axis]
    numeric_x = x_axis in numeric_axes or all(number(r[x_axis]) is not None for r in good)
    metrics_given = metrics is not None
    if metrics is None:
        metrics = [c for c in columns if c not in RESERVED and c not in axes
                   and any(number(r[c]) is not None for r in good)]
    import svcsim_heatmaps  # here, not at the top: it imports helpers from this module

    missing = [m for m in metrics if m not in columns and not svcsim_heatmaps.derivable(m, columns)]
    if missing:
        error(f"no such metric column in {sweep_dir}/sweep.csv: {', '.join(missing)}")
        return 2
    heat_metrics = metrics if metrics_given else svcsim_heatmaps.default_heatmap_metrics(columns)
    metrics = [m for m in metrics if m in columns]  # a derived metric (success rate) is drawn as a heatmap only

    xs_all = sorted({r[x_axis] for r in good}, key=lambda v: (number(v) is None, number(v) or 0, v))
    xpos = {v: (number(v) if numeric_x else i) for i, v in enumerate(xs_all)}
    variants = sorted({tuple(r[a] for a in variant_axes) for r in good},
                      key=lambda t: tuple((number(v) is None, number(v) or 0, v) for v in t))
    out_dir = os.path.join(sweep_dir, "plots")
    os.makedirs(out_dir, exist_ok=True)
    made, report = [], {"mode": "sweep", "sweep_dir": os.path.abspath(sweep_dir), "x": x_axis,
                        "variant_axes": variant_axes, "runs": len(rows), "runs_used": len(good), "metrics": {}}
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for metric in metrics:
        fig, ax = plt.subplots(figsize=(8, 4.8))
        lines = []
        for k, var in enumerate(variants):
            c = colors[k % len(colors)]
            label = ", ".join(f"{a}={v}" for a, v in zip(variant_axes, var)) or "all runs"
            pts, xlabels = [], []
            for xv in xs_all:
                vals = [number(r[metric]) for r in good
                        if r[x_axis] == xv and tuple(r[a] for a in variant_axes) == var]
                vals = [v for v in vals if v is not None]
                if vals:
                    # Nearest rank (inverted_cdf), the C++ spread.json's p5 / p95; the mean sums in seed order.
                    p5, med, p95 = np.percentile(vals, [5, 50, 95], method="inverted_cdf")
                    pts.append((xpos[xv], min(vals), p5, med, p95, max(vals), len(vals), sum(vals) / len(vals)))
                    xlabels.append(xpos[xv] if numeric_x else xv)
            if not pts:
                continue
            p = np.array(pts, dtype=float)
            ax.fill_between(p[:, 0], p[:, 2], p[:, 4], color=c, alpha=0.25, lw=0)
            seeds = int(p[:, 6].max())
            ax.plot(p[:, 0], p[:, 7], marker="o", ms=4, color=c, label=f"{label} (n≤{seeds} seeds)")
            lines.append({"variant": dict(zip(variant_axes, var)), "x": xlabels,
                          "mean": p[:, 7].tolist(), "p5": p[:, 2].tolist(), "p95": p[:, 4].tolist(),
                          "median": p[:, 3].tolist(), "min": p[:, 1].tolist(), "max": p[:, 5].tolist(),
                          "seeds": [int(n) for n in p[:, 6]]})
        if not numeric_x:
            ax.set_xticks(list(xpos.values()))
            ax.set_xticklabels(xs_all, rotation=30, ha="right")
        ax.set_xlabel(x_axis)
        ax.set_ylabel(metric)
        ax.set_title(f"{metric} against {x_axis}\nmean over seeds; band: 5–95 % of the seeds (nearest rank; "
                     "min–max below 20 seeds)",
                     fontsize=10)
        ax.grid(True, alpha=0.3)
        if lines:
            ax.legend(fontsize=8)
        name = file_name(metric)
        save_atomic(fig, out_dir, name, made)
        report["metrics"][metric] = {"files": made[-1]["files"], "lines": lines}
    report["plots"] = made
    heatmaps = svcsim_heatmaps.plot_heatmaps(rows, good, axes, x_axis, heat_metrics, out_dir, made, log)
    if heatmaps is not None:  # two parameters or more; plots.json of a one-parameter sweep is as it was
        report["heatmaps"] = heatmaps
    import svcsim_capacity_plot  # offered load x deployment: latency, success share, throughput in one figure

    capacity = svcsim_capacity_plot.plot_capacity(columns, good, axes, out_dir, made, log)
    if capacity is not None:
        report["capacity"] = capacity

    write_json_atomic(os.path.join(out_dir, "plots.json"), report)
    for m in made:
        log("wrote " + ", ".join(os.path.join(out_dir, f) for f in m["files"] + m.get("data", [])))
    log("wrote " + os.path.join(out_dir, "plots.json"))
    return 0


# ---------------------------------------------------------------------------------------------------------
# Heatmaps: two parameters at once
