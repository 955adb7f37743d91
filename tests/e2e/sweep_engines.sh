#!/usr/bin/env bash
# One small sweep (sweeps/small.json, 4 runs) through three engines: `svcsim sweep --jobs 2`, GNU parallel
# over the manifest's indices, and a real one-node Slurm cluster (tools/slurm-cluster: munge, slurmctld,
# slurmd as root, state in a temporary directory, stopped by pid files) running the --emit-slurm array
# script with `sbatch --wait`. The collected sweep.csv must be byte-identical for all three.
# Exit 77 (after the other checks) with a `SKIP slurm: <reason>` line when no cluster can start here.
# Usage: SVCSIM=build/svcsim tests/e2e/sweep_engines.sh
source "$(dirname "$0")/sweep_lib.sh"
SWEEP=$ROOT/sweeps/small.json
runs_in() { wc -l <"$1/manifest.jsonl" | tr -d ' '; }

# 1. The built-in process pool.
"$SVCSIM" sweep "$SWEEP" --jobs 2 --out "$TMP/jobs" --quiet
check "--jobs 2: exit 0" [ $? -eq 0 ]
check "--jobs 2: 4 runs ok" [ "$(sqlite3 "$TMP/jobs/sweep.sqlite" "select count(*) from runs where status = 'ok'")" = 4 ]

# 2. GNU parallel: what a user does with the manifest on any machine.
if command -v parallel >/dev/null; then
  "$SVCSIM" sweep "$SWEEP" --emit-manifest --out "$TMP/parallel" --quiet >/dev/null
  seq 0 $(( $(runs_in "$TMP/parallel") - 1 )) >"$TMP/indices"
  parallel --will-cite -j2 --joblog "$TMP/parallel/parallel-joblog.tsv" \
    "$SVCSIM" run --manifest "$TMP/parallel/manifest.jsonl" --index {} --quiet :::: "$TMP/indices"
  check "GNU parallel: every run exit 0" [ $? -eq 0 ]
  "$SVCSIM" collect "$TMP/parallel" --quiet
  check "GNU parallel: collect exit 0" [ $? -eq 0 ]
  check "GNU parallel: sweep.csv identical to --jobs 2" cmp -s "$TMP/jobs/sweep.csv" "$TMP/parallel/sweep.csv"
else
  fail "GNU parallel: not installed (tools/setup --full)"
fi

# 3. Slurm.
skip=""
if [ "$(id -u)" -ne 0 ]; then
  skip="not root (the test starts munged, slurmctld and slurmd itself)"
elif ! command -v slurmctld >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  skip="slurmctld, slurm-client or munge not installed (tools/setup --full)"
fi
if [ -z "$skip" ]; then
  cluster=$TMP/cluster
  chmod 755 "$TMP" # munged (user munge) must reach its socket below it
  cleanup_hooks+=("'$ROOT/tools/slurm-cluster' stop '$cluster' >/dev/null 2>&1")
  if env_line=$("$ROOT/tools/slurm-cluster" start "$cluster" 2>"$TMP/cluster.err"); then
    export SLURM_CONF=$cluster/slurm.conf
    ok "slurm: one-node cluster up ($env_line)"
    "$SVCSIM" sweep "$SWEEP" --emit-slurm --out "$TMP/slurm" --quiet >/dev/null
    if timeout 300 sbatch --wait --quiet "$TMP/slurm/sweep.sbatch" >"$TMP/sbatch.out" 2>&1; then
      ok "slurm: sbatch --wait exit 0"
    else
      fail "slurm: sbatch --wait failed: $(cat "$TMP/sbatch.out") $(cat "$TMP"/slurm/slurm/*.err 2>/dev/null | tail -5)"
    fi
    check "slurm: one log pair per array task" [ "$(ls "$TMP/slurm/slurm" | grep -c '\.out$')" = 4 ]
    "$SVCSIM" collect "$TMP/slurm" --quiet
    check "slurm: collect exit 0" [ $? -eq 0 ]
    check "slurm: sweep.csv identical to --jobs 2" cmp -s "$TMP/jobs/sweep.csv" "$TMP/slurm/sweep.csv"
    "$ROOT/tools/slurm-cluster" stop "$cluster"
    gone=yes
    for f in slurm/run/slurmd.pid slurm/run/slurmctld.pid munge/run/munged.pid; do
      [ -e "$cluster/$f" ] && gone=no
    done
    check "slurm: daemons stopped by their pid files" [ $gone = yes ]
  else
    skip="the cluster did not start: $(tail -1 "$TMP/cluster.err")"
  fi
fi

if [ -n "$skip" ]; then
  echo "SKIP slurm: $skip"
  [ "$FAILURES" -eq 0 ] && exit 77
fi
finish
