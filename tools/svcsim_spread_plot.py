"""Plots of a spread over seeds (DIR/spread.json and DIR/seed-N/summary.json, as `svcsim run SCENARIO --seeds A..B`
writes them): one small panel per key metric (latency p50 / p95 / p99 / max, failed requests, retries, each fault's
detection times), each seed's value as a dot, the mean as a line and the 5-95 % band shaded. The band is
recomputed here from the seeds' summaries (nearest rank: numpy's inverted_cdf) and must equal spread.json's, as
the ECDF's percentiles must equal summary.json's. Writes DIR/plots/spread.png / .svg and plots.json."""
import json
import math
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from svcsim_plots import save, write_json_atomic  # noqa: E402

KEYS = [("requests", "latency_ms", "p50"), ("requests", "latency_ms", "p95"), ("requests", "latency_ms", "p99"),
        ("requests", "latency_ms", "max"), ("requests", "failed"), ("load_balancer", "retries")]
FAULT_KEYS = ["registry_unhealthy_at_s", "lb_excluded_at_s", "detector_alert_at_s", "failed_requests"]


def at(tree, path):
    for k in path:
        if isinstance(tree, dict) and k in tree:
            tree = tree[k]
        elif isinstance(tree, list) and isinstance(k, int) and k < len(tree):
            tree = tree[k]
        else:
            return None
    return tree


def label(path):
    out = ""
    for k in path:
        out += f"[{k}]" if isinstance(k, int) else ("." if out else "") + k
    return out


def plot_spread(spread_dir, log):
    """Returns 0, or 1 when a band recomputed from the seeds' summaries differs from spread.json's."""
    with open(os.path.join(spread_dir, "spread.json")) as f:
        spread = json.load(f)
    summaries = []
    for run in spread["runs"]:
        with open(os.path.join(spread_dir, run, "summary.json")) as f:
            summaries.append(json.load(f))
    paths = list(KEYS)
    for i, _ in enumerate(at(spread["metrics"], ("faults",)) or []):
        paths += [("faults", i, k) for k in FAULT_KEYS]
    panels = []
    for path in paths:
        stats = at(spread["metrics"], path)
        values = [at(s, path) for s in summaries]
        nums = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if not isinstance(stats, dict) or not nums:
            continue
        p5, p95 = (float(v) for v in np.percentile(nums, [5, 95], method="inverted_cdf"))
        panels.append({"metric": label(path), "values": values, "mean": stats["mean"], "p5": stats["p5"],
                       "p95": stats["p95"], "min": stats["min"], "max": stats["max"], "n": stats["n"],
                       "agrees_with_spread": p5 == stats["p5"] and p95 == stats["p95"] and len(nums) == stats["n"]})
    out_dir = os.path.join(spread_dir, "plots")
    os.makedirs(out_dir, exist_ok=True)
    made = []
    cols = 3
    rows = max(1, math.ceil(len(panels) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(13, 1.9 * rows + 0.8), squeeze=False)
    for ax, p in zip(axes.flat, panels):
        nums = [v for v in p["values"] if v is not None]
        ax.axvspan(p["p5"], p["p95"], color="#1f77b4", alpha=0.2, lw=0, label="5–95 % band")
        ax.axvline(p["mean"], color="#1f77b4", lw=2, label="mean")
        ax.plot(nums, [0.5 + 0.25 * math.sin(7.0 * i) for i in range(len(nums))], "o", ms=4, color="#333333",
                label="a seed")
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        lo, hi = min(nums), max(nums)
        pad = (hi - lo) * 0.15 or max(abs(hi) * 0.01, 0.5)
        ax.set_xlim(lo - pad, hi + pad)
        ax.set_title(f"{p['metric']}  (n={p['n']})", fontsize=9)
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    if panels:  # one legend for all panels, outside them, so it hides no seed
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, fontsize=8, loc="lower center", ncol=3, frameon=False)
    fig.suptitle(f"{spread.get('scenario')}: spread over {len(spread['seeds'])} seeds ({spread.get('seed_list')}); "
                 "band: 5–95 % (nearest rank; min–max below 20 seeds), the simulator's own randomness", fontsize=10)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    save(fig, out_dir, "spread", made)
    agree = all(p["agrees_with_spread"] for p in panels)
    write_json_atomic(os.path.join(out_dir, "plots.json"),
                      {"mode": "spread", "spread_dir": os.path.abspath(spread_dir), "seeds": spread["seeds"],
                       "panels": panels, "plots": made, "agrees_with_spread": agree})
    for p in panels:
        log(f"check: {p['metric']} band [{p['p5']}, {p['p95']}] recomputed from the seeds: "
            f"{'ok' if p['agrees_with_spread'] else 'MISMATCH'}")
    log("wrote " + ", ".join(os.path.join(out_dir, f) for f in made[-1]["files"]))
    log("wrote " + os.path.join(out_dir, "plots.json"))
    return 0 if agree else 1
