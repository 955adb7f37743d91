#!/usr/bin/env bash
# End-to-end test of `svcsim run --trace FILE`: valid Chrome trace-event JSON that Perfetto opens — one named
# process per component, one span per request (client) and per balancer attempt (instances) with no overlap on
# a lane, the fault and the alerts as instants, an in-flight counter — and numbers that agree with summary.json.
# Usage: SVCSIM=build/svcsim tests/e2e/test_trace.sh [SCRATCH_DIR]   (prints ok/FAIL lines; exit 1 on failure)
source "$(dirname "$0")/e2e_lib.sh"

# trace NAME SCENARIO [ARGS...]
trace() {
  local name=$1 scenario=$2
  shift 2
  run_svcsim "svcsim run --trace" "$name" "$scenario" --trace "$D/$name.trace.json" "$@" || return 1
  ok "$name: svcsim run --trace exit 0"
  if [ -s "$D/$name.trace.json" ]; then ok "$name: trace written ($(stat -c %s "$D/$name.trace.json") bytes)"; else fail "$name: no trace file"; return 1; fi
  /usr/bin/python3 - "$D/$name" "$D/$name.trace.json" "$name" <<'PY' || failures=$((failures + 1))
import collections, json, sys
run_dir, path, name = sys.argv[1:]
bad = 0
def check(cond, what):
    global bad
    print(("ok   " if cond else "FAIL ") + f"{name}: {what}")
    bad += not cond
try:
    t = json.load(open(path))
except ValueError as e:
    check(False, f"valid JSON ({e})")
    sys.exit(1)
check(isinstance(t, dict) and isinstance(t.get("traceEvents"), list), 'valid JSON: {"traceEvents": [...]}')
s = json.load(open(run_dir + "/summary.json"))
ev = t["traceEvents"]
check(all(isinstance(e.get("ph"), str) and isinstance(e.get("pid"), int) and isinstance(e.get("tid"), int)
          and isinstance(e.get("name"), str) for e in ev), "every event has ph, pid, tid and name")
check({e["ph"] for e in ev} <= set("MXiC"), f"phases used: {sorted({e['ph'] for e in ev})}")
procs = {e["pid"]: e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "process_name"}
check(set(s["components"]) <= set(procs.values()), "one named process per component")
check(len(procs) == len(set(procs.values())), "process names are unique")
pid = {v: k for k, v in procs.items()}
end_us = s["sim_time_s"] * 1e6 + 1
spans = [e for e in ev if e["ph"] == "X"]
check(all(isinstance(e["ts"], (int, float)) and isinstance(e["dur"], (int, float)) and e["dur"] >= 0
          and 0 <= e["ts"] <= end_us for e in spans), "spans: ts and dur are numbers, dur >= 0, inside the run")
req = [e for e in spans if e.get("cat") == "request"]
check(len(req) == s["requests"]["total"], f"one request span per request ({len(req)} vs {s['requests']['total']})")
check(all(e["pid"] == pid["client"] for e in req), "request spans are on the client")
att = [e for e in spans if e.get("cat") == "attempt"]
check(len(att) == s["load_balancer"]["attempts"], f"one attempt span per balancer attempt ({len(att)})")
per_inst = collections.Counter(procs[e["pid"]] for e in att if e["args"]["outcome"] == "answered")
check(all(per_inst.get(k, 0) == v["served"] for k, v in s["by_instance"].items()),
      "answered attempt spans per instance equal summary.json by_instance served")
# Overlapping spans on one track would be drawn nested or hidden: the lanes must keep them apart.
lanes = collections.defaultdict(list)
for e in spans:
    lanes[(e["pid"], e["tid"])].append((e["ts"], e["ts"] + e["dur"]))
overlaps = sum(1 for v in lanes.values() for a, b in zip(sorted(v), sorted(v)[1:]) if b[0] < a[1] - 1e-3)
check(overlaps == 0, f"no overlapping spans on a lane ({len(lanes)} lanes)")
named = {(e["pid"], e["tid"]) for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
check(set(lanes) <= named, "every lane has a thread name")
faults = [e for e in ev if e["ph"] == "i" and e.get("cat") == "fault"]
want = [f for f in s["faults"]]
check(len(faults) >= len(want), f"{len(want)} fault(s) as instants")
for f in want:
    check(any(abs(e["ts"] - f["at_s"] * 1e6) < 1 and f["target"] in e["name"] and e["s"] == "g" for e in faults),
          f"fault {f['kind']} {f['target']} at {f['at_s']} s is a global instant")
alerts = [e for e in ev if e["ph"] == "i" and e.get("cat") == "alert"]
check(len(alerts) == len(s["alerts"]), f"{len(s['alerts'])} alert(s) as instants")
check(all(any(abs(e["ts"] - a["at_s"] * 1e6) < 1 and procs[e["pid"]] == a["instance"] for e in alerts)
          for a in s["alerts"]), "each alert on the instance it is about, at its time")
counter = [e for e in ev if e["ph"] == "C"]
vals = [e["args"]["requests"] for e in sorted(counter, key=lambda e: e["ts"])]
check(counter and min(vals) >= 0 and vals[-1] == s["requests"]["by_status"].get("unfinished", 0),
      f"in-flight counter: never negative, ends at the unfinished count (peak {max(vals) if vals else '?'})")
sys.exit(1 if bad else 0)
PY
}

trace seed3 scenarios/seed-3-instances.json
trace crash "${CRASH[@]}"
if [ -f "$ROOT/scenarios/failover-hang.json" ]; then
  trace hang scenarios/failover-hang.json
fi

# An unwritable trace path is an error, not a silent success.
"$SVCSIM" run "$ROOT/scenarios/seed-3-instances.json" --quiet --out "$D/bad" --trace "$D/no/such/dir/t.json" >/dev/null 2>"$D/bad.err"
code=$?
if [ "$code" -ne 0 ]; then ok "unwritable --trace path: exit $code"; else fail "unwritable --trace path: exit 0"; fi

finish
