"""The processes figure of one svcsim run (used by svcsim_plots.plot_run): each process's thread, second by
second, from results.sqlite's process_series: the share of the second it had work (busy), and the most events
waiting for it (ready queue). The instances of one service type are one line, their busiest instance in each
second, so the 0-100 % scale and the saturation threshold keep their meaning. Nothing is drawn when the run
has no process data (a model with "process": {"cpu": false})."""
import os
import sqlite3

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from svcsim_plots import C_BAD, TYPE_COLORS, instance_type, save, shade_faults  # noqa: E402

SATURATED_BUSY_SHARE = 0.95  # src/metrics/process_report.hpp
OTHER_COLORS = {"load-balancer": "#333333", "client": "#7f7f7f", "service-registry": "#8c564b",
                "fault-detector": "#e377c2"}
SPARE_COLORS = ("#bcbd22", "#2ca02c", "#ff7f0e", "#aec7e8")


def load_process_series(run_dir):
    """{process: [(second, busy_share, ready_max), ...]} in second order, or None without the table."""
    path = os.path.join(run_dir, "results.sqlite")
    if not os.path.isfile(path):
        return None
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'process_series'").fetchone():
            return None
        rows = db.execute("SELECT process, second, busy_share, ready_max FROM process_series "
                          "ORDER BY process, second").fetchall()
    finally:
        db.close()
    out = {}
    for proc, sec, busy, ready in rows:
        out.setdefault(proc, []).append((int(sec), float(busy or 0.0), int(ready or 0)))
    return out


def groups_of(summary):
    """[(group, [process, ...])] in summary order: one group per service type, one per other process."""
    instances = set(summary.get("by_instance") or {})
    groups = {}
    for name in summary["processes"]:
        groups.setdefault(instance_type(name) if name in instances else name, []).append(name)
    return list(groups.items())


def plot_processes(run, out_dir, made, report):
    procs = run.summary.get("processes")
    if not isinstance(procs, dict) or not procs:
        return
    series = load_process_series(run.dir)
    if series is None:
        return
    capacity = run.summary.get("capacity") or {}
    last = max([r[0] for rows in series.values() for r in rows], default=0)
    n = max(last + 1, int(np.ceil(run.t_end)) if run.t_end else 0, 1)
    t = np.arange(n) + 0.5  # a row is the second [second, second + 1)

    fig, (a1, a2) = plt.subplots(2, 1, figsize=(12, 7), sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    windows = run.fault_windows()
    window = capacity.get("load_window_s")
    if isinstance(window, list) and len(window) == 2 and window[1] > window[0]:
        for ax in (a1, a2):
            ax.axvspan(window[0], window[1], color="#9ca3af", alpha=0.15, lw=0,
                       label="load window" if ax is a1 else None)
    spare = iter(SPARE_COLORS * 10)
    shown = {}
    for group, members in groups_of(run.summary):
        busy, ready = np.zeros(n), np.zeros(n)
        for m in members:
            for sec, b, r in series.get(m, []):
                if sec < n:
                    busy[sec] = max(busy[sec], b)
                    ready[sec] = max(ready[sec], r)
        share = max(float(procs[m].get("load_busy_share") or 0.0) for m in members)
        sat = [procs[m]["saturated_at_s"] for m in members if procs[m].get("saturated_at_s") is not None]
        color = TYPE_COLORS.get(group) or OTHER_COLORS.get(group) or next(spare)
        label = f"{group}{f', busiest of {len(members)}' if len(members) > 1 else ''}: {share * 100:.2f}%"
        a1.plot(t, busy * 100, color=color, lw=1.3, label=label)
        a2.plot(t, ready, color=color, lw=1.2, drawstyle="steps-mid")
        if sat:
            first = int(min(sat))
            a1.plot([first + 0.5], [busy[first] * 100 if first < n else 100], "v", color=color, ms=8, mec="#000",
                    mew=0.8)
        shown[group] = {"members": members, "load_busy_share": share,
                        "peak_busy_share": float(busy.max()), "max_ready": int(ready.max()),
                        "saturated_at_s": min(sat) if sat else None}
    hi = max([v["peak_busy_share"] for v in shown.values()], default=0) * 100
    a1.set_ylim(0, 102 if hi >= 80 else max(hi * 1.15, 1.0))
    if hi >= 80:
        a1.axhline(SATURATED_BUSY_SHARE * 100, color=C_BAD, ls="--", lw=1.1,
                   label=f"saturated (≥ {SATURATED_BUSY_SHARE * 100:g}% busy; ▼ first second)")
    else:  # the threshold line would be off the axis: say where it is
        a1.annotate(f"saturation threshold {SATURATED_BUSY_SHARE * 100:g}% is above this axis", (1.0, 1.0),
                    xycoords="axes fraction", xytext=(-4, -12), textcoords="offset points", ha="right",
                    fontsize=8, color=C_BAD)
    shade_faults(a1, windows, label_top=True)
    shade_faults(a2, windows)
    busiest = capacity.get("busiest_process")
    title = f"{run.summary.get('scenario')} (seed {run.summary.get('seed')}): process threads"
    if busiest:
        sat = capacity.get("busiest_saturated_at_s")
        title += f"; busiest: {busiest}, " + (f"saturated at {sat:g} s" if sat is not None else "never saturated")
    fig.suptitle(title, fontsize=11)
    a1.set_title("Busy: share of each second the thread had work (running or waiting for a core)", loc="left",
                 fontsize=10)
    a1.set_ylabel("busy (% of each second)")
    a1.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False,
              title="busy over the load window", title_fontsize=8)
    a1.grid(True, alpha=0.3)
    a2.set_title("Ready queue: most events waiting for the thread in each second", loc="left", fontsize=10)
    a2.set_ylabel("events waiting (max)")
    a2.set_xlabel("simulated time (s)")
    a2.set_ylim(0, max(1.0, max([v["max_ready"] for v in shown.values()], default=0) * 1.1))
    a2.grid(True, alpha=0.3)
    a2.set_xlim(0, n)
    save(fig, out_dir, "processes", made)
    report["processes"] = {"groups": shown, "busiest_process": busiest,
                           "busiest_saturated_at_s": capacity.get("busiest_saturated_at_s"),
                           "rows": sum(len(v) for v in series.values())}
