"""Plots of one svcsim run directory (docs/outputs.md): latency ECDF/CCDF, per-second percentiles and
throughput with fault windows shaded, per-instance request share, the failover timeline (one lane per
instance: its true process state and its state as the registry, the balancer and the detector saw it), and
when the run has process data, each process's busy share and ready queue per second.
Writes RUN_DIR/plots/*.png, *.svg and plots.json (the numbers shown, for tests to compare with summary.json)."""
import json
import math
import os
import sqlite3

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# Same colours as the C++ report (src/report/charts.cpp), so a reader sees one vocabulary.
C_OK, C_BAD, C_HUNG, C_DEGRADED, C_UNKNOWN = "#2ca02c", "#d62728", "#ff7f0e", "#bcbd22", "#c7c7c7"
C_P50, C_P95, C_P99 = "#1f77b4", "#ff7f0e", "#d62728"
TYPE_COLORS = {"auth": "#1f77b4", "data": "#9467bd", "compute": "#17becf"}
QUANTILES = (50, 95, 99)
VIEWS = ("process", "registry", "balancer", "detector")

# SVG bytes must not change from one run of the script to the next (diffable artefacts).
plt.rcParams["svg.hashsalt"] = "svcsim"
plt.rcParams["figure.dpi"] = 100


def write_atomic(path, write):
    """write(tmp_path) then rename onto path: a reader sees the old file or the new one, never half of one."""
    tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_json_atomic(path, obj):
    """obj as indented JSON with a final newline, through write_atomic."""
    def write(tmp):
        with open(tmp, "w") as f:
            json.dump(obj, f, indent=2)
            f.write("\n")

    write_atomic(path, write)


def save(fig, out_dir, name, made):
    """NAME.png (without Software) and NAME.svg (without Date and Creator): the same bytes from run to run, each
    written to a temporary name and renamed into place."""
    files = []
    for ext, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
        write_atomic(os.path.join(out_dir, f"{name}.{ext}"),
                     lambda tmp: fig.savefig(tmp, format=ext, metadata=meta, bbox_inches="tight"))
        files.append(f"{name}.{ext}")
    plt.close(fig)
    made.append({"kind": name, "files": files})


def round6(x):
    """The C++ summary's rounding, std::round(x * 1e6) / 1e6 (half away from zero), bit for bit: Python's
    round() rounds the decimal value half to even and can differ in the last digit."""
    y = x * 1e6
    f = math.floor(abs(y))
    r = f + 1 if abs(y) - f >= 0.5 else f
    r = math.copysign(r, y) / 1e6
    return 0.0 if r == 0 else r


# ---------------------------------------------------------------------------------------------------------
# Loading

class Run:
    def __init__(self, run_dir):
        self.dir = run_dir
        with open(os.path.join(run_dir, "summary.json")) as f:
            self.summary = json.load(f)
        db = sqlite3.connect(f"file:{os.path.join(run_dir, 'results.sqlite')}?mode=ro", uri=True)
        # Every request that ended (latency_ms is NULL only for requests still pending at the end).
        self.latency = np.array([r[0] for r in db.execute(
            "SELECT latency_ms FROM requests WHERE latency_ms IS NOT NULL ORDER BY id")], dtype=float)
        cols = ("second", "sent", "completed", "success", "failed", "mean_ms", "p50_ms", "p95_ms", "p99_ms")
        rows = db.execute(f"SELECT {', '.join(cols)} FROM series ORDER BY second").fetchall()
        self.series = {c: np.array([np.nan if r[i] is None else r[i] for r in rows], dtype=float)
                       for i, c in enumerate(cols)}
        self.events = db.execute("SELECT at_s, component, kind, subject, detail FROM events ORDER BY id").fetchall()
        db.close()
        self.t_end = float(self.summary.get("sim_time_s") or 0.0)

    def fault_windows(self):
        """(start, end, label) per injected fault, from the injector's events; a fault without an end event
        lasts to the end of the run; a restart is an instant (start == end)."""
        wins = []
        for at, _comp, kind, subject, detail in self.events:
            if not kind.startswith("fault.") or kind.endswith("_end"):
                continue
            what = kind[len("fault."):]
            target = subject or detail
            end = self.t_end
            if what == "restart":
                end = at
            for at2, _c2, kind2, subject2, detail2 in self.events:
                if at2 >= at and kind2 == kind + "_end" and (subject2 or detail2) == target:
                    end = at2
                    break
            wins.append((at, end, f"{what} {target}"))
        return wins


def log_x_axis(ax, lo, hi):
    """A log x axis with plain-number labels; over less than a decade or two the minor ticks are labelled
    too, since a 200-360 ms range would otherwise show only "2x10^2" and "3x10^2"."""
    from matplotlib.ticker import FuncFormatter, LogLocator
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    plain = FuncFormatter(lambda v, _: f"{v:g}")
    ax.xaxis.set_major_formatter(plain)
    if hi / lo < 30:
        ax.xaxis.set_minor_locator(LogLocator(base=10, subs=(1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0)))
        ax.xaxis.set_minor_formatter(plain)
        ax.tick_params(axis="x", which="minor", labelsize=8)
    else:
        ax.xaxis.set_minor_locator(LogLocator(base=10, subs=(2.0, 5.0)))
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.tick_params(axis="x", which="minor", labelsize=7)


def shade_faults(ax, windows, label_top=False):
    for i, (a, b, label) in enumerate(windows):
        if b > a:
            ax.axvspan(a, b, color=C_BAD, alpha=0.12, lw=0, label="fault window" if i == 0 else None)
        ax.axvline(a, color=C_BAD, lw=1.2, ls="--")
        if label_top:
            ax.annotate(label, (a, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -10),
                        textcoords="offset points", fontsize=8, color=C_BAD)


# ---------------------------------------------------------------------------------------------------------
# Latency ECDF

def plot_ecdf(run, out_dir, made, report):
    x = np.sort(run.latency)
    n = len(x)
    pct = {f"p{q}": float(np.percentile(x, q, method="inverted_cdf")) for q in QUANTILES} if n else {}
    report["latency_ms"] = {"n": n, **{k: round6(v) for k, v in pct.items()}}
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.5))
    if n:
        y = np.arange(1, n + 1) / n
        # ECDF as a step function of the sorted samples (matplotlib 3.6 has no Axes.ecdf).
        a1.step(x, y, where="post", color="#333333", lw=1.4, label=f"ECDF ({n} requests)")
        # CCDF for the tail: P(latency > x), down to 1/n.
        ccdf = 1.0 - np.arange(0, n) / n
        a2.step(x, ccdf, where="post", color="#333333", lw=1.4, label="CCDF")
        for (name, v), c in zip(pct.items(), (C_P50, C_P95, C_P99)):
            q = int(name[1:]) / 100.0
            for ax, yv in ((a1, q), (a2, 1.0 - q)):
                ax.axvline(v, color=c, ls="--", lw=1)
                ax.plot([v], [yv], "o", color=c, ms=5, label=f"{name} = {v:.3f} ms" if ax is a1 else None)
        # 3% of the span on each side, in log space, so a narrow 300-314 ms band fills the axis.
        lo = np.log10(max(x[0], 1e-9))
        hi = np.log10(x[-1]) if x[-1] > x[0] else lo + np.log10(1.1)
        pad = (hi - lo) * 0.03
        for ax in (a1, a2):
            log_x_axis(ax, 10 ** (lo - pad), 10 ** (hi + pad))
            ax.set_xlabel("latency (ms, log scale)")
            ax.grid(True, which="both", alpha=0.3)
        a2.set_yscale("log")
        a2.set_ylim(0.5 / n, 1.5)
    a1.set_ylabel("fraction of requests ≤ x")
    a1.set_title("Latency ECDF (every ended request; nearest-rank percentiles)")
    a2.set_ylabel("fraction of requests > x")
    a2.set_title("Latency CCDF (tail)")
    if n:
        a1.legend(loc="lower right", fontsize=9)
    else:
        a1.text(0.5, 0.5, "no request ended", transform=a1.transAxes, ha="center")
    fig.suptitle(f"{run.summary.get('scenario')} (seed {run.summary.get('seed')})", fontsize=10)
    save(fig, out_dir, "latency_ecdf", made)
    return pct


# ---------------------------------------------------------------------------------------------------------
# Per-second percentiles and throughput

def plot_series(run, out_dir, made, report):
    s = run.series
    windows = run.fault_windows()
    report["fault_windows"] = [{"from_s": a, "to_s": b, "label": l} for a, b, l in windows]
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(12, 7), sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    t = s["second"] + 0.5  # a row counts what ended within [second, second + 1)
    for key, c in (("p50_ms", C_P50), ("p95_ms", C_P95), ("p99_ms", C_P99)):
        a1.plot(t, s[key], color=c, lw=1.3, marker=".", ms=3, label=key.replace("_ms", ""))
    vals = np.concatenate([s[k][~np.isnan(s[k])] for k in ("p50_ms", "p99_ms")]) if len(t) else np.array([])
    if len(vals) and vals.min() > 0 and vals.max() / vals.min() > 20:
        a1.set_yscale("log")  # a hang's 10 s attempts would flatten the normal 200 ms band
        from matplotlib.ticker import FuncFormatter, LogLocator
        a1.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        a1.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    a1.set_ylabel("latency (ms), by second ended")
    a1.set_title("Latency percentiles per second (nearest rank), fault windows shaded", loc="right", fontsize=11)
    shade_faults(a1, windows, label_top=True)
    # Above the axes: inside, it would hide the fault labels and the lines near the top.
    a1.legend(loc="lower left", bbox_to_anchor=(0, 1.0), fontsize=8, ncol=4, frameon=False)
    a1.grid(True, alpha=0.3)

    a2.plot(t, s["sent"], color="#7f7f7f", lw=1, ls=":", label="sent")
    a2.plot(t, s["completed"], color="#333333", lw=1.3, label="completed")
    a2.plot(t, s["success"], color=C_OK, lw=1, label="success")
    a2.bar(s["second"] + 0.5, s["failed"], width=0.9, color=C_BAD, alpha=0.8, label="failed")
    a2.set_ylabel("requests per second")
    a2.set_xlabel("simulated time (s)")
    a2.set_title("Throughput per second", loc="right", fontsize=11)
    shade_faults(a2, windows)
    a2.legend(loc="lower left", bbox_to_anchor=(0, 1.0), fontsize=8, ncol=5, frameon=False)
    a2.grid(True, alpha=0.3)
    a2.set_ylim(0, max(1.0, float(np.nanmax(np.maximum(s["sent"], s["completed"]))) if len(t) else 1.0) * 1.1)
    if len(t):
        a2.set_xlim(s["second"][0], s["second"][-1] + 1)
    save(fig, out_dir, "latency_throughput", made)
    report["series"] = {"seconds": int(len(t)), "completed": int(np.nansum(s["completed"])) if len(t) else 0}


# ---------------------------------------------------------------------------------------------------------
# Per-instance share

def instance_type(name):
    return name.split("-", 1)[0]


def plot_instance_share(run, out_dir, made, report):
    by = run.summary.get("by_instance", {})
    names = list(by)
    served = np.array([by[n]["served"] for n in names], dtype=float)
    failed = np.array([by[n]["failed"] for n in names], dtype=float)
    total = served.sum()
    share = served / total * 100 if total else np.zeros(len(names))
    report["instance_share"] = {n: {"served": int(a), "failed": int(b), "share_pct": round(float(p), 3)}
                                for n, a, b, p in zip(names, served, failed, share)}
    fig, ax = plt.subplots(figsize=(max(8, 0.45 * len(names) + 3), 4.5))
    pos = np.arange(len(names))
    colors = [TYPE_COLORS.get(instance_type(n), "#7f7f7f") for n in names]
    ax.bar(pos, served, color=colors)
    ax.bar(pos, failed, bottom=served, color=C_BAD, hatch="//", alpha=0.7)
    from matplotlib.patches import Patch
    handles = [Patch(color=TYPE_COLORS[t], label=f"{t}: attempts answered") for t in TYPE_COLORS
               if any(instance_type(n) == t for n in names)]
    handles.append(Patch(facecolor=C_BAD, alpha=0.7, hatch="//", label="failed attempts"))
    for i in range(len(names)):
        if served[i] + failed[i] > 0:
            ax.annotate(f"{share[i]:.1f}%", (pos[i], served[i] + failed[i]), xytext=(0, 2),
                        textcoords="offset points", ha="center", fontsize=8)
    ax.set_xticks(pos)
    ax.set_xticklabels(names, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("attempts")
    ax.set_title("Per-instance request share (label: share of all answered attempts)")
    ax.legend(handles=handles, fontsize=8)
    ax.set_ylim(0, max(1.0, float((served + failed).max(initial=0))) * 1.15)
    ax.grid(True, axis="y", alpha=0.3)
    save(fig, out_dir, "instance_share", made)


# ---------------------------------------------------------------------------------------------------------

def plot_run(run_dir, log):
    """Makes every run plot; returns 0, or 1 when the ECDF's percentiles disagree with summary.json."""
    run = Run(run_dir)
    out_dir = os.path.join(run_dir, "plots")
    os.makedirs(out_dir, exist_ok=True)
    made, report = [], {"mode": "run", "run_dir": os.path.abspath(run_dir),
                        "scenario": run.summary.get("scenario"), "seed": run.summary.get("seed")}
    plot_ecdf(run, out_dir, made, report)
    plot_series(run, out_dir, made, report)
    plot_instance_share(run, out_dir, made, report)
    import svcsim_timeline_plot  # here, not at the top: it imports this module

    svcsim_timeline_plot.plot_timeline(run, out_dir, made, report)
    import svcsim_process_plot

    svcsim_process_plot.plot_processes(run, out_dir, made, report)  # nothing when the run has no process data
    report["plots"] = made

    want = (run.summary.get("requests") or {}).get("latency_ms") or {}
    report["summary_latency_ms"] = {f"p{q}": want.get(f"p{q}") for q in QUANTILES}
    agree = all(report["latency_ms"].get(k) == v for k, v in report["summary_latency_ms"].items())
    report["agrees_with_summary"] = agree
    write_json_atomic(os.path.join(out_dir, "plots.json"), report)
    for q in QUANTILES:
        k = f"p{q}"
        got, exp = report["latency_ms"].get(k), report["summary_latency_ms"][k]
        log(f"check: ECDF {k} = {got} ms, summary.json requests.latency_ms.{k} = {exp}: "
            f"{'ok' if got == exp else 'MISMATCH'}")
    for m in made:
        log("wrote " + ", ".join(os.path.join(out_dir, f) for f in m["files"]))
    log("wrote " + os.path.join(out_dir, "plots.json"))
    return 0 if agree else 1
