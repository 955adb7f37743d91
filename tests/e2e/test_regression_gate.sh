#!/usr/bin/env bash
# The project's own regression gate: every canonical scenario is run and compared with its committed
# baseline (tests/baselines/*.json) by `svcsim check`. A changed model parameter must make the gate fail.
set -u
SVCSIM=${SVCSIM:-build/svcsim}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
passed=0
failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

for baseline in tests/baselines/*.json; do
  scenario=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["scenario"])' "$baseline")
  name=$(basename "$baseline" .json)
  "$SVCSIM" run "$scenario" --out "$scratch/$name" --quiet 2>/dev/null
  if "$SVCSIM" check "$scratch/$name" --baseline "$baseline" >"$scratch/$name.txt" 2>&1; then
    ok "$name matches its baseline ($(tail -1 "$scratch/$name.txt"))"
  else
    fail "$name differs from its baseline:"; cat "$scratch/$name.txt"
  fi
done

# A model change (0.5 ms more balancer overhead per request) must fail the gate, labelled regressed.
"$SVCSIM" run scenarios/seed-3-instances.json --out "$scratch/changed" --quiet \
  --set /parameters/load_balancer/request_overhead_ms=1.0 2>/dev/null
"$SVCSIM" check "$scratch/changed" --baseline tests/baselines/seed-3-instances.json >"$scratch/changed.txt" 2>&1
rc=$?
[ "$rc" -eq 1 ] && ok "a changed model parameter fails the gate (exit 1)" || fail "changed model: exit $rc, want 1"
grep -q "FAIL (regressed)" "$scratch/changed.txt" && ok "the slower latency is labelled regressed" \
  || fail "no 'FAIL (regressed)' line: $(cat "$scratch/changed.txt")"
grep -qE "^[0-9]+ passed, [1-9][0-9]* failed$" "$scratch/changed.txt" && ok "closing line counts the failures" \
  || fail "closing line: $(tail -1 "$scratch/changed.txt")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
