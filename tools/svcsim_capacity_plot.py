"""The capacity figure of a collected svcsim sweep (used by svcsim_sweep_plots.plot_sweep) whose axes are the offered
load (/workloads/0/rps) and the deployment (/deployment/...): three panels against the offered load (log x):
latency p50 / p95 / p99 (log y), the success share (success / total) and the achieved throughput with the y = x
line; one line per deployment, the mean over seeds with a 5-95 % band (nearest rank: min-max below 20 seeds).
Writes sweep_capacity.png / .svg and returns the numbers drawn (for plots.json)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator  # noqa: E402

from svcsim_plots import log_x_axis, save  # noqa: E402
from svcsim_sweep_plots import number  # noqa: E402

RPS_AXIS = "/workloads/0/rps"
DEPLOYMENT_PREFIX = "/deployment/"
NAME = "sweep_capacity"
PERCENTILES = (("p50", "-"), ("p95", "--"), ("p99", ":"))
CAPACITY_COLUMNS = ("capacity.busiest_process", "capacity.busiest_load_busy_share")
MACHINE_PREFIX, MACHINE_SUFFIX = "capacity.machines.", ".load_cpu_share"
NEEDED = ["requests.total", "requests.success", "requests.achieved_rps"] + \
         [f"requests.latency_ms.{q}" for q, _ in PERCENTILES]


def applies(columns, good, axes):
    """The figure is drawn when the offered load and a deployment axis both vary and the metrics are there."""
    def varies(a):
        return len({r[a] for r in good}) > 1
    return (RPS_AXIS in axes and varies(RPS_AXIS) and any(a.startswith(DEPLOYMENT_PREFIX) and varies(a) for a in axes)
            and all(c in columns for c in NEEDED) and all(number(r[RPS_AXIS]) is not None for r in good))


def log_y_axis(ax):
    """A log y axis (call it after drawing) labelled in plain numbers, not "6x10^2": at 1, 2 and 5 of each
    decade, or at every digit when the data spans less than a decade."""
    plain = FuncFormatter(lambda v, _: f"{v:g}")
    ax.set_yscale("log")
    lo, hi = ax.get_ylim()
    major = (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0) if hi / lo < 10 else (1.0, 2.0, 5.0)
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=major))
    ax.yaxis.set_major_formatter(plain)
    ax.yaxis.set_minor_locator(LogLocator(base=10, subs=tuple(float(k) for k in range(1, 10) if k not in major)))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))


def success_share(row):
    ok, total = number(row.get("requests.success")), number(row.get("requests.total"))
    return ok / total if ok is not None and total else None


def line_axes(good, axes):
    """(deployment axes, other axes in the label): the varying deployment axes, then every other varying axis
    except the load that is not determined by the deployment (an axis zipped with it, like the load's start
    time in sweeps/3-vs-10.json, moves with it and says nothing more)."""
    varying = [a for a in axes if a != RPS_AXIS and len({r[a] for r in good}) > 1]
    deploy = [a for a in varying if a.startswith(DEPLOYMENT_PREFIX)]
    others = []
    for a in varying:
        if a in deploy:
            continue
        seen = {}
        if any(seen.setdefault(tuple(r[d] for d in deploy), r[a]) != r[a] for r in good):
            others.append(a)
    return deploy, others


def deployment_label(axis, value):
    if axis == "/deployment/instances" and number(value) is not None:
        n = number(value)
        return f"{n:g} instance{'s' if n != 1 else ''} per type"
    return f"{axis[len(DEPLOYMENT_PREFIX):]}={value}"


def stats(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return None, None, None, None, None
    # p5 / p95 by nearest rank (inverted_cdf), as spread.json: with fewer than 20 seeds, the min and the max.
    p5, p95 = np.percentile(vals, [5, 95], method="inverted_cdf")
    return float(np.mean(vals)), min(vals), max(vals), float(p5), float(p95)


def most_common(values):
    vals = [v for v in values if v]
    return max(sorted(set(vals)), key=vals.count) if vals else None


def plot_capacity(columns, good, axes, out_dir, made, log):
    """Draws the figure when applies(); returns its plots.json entry, or None."""
    if not applies(columns, good, axes):
        return None
    deploy, others = line_axes(good, axes)
    machines = [c for c in columns if c.startswith(MACHINE_PREFIX) and c.endswith(MACHINE_SUFFIX)]
    key = lambda t: tuple((number(v) is None, number(v) or 0, v) for v in t)  # noqa: E731
    variants = sorted({tuple(r[a] for a in deploy + others) for r in good}, key=key)
    loads = sorted({number(r[RPS_AXIS]) for r in good})
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]

    fig, (a_lat, a_ok, a_thr) = plt.subplots(1, 3, figsize=(17, 5.2))
    lines = []
    for k, var in enumerate(variants):
        c = colors[k % len(colors)]
        label = ", ".join([deployment_label(a, v) for a, v in zip(deploy, var)] +
                          [f"{a}={v}" for a, v in zip(others, var[len(deploy):])])
        mine = [r for r in good if tuple(r[a] for a in deploy + others) == var]
        line = {"variant": dict(zip(deploy + others, var)), "label": label, "offered_rps": [], "runs": [],
                **{f"{q}_ms": {"mean": [], "min": [], "max": [], "p5": [], "p95": []} for q, _ in PERCENTILES},
                "success_share": {"mean": [], "min": [], "max": [], "p5": [], "p95": []},
                "achieved_rps": {"mean": [], "min": [], "max": [], "p5": [], "p95": []},
                "busiest_process": [],
                "busiest_load_busy_share": {"mean": [], "min": [], "max": [], "p5": [], "p95": []},
                "machine_load_cpu_share": {m[len(MACHINE_PREFIX):-len(MACHINE_SUFFIX)]: {"mean": [], "min": [],
                                                                                         "max": [], "p5": [],
                                                                                         "p95": []}
                                           for m in machines}}
        for x in loads:
            at = [r for r in mine if number(r[RPS_AXIS]) == x]
            if not at:
                continue
            line["offered_rps"].append(int(x) if x.is_integer() else x)
            line["runs"].append(len(at))
            cells = [(f"{q}_ms", [number(r[f"requests.latency_ms.{q}"]) for r in at]) for q, _ in PERCENTILES]
            cells += [("success_share", [success_share(r) for r in at]),
                      ("achieved_rps", [number(r["requests.achieved_rps"]) for r in at])]
            if "capacity.busiest_load_busy_share" in columns:
                cells.append(("busiest_load_busy_share", [number(r["capacity.busiest_load_busy_share"]) for r in at]))
            for name, vals in cells:
                for s, v in zip(("mean", "min", "max", "p5", "p95"), stats(vals)):
                    line[name][s].append(v)
            for m in machines:
                for s, v in zip(("mean", "min", "max", "p5", "p95"), stats([number(r[m]) for r in at])):
                    line["machine_load_cpu_share"][m[len(MACHINE_PREFIX):-len(MACHINE_SUFFIX)]][s].append(v)
            line["busiest_process"].append(most_common([r.get("capacity.busiest_process") for r in at]))
        if "capacity.busiest_load_busy_share" not in columns:
            del line["busiest_load_busy_share"]
        lines.append(line)

        x = np.array(line["offered_rps"], dtype=float)

        def draw(ax, series, scale=1.0, ls="-", lab=None):
            m = np.array([np.nan if v is None else v * scale for v in series["mean"]], dtype=float)
            lo = np.array([np.nan if v is None else v * scale for v in series["p5"]], dtype=float)
            hi = np.array([np.nan if v is None else v * scale for v in series["p95"]], dtype=float)
            ax.fill_between(x, lo, hi, color=c, alpha=0.15, lw=0)
            ax.plot(x, m, ls=ls, marker="o", ms=3.5, color=c, label=lab)

        for q, ls in PERCENTILES:
            draw(a_lat, line[f"{q}_ms"], ls=ls)
        draw(a_ok, line["success_share"], scale=100.0, lab=label)
        draw(a_thr, line["achieved_rps"], lab=label)

    lo, hi = loads[0] / 1.25, loads[-1] * 1.25
    for ax in (a_lat, a_ok, a_thr):
        log_x_axis(ax, lo, hi)
        ax.set_xlabel("offered load (requests/s, log scale)")
        ax.grid(True, which="both", alpha=0.3)
    log_y_axis(a_lat)
    a_lat.set_ylabel("latency (ms, log scale)")
    a_lat.set_title("Latency p50 / p95 / p99")
    a_lat.legend(handles=[Line2D([], [], color="#333333", ls=ls, label=q) for q, ls in PERCENTILES] +
                 [Line2D([], [], color=colors[k % len(colors)], label=line["label"]) for k, line in enumerate(lines)],
                 fontsize=8, loc="upper left")
    a_ok.set_ylim(-3, 103)
    a_ok.set_ylabel("success share (% of requests sent)")
    a_ok.set_title("Success share (2xx / requests sent)")
    a_ok.legend(fontsize=8, loc="lower left")
    a_thr.plot([lo, hi], [lo, hi], color="#7f7f7f", ls="--", lw=1, label="y = x (every request answered)")
    log_y_axis(a_thr)
    a_thr.set_ylabel("achieved throughput (requests ended/s, log scale)")
    a_thr.set_title("Achieved throughput")
    a_thr.legend(fontsize=8, loc="upper left")
    seeds = max(max(line["runs"]) for line in lines if line["runs"])
    fig.suptitle(f"Capacity: {RPS_AXIS} offered; mean over seeds (n≤{seeds}), band: 5–95 % of the seeds (nearest "
                 "rank)", fontsize=11)
    save(fig, out_dir, NAME, made)
    log(f"capacity figure: {len(lines)} deployments x {len(loads)} loads")
    return {"files": made[-1]["files"], "x": RPS_AXIS, "deployment_axes": deploy, "other_axes": others,
            "lines": lines}
