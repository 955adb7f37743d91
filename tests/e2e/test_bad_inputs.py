"""Every hostile scenario of tests/e2e/bad_inputs.tsv (file<TAB>expected text) through the CLI, as a user would
meet it: `svcsim validate FILE` and `svcsim run FILE --out DIR` must each exit 2 (bad input), print the expected
text (the JSON pointer, or `syntax error`), print exactly one error line of the shape
`FILE:LINE:COL: error: ...` and nothing else on stderr, never die of a signal (no core dump), never print
`ok` on stdout, and `run` must write nothing: no output directory, so no summary.json claiming success.
The parser's unit test (tests/unit/test_scenario_parser.cpp) runs the same list in-process.
Usage: SVCSIM=build/svcsim /usr/bin/python3 tests/e2e/test_bad_inputs.py"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, SCRATCH, SVCSIM, check, finish  # noqa: E402

TSV = os.path.join(ROOT, "tests", "e2e", "bad_inputs.tsv")


def cases():
    with open(TSV, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            file, expected = line.split("\t")
            yield n, file, expected


def one_command(label, args, file, expected):
    p = subprocess.run([SVCSIM, *args], capture_output=True, cwd=ROOT, timeout=120)
    err = p.stderr.decode("utf-8", "replace")
    out = p.stdout.decode("utf-8", "replace")
    lines = [ln for ln in err.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ": error: " in ln]
    shape = re.compile(re.escape(file) + r":\d+:\d+: error: ")
    ok = check(p.returncode == 2, f"{label}: exit 2 (got {p.returncode}{', killed by signal' if p.returncode < 0 else ''})")
    if not ok:
        print("    stderr: " + err[-600:].replace("\n", "\n    "))
    check(expected in err, f"{label}: stderr names {expected!r}")
    check(len(errors) == 1, f"{label}: exactly one error line (got {len(errors)})")
    check(len(lines) == len(errors), f"{label}: nothing but error lines on stderr (got {len(lines)} lines)")
    check(all(shape.match(ln) for ln in errors), f"{label}: error line has the FILE:LINE:COL: error: shape")
    check(": ok" not in out and "summary" not in out, f"{label}: nothing on stdout claims success")
    return p


def main():
    n_cases = 0
    for n, file, expected in cases():
        n_cases += 1
        name = os.path.basename(file)
        one_command(f"validate {name}", ["validate", file], file, expected)
        out_dir = os.path.join(SCRATCH, f"run-{n}")
        one_command(f"run {name}", ["run", file, "--out", out_dir, "--quiet"], file, expected)
        check(not os.path.exists(os.path.join(out_dir, "summary.json")), f"run {name}: no summary.json written")
        check(not os.path.exists(out_dir), f"run {name}: no output directory created")
    check(n_cases >= 40, f"at least 40 hostile inputs listed (got {n_cases})")
    core = [f for f in os.listdir(ROOT) if f == "core" or f.startswith("core.")]
    check(not core, f"no core file in the repository root (found {core})")
    finish()


if __name__ == "__main__":
    main()
