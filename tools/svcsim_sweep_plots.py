"""Plots of a collected svcsim sweep (SWEEP_DIR/sweep.csv as `svcsim collect` writes it: run_id, one column per
swept axis named by its JSON pointer, seed, status, then metric columns named by summary.json paths): each
metric against the swept parameter, one line per variant (the other axes' values), the median over seeds with
a min-max band and, from 4 seeds on, an interquartile band. Writes SWEEP_DIR/plots/ and plots.json."""
import csv
import json
import os
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from svcsim_plots import save  # noqa: E402  (same file conventions as the run plots)

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


def plot_sweep(sweep_dir, log, x_axis=None, metrics=None):
    with open(os.path.join(sweep_dir, "sweep.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    columns = list(rows[0].keys()) if rows else []
    if not rows:
        log(f"tools/plot: error: {sweep_dir}/sweep.csv has no runs")
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
            log(f"tools/plot: error: {sweep_dir}/sweep.csv has no axis column")
            return 2
        x_axis = max(pool, key=lambda a: len({r[a] for r in good}))  # first of the widest, column order
    elif x_axis not in columns:
        log(f"tools/plot: error: --x {x_axis}: no such column in {sweep_dir}/sweep.csv")
        return 2
    variant_axes = [a for a in varying if a != x_axis]
    numeric_x = x_axis in numeric_axes or all(number(r[x_axis]) is not None for r in good)
    if metrics is None:
        metrics = [c for c in columns if c not in RESERVED and c not in axes
                   and any(number(r[c]) is not None for r in good)]
    missing = [m for m in metrics if m not in columns]
    if missing:
        log(f"tools/plot: error: no such metric column in {sweep_dir}/sweep.csv: {', '.join(missing)}")
        return 2

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
                    q1, med, q3 = np.percentile(vals, [25, 50, 75], method="inverted_cdf")
                    pts.append((xpos[xv], min(vals), q1, med, q3, max(vals), len(vals)))
                    xlabels.append(xpos[xv] if numeric_x else xv)
            if not pts:
                continue
            p = np.array(pts, dtype=float)
            ax.fill_between(p[:, 0], p[:, 1], p[:, 5], color=c, alpha=0.15, lw=0)
            if p[:, 6].min() >= 4:
                ax.fill_between(p[:, 0], p[:, 2], p[:, 4], color=c, alpha=0.3, lw=0)
            seeds = int(p[:, 6].max())
            ax.plot(p[:, 0], p[:, 3], marker="o", ms=4, color=c, label=f"{label} (n≤{seeds} seeds)")
            lines.append({"variant": dict(zip(variant_axes, var)), "x": xlabels,
                          "median": p[:, 3].tolist(), "min": p[:, 1].tolist(), "max": p[:, 5].tolist(),
                          "seeds": [int(n) for n in p[:, 6]]})
        if not numeric_x:
            ax.set_xticks(list(xpos.values()))
            ax.set_xticklabels(xs_all, rotation=30, ha="right")
        ax.set_xlabel(x_axis)
        ax.set_ylabel(metric)
        ax.set_title(f"{metric} against {x_axis}\nmedian over seeds; band: min–max (and IQR from 4 seeds)",
                     fontsize=10)
        ax.grid(True, alpha=0.3)
        if lines:
            ax.legend(fontsize=8)
        name = file_name(metric)
        save(fig, out_dir, name, made)
        report["metrics"][metric] = {"files": made[-1]["files"], "lines": lines}
    report["plots"] = made
    with open(os.path.join(out_dir, "plots.json"), "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    for m in made:
        log("wrote " + ", ".join(os.path.join(out_dir, f) for f in m["files"]))
    log("wrote " + os.path.join(out_dir, "plots.json"))
    return 0
