#!/usr/bin/env bash
# A sweep with runs that break at run time (a platform file that the scenario check accepts but SimGrid
# rejects): they are reported as failed with their error, the others complete, the sweep exits 1; a restart
# retries only the failed runs; collect counts runs without summary.json (or marked INCOMPLETE) as missing.
# Usage: SVCSIM=build/svcsim tests/e2e/sweep_failure.sh
source "$(dirname "$0")/sweep_lib.sh"

# The scenario check only reads host ids; SimGrid's own parser then refuses a host without a speed (exit 2 at run time).
sed 's/ speed="[^"]*"//' "$ROOT/platforms/localhost.xml" >"$TMP/broken.xml"
cat >"$TMP/failing.json" <<JSON
{"name": "failing", "base": "$ROOT/scenarios/seed-3-instances.json",
 "set": {"/workloads/0/duration_s": 5},
 "axes": [{"pointer": "/platform", "values": ["../platforms/localhost.xml", "$TMP/broken.xml"]},
          {"pointer": "/workloads/0/rps", "values": [10, 20]}]}
JSON

status_count() { awk -F, -v s="$2" 'NR > 1 && $0 ~ "," s "," { n++ } END { print n + 0 }' "$1"; }
failed_dirs() { find "$1/runs" -mindepth 2 -maxdepth 2 -name FAILED | wc -l | tr -d ' '; }
complete_dirs() { find "$1/runs" -mindepth 2 -maxdepth 2 -name summary.json | wc -l | tr -d ' '; }

for mode in fork exec; do
  out=$TMP/$mode
  flag=()
  [ $mode = exec ] && flag=(--exec)
  "$SVCSIM" sweep "$TMP/failing.json" --jobs 2 --out "$out" "${flag[@]}" 2>"$TMP/$mode.err" >/dev/null
  rc=$?
  check "$mode: a sweep with failed runs exits 1 (got $rc)" [ $rc -eq 1 ]
  check "$mode: 2 runs complete" [ "$(complete_dirs "$out")" = 2 ]
  check "$mode: 2 runs have FAILED" [ "$(failed_dirs "$out")" = 2 ]
  f=$(find "$out/runs" -name FAILED | head -1)
  if [ "$(head -1 "$f")" = "exit code 2" ] && grep -q "Required attribute \`speed' not set" "$f"; then
    ok "$mode: FAILED holds the exit status and the run's error"
  else
    fail "$mode: FAILED lacks status or error: $(cat "$f")"
  fi
  if grep -q "/platform=$TMP/broken.xml" "$TMP/$mode.err" && grep -q "2 ok, 2 failed, 0 missing" "$TMP/$mode.err"; then
    ok "$mode: the sweep names the failed runs and counts them"
  else
    fail "$mode: stderr: $(cat "$TMP/$mode.err")"
  fi
  check "$mode: sweep.csv has 2 ok and 2 failed rows" \
    [ "$(status_count "$out/sweep.csv" ok)" = 2 -a "$(status_count "$out/sweep.csv" failed)" = 2 ]
  check "$mode: sweep.sqlite agrees" [ "$(sqlite3 "$out/sweep.sqlite" "select group_concat(status) from (select status from runs order by status)")" = "failed,failed,ok,ok" ]
done

# Restarting retries the failed runs only; once the platform is fixed they complete and FAILED goes away.
out=$TMP/fork
ids=($(sed 's/.*"run_id":"\([0-9a-f]*\)".*/\1/' "$out/manifest.jsonl"))   # runs 0 and 1 use the good platform
before=$(stat -c %i "$out/runs/${ids[0]}/summary.json")
"$SVCSIM" sweep "$TMP/failing.json" --jobs 2 --out "$out" 2>"$TMP/retry.err" >/dev/null
rc=$?
if [ $rc -eq 1 ] && grep -q "(2 complete before this start)" "$TMP/retry.err"; then
  ok "restart, still broken: exit 1, the 2 complete runs skipped"
else
  fail "restart, still broken: exit $rc: $(cat "$TMP/retry.err")"
fi
cp "$ROOT/platforms/localhost.xml" "$TMP/broken.xml"
"$SVCSIM" sweep "$TMP/failing.json" --jobs 2 --out "$out" --quiet
rc=$?
check "restart, fixed: exit 0, 4 complete, no FAILED left" [ $rc -eq 0 -a "$(complete_dirs "$out")" = 4 -a "$(failed_dirs "$out")" = 0 ]
check "restart: a complete run was not run again" [ "$(stat -c %i "$out/runs/${ids[0]}/summary.json")" = "$before" ]

# collect never takes an unfinished run for a complete one.
rm "$out/runs/${ids[0]}/summary.json"
touch "$out/runs/${ids[1]}/INCOMPLETE"
rm -rf "$out/runs/${ids[2]}"
"$SVCSIM" collect "$out" 2>"$TMP/collect.err"
rc=$?
check "collect: exit 1 when runs are missing" [ $rc -eq 1 ]
check "collect: 3 missing rows, 1 ok" [ "$(status_count "$out/sweep.csv" missing)" = 3 -a "$(status_count "$out/sweep.csv" ok)" = 1 ]
if grep -q "${ids[0]}.*incomplete: .* has no summary.json" "$TMP/collect.err" &&
   grep -q "${ids[1]}.*incomplete: .* is marked INCOMPLETE" "$TMP/collect.err" &&
   grep -q "${ids[2]}.*missing: no " "$TMP/collect.err"; then
  ok "collect: says which runs are incomplete or missing, and why"
else
  fail "collect: stderr: $(cat "$TMP/collect.err")"
fi
finish
