"""Hostile inputs beyond single-defect scenario files (those are tests/e2e/test_bad_inputs.py): several errors in
one file (all reported at once), command-line misuse, SimGrid options, an unwritable or full output directory
(a tiny tmpfs), a previous run kept intact when the disk fills, corrupt run and sweep directories given to
`check` and `collect`, broken baselines, sweep axes with bad pointers, and address clashes (a warning, SPEC §1).
Every failure must exit 2 (1 where the contract says so: `collect` with runs missing), print one
`file[:line:col]: error:` line per problem, never die of a signal, and never leave a summary.json behind.
Needs root for the tmpfs cases (they print skip otherwise).
Usage: SVCSIM=build/svcsim /usr/bin/python3 tests/reliability/test_hostile_env.py"""
import glob
import hashlib
import json
import os
import re
import shutil
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from relib import ROOT, SCRATCH, Tmpfs, can_mount_tmpfs, check, error_lines, finish, skip, svcsim  # noqa: E402

OTHER = "tests/inputs/bad/other"
SMALL = "scenarios/seed-3-instances.json"  # 3 s of wall time at most


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def expect_failure(label, rc, err, code=2, want=(), lines=None, shape=None, known_bug=None):
    """rc == code, each text of `want` in stderr, `lines` error lines if given, each matching `shape`."""
    errs = error_lines(err)
    ok = check(rc == code, f"{label}: exit {code} (got {rc}{' = killed by a signal' if rc < 0 else ''})", known_bug)
    if not ok and not known_bug:
        print("    stderr: " + err[-800:].replace("\n", "\n    "))
    check(rc >= 0 and rc not in (134, 139), f"{label}: no crash (exit {rc})", known_bug if rc < 0 or rc in (134, 139) else None)
    for w in want:
        check(w in err, f"{label}: stderr names {w!r}", known_bug if w not in err else None)
    if lines is not None:
        check(len(errs) == lines, f"{label}: {lines} error line(s) (got {len(errs)})", known_bug if len(errs) != lines else None)
    if shape is not None:
        bad = [e for e in errs if not re.match(shape, e)]
        check(errs and not bad, f"{label}: error lines have the shape {shape}", known_bug if bad or not errs else None)


def no_summary(label, out_dir):
    check(not os.path.exists(os.path.join(out_dir, "summary.json")), f"{label}: no summary.json in {os.path.basename(out_dir)}")


def no_staging(label, out_dir, known_bug=None):
    left = glob.glob(os.path.join(out_dir, ".staging-*"))
    check(not left, f"{label}: no staging directory left behind (found {len(left)})", known_bug if left else None)


# --- scenario files with several errors, several files at once ----------------------------------------------
def test_all_errors_at_once():
    f = f"{OTHER}/four-errors.json"
    shape = re.escape(f) + r":\d+:\d+: error: /"
    want = ["/name", "/workloads/0/rps", "/faults/0/target", "/faults/1/until_s"]
    rc, out, err = svcsim("validate", f)
    expect_failure("validate four-errors.json", rc, err, 2, want, lines=4, shape=shape)
    out_dir = os.path.join(SCRATCH, "four-errors")
    rc, out, err = svcsim("run", f, "--out", out_dir, "--quiet")
    expect_failure("run four-errors.json", rc, err, 2, want, lines=4, shape=shape)
    check(not os.path.exists(out_dir), "run four-errors.json: no output directory created")
    # several files: every error of every file, the good one still says ok, exit 2 overall
    rc, out, err = svcsim("validate", SMALL, f, "tests/inputs/bad/seed-negative.json")
    expect_failure("validate good + 2 bad files", rc, err, 2, want + ["seed-negative.json:5:11: error: /seed"], lines=5)
    check(f"{SMALL}: ok" in out, "validate good + 2 bad files: the good file is reported ok")


def test_other_files():
    # the defect is in another file than the scenario: the error names that file (and its line where known)
    rc, out, err = svcsim("validate", f"{OTHER}/model-malformed.json")
    expect_failure("validate model-malformed.json", rc, err, 2, ["malformed-model.json:1:74: error: syntax error"], lines=1)
    rc, out, err = svcsim("validate", f"{OTHER}/platform-not-xml.json")
    expect_failure("validate platform-not-xml.json", rc, err, 2, ["not-a-platform.txt: error:"], lines=1)
    out_dir = os.path.join(SCRATCH, "platform-malformed")
    rc, out, err = svcsim("validate", f"{OTHER}/platform-malformed.json")
    expect_failure("validate platform-malformed.json (unclosed <host> tag)", rc, err, 2, ["malformed-platform.xml:6"],
                   lines=1)
    check("ok" not in out, f"validate platform-malformed.json: not reported ok (stdout {out!r})")
    validate_err = err
    rc, out, err = svcsim("run", f"{OTHER}/platform-malformed.json", "--out", out_dir, "--quiet")
    expect_failure("run platform-malformed.json", rc, err, 2, ["malformed-platform.xml:6"], lines=1)
    check(err == validate_err, "validate and run give the same error line for the malformed platform")
    no_summary("run platform-malformed.json", out_dir)
    no_staging("run platform-malformed.json", out_dir)


def test_address_clash():
    # SPEC §1: a clash is modelled (the later bind fails at start, as an event); validate warns, exit 0.
    f = f"{OTHER}/address-clash.json"
    rc, out, err = svcsim("validate", f)
    warn = [ln for ln in err.splitlines() if ": warning: " in ln]
    check(rc == 0, f"validate address-clash.json: exit 0 with a warning (got {rc})")
    check(len(warn) == 1 and re.match(re.escape(f) + r":\d+:\d+: warning: /deployment", warn[0] if warn else ""),
          "validate address-clash.json: one FILE:LINE:COL: warning: line")
    check("localhost:3001" in err and "EADDRINUSE" in err, "validate address-clash.json: names the address and EADDRINUSE")
    out_dir = os.path.join(SCRATCH, "clash")
    rc, out, err = svcsim("run", f, "--out", out_dir, "--quiet")
    check(rc == 0, f"run address-clash.json: completes (exit {rc})")
    if rc == 0:
        con = sqlite3.connect(os.path.join(out_dir, "results.sqlite"))
        rows = con.execute("SELECT subject FROM events WHERE kind = 'process.bind_failed'").fetchall()
        con.close()
        check(rows == [("data-service-1",)], f"run address-clash.json: data-service-1 fails to bind (events {rows})")


# --- command-line misuse ----------------------------------------------------------------------------------
def test_cli_misuse():
    out_dir = os.path.join(SCRATCH, "cli")
    cases = [
        ("missing scenario file", ["validate", "no/such/file.json"], ["no/such/file.json"], None),
        ("a directory as scenario", ["validate", "scenarios"], ["scenarios"], None),
        ("/dev/null as scenario", ["validate", "/dev/null"], ["/dev/null:1:1: error: syntax error"], None),
        ("run without scenario", ["run"], ["scenario"], None),
        ("unknown subcommand", ["frobnicate"], [], None),
        ("--seed not a number", ["run", SMALL, "--seed", "abc"], ["--seed"], None),
        ("--seed negative", ["run", SMALL, "--seed", "-1"], ["--seed"], None),
        ("--format unknown", ["run", SMALL, "--format", "xml"], ["--format"], None),
        ("--set pointer to nothing", ["run", SMALL, "--set", "/workloads/9/rps=5"], ["/workloads/9"], None),
        ("--set without =", ["run", SMALL, "--set", "/workloads/0/rps"], ["--set"], None),
        ("--set wrong type", ["run", SMALL, "--set", "/workloads/0/rps=\"fast\""], ["/workloads/0/rps"], None),
        ("--set not a pointer", ["validate", SMALL, "--set", "workloads=1"], ["workloads"], None),
    ]
    for n, (label, args, want, bug) in enumerate(cases):
        out_dir = os.path.join(SCRATCH, f"cli-{n}")
        if args[0] == "run":
            args = args + ["--out", out_dir, "--quiet"]
        rc, out, err = svcsim(*args)
        expect_failure(label, rc, err, 2, want, known_bug=bug)
        check(not os.path.exists(os.path.join(out_dir, "summary.json")), f"{label}: no summary.json", bug if rc == 0 else None)


def test_engine_options():
    # SimGrid's own options: the engine aborts on bad ones (NOTES-simgrid §13), so svcsim must vet them first.
    cases = [
        ("--cfg unknown key", ["--cfg=no/such-key:1"], "no/such-key", None),
        ("--cfg bad integer", ["--cfg=contexts/stack-size:abc"], "contexts/stack-size", None),
        ("--cfg unknown context factory", ["--cfg=contexts/factory:bogus"], "contexts/factory", None),
        ("--cfg unknown network model", ["--cfg=network/model:Bogus"], "network/model", None),
        ("--log unknown setting", ["--log=nonsense"], "nonsense", None),
    ]
    for label, extra, want, bug in cases:
        out_dir = os.path.join(SCRATCH, "cfg-" + re.sub(r"\W+", "-", label))
        rc, out, err = svcsim("run", SMALL, "--out", out_dir, "--quiet", *extra)
        expect_failure(label, rc, err, 2, [want], lines=1, known_bug=bug)
        no_summary(label, out_dir)
        no_staging(label, out_dir, known_bug="an abort skips the clean-up; the next run removes it" if rc < 0 or rc > 128 else None)


# --- the output directory ----------------------------------------------------------------------------------
def test_unwritable_output(tmpfs_ok):
    blocker = os.path.join(SCRATCH, "a-file")
    with open(blocker, "w") as f:
        f.write("not a directory\n")
    for label, out_dir in [("--out below a regular file", os.path.join(blocker, "run")),
                           ("--out is a regular file", blocker)]:
        rc, out, err = svcsim("run", SMALL, "--out", out_dir, "--quiet")
        expect_failure(label, rc, err, 2, [out_dir], lines=1, shape=re.escape(out_dir) + r": error: ")
    if not tmpfs_ok:
        skip("--out on a read-only file system: cannot mount a tmpfs here")
        return
    with Tmpfs("1m", "ro") as ro:
        out_dir = os.path.join(ro, "run")
        rc, out, err = svcsim("run", SMALL, "--out", out_dir, "--quiet")
        expect_failure("--out on a read-only file system", rc, err, 2, [out_dir], lines=1)
        no_summary("--out on a read-only file system", out_dir)


def test_full_disk(tmpfs_ok):
    # Exit 2, like an unwritable --out: the output place the user chose cannot hold the results; 3 is kept for
    # svcsim's own bugs. Nothing half-written stays, and a previous run in the directory is left as it was.
    if not tmpfs_ok:
        skip("full disk: cannot mount a tmpfs here (not root, or a locked-down container)")
        return
    with Tmpfs("64k") as full:
        out_dir = os.path.join(full, "run")
        rc, out, err = svcsim("run", SMALL, "--out", out_dir, "--quiet")
        expect_failure("full disk (64 KiB tmpfs)", rc, err, 2, [out_dir], lines=1)
        check(re.search(r"disk is full|No space left", err) is not None, "full disk: the message says the disk is full")
        check("internal error" not in err, "full disk: not reported as an internal error")
        no_summary("full disk", out_dir)
        no_staging("full disk", out_dir)
    with Tmpfs("4m") as disk:
        out_dir = os.path.join(disk, "run")
        rc, out, err = svcsim("run", SMALL, "--out", out_dir, "--quiet")
        check(rc == 0, f"a first run fits in a 4 MiB tmpfs (exit {rc})")
        before = {f: sha(os.path.join(out_dir, f)) for f in ("summary.json", "results.sqlite", "perf.json", "system.sqlite")}
        st = os.statvfs(disk)
        free = st.f_bavail * st.f_frsize
        with open(os.path.join(disk, "filler"), "wb") as f:  # leave ~16 KiB: the next run's staging cannot fit
            f.write(b"\0" * max(0, free - 16384))
        rc, out, err = svcsim("run", SMALL, "--out", out_dir, "--quiet", "--seed", "2")
        expect_failure("second run on a nearly full disk", rc, err, 2, [out_dir], lines=1)
        after = {f: sha(os.path.join(out_dir, f)) for f in before if os.path.exists(os.path.join(out_dir, f))}
        check(after == before, "the previous complete run is unchanged, byte for byte")
        check(not os.path.exists(os.path.join(out_dir, "INCOMPLETE")), "no INCOMPLETE marker: the old run still stands")
        no_staging("second run on a nearly full disk", out_dir)
        os.remove(os.path.join(disk, "filler"))
        rc, out, err = svcsim("run", SMALL, "--out", out_dir, "--quiet", "--seed", "2")
        check(rc == 0, f"with space again, the run completes (exit {rc})")
        with open(os.path.join(out_dir, "summary.json")) as f:
            check(json.load(f)["seed"] == 2, "the directory now holds the new run (seed 2)")


# --- check and collect on corrupt directories ---------------------------------------------------------------
def make_run_dir():
    good = os.path.join(SCRATCH, "good-run")
    rc, out, err = svcsim("run", SMALL, "--out", good, "--quiet")
    if rc != 0:
        raise SystemExit(f"cannot make a good run: exit {rc}: {err}")
    return good, os.path.join(ROOT, "tests", "baselines", "seed-3-instances.json")


def variant(good, name, edit):
    d = os.path.join(SCRATCH, name)
    shutil.copytree(good, d)
    edit(d)
    return d


def write(path, text, mode="w"):
    with open(path, mode) as f:
        f.write(text)


def test_check_corrupt(good, baseline):
    rc, out, err = svcsim("check", good, "--baseline", baseline)
    check(rc == 0, f"check on the good run passes (exit {rc}) [fixture]")
    with open(os.path.join(good, "summary.json")) as f:
        text = f.read()
    cases = [
        ("truncated summary.json", lambda d: write(f"{d}/summary.json", text[: len(text) // 2]), ["summary.json"]),
        ("summary.json is an array", lambda d: write(f"{d}/summary.json", "[]\n"), ["summary.json"]),
        ("summary.json is binary", lambda d: write(f"{d}/summary.json", os.urandom(512), "wb"), ["summary.json"]),
        ("INCOMPLETE marker", lambda d: write(f"{d}/INCOMPLETE", "killed\n"), ["refusing incomplete run"]),
        ("no summary.json, staging left", lambda d: (os.remove(f"{d}/summary.json"), os.makedirs(f"{d}/.staging-x-1")),
         ["refusing incomplete run"]),
        ("summary.json is a directory", lambda d: (os.remove(f"{d}/summary.json"), os.makedirs(f"{d}/summary.json")),
         ["summary.json"]),
    ]
    for label, edit, want in cases:
        d = variant(good, "check-" + re.sub(r"\W+", "-", label), edit)
        rc, out, err = svcsim("check", d, "--baseline", baseline)
        expect_failure(f"check, {label}", rc, err, 2, want, lines=1)
        check("passed," not in out, f"check, {label}: no closing pass line")

    with open(baseline) as f:
        btext = f.read()
    bcases = [
        ("baseline truncated", btext[: len(btext) // 2], [":"]),
        ("baseline empty", "", ["baseline"]),
        ("baseline names a metric the run lacks", json.dumps(
            {"metrics": [{"metric": "requests.latency_ms.p999", "value": 1, "abs_tol": 1}]}), ["requests.latency_ms.p999"]),
        ("baseline names a fault the run lacks", json.dumps(
            {"metrics": [{"metric": "faults[3].detector_alert_at_s", "value": 1, "abs_tol": 1}]}), ["faults[3]"]),
        ("baseline metrics of the wrong type", json.dumps({"metrics": {"requests.total": 1}}), ["/metrics"]),
    ]
    for label, btext2, want in bcases:
        b = os.path.join(SCRATCH, re.sub(r"\W+", "-", label) + ".json")
        write(b, btext2)
        rc, out, err = svcsim("check", good, "--baseline", b)
        expect_failure(f"check, {label}", rc, err, 2, want)
        check("passed," not in out, f"check, {label}: no closing pass line")


def make_sweep():
    sweep = os.path.join(SCRATCH, "sweep.json")
    write(sweep, json.dumps({"name": "hostile", "base": os.path.join(ROOT, SMALL),
                             "axes": [{"pointer": "/workloads/0/rps", "values": [10, 20]}], "seeds": [1]}, indent=2))
    d = os.path.join(SCRATCH, "sweep-dir")
    rc, out, err = svcsim("sweep", sweep, "--out", d, "--jobs", "2", "--quiet", timeout=300)
    return d, rc, err


def test_sweep_bad_pointers():
    sweep = os.path.join(SCRATCH, "bad-sweep.json")
    write(sweep, """{
  "name": "bad-pointers",
  "base": "%s",
  "axes": [
    {"pointer": "/workloads/7/rps", "values": [10, 20]},
    {"pointer": "workloads/0/rps", "values": [10]},
    {"pointer": "/workloads/0/r~2ps", "values": [1]},
    {"values": [1, 2]}
  ],
  "seeds": [1]
}
""" % os.path.join(ROOT, SMALL))
    d = os.path.join(SCRATCH, "bad-sweep-dir")
    rc, out, err = svcsim("sweep", sweep, "--out", d)
    shape = re.escape(sweep) + r":\d+:\d+: error: /axes/\d"
    expect_failure("sweep with 4 bad axes", rc, err, 2, ["/axes/0/pointer", "/axes/1/pointer", "/axes/2/pointer", "/axes/3"],
                   lines=4, shape=shape)
    check(not os.path.exists(os.path.join(d, "manifest.jsonl")), "sweep with bad axes: no manifest written")
    # a pointer that exists but takes a value the scenario refuses: every bad variant is named, nothing runs
    write(sweep, json.dumps({"name": "bad-values", "base": os.path.join(ROOT, SMALL),
                             "axes": [{"pointer": "/workloads/0/rps", "values": [10, -5]}], "seeds": [1]}, indent=2))
    rc, out, err = svcsim("sweep", sweep, "--out", d)
    expect_failure("sweep with a value the scenario refuses", rc, err, 2, ["/workloads/0/rps"])
    check(not glob.glob(os.path.join(d, "runs", "*", "summary.json")), "sweep with a bad value: no run was started")


def test_collect_corrupt():
    d, rc, err = make_sweep()
    if rc != 0:
        check(False, f"fixture: a 2-run sweep completes (exit {rc}: {err.strip()[-300:]})")
        return
    runs = sorted(glob.glob(os.path.join(d, "runs", "*", "summary.json")))
    check(len(runs) == 2, f"fixture: the sweep has 2 complete runs (got {len(runs)})")
    rc, out, err = svcsim("collect", d)
    check(rc == 0, f"collect on the complete sweep: exit 0 (got {rc})")

    def collect_case(label, edit, code, want):
        v = os.path.join(SCRATCH, "collect-" + re.sub(r"\W+", "-", label))
        shutil.copytree(d, v)
        edit(v)
        rc, out, err = svcsim("collect", v)
        expect_failure(f"collect, {label}", rc, err, code, want)
        return v

    first = os.path.relpath(os.path.dirname(runs[0]), d)
    collect_case("one run's summary.json truncated", lambda v: write(f"{v}/{first}/summary.json", "{\"requests\": {"),
                 1, ["not JSON"])
    collect_case("one run marked INCOMPLETE", lambda v: write(f"{v}/{first}/INCOMPLETE", "killed\n"), 1,
                 ["INCOMPLETE"])
    collect_case("one run without summary.json", lambda v: os.remove(f"{v}/{first}/summary.json"), 1,
                 ["no summary.json"])
    collect_case("manifest.jsonl is garbage", lambda v: write(f"{v}/manifest.jsonl", "{not json\n"), 2,
                 ["manifest.jsonl"])
    collect_case("manifest.jsonl missing", lambda v: os.remove(f"{v}/manifest.jsonl"), 2, ["manifest.jsonl"])
    v = os.path.join(SCRATCH, "collect-corrupt-sqlite")
    shutil.copytree(d, v)
    write(f"{v}/sweep.sqlite", os.urandom(8192), "wb")
    rc, out, err = svcsim("collect", v)
    check(rc == 0, f"collect over a corrupt sweep.sqlite: rewrites it (exit {rc})")
    try:
        con = sqlite3.connect(f"{v}/sweep.sqlite")
        n = con.execute("SELECT count(*) FROM runs").fetchone()[0]
        con.close()
    except sqlite3.DatabaseError as e:
        n = str(e)
    check(n == 2, f"collect over a corrupt sweep.sqlite: the new one opens and holds 2 runs (got {n})")
    # check on a collected sweep whose sweep.csv is corrupt, or that only has sweep.sqlite
    sweep_baseline = os.path.join(SCRATCH, "sweep-baseline.json")
    with open(f"{d}/sweep.csv") as f:
        ids = [line.split(",")[0] for line in f.read().splitlines()[1:]]
    write(sweep_baseline, json.dumps({"runs": {i: [{"metric": "requests.total", "value": 0, "abs_tol": 1e9}] for i in ids}}))
    for label, edit, want in [
        ("sweep.csv is binary", lambda x: write(f"{x}/sweep.csv", os.urandom(300), "wb"), ["sweep.csv"]),
        ("only sweep.sqlite", lambda x: os.remove(f"{x}/sweep.csv"), ["no sweep.csv"]),
    ]:
        x = os.path.join(SCRATCH, "check-sweep-" + re.sub(r"\W+", "-", label))
        shutil.copytree(d, x)
        edit(x)
        rc, out, err = svcsim("check", x, "--baseline", sweep_baseline)
        expect_failure(f"check sweep, {label}", rc, err, 2, want)


def main():
    tmpfs_ok, why = can_mount_tmpfs()
    if not tmpfs_ok:
        print(f"note: {why}: the read-only and full-disk cases are skipped")
    test_all_errors_at_once()
    test_other_files()
    test_address_clash()
    test_cli_misuse()
    test_engine_options()
    test_unwritable_output(tmpfs_ok)
    test_full_disk(tmpfs_ok)
    good, baseline = make_run_dir()
    test_check_corrupt(good, baseline)
    test_sweep_bad_pointers()
    test_collect_corrupt()
    core = glob.glob(os.path.join(ROOT, "core*")) + glob.glob(os.path.join(SCRATCH, "**", "core*"), recursive=True)
    check(not core, f"no core file left (found {core})")
    finish()


if __name__ == "__main__":
    main()
