# Shared by tests/e2e/sweep_*.sh (sourced, not run): the binary from $SVCSIM, the repository root, a
# private temporary directory removed on exit, and `ok`/`fail` lines counted for the exit status.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SVCSIM=${SVCSIM:-$ROOT/build/svcsim}
case $SVCSIM in /*) ;; *) SVCSIM=$PWD/$SVCSIM ;; esac
if [ ! -x "$SVCSIM" ]; then
  echo "FAIL $(basename "$0"): no binary at $SVCSIM (set SVCSIM)"
  exit 1
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/svcsim-sweep-test.XXXXXX")
FAILURES=0
cleanup_hooks=()
on_exit() {
  local h
  for h in "${cleanup_hooks[@]}"; do eval "$h"; done
  rm -rf "$TMP"
}
trap on_exit EXIT

ok() { echo "ok $*"; }
fail() { echo "FAIL $*"; FAILURES=$((FAILURES + 1)); }
# check "what" command...: ok when the command succeeds.
check() {
  local what=$1
  shift
  if "$@"; then ok "$what"; else fail "$what"; fi
}
finish() {
  [ "$FAILURES" -eq 0 ] || { echo "$(basename "$0"): $FAILURES failed"; exit 1; }
  exit 0
}
