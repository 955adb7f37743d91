#!/usr/bin/env bash
# Resume: a 12-run sweep killed with kill -9 part-way and started again ends with exactly one complete
# result per run, does not run again what was complete, and collects the same sweep.csv bytes as a sweep
# that was never interrupted. Two kills: the whole process group (the machine's view of a crash), and the
# sweep process alone (its runs go on as orphans while the restart runs beside them).
# Usage: SVCSIM=build/svcsim tests/e2e/sweep_resume.sh
source "$(dirname "$0")/sweep_lib.sh"

cat >"$TMP/resume.json" <<JSON
{"name": "resume", "base": "$ROOT/scenarios/seed-3-instances.json",
 "set": {"/workloads/0/arrivals": "poisson", "/workloads/0/duration_s": 40},
 "axes": [{"pointer": "/workloads/0/rps", "values": [100, 150, 200]}],
 "seeds": {"from": 1, "to": 4}}
JSON
RUNS=12

complete() { find "$1/runs" -mindepth 2 -maxdepth 2 -name summary.json 2>/dev/null | wc -l | tr -d ' '; }

"$SVCSIM" sweep "$TMP/resume.json" --jobs 2 --out "$TMP/ref" --quiet
check "uninterrupted sweep: exit 0, $RUNS runs" [ $? -eq 0 -a "$(complete "$TMP/ref")" = $RUNS ]

# Starts the sweep in its own session, waits until 3 runs are complete, kills it with kill -9 (the group
# or the sweep alone), and prints how many runs were complete at the kill.
start_and_kill() {
  local out=$1 target=$2 pid
  setsid "$SVCSIM" sweep "$TMP/resume.json" --jobs 2 --out "$out" --quiet &
  pid=$!
  for _ in $(seq 600); do
    [ "$(complete "$out")" -ge 3 ] && break
    sleep 0.05
  done
  if [ "$target" = group ]; then kill -9 -- "-$pid"; else kill -9 "$pid"; fi
  wait "$pid" 2>/dev/null
}

# no_process_for DIR: waits (at most 30 s) until no process works for that sweep directory any more.
no_process_for() {
  for _ in $(seq 300); do
    pgrep -f -- "--out $1" >/dev/null || return 0
    sleep 0.1
  done
  return 1
}

for target in group sweep; do
  out=$TMP/$target
  start_and_kill "$out" "$target"
  if [ "$target" = group ]; then no_process_for "$out"; fi
  # Complete runs at the kill, with the identity of their summary.json (inode:mtime): they must not be rerun.
  declare -A was=()
  for s in "$out"/runs/*/summary.json; do
    [ -e "$s" ] && was[$s]=$(stat -c '%i:%Y.%y' "$s")
  done
  n=${#was[@]}
  if [ "$n" -ge 3 ] && [ "$n" -lt $RUNS ]; then ok "kill -9 ($target) part-way: $n of $RUNS runs complete"
  else fail "kill -9 ($target): $n of $RUNS runs complete (expected part of them)"; fi

  "$SVCSIM" sweep "$TMP/resume.json" --jobs 2 --out "$out" 2>"$TMP/$target.err" >/dev/null
  rc=$?
  no_process_for "$out" || fail "($target) processes still working for $out"
  check "restart ($target): exit 0" [ $rc -eq 0 ]
  skipped=$(sed -n 's/.*(\([0-9]*\) complete before this start).*/\1/p' "$TMP/$target.err")
  # With the sweep alone killed, its orphaned runs may finish a few more before the restart looks.
  check "restart ($target): skipped the $n runs complete at the kill (said ${skipped:-nothing})" [ "${skipped:-0}" -ge "$n" ]
  rerun=0
  for s in "${!was[@]}"; do
    [ "$(stat -c '%i:%Y.%y' "$s")" = "${was[$s]}" ] || rerun=$((rerun + 1))
  done
  check "restart ($target): no complete run was run again ($rerun were)" [ $rerun -eq 0 ]
  unset was

  # Exactly one result per run: one directory per manifest line, each complete, nothing else left.
  expected=$(sed 's/.*"run_id":"\([0-9a-f]*\)".*/\1/' "$out/manifest.jsonl" | sort)
  present=$(ls -A "$out/runs" | sort)
  [ "$expected" = "$present" ] || echo "# runs/: $(ls -A "$out/runs" | grep -v -x -F "$expected")"
  check "($target) runs/ holds exactly the $RUNS run directories (no staging left)" [ "$expected" = "$present" ]
  check "($target) every run is complete" [ "$(complete "$out")" = $RUNS ]
  "$SVCSIM" collect "$out" --quiet
  check "($target) collected sweep.csv is byte-identical to the uninterrupted one" cmp -s "$TMP/ref/sweep.csv" "$out/sweep.csv"
done
finish
