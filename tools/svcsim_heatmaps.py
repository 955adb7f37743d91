"""Heatmaps of a collected svcsim sweep (used by svcsim_sweep_plots.plot_sweep): when two or more swept axes vary
independently, one heatmap per key metric, x the line plots' x axis, y the next axis, each cell the mean over
its seeds (annotated), a colour bar with the unit; with more axes, one file per combination of the other
values on one colour scale. Each figure also goes out as the CSV grid it draws."""
import csv
import math
import os
import re
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from svcsim_sweep_plots import file_name, number, save_atomic, write_atomic  # noqa: E402

SUCCESS_RATE = "requests.success_rate"  # derived per run: 100 * requests.success / requests.total
FAULT_METRIC = re.compile(r"^faults(\[\d+\]|\.\d+)\.(registry_unhealthy_at_s|lb_excluded_at_s|detector_alert_at_s|"
                          r"failed_requests)$")
# The key metrics drawn as heatmaps by default (when their columns are there), in this order, then every
# fault's detection times and failed requests.
KEY_METRICS = ("requests.latency_ms.p99", "requests.latency_ms.p50", SUCCESS_RATE, "requests.achieved_rps")
FAULT_LABELS = {"registry_unhealthy_at_s": "registry marked unhealthy at",
                "lb_excluded_at_s": "balancer excluded at",
                "detector_alert_at_s": "detector alert at",
                "failed_requests": "failed requests"}


def derivable(metric, columns):
    return metric == SUCCESS_RATE and "requests.success" in columns and "requests.total" in columns


def default_heatmap_metrics(columns):
    key = [m for m in KEY_METRICS if m in columns or derivable(m, columns)]
    return key + [c for c in columns if FAULT_METRIC.match(c)]


def metric_value(row, metric):
    if metric == SUCCESS_RATE and metric not in row:
        ok, total = number(row.get("requests.success")), number(row.get("requests.total"))
        return 100.0 * ok / total if ok is not None and total else None
    return number(row.get(metric))


def describe(metric):
    """(what it is, unit) for titles and colour bars."""
    m = FAULT_METRIC.match(metric)
    if m:
        k = re.sub(r"\D", "", m.group(1))
        what = f"fault {k}: {FAULT_LABELS[m.group(2)]}"
        return what, ("requests" if m.group(2) == "failed_requests" else "s")
    q = re.match(r"^requests\.latency_ms\.(\w+)$", metric)
    if q:
        return f"{q.group(1)} latency", "ms"
    if metric == SUCCESS_RATE:
        return "success rate", "%"
    if metric == "requests.achieved_rps":
        return "achieved throughput", "requests/s"
    if metric.startswith("requests.") or metric.startswith("load_balancer."):
        return metric, "requests"
    if metric.endswith("_ms"):
        return metric, "ms"
    if metric.endswith("_s"):
        return metric, "s"
    if metric.endswith("rps"):
        return metric, "requests/s"
    return metric, ""


def spread_decimals(lo, hi):
    """Decimals that tell apart values spread over [lo, hi] (two significant digits of the spread)."""
    return math.ceil(-math.log10(hi - lo)) + 1 if hi > lo else 0


def cell_text(v, at_least=0):
    """A cell's value: 4 significant digits, or more decimals (at_least) when the map's values are closer
    than that; 6 decimals at most, trailing zeros dropped."""
    if v == 0:
        return "0"
    decimals = min(6, max(0, at_least, 3 - math.floor(math.log10(abs(v)))))
    s = f"{v:.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def slug(text):
    return re.sub(r"[^A-Za-z0-9.+-]+", "_", text).strip("_") or "_"


def value_key(v):
    return (number(v) is None, number(v) or 0, v)


def heatmap_axes(rows, axes, x_axis):
    """(independent axes, x first; {axis whose value follows from them (zipped): the axis it follows}). An axis is
    independent when it splits the runs further than the axes taken before it; the whole table (failed runs too)
    decides."""
    varying = [a for a in axes if len({r[a] for r in rows}) > 1]
    order = ([x_axis] if x_axis in varying else []) + [a for a in varying if a != x_axis]
    chosen, follows = [], {}

    def distinct(cols):
        return len({tuple(r[c] for c in cols) for r in rows})
    for a in order:
        if chosen and distinct(chosen + [a]) == distinct(chosen):
            by = [c for c in chosen if distinct([c, a]) == distinct([c])]
            follows[a] = by[0] if by else " and ".join(chosen)
        else:
            chosen.append(a)
    return chosen, follows


def plot_heatmaps(rows, good, axes, x_axis, metrics, out_dir, made, log):
    """One heatmap per metric (per combination of the third and later axes), cells = mean over the successful
    runs of the cell (its seeds); returns plots.json's "heatmaps" section, with every number drawn."""
    independent, follows = heatmap_axes(rows, axes, x_axis)
    if len(independent) < 2:
        return None  # one parameter: the line plots say it all
    hx, hy, facet_axes = independent[0], independent[1], independent[2:]
    xs = sorted({r[hx] for r in rows}, key=value_key)
    ys = sorted({r[hy] for r in rows}, key=value_key)
    facets = sorted({tuple(r[a] for a in facet_axes) for r in rows},
                    key=lambda t: tuple(value_key(v) for v in t))
    good_ids = {id(r) for r in good}
    by_cell = {}  # (facet values, y, x) -> runs, in table order
    for r in rows:
        by_cell.setdefault((tuple(r[a] for a in facet_axes), r[hy], r[hx]), []).append(r)
    section = {"x": hx, "y": hy, "facet_axes": facet_axes, "follow_axes": follows,
               "cell": "mean over the cell's successful runs (its seeds) of the runs' values; null: no value",
               "metrics": {}}
    used_names = set()
    for metric in metrics:
        what, unit = describe(metric)
        panels = []
        for fv in facets:
            mean, n, runs_ok, runs = ([[None] * len(xs) for _ in ys] for _ in range(4))
            for iy, yv in enumerate(ys):
                for ix, xv in enumerate(xs):
                    cell = by_cell.get((fv, yv, xv), [])
                    ok_runs = [r for r in cell if id(r) in good_ids]
                    vals = [v for v in (metric_value(r, metric) for r in ok_runs) if v is not None]
                    runs[iy][ix], runs_ok[iy][ix], n[iy][ix] = len(cell), len(ok_runs), len(vals)
                    mean[iy][ix] = math.fsum(vals) / len(vals) if vals else None
            panels.append({"facet": dict(zip(facet_axes, fv)), "mean": mean, "n": n, "runs_ok": runs_ok,
                           "runs": runs})
        finite = [v for p in panels for row in p["mean"] for v in row if v is not None]
        if not finite:
            log(f"note: no heatmap of {metric}: no run has a value")
            continue
        vmin, vmax = min(finite), max(finite)
        for k, p in enumerate(panels):
            name = "sweep_heatmap_" + file_name(metric)[len("sweep_"):]
            for a, v in p["facet"].items():
                name += f"__{slug(a)}_{slug(v)}"
            base, j = name, 2
            while name in used_names:  # two values with the same slug: still distinct, stable names
                name, j = f"{base}_{j}", j + 1
            used_names.add(name)
            p["labels"] = draw_heatmap(metric, metric not in rows[0], what, unit, p, xs, ys, hx, hy, follows,
                                       vmin, vmax, (k, len(panels)), out_dir, name, made)
            p["files"] = made[-1]["files"]
            p["data"] = made[-1]["data"][0]
        section["metrics"][metric] = {"what": what, "unit": unit, "x_values": xs, "y_values": ys,
                                      "vmin": vmin, "vmax": vmax, "panels": panels}
    return section


def draw_heatmap(metric, derived, what, unit, panel, xs, ys, hx, hy, follows, vmin, vmax, nth, out_dir, name,
                 made):
    nx, ny = len(xs), len(ys)
    never = "never" if metric.endswith("_at_s") else "no value"
    labels = [[None] * nx for _ in ys]
    for iy in range(ny):
        for ix in range(nx):
            m, n, ok, runs = (panel[k][iy][ix] for k in ("mean", "n", "runs_ok", "runs"))
            if runs == 0:
                text = "no run"
            elif ok == 0:
                text = "failed"
            elif n == 0:
                text = never
            else:
                text = cell_text(m, spread_decimals(vmin, vmax)) + (f"\n({n} of {ok} runs)" if n < ok else "")
            labels[iy][ix] = text

    data = np.ma.masked_invalid(np.array([[np.nan if v is None else v for v in row] for row in panel["mean"]],
                                         dtype=float))
    lo, hi = vmin, vmax
    if hi == lo:  # one value everywhere: a colour bar around it
        pad = abs(lo) * 0.01 or 1.0
        lo, hi = lo - pad, hi + pad
    norm = matplotlib.colors.Normalize(vmin=lo, vmax=hi)
    cmap = plt.get_cmap("viridis")
    fig, ax = plt.subplots(figsize=(min(18.0, max(6.0, 3.0 + 1.0 * nx)), min(14.0, max(4.4, 2.2 + 0.6 * ny))))
    ax.set_facecolor("#e6e6e6")  # cells without a value
    mesh = ax.pcolormesh(np.arange(nx + 1) - 0.5, np.arange(ny + 1) - 0.5, data, cmap=cmap, norm=norm,
                         edgecolors="white", linewidth=1.0)
    size = 9 if max(nx, ny) <= 8 else max(5.0, 9 - 0.25 * (max(nx, ny) - 8))
    for iy in range(ny):
        for ix in range(nx):
            m = panel["mean"][iy][ix]
            if m is None:
                color = "#555555"
            else:
                r, g, b, _ = cmap(norm(m))
                color = "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"
            t = ax.text(ix, iy, labels[iy][ix], ha="center", va="center", color=color, fontsize=size)
            t.set_gid(f"cell_{iy}_{ix}")  # the SVG keeps it: <g id="cell_Y_X"><!-- the text -->
    ax.set_xticks(range(nx))
    ax.set_xticklabels(xs, rotation=30 if max(len(v) for v in xs) > 6 else 0,
                       ha="right" if max(len(v) for v in xs) > 6 else "center")
    ax.set_yticks(range(ny))
    ax.set_yticklabels(ys)
    ax.set_xlim(-0.5, nx - 0.5)
    ax.set_ylim(-0.5, ny - 0.5)
    ax.set_xlabel(hx)
    ax.set_ylabel(hy)
    cb = fig.colorbar(mesh, ax=ax)
    cb.formatter.set_useOffset(False)  # 52.001 ... 52.005, not 0.001 ... 0.005 and "+5.2e1" over the title
    cb.update_ticks()
    short = what.split(": ", 1)[-1]  # "fault 0: detector alert at" -> "detector alert at"; the title has it all
    cb.set_label(textwrap.fill(f"{short} ({unit})" if unit else short, 40))
    counts = {c for row in panel["runs_ok"] for c in row if c}
    most = max(counts, default=0)
    source = "100 × requests.success / requests.total per run" if derived else metric
    if most > 1:
        over = "mean over the seeds of each cell " + (f"({most})" if len(counts) == 1 else f"(up to {most})")
    else:
        over = "one run per cell"
    title = [what + (" (s, simulated clock)" if metric.endswith("_at_s") else f" ({unit})" if unit else ""),
             f"{source}, {over}"]
    if panel["facet"]:
        title.append(", ".join(f"{a} = {v}" for a, v in panel["facet"].items())
                     + f" (panel {nth[0] + 1} of {nth[1]}, same colours)")
    for a, by in follows.items():
        title.append(f"{a} moves with {by} (zipped)")
    ax.set_title("\n".join(textwrap.fill(t, 72) for t in title), fontsize=10)
    save_atomic(fig, out_dir, name, made)

    facet_cols = list(panel["facet"])

    def write_grid(tmp):
        with open(tmp, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(facet_cols + [hy, hx, "mean", "n", "runs_ok", "runs", "label"])
            for iy, yv in enumerate(ys):
                for ix, xv in enumerate(xs):
                    m = panel["mean"][iy][ix]
                    w.writerow(list(panel["facet"].values()) + [yv, xv, "" if m is None else repr(m),
                               panel["n"][iy][ix], panel["runs_ok"][iy][ix], panel["runs"][iy][ix],
                               labels[iy][ix].replace("\n", " ")])
    write_atomic(os.path.join(out_dir, f"{name}.csv"), write_grid)
    made[-1]["data"] = [f"{name}.csv"]
    return labels
