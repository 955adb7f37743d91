"""The failover designs compared (issue 14; sweeps/failover-designs.json): from a collected sweep.csv whose axes
include the model (/model) and the fault (/faults, with [] as each design's no-fault baseline), and optionally the
balancing policy (/parameters/load_balancer/policy). A design is a model and a policy; for each design and fault
kind (the first fault's "kind"), over the seeds of the successful runs:
  time to exclusion   faults[0].lb_excluded_at_s - the fault's at_s (s; "never" when no run excluded it)
  failed requests     requests.failed
  extra latency       requests.latency_ms.p99 and .mean minus the same design's no-fault baseline (ms)
  retries / request   load_balancer.retries / requests.total
Writes DIR/plots/designs.png and .svg (one panel per measure, a bar per design and fault), designs.json (the
numbers drawn) and designs.md (the markdown table that tools/designs-table prints)."""
import csv
import json
import math
import os

MODEL, FAULTS, POLICY = "/model", "/faults", "/parameters/load_balancer/policy"
MEASURES = [("exclusion_s", "time to exclusion (s)"), ("failed", "failed requests"),
            ("extra_p99_ms", "extra p99 latency (ms)"), ("extra_mean_ms", "extra mean latency (ms)"),
            ("retries_per_request", "retries per request")]


def applies(header):
    return MODEL in header and FAULTS in header


def _num(cell):
    try:
        v = float(cell)
        return v if math.isfinite(v) else None
    except (TypeError, ValueError):
        return None


def _fault(cell):
    faults = json.loads(cell) if cell else []
    if not faults:
        return "none", None
    return faults[0]["kind"], float(faults[0]["at_s"])


def _mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def compute(sweep_dir):
    """{"designs": [...], "faults": [...], "rows": [{design, fault, runs, <measure>: mean or None}]}"""
    with open(os.path.join(sweep_dir, "sweep.csv"), newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        runs = [r for r in reader if r["status"] == "ok"]
    if not applies(header):
        raise ValueError(f"{sweep_dir}/sweep.csv: no {MODEL} and {FAULTS} axes: not a designs sweep")
    groups, designs, faults = {}, [], []
    for r in runs:
        design = r[MODEL] + (" / " + r[POLICY] if POLICY in r and r[POLICY] else "")
        kind, at = _fault(r[FAULTS])
        if design not in designs:
            designs.append(design)
        if kind not in faults:
            faults.append(kind)
        groups.setdefault((design, kind), []).append((r, at))
    baseline = {}
    for design in designs:
        base = groups.get((design, "none"), [])
        baseline[design] = (_mean([_num(r["requests.latency_ms.p99"]) for r, _ in base]),
                            _mean([_num(r["requests.latency_ms.mean"]) for r, _ in base]))
    rows = []
    for design in designs:
        for kind in faults:
            if kind == "none" or (design, kind) not in groups:
                continue
            g = groups[(design, kind)]
            excl = [(_num(r.get("faults[0].lb_excluded_at_s")) - at)
                    if _num(r.get("faults[0].lb_excluded_at_s")) is not None else None for r, at in g]
            p99_base, mean_base = baseline[design]
            row = {"design": design, "fault": kind, "runs": len(g),
                   "exclusion_s": _mean(excl), "excluded_runs": sum(e is not None for e in excl),
                   "failed": _mean([_num(r["requests.failed"]) for r, _ in g]),
                   "extra_p99_ms": None if p99_base is None else
                   _mean([_num(r["requests.latency_ms.p99"]) for r, _ in g]) - p99_base,
                   "extra_mean_ms": None if mean_base is None else
                   _mean([_num(r["requests.latency_ms.mean"]) for r, _ in g]) - mean_base,
                   "retries_per_request": _mean([_num(r["load_balancer.retries"]) / _num(r["requests.total"])
                                                 for r, _ in g if _num(r["requests.total"])])}
            rows.append(row)
    return {"designs": designs, "faults": [k for k in faults if k != "none"], "rows": rows}


def _fmt(v, digits):
    return "–" if v is None else f"{v:.{digits}f}"


def table(data):
    """The README's markdown table: one line per design and fault."""
    lines = ["| design | fault | time to exclusion (s) | failed requests | extra p99 (ms) | extra mean (ms) | "
             "retries / request |", "|---|---|---|---|---|---|---|"]
    for r in data["rows"]:
        excl = "never" if r["exclusion_s"] is None else _fmt(r["exclusion_s"], 1)
        if r["exclusion_s"] is not None and r["excluded_runs"] < r["runs"]:
            excl += f" ({r['excluded_runs']} of {r['runs']} runs)"
        lines.append(f"| {r['design']} | {r['fault']} | {excl} | {_fmt(r['failed'], 1)} | "
                     f"{_fmt(r['extra_p99_ms'], 1)} | {_fmt(r['extra_mean_ms'], 1)} | "
                     f"{_fmt(r['retries_per_request'], 3)} |")
    return "\n".join(lines) + "\n"


def _write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def plot_designs(sweep_dir, log):
    import matplotlib
    matplotlib.use(os.environ.get("MPLBACKEND", "Agg"))
    import matplotlib.pyplot as plt

    data = compute(sweep_dir)
    out = os.path.join(sweep_dir, "plots")
    os.makedirs(out, exist_ok=True)
    designs, faults = data["designs"], data["faults"]
    by = {(r["design"], r["fault"]): r for r in data["rows"]}
    fig, axes = plt.subplots(len(MEASURES), 1, figsize=(max(8, 1.1 * len(designs) * max(1, len(faults))),
                                                          3.2 * len(MEASURES)), squeeze=False)
    width = 0.8 / max(1, len(faults))
    for ax, (key, label) in zip(axes[:, 0], MEASURES):
        for k, fault in enumerate(faults):
            xs, ys = [], []
            for i, d in enumerate(designs):
                r = by.get((d, fault))
                if r is not None and r[key] is not None:
                    xs.append(i - 0.4 + width * (k + 0.5))
                    ys.append(r[key])
            ax.bar(xs, ys, width, label=fault)
        ax.set_ylabel(label)
        ax.set_xticks(range(len(designs)))
        ax.set_xticklabels(designs, rotation=20, ha="right", fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    axes[0, 0].legend(title="fault")
    axes[0, 0].set_title("Failover designs: mean over seeds (missing bar: never excluded / no baseline)")
    fig.tight_layout()
    for ext in ("png", "svg"):
        tmp = os.path.join(out, f".designs.tmp.{ext}")
        fig.savefig(tmp, dpi=110)
        os.replace(tmp, os.path.join(out, f"designs.{ext}"))
    plt.close(fig)
    _write(os.path.join(out, "designs.json"), json.dumps(data, indent=2) + "\n")
    _write(os.path.join(out, "designs.md"), table(data))
    log(f"wrote {out}/designs.png, designs.svg, designs.json, designs.md")
    return 0
