"""The failover timeline of one svcsim run (used by svcsim_plots.plot_run): one lane per instance, its true
process state and its state as the registry, the balancer and the detector saw it, with the detection and
recovery marks; the same state machine as src/report/timeline.cpp."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import patheffects  # noqa: E402

from svcsim_plots import C_BAD, C_DEGRADED, C_HUNG, C_OK, C_UNKNOWN, VIEWS, save  # noqa: E402

STATE_COLORS = {"up": C_OK, "healthy": C_OK, "in pool": C_OK, "down": C_BAD, "unhealthy": C_BAD,
                "skipped": C_BAD, "hung": C_HUNG, "degraded": C_DEGRADED, "unknown": C_UNKNOWN}
FAULT_PROCESS_STATE = {"crash": "down", "registry_outage": "down", "host_down": "down", "hang": "hung",
                       "slow": "degraded", "error_rate": "degraded", "partition": "degraded",
                       "link_down": "degraded"}  # a restart starts a dead process: "instance.started" says so
DETECTIONS = {"registry.unhealthy": "registry", "lb.pool_removed": "balancer", "lb.check_unhealthy": "balancer",
              "lb.outlier_ejected": "balancer", "lb.breaker_opened": "balancer", "lb.passive_unavailable": "balancer",
              "detector.unhealthy": "detector"}
# Issue 14's mechanisms: the balancer skips an instance it keeps in its pool, then takes it back.
LB_SKIPPED = ("lb.check_unhealthy", "lb.outlier_ejected", "lb.breaker_opened", "lb.passive_unavailable")
LB_BACK = ("lb.pool_added", "lb.check_healthy", "lb.outlier_readmitted", "lb.breaker_half_open", "lb.passive_trial")


def build_timeline(run):
    """Per lane (every instance, plus any other component a fault hits): per view, a list of
    (start, end, state) segments; plus the detection and recovery marks."""
    comps = run.summary.get("components", {})
    lanes = list(run.summary.get("by_instance", {}))
    for _at, _c, kind, subject, _d in run.events:
        if kind.startswith("fault.") and subject and subject not in lanes and subject in comps:
            lanes.append(subject)
    state = {l: {v: None for v in VIEWS} for l in lanes}
    since = {l: {v: 0.0 for v in VIEWS} for l in lanes}
    segs = {l: {v: [] for v in VIEWS} for l in lanes}
    first_registered = {}

    def put(lane, view, st, t):
        cur = state[lane][view]
        if cur == st:
            return
        if cur is not None and t > since[lane][view]:
            segs[lane][view].append((since[lane][view], t, cur))
        state[lane][view], since[lane][view] = st, t

    # Components other than instances report no start event: up from their start time.
    instances = set(run.summary.get("by_instance", {}))
    for l in lanes:
        if l not in instances and comps.get(l, {}).get("started"):
            put(l, "process", "up", comps[l]["start_s"])
    marks = []
    seen_detector = set()
    was_in_pool = set()
    for at, _comp, kind, subject, detail in run.events:
        targets = [subject] if subject in state else []
        if kind.startswith("fault.") and not subject:  # host_down names a host: every lane on it
            targets = [l for l in lanes if comps.get(l, {}).get("host") == detail]
        for l in targets:
            before = dict(state[l])
            if kind == "instance.started":
                put(l, "process", "up", at)
            elif kind in ("instance.bind_failed", "instance.stopped"):
                put(l, "process", "down", at)
            elif kind.startswith("fault.") and kind.endswith("_end"):
                put(l, "process", "up", at)
            elif kind.startswith("fault."):
                if kind != "fault.restart":
                    put(l, "process", FAULT_PROCESS_STATE.get(kind[6:], "degraded"), at)
                marks.append({"at_s": at, "lane": l, "view": "process", "kind": "fault", "label": kind[6:]})
            elif kind in ("registry.registered", "registry.healthy"):
                first_registered.setdefault(l, at)
                put(l, "registry", "healthy", at)
            elif kind == "registry.unhealthy":
                put(l, "registry", "unhealthy", at)
            elif kind == "registry.deregistered":
                put(l, "registry", None, at)
            elif kind in LB_BACK:
                put(l, "balancer", "in pool", at)
            elif kind in LB_SKIPPED:
                put(l, "balancer", "skipped", at)
            elif kind == "lb.pool_removed":
                put(l, "balancer", None, at)
            elif kind in ("detector.healthy", "detector.unhealthy"):
                if l not in seen_detector:
                    seen_detector.add(l)
                    det_start = comps.get("fault-detector", {}).get("start_s", at)
                    t0 = max(det_start, first_registered.get(l, at))
                    if t0 < at:  # the detector's status starts "unknown" until its first check ends
                        segs[l]["detector"].append((t0, at, "unknown"))
                put(l, "detector", kind.split(".")[1], at)
            if kind in DETECTIONS:
                marks.append({"at_s": at, "lane": l, "view": DETECTIONS[kind], "kind": "detection", "label": kind})
            # Taken back: a view goes from unhealthy/skipped to good, or the balancer re-adds an instance it
            # had removed (the first "healthy" or pool entry is not a recovery).
            for v in ("registry", "balancer", "detector"):
                prev, cur = before[v], state[l][v]
                if cur in ("healthy", "in pool") and (prev in ("unhealthy", "skipped") or
                                                      (v == "balancer" and prev is None and l in was_in_pool)):
                    marks.append({"at_s": at, "lane": l, "view": v, "kind": "recovery", "label": kind})
            if state[l]["balancer"] is not None:
                was_in_pool.add(l)
    for l in lanes:
        for v in VIEWS:
            if state[l][v] is not None and run.t_end > since[l][v]:
                segs[l][v].append((since[l][v], run.t_end, state[l][v]))
        if l not in seen_detector and l in first_registered and "fault-detector" in comps:
            t0 = max(comps["fault-detector"]["start_s"], first_registered[l])
            if comps["fault-detector"].get("started") and t0 < run.t_end:
                segs[l]["detector"].append((t0, run.t_end, "unknown"))
    for f in run.summary.get("faults", []):
        if f.get("recovered_at_s") is not None and f.get("target") in state:
            marks.append({"at_s": f["recovered_at_s"], "lane": f["target"], "view": "process",
                          "kind": "recovered", "label": "serves again"})
    return lanes, segs, marks


def plot_timeline(run, out_dir, made, report):
    lanes, segs, marks = build_timeline(run)
    row_h, gap = 1.0, 1.0
    lane_h = len(VIEWS) * row_h + gap
    fig, ax = plt.subplots(figsize=(13, 1.2 + 0.62 * len(lanes)))
    yt, yl, ymin, yml = [], [], [], []
    for i, l in enumerate(lanes):
        base = (len(lanes) - 1 - i) * lane_h  # first instance at the top
        for j, v in enumerate(VIEWS):
            y = base + (len(VIEWS) - 1 - j) * row_h
            bars = [(a, b - a) for a, b, _ in segs[l][v]]
            cols = [STATE_COLORS[s] for _, _, s in segs[l][v]]
            if bars:
                ax.broken_barh(bars, (y + 0.1, row_h - 0.2), facecolors=cols)
            ymin.append(y + row_h / 2)
            yml.append(v)
        yt.append(base + len(VIEWS) * row_h / 2)
        yl.append(l)
        if i:
            ax.axhline(base + len(VIEWS) * row_h + gap / 2, color="#dddddd", lw=0.8)
    lane_base = {l: (len(lanes) - 1 - i) * lane_h for i, l in enumerate(lanes)}
    for a, b, label in run.fault_windows():
        if b > a:
            ax.axvspan(a, b, color=C_BAD, alpha=0.06, lw=0)
    label_end = {}
    x_per_char = run.t_end / 190.0 if run.t_end > 0 else 1.0  # about one 8 pt character on a 13 in axis
    for m in marks:
        base = lane_base[m["lane"]]
        y = base + (len(VIEWS) - 1 - VIEWS.index(m["view"])) * row_h + row_h / 2
        if m["kind"] == "fault":
            ax.plot([m["at_s"]] * 2, [base, base + len(VIEWS) * row_h], color="black", lw=2)
            label = f"{m['label']} @ {m['at_s']:g} s"
            below = m["at_s"] < label_end.get(m["lane"], -1)  # too close to the previous label: under the lane
            ax.annotate(label, (m["at_s"], base if below else base + len(VIEWS) * row_h),
                        xytext=(3, -9 if below else 1), textcoords="offset points", fontsize=8, fontweight="bold",
                        path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")])
            if not below:
                label_end[m["lane"]] = m["at_s"] + x_per_char * (len(label) + 1)
        elif m["kind"] == "detection":
            ax.plot([m["at_s"]], [y], marker="v", color="black", ms=7, mec="white")
        elif m["kind"] == "recovery":
            ax.plot([m["at_s"]], [y], marker="^", color=C_OK, ms=7, mec="black")
        else:
            ax.plot([m["at_s"]], [y], marker="*", color="gold", ms=12, mec="black")
    # The delay from the latest fault in the lane to the first detection per view after it (and to serving
    # again), written beside the marker: the same rule as the report's timeline (src/report/charts.cpp).
    detections, last_fault, labelled = [], {}, {}
    for m in sorted(marks, key=lambda m: m["at_s"]):
        l = m["lane"]
        if m["kind"] == "fault":
            if m["at_s"] > last_fault.get(l, -1):
                last_fault[l], labelled[l] = m["at_s"], set()
            continue
        slot = m["view"] if m["kind"] == "detection" else "recovered"
        t0 = last_fault.get(l)
        if m["kind"] not in ("detection", "recovered") or t0 is None or m["at_s"] < t0 or slot in labelled[l]:
            continue
        labelled[l].add(slot)
        y = lane_base[l] + (len(VIEWS) - 1 - VIEWS.index(m["view"])) * row_h + row_h / 2
        ax.annotate(f"+{m['at_s'] - t0:.1f} s", (m["at_s"], y), xytext=(6, -3), textcoords="offset points",
                    fontsize=8, path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")])
        detections.append({"lane": l, "view": slot, "at_s": m["at_s"], "after_fault_s": m["at_s"] - t0})
    report["timeline"] = {"lanes": lanes, "detections": detections}
    ax.set_yticks(yt)
    ax.set_yticklabels(yl, fontsize=9)
    ax.set_yticks(ymin, minor=True)
    ax.set_yticklabels(yml, minor=True, fontsize=6, color="#555555")
    ax.tick_params(axis="y", which="major", pad=58, length=0)
    ax.tick_params(axis="y", which="minor", length=0)
    ax.set_ylim(-gap / 2, len(lanes) * lane_h - gap / 2)
    ax.set_xlim(0, run.t_end)
    ax.set_xlabel("simulated time (s)")
    ax.set_title("Failover timeline: each instance as it really was (process) and as the registry, "
                 "the balancer and the detector saw it", fontsize=10)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    handles = [Patch(color=C_OK, label="up / healthy / in pool"), Patch(color=C_BAD, label="down / unhealthy / skipped"),
               Patch(color=C_HUNG, label="hung"), Patch(color=C_DEGRADED, label="degraded"),
               Patch(color=C_UNKNOWN, label="unknown (detector)"),
               Line2D([], [], color="black", lw=2, label="fault"),
               Line2D([], [], marker="v", color="black", ls="", label="detection"),
               Line2D([], [], marker="^", color=C_OK, mec="black", ls="", label="taken back"),
               Line2D([], [], marker="*", color="gold", mec="black", ms=10, ls="", label="serves again")]
    # Anchored to the axes' bottom with a pad in font units, so it sits under the x label at any height.
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), borderaxespad=4.2,
              ncol=5, fontsize=8, frameon=False)
    ax.grid(True, axis="x", alpha=0.3)
    save(fig, out_dir, "failover_timeline", made)
