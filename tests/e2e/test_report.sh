#!/usr/bin/env bash
# End-to-end test of report.html: every run writes one; it is self-contained (no script, no external resource),
# deterministic, and renders in headless Chromium with every section and its inline SVG charts in the DOM; the
# Processes section is there exactly when summary.json has "processes", and shows the summary's numbers.
# Usage: SVCSIM=build/svcsim tests/e2e/test_report.sh [SCRATCH_DIR]
# Prints ok/FAIL lines; exit 1 on failure; SKIP and exit 77 when chromium is not installed (static checks
# still run first and still fail the test).
source "$(dirname "$0")/e2e_lib.sh"
SECTIONS="summary latency throughput instances timeline alerts faults"

run() { # NAME SCENARIO [ARGS...]
  run_svcsim "svcsim run" "$@" && ok "$1: svcsim run exit 0"
}

run seed3 scenarios/seed-3-instances.json
run seed3-again scenarios/seed-3-instances.json
run crash "${CRASH[@]}"
# Process threads: one run that overloads the balancer's thread, one with the model's process CPU off.
run hot scenarios/seed-3-instances.json --set /workloads/0/rps=2500 --set /workloads/0/duration_s=10
run nocpu scenarios/seed-3-instances.json --set /parameters/process/cpu=false

# --- static checks on the file --------------------------------------------------------------------------
for name in seed3 crash; do
  f="$D/$name/report.html"
  if [ ! -s "$f" ]; then
    fail "$name: report.html missing or empty"
    continue
  fi
  ok "$name: report.html written ($(stat -c %s "$f") bytes)"
  for id in $SECTIONS; do
    if grep -q "<section id=\"$id\">" "$f"; then ok "$name: section id=\"$id\""; else fail "$name: no section id=\"$id\""; fi
  done
  n_svg=$(grep -c "<svg " "$f")
  if [ "$n_svg" -ge 5 ]; then ok "$name: $n_svg inline SVG charts"; else fail "$name: $n_svg inline SVG charts, expected >= 5"; fi
  if grep -qiE "<script|<link|<img|<iframe|(src|href)=\"(https?:)?//" "$f"; then
    fail "$name: report.html has a script or an external resource: $(grep -oiE "<script|<link|<img|<iframe|(src|href)=\"(https?:)?//[^\"]*" "$f" | head -3)"
  else
    ok "$name: self-contained (no script, no external resource)"
  fi
done
if [ -s "$D/seed3/report.html" ] && cmp -s "$D/seed3/report.html" "$D/seed3-again/report.html"; then
  ok "seed3: report.html is the same bytes for the same scenario and seed"
else
  fail "seed3: report.html differs between two identical runs"
fi
if [ -s "$D/crash/report.html" ]; then
  /usr/bin/python3 - "$D/crash" <<'PY' || failures=$((failures + 1))
import json, re, sys
d = sys.argv[1]
s = json.load(open(d + "/summary.json"))
h = open(d + "/report.html").read()
bad = 0
def check(cond, what):
    global bad
    print(("ok   " if cond else "FAIL ") + "crash: " + what)
    bad += not cond
def section(i):
    m = re.search(f'<section id="{i}">(.*?)</section>', h, re.S)
    return m.group(1) if m else ""
f = s["faults"][0]
check(f["target"] in section("faults") and f["kind"] in section("faults"), "the failover report names the fault")
for key in ("registry_unhealthy_at_s", "lb_excluded_at_s", "detector_alert_at_s"):
    if f.get(key) is not None:
        check(key in section("faults"), f"the failover report shows {key}")
check(len(re.findall(r"<tr><td>[0-9.]+</td>", section("alerts"))) == len(s["alerts"]),
      f"the alerts table has {len(s['alerts'])} rows")
p99 = s["requests"]["latency_ms"]["p99"]
check(f"p99 = {p99:.3f}".rstrip("0").rstrip(".") in section("latency"), f"the ECDF legend shows p99 = {p99}")
check(f["target"] in section("timeline") and "<svg" in section("timeline"), "the timeline has a lane for the target")
sys.exit(1 if bad else 0)
PY
fi
# --- the Processes section: present exactly when summary.json has "processes", its numbers the summary's ----
for name in seed3 crash hot nocpu; do
  [ -s "$D/$name/report.html" ] || continue
  /usr/bin/python3 - "$D/$name" "$name" <<'PY' || failures=$((failures + 1))
import json, math, re, sys
d, name = sys.argv[1], sys.argv[2]
s = json.load(open(d + "/summary.json"))
h = open(d + "/report.html").read()
bad = 0
def check(cond, what):
    global bad
    print(("ok   " if cond else "FAIL ") + f"{name}: processes: " + what)
    bad += not cond
m = re.search(r'<section id="processes">(.*?)</section>', h, re.S)
if name == "nocpu":
    check("processes" not in s and "capacity" not in s, 'process CPU off: no "processes" nor "capacity" in summary.json')
if "processes" not in s:
    check(m is None and 'href="#processes"' not in h, "no process data in summary.json, no section and no link")
    sys.exit(1 if bad else 0)
check(m is not None and 'href="#processes"' in h, "section and nav link")
if m is None:
    sys.exit(1)
sec = m.group(1)
# The page's number formats (src/report/svg.cpp fmt_num, src/report/processes.cpp), from summary.json's values.
def fmt_num(v, dec=3):
    t = f"{v:.{dec}f}"
    if "." in t:
        t = t.rstrip("0").rstrip(".")
    return "0" if t == "-0" else t
def pct(v):
    return "–" if v is None else fmt_num(100.0 * v, 2) + "%"
def ms(v):
    if v is None:
        return "–"
    return fmt_num(v, 0 if v == 0 else min(max(2 - math.floor(math.log10(abs(v))), 0), 6))
def val(v):
    return "never" if v is None else str(v) if isinstance(v, int) else fmt_num(v)
procs, cap = s["processes"], s["capacity"]
table = re.search(r'<table class="processes">(.*?)</table>', sec, re.S)
rows = {}
for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1) if table else "", re.S):
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
    if cells:
        rows[cells[0]] = cells[1:]
check(list(rows) == list(procs), f"one table row per process, in summary order ({len(rows)})")
wrong = []
for p, v in procs.items():
    want = [v["host"], pct(v["load_busy_share"]), pct(v["load_cpu_share"]), ms(v["cpu_ms_per_request"]),
            pct(v["peak_busy_share_1s"]), val(v["saturated_at_s"]), val(v["max_ready"]), val(v["max_accept_queue"]),
            val(v["connections_opened"]), val(v["handshakes_dropped"])]
    if rows.get(p) != want:
        wrong.append(f"{p}: shows {rows.get(p)}, summary.json {want}")
check(not wrong, "every row shows summary.json's busy, CPU, CPU ms/request, peak, saturated at, queues, "
      "connections, dropped handshakes" + "".join("\n     " + w for w in wrong))
busiest = cap["busiest_process"]
if busiest is None:
    check("No process had work" in sec, "no busiest process: says so")
else:
    sentence = re.search(r"<p>The busiest process(.*?)</p>", sec, re.S)
    text = sentence.group(1) if sentence else ""
    check(f"<b>{busiest}</b>" in text and f"had work {pct(cap['busiest_load_busy_share'])} of the time" in text,
          f"names the busiest process {busiest} and its busy share {pct(cap['busiest_load_busy_share'])}")
    sat = cap["busiest_saturated_at_s"]
    if sat is None:
        check("never saturated" in text, "says the busiest process never saturated")
    else:
        check(f"first at {val(sat)} s" in text, f"says the busiest process saturated at {val(sat)} s")
    w = cap["load_window_s"]
    check(f"({w[0]}–{w[1]} s)" in text, f"the load window {w}")
for host, mach in sorted(cap["machines"].items(), key=lambda kv: -kv[1]["load_cpu_share"])[:10]:
    check(f"<b>{host}</b> ({mach['cores']} cores) {pct(mach['load_cpu_share'])}" in sec,
          f"machine {host}: {pct(mach['load_cpu_share'])} CPU")
svg = re.search(r"<svg .*?</svg>", sec, re.S)
check(svg is not None, "an inline SVG chart")
top = sorted(procs, key=lambda p: -procs[p]["load_busy_share"])[:5]
legend = [f"{p} ({fmt_num(100.0 * procs[p]['load_busy_share'], 2)}%)" for p in top]
check(svg is not None and all(f">{l}</text>" in svg.group(0) for l in legend), f"chart legend: {legend}")
check(svg is not None and svg.group(0).count("<polyline") == len(top), f"{len(top)} lines in the chart")
sys.exit(1 if bad else 0)
PY
done
if "$SVCSIM" run --help 2>&1 | grep -q -- "--no-report"; then
  "$SVCSIM" run "$ROOT/scenarios/seed-3-instances.json" --quiet --no-report --out "$D/noreport" >/dev/null 2>&1
  if [ -s "$D/noreport/summary.json" ] && [ ! -e "$D/noreport/report.html" ]; then ok "--no-report: no report.html"; else fail "--no-report: report.html written anyway (or the run failed)"; fi
fi

# --- headless Chromium ------------------------------------------------------------------------------------
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
  echo "SKIP chromium is not installed (tools/setup --full installs it): report not rendered"
  [ "$failures" -eq 0 ] && exit 77
  finish
fi
chrome() { # OUT-DIR ARGS... : one headless Chromium with a fresh profile, stdout/stderr kept
  local profile
  profile=$(mktemp -d "$D/profile.XXXXXX")
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$profile" "$@"
  local code=$?
  rm -rf "$profile"
  return $code
}
printf '<!DOCTYPE html><html><body></body></html>\n' >"$D/blank.html"
chrome --screenshot="$D/blank.png" --window-size=1280,4000 "file://$D/blank.html" >"$D/blank.chrome.log" 2>&1
for name in seed3 crash; do
  f="$D/$name/report.html"
  [ -s "$f" ] || continue
  chrome --screenshot="$D/$name.png" --window-size=1280,4000 "file://$f" >"$D/$name.chrome.log" 2>&1
  if [ -s "$D/$name.png" ]; then
    ok "$name: screenshot $D/$name.png ($(stat -c %s "$D/$name.png") bytes)"
  else
    fail "$name: no screenshot ($(tail -c 400 "$D/$name.chrome.log"))"
    continue
  fi
  /usr/bin/python3 - "$D/$name.png" "$D/blank.png" "$name" <<'PY' || failures=$((failures + 1))
import os, sys
import matplotlib
matplotlib.use("Agg")
from matplotlib import image
shot, blank, name = sys.argv[1:]
im = image.imread(shot)[..., :3]
# A blank page is one colour; a rendered report has text, tables and charts all down the page.
ink = float((im.min(axis=2) < 0.9).mean())
bigger = not os.path.exists(blank) or os.path.getsize(shot) > 5 * os.path.getsize(blank)
ok = ink > 0.05 and bigger
print(("ok   " if ok else "FAIL ") + f"{name}: the screenshot is not blank ({ink:.1%} non-white pixels, "
      f"{os.path.getsize(shot)} bytes vs blank {os.path.getsize(blank) if os.path.exists(blank) else '?'})")
sys.exit(0 if ok else 1)
PY
  chrome --dump-dom "file://$f" >"$D/$name.dom.html" 2>"$D/$name.dom.log"
  sections=$SECTIONS
  grep -q '<section id="processes">' "$f" && sections="$sections processes"
  # shellcheck disable=SC2086 # one argument per section id
  /usr/bin/python3 - "$D/$name.dom.html" "$name" $sections <<'PY' || failures=$((failures + 1))
import sys
from html.parser import HTMLParser
dom, name, sections = sys.argv[1], sys.argv[2], sys.argv[3:]
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.current, self.svg, self.ids = None, {}, []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.current = a.get("id")
            self.ids.append(self.current)
        elif tag == "svg" and self.current:
            self.svg[self.current] = self.svg.get(self.current, 0) + 1
p = P()
p.feed(open(dom).read())
bad = 0
def check(cond, what):
    global bad
    print(("ok   " if cond else "FAIL ") + f"{name}: loaded DOM: {what}")
    bad += not cond
for s in sections:
    check(s in p.ids, f'section id="{s}"')
for s, n in (("latency", 1), ("throughput", 2), ("instances", 1), ("timeline", 1), ("processes", 1)):
    if s not in sections:
        continue
    check(p.svg.get(s, 0) >= n, f"{n} SVG chart(s) in #{s} ({p.svg.get(s, 0)})")
sys.exit(1 if bad else 0)
PY
done
finish
