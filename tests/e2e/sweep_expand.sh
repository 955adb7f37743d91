#!/usr/bin/env bash
# Sweep expansion: grid sizes (axes, ranges, zips, seeds), run ids stable across expansions and machines,
# errors that exit 2 naming the sweep file's axis, the Slurm array script's size. Nothing is run.
# Usage: SVCSIM=build/svcsim tests/e2e/sweep_expand.sh
source "$(dirname "$0")/sweep_lib.sh"

lines() { wc -l <"$1" | tr -d ' '; }

# expect_runs NAME SWEEP N: --emit-manifest writes N lines and prints the manifest's path.
expect_runs() {
  local name=$1 sweep=$2 n=$3 out printed
  out=$TMP/$name
  if ! printed=$("$SVCSIM" sweep "$sweep" --emit-manifest --out "$out" --quiet); then
    fail "$name: sweep --emit-manifest failed"
    return
  fi
  [ "$printed" = "$out/manifest.jsonl" ] || fail "$name: printed \"$printed\", expected $out/manifest.jsonl"
  local got
  got=$(lines "$out/manifest.jsonl")
  if [ "$got" = "$n" ]; then ok "$name: $n runs"; else fail "$name: $got runs, expected $n"; fi
}

expect_runs small "$ROOT/sweeps/small.json" 4
expect_runs 3-vs-10 "$ROOT/sweeps/3-vs-10.json" 50       # zip of 2 x 5 rps x 5 seeds
expect_runs heartbeat "$ROOT/sweeps/heartbeat.json" 27   # 3 x 3 x 3 seeds

cat >"$TMP/zip.json" <<JSON
{"name": "zip", "base": "$ROOT/scenarios/seed-3-instances.json",
 "axes": [{"pointer": "/workloads/0/rps", "values": [10, 20, 30]},
          {"pointer": "/workloads/0/duration_s", "range": {"from": 5, "to": 15, "step": 5}}],
 "zip": [["/workloads/0/rps", "/workloads/0/duration_s"],
         {"pointers": ["/deployment/instances", "/workloads/0/start_s"], "values": [[3, 20], [10, 41]]}],
 "seeds": [1, 2]}
JSON
expect_runs zip "$TMP/zip.json" 12   # (3 zipped) x (2 tuples) x 2 seeds
first=$(head -1 "$TMP/zip/manifest.jsonl")
case $first in
*'"axes":{"/workloads/0/rps":10,"/workloads/0/duration_s":5,"/deployment/instances":3,"/workloads/0/start_s":20}'*)
  ok "zip: axis values recorded per run, in column order" ;;
*) fail "zip: unexpected first line: ${first:0:200}" ;;
esac

# Stable run ids: the same sweep expanded twice, and from a copy of the base elsewhere (another machine's
# paths), gives the same ids in the same order.
"$SVCSIM" sweep "$ROOT/sweeps/small.json" --emit-manifest --out "$TMP/small-again" --quiet >/dev/null
check "run ids: a second expansion writes the same manifest bytes" cmp -s "$TMP/small/manifest.jsonl" "$TMP/small-again/manifest.jsonl"
mkdir -p "$TMP/elsewhere/scenarios" "$TMP/elsewhere/platforms" "$TMP/elsewhere/sweeps"
cp "$ROOT/scenarios/seed-3-instances.json" "$TMP/elsewhere/scenarios/"
cp "$ROOT/platforms/localhost.xml" "$TMP/elsewhere/platforms/"
cp "$ROOT/sweeps/small.json" "$TMP/elsewhere/sweeps/"
(cd "$TMP" && "$SVCSIM" sweep elsewhere/sweeps/small.json --emit-manifest --out moved --quiet >/dev/null)
ids() { sed 's/.*"run_id":"\([0-9a-f]*\)".*/\1/' "$1"; }
if [ "$(ids "$TMP/small/manifest.jsonl")" = "$(ids "$TMP/moved/manifest.jsonl")" ] &&
   ! grep -q "$ROOT" "$TMP/moved/manifest.jsonl"; then
  ok "run ids: the same from a copy of the base in another directory"
else
  fail "run ids differ when the base scenario lives elsewhere"
fi

# expect_error NAME TEXT SWEEP_JSON: exit 2, TEXT on stderr, no output directory.
expect_error() {
  local name=$1 text=$2 rc
  printf '%s\n' "$3" >"$TMP/$name.json"
  "$SVCSIM" sweep "$TMP/$name.json" --out "$TMP/$name-out" 2>"$TMP/$name.err" >/dev/null
  rc=$?
  if [ $rc -ne 2 ]; then
    fail "$name: exit $rc, expected 2 ($(head -c 300 "$TMP/$name.err"))"
  elif ! grep -qF -- "$text" "$TMP/$name.err"; then
    fail "$name: stderr lacks \"$text\": $(head -c 300 "$TMP/$name.err")"
  elif [ -e "$TMP/$name-out" ]; then
    fail "$name: wrote $TMP/$name-out although the sweep is invalid"
  else
    ok "$name: exit 2, $(head -1 "$TMP/$name.err" | sed "s|$TMP/||")"
  fi
}
base="\"base\": \"$ROOT/scenarios/seed-3-instances.json\""
expect_error bad-pointer "bad-pointer.json:3:15: error: /axes/1/pointer: expected a pointer into the base scenario, got nothing at /deploymnet" \
"{$base, \"axes\": [
  {\"pointer\": \"/workloads/0/rps\", \"values\": [10, 20]},
  {\"pointer\": \"/deploymnet/instances\", \"values\": [3, 10]}]}"
expect_error empty-axis "/axes/0/values: expected a non-empty array of values, got []" \
  "{$base, \"axes\": [{\"pointer\": \"/workloads/0/rps\", \"values\": []}]}"
expect_error bad-range "/axes/0/range/step: expected a number > 0, got -10" \
  "{$base, \"axes\": [{\"pointer\": \"/workloads/0/rps\", \"range\": {\"from\": 10, \"to\": 100, \"step\": -10}}]}"
expect_error bad-zip "/zip/0/1: expected 2 values like /axes/0, got 3 at /axes/1" \
  "{$base, \"axes\": [{\"pointer\": \"/workloads/0/rps\", \"values\": [1, 2]}, {\"pointer\": \"/end_s\", \"values\": [100, 110, 120]}], \"zip\": [[\"/workloads/0/rps\", \"/end_s\"]]}"
# Every expanded scenario is checked before anything runs; the error names the run by its axis values.
expect_error bad-value "run 1 (/workloads/0/rps=-5, seed 1): /workloads/0/rps (from /axes/0/pointer): expected number > 0, got -5" \
  "{$base, \"axes\": [{\"pointer\": \"/workloads/0/rps\", \"values\": [10, -5]}]}"
expect_error bad-base "/base: expected a readable base scenario" '{"base": "no-such-scenario.json"}'

# The Slurm array: one task per run for a small sweep, chunks with --chunk (and beyond 1000 runs).
"$SVCSIM" sweep "$ROOT/sweeps/small.json" --emit-slurm --out "$TMP/slurm" --quiet >/dev/null
check "emit-slurm: small sweep is an array of 4 tasks" grep -qx '#SBATCH --array=0-3' "$TMP/slurm/sweep.sbatch"
check "emit-slurm: logs go to DIR/slurm/" grep -qx "#SBATCH --output=$TMP/slurm/slurm/%A_%a.out" "$TMP/slurm/sweep.sbatch"
"$SVCSIM" sweep "$ROOT/sweeps/small.json" --emit-slurm --chunk 3 --out "$TMP/slurm3" --quiet >/dev/null
check "emit-slurm --chunk 3: 2 tasks" grep -qx '#SBATCH --array=0-1' "$TMP/slurm3/sweep.sbatch"
check "emit-slurm: the script is valid bash" bash -n "$TMP/slurm/sweep.sbatch"

# run --manifest with a line that does not exist.
"$SVCSIM" run --manifest "$TMP/small/manifest.jsonl" --index 4 --quiet 2>"$TMP/index.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "expected an index 0..3" "$TMP/index.err"; then ok "run --manifest --index 4 of 4: exit 2"
else fail "run --manifest --index 4 of 4: exit $rc: $(cat "$TMP/index.err")"; fi

finish
