#!/usr/bin/python3
"""Provenance: `svcsim --version` and results.sqlite's params name the code that really ran. The revision is
looked up at build time (cmake/git_rev.cmake), so a build directory configured long ago still stamps the
current commit, with "-dirty" when tracked files differ from it."""
import re
import subprocess
import sys

from harness import ROOT, check, check_eq, finish, query, run, svcsim


def git(*args):
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)


head = git("rev-parse", "--short", "HEAD")
if head.returncode != 0:
    print("skip: not a git checkout (the binary says 'unknown')")
    sys.exit(77)
want = head.stdout.strip() + ("-dirty" if git("status", "--porcelain", "--untracked-files=no").stdout.strip() else "")
with open(f"{ROOT}/CMakeLists.txt") as f:
    project_version = re.search(r"project\(svcsim VERSION ([0-9.]+)", f.read()).group(1)

version = svcsim("--version").stdout.strip()
check_eq(version, f"{project_version} ({want})", "svcsim --version: the project version and this tree's revision")

out, _ = run("scenarios/seed-3-instances.json", "provenance")
params = dict(query(out, "SELECT key, value FROM params"))
check_eq(params.get("git_rev"), want, "results.sqlite params.git_rev")
check_eq(params.get("version"), project_version, "results.sqlite params.version")
check(re.fullmatch(r"3\.32(\.\d+)?", params.get("simgrid_version", "")) is not None,
      f"results.sqlite params.simgrid_version is SimGrid 3.32 (got {params.get('simgrid_version')!r})")
check_eq(params.get("scenario_file"), f"{ROOT}/scenarios/seed-3-instances.json", "results.sqlite params.scenario_file")
finish()
