#!/usr/bin/env bash
# End-to-end test of `svcsim check`, the CI regression gate: hand-made run and sweep directories and baselines,
# checking exit codes 0/1/2, the closing "N passed, N failed" line, the error lines and --update-baseline.
# Usage: SVCSIM=build/svcsim tests/e2e/test_check_cli.sh [SCRATCH_DIR]   (prints ok/FAIL lines; exit 1 on failure)
source "$(dirname "$0")/e2e_lib.sh"

# run_check NAME EXPECTED_EXIT ARGS... : runs `svcsim check ARGS`, keeps stdout/stderr in $D/NAME.{out,err}.
run_check() {
  local name=$1 expected=$2
  shift 2
  "$SVCSIM" check "$@" >"$D/$name.out" 2>"$D/$name.err"
  local code=$?
  if [ "$code" -eq "$expected" ]; then
    ok "$name: exit $code"
  else
    fail "$name: exit $code, expected $expected (stderr: $(head -c 400 "$D/$name.err"))"
  fi
}

expect_last_line() { # NAME LINE
  local last
  last=$(tail -n 1 "$D/$1.out")
  if [ "$last" = "$2" ]; then ok "$1: closing line '$2'"; else fail "$1: closing line '$last', expected '$2'"; fi
}

expect_grep() { # NAME FILE-SUFFIX TEXT
  if grep -qF -- "$3" "$D/$1.$2"; then ok "$1: $2 has '$3'"; else fail "$1: $2 lacks '$3' (got: $(head -c 400 "$D/$1.$2"))"; fi
}

expect_no_grep() { # NAME FILE-SUFFIX TEXT
  if grep -qF -- "$3" "$D/$1.$2"; then fail "$1: $2 unexpectedly has '$3'"; else ok "$1: $2 has no '$3'"; fi
}

# --- fixtures ---------------------------------------------------------------------------------------------
mkdir -p "$D/run"
cat >"$D/run/summary.json" <<'JSON'
{"scenario": "e2e", "seed": 1, "sim_time_s": 110.0,
 "requests": {"total": 300, "success": 290, "failed": 10, "by_status": {"200": 290, "502": 10},
              "latency_ms": {"min": 1.5, "mean": 20.25, "p50": 12.0, "p95": 80.5, "p99": 321.2, "max": 500.0},
              "achieved_rps": 2.75},
 "by_endpoint": {"/api/auth/auth-work": {"total": 100, "latency_ms": {"p50": 11.0}}},
 "by_instance": {"auth-service-1": {"served": 100, "failed": 0}},
 "faults": [{"kind": "crash", "target": "auth-service-1", "at_s": 60.0, "lb_excluded_at_s": 75.0,
             "detector_alert_at_s": null}]}
JSON

cat >"$D/pass.json" <<'JSON'
{"description": "matches run/summary.json",
 "defaults": {"rel_tol": 0.0, "abs_tol": 0.0},
 "metrics": [
   {"metric": "requests.latency_ms.p99", "value": 321.0, "rel_tol": 0.01, "abs_tol": 0.5, "better": "lower"},
   {"metric": "faults[0].lb_excluded_at_s", "value": 75.0, "abs_tol": 0.001},
   {"metric": "faults[0].detector_alert_at_s", "value": null},
   {"metric": "by_instance.auth-service-1.served", "value": 100},
   {"metric": "by_endpoint[\"/api/auth/auth-work\"].latency_ms.p50", "value": 11.0},
   {"metric": "requests.by_status.200", "value": 290}
 ]}
JSON

# Same, with p99's tolerance tightened below the 0.2 ms difference.
sed 's/"value": 321.0, "rel_tol": 0.01, "abs_tol": 0.5/"value": 321.0, "abs_tol": 0.1/' "$D/pass.json" >"$D/tight.json"

cat >"$D/missing-metric.json" <<'JSON'
{"metrics": [
   {"metric": "requests.latency_ms.p99", "value": 321.2},
   {"metric": "requests.latency_ms.p999", "value": 400.0}
 ]}
JSON

printf '{"metrics": [\n  {"metric": "requests.total", "value": 300,}\n]}\n' >"$D/broken.json"

mkdir -p "$D/incomplete"
cp "$D/run/summary.json" "$D/incomplete/"
: >"$D/incomplete/INCOMPLETE"
mkdir -p "$D/no-summary"

mkdir -p "$D/sweep"
cat >"$D/sweep/sweep.csv" <<'CSV'
run_id,rps,seed,requests.latency_ms.p99,faults[0].lb_excluded_at_s
rps=10/seed=1,10,1,120.5,75.0
rps=20/seed=1,20,1,180.25,
CSV
cat >"$D/sweep-baseline.json" <<'JSON'
{"defaults": {"rel_tol": 0.01},
 "runs": {
   "rps=10/seed=1": [{"metric": "requests.latency_ms.p99", "value": 120.0},
                     {"metric": "faults[0].lb_excluded_at_s", "value": 75.0}],
   "rps=20/seed=1": [{"metric": "requests.latency_ms.p99", "value": 150.0, "better": "lower"},
                     {"metric": "faults[0].lb_excluded_at_s", "value": null}]
 }}
JSON

# --- cases ------------------------------------------------------------------------------------------------
run_check pass 0 "$D/run" --baseline "$D/pass.json"
expect_last_line pass "6 passed, 0 failed"
expect_grep pass out "PASS"
head -n 1 "$D/pass.out" | grep -qE '^metric +baseline +current +delta +delta% +tol +status$' &&
  ok "pass: table header" || fail "pass: table header is '$(head -n 1 "$D/pass.out")'"

run_check tight 1 "$D/run" --baseline "$D/tight.json"
expect_last_line tight "5 passed, 1 failed"
expect_grep tight out "FAIL (regressed)"

run_check missing-metric 2 "$D/run" --baseline "$D/missing-metric.json"
expect_grep missing-metric err \
  "$D/missing-metric.json: error: /metrics/1/metric: requests.latency_ms.p999 not found in $D/run/summary.json"
expect_no_grep missing-metric out "passed,"

run_check broken-json 2 "$D/run" --baseline "$D/broken.json"
expect_grep broken-json err "$D/broken.json:2:"

run_check no-baseline 2 "$D/run" --baseline "$D/nope.json"
expect_grep no-baseline err "$D/nope.json: error: baseline file not found"

run_check no-run-dir 2 "$D/nope" --baseline "$D/pass.json"
expect_grep no-run-dir err "$D/nope: error: run directory not found"

run_check incomplete 2 "$D/incomplete" --baseline "$D/pass.json"
expect_grep incomplete err "refusing incomplete run"

run_check no-summary 2 "$D/no-summary" --baseline "$D/pass.json"
expect_grep no-summary err "refusing incomplete run"

run_check sweep 1 "$D/sweep" --baseline "$D/sweep-baseline.json"
expect_last_line sweep "3 passed, 1 failed"
expect_grep sweep out "rps=20/seed=1:requests.latency_ms.p99"

# --update-baseline: values follow the run, tolerances stay, and the check then passes.
cp "$D/tight.json" "$D/update.json"
run_check update 0 "$D/run" --baseline "$D/update.json" --update-baseline
expect_grep update out "updated requests.latency_ms.p99: 321.0 -> 321.2"
if grep -qF '"value": 321.2, "abs_tol": 0.1' "$D/update.json"; then ok "update: tolerance kept"; else fail "update: tolerance lost: $(cat "$D/update.json")"; fi
run_check update-then-check 0 "$D/run" --baseline "$D/update.json"
expect_last_line update-then-check "6 passed, 0 failed"

cp "$D/sweep-baseline.json" "$D/sweep-update.json"
run_check sweep-update 0 "$D/sweep" --baseline "$D/sweep-update.json" --update-baseline
run_check sweep-update-then-check 0 "$D/sweep" --baseline "$D/sweep-update.json"
expect_last_line sweep-update-then-check "4 passed, 0 failed"

finish
