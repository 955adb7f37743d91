# shellcheck shell=bash
# Shared by tests/e2e/test_plots.sh, test_report.sh, test_trace.sh and test_check_cli.sh (sourced, not run): the repository root,
# the binary from $SVCSIM, a scratch directory $D, `ok`/`fail` lines counted in $failures, a quiet `svcsim run`,
# the crash scenario, and `finish` for the last line and the exit status.
# $D is $SCRATCH/NAME (NAME from the script's name: test_NAME.sh), $SCRATCH the script's first argument or
# $SCRATCH_DIR, else a new temporary directory removed only on success, so a failure's outputs stay for a look.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SVCSIM=${SVCSIM:-$ROOT/build/svcsim}
TEST=$(basename "$0" .sh)
SCRATCH=${1:-${SCRATCH_DIR:-}}
own_scratch=0
if [ -z "$SCRATCH" ]; then
  SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/svcsim-${TEST#test_}-e2e.XXXXXX")
  own_scratch=1
fi
D="$SCRATCH/${TEST#test_}"
rm -rf "$D"
mkdir -p "$D"
failures=0
ok() { echo "ok   $1"; }
fail() {
  echo "FAIL $1"
  failures=$((failures + 1))
}
finish() {
  if [ "$failures" -eq 0 ]; then
    echo "$TEST: all passed"
    [ "$own_scratch" -eq 1 ] && rm -rf "$SCRATCH"
    exit 0
  fi
  echo "$TEST: $failures failed (outputs in $D)"
  exit 1
}

if [ ! -x "$SVCSIM" ]; then
  echo "FAIL svcsim binary not found or not executable: $SVCSIM"
  exit 1
fi

# run_svcsim WHAT NAME SCENARIO [ARGS...]: `svcsim run` of $ROOT/SCENARIO into $D/NAME, its stdout and stderr
# in $D/NAME.out and $D/NAME.err; on failure a line "FAIL NAME: WHAT failed: <its stderr>" and status 1.
run_svcsim() {
  local what=$1 name=$2 scenario=$3
  shift 3
  if ! "$SVCSIM" run "$ROOT/$scenario" --quiet --out "$D/$name" "$@" >"$D/$name.out" 2>"$D/$name.err"; then
    fail "$name: $what failed: $(head -c 400 "$D/$name.err")"
    return 1
  fi
}

# CRASH: SCENARIO [ARGS...] of a crash run: scenarios/failover-crash.json, or before that scenario existed, the
# same crash made with --set.
# shellcheck disable=SC2034 # used by the scripts that source this file
if [ -f "$ROOT/scenarios/failover-crash.json" ]; then
  CRASH=(scenarios/failover-crash.json)
else
  CRASH=(scenarios/seed-3-instances.json --set '/faults=[{"kind":"crash","target":"auth-service-2","at_s":30}]')
fi
