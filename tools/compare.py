#!/usr/bin/python3
"""Prints two or more runs' summaries side by side (tools/run's 3-vs-10 comparison)."""
import json
import sys


def load(d):
    with open(f"{d}/summary.json") as f:
        return json.load(f)


def shares(counts):
    """100/100/100, or 150 x 10 when every instance served the same."""
    if counts and len(counts) > 3 and len(set(counts)) == 1:
        return f"{counts[0]} x {len(counts)}"
    return "/".join(str(c) for c in counts)


def fmt(v, digits=1):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def main(dirs):
    runs = [load(d) for d in dirs]
    rows = [("scenario", lambda s: s["scenario"]),
            ("instances per type", lambda s: sum(1 for k in s["by_instance"] if k.startswith("auth-"))),
            ("requests", lambda s: s["requests"]["total"]),
            ("success", lambda s: s["requests"]["success"]),
            ("failed", lambda s: s["requests"]["failed"]),
            ("latency avg ms", lambda s: s["requests"]["latency_ms"]["mean"]),
            ("latency p50 ms", lambda s: s["requests"]["latency_ms"]["p50"]),
            ("latency p95 ms", lambda s: s["requests"]["latency_ms"]["p95"]),
            ("latency p99 ms", lambda s: s["requests"]["latency_ms"]["p99"]),
            ("latency max ms", lambda s: s["requests"]["latency_ms"]["max"]),
            ("achieved RPS", lambda s: s["requests"]["achieved_rps"]),
            ("served per auth instance", lambda s: shares(
                [v["served"] for k, v in s["by_instance"].items() if k.startswith("auth-")])),
            ("balancer retries", lambda s: s["load_balancer"]["retries"])]
    def cell(get, s):
        try:
            return fmt(get(s))
        except (KeyError, TypeError):
            return "-"

    width = max(len(r[0]) for r in rows) + 2
    cols = [max(14, max(len(cell(get, s)) for _, get in rows) + 2) for s in runs]
    for name, get in rows:
        print(name.ljust(width) + "".join(cell(get, s).rjust(w) for s, w in zip(runs, cols)))
    print("\nresults in: " + ", ".join(f"{d}/" for d in dirs))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: tools/compare.py RUN_DIR RUN_DIR...")
    main(sys.argv[1:])
