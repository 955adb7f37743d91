"""Shared by the reliability tests (tests/reliability/test_*.py): the svcsim binary (env SVCSIM, default
build/svcsim), a scratch directory removed at exit, and the `ok`/`FAIL`/`skip` lines with the closing
`N passed, N failed[, N skipped]` line. A known bug (xfail) is printed as `skip (known bug: ...)` while it
fails and as `FAIL ... now passes: remove it from the known bugs` once fixed, so the list never goes stale."""
import atexit
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SVCSIM = os.path.abspath(os.environ.get("SVCSIM", os.path.join(ROOT, "build", "svcsim")))
SCRATCH = tempfile.mkdtemp(prefix="svcsim-rel-")
atexit.register(lambda: shutil.rmtree(SCRATCH, ignore_errors=True) if not os.environ.get("KEEP_SCRATCH") else None)

_passed = 0
_failed = 0
_skipped = 0


def check(cond, what, known_bug=None):
    """Counts one check. known_bug: a short reason while the contract is knowingly broken (see the report)."""
    global _passed, _failed, _skipped
    if known_bug and not cond:
        _skipped += 1
        print(f"skip {what} (known bug: {known_bug})")
    elif known_bug and cond:
        _failed += 1
        print(f"FAIL {what}: now passes: remove it from the known bugs ({known_bug})")
    elif cond:
        _passed += 1
        print(f"ok   {what}")
    else:
        _failed += 1
        print(f"FAIL {what}")
    sys.stdout.flush()
    return cond


def skip(what):
    """A case this machine cannot run (printed with the reason, counted as skipped)."""
    global _skipped
    _skipped += 1
    print(f"skip {what}")
    sys.stdout.flush()


def skip_all(reason):
    print(f"SKIP {reason}")
    print("0 passed, 0 failed, 1 skipped")
    sys.exit(77)


def finish():
    tail = f", {_skipped} skipped" if _skipped else ""
    print(f"{_passed} passed, {_failed} failed{tail}")
    sys.exit(1 if _failed else 0)


def svcsim(*args, cwd=ROOT, timeout=600, env=None):
    """Runs the binary; returns (exit code, stdout, stderr) as text. A signal shows as a negative code."""
    p = subprocess.run([SVCSIM, *args], capture_output=True, cwd=cwd, timeout=timeout, env=env)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def error_lines(stderr):
    return [ln for ln in stderr.splitlines() if ": error: " in ln]


def can_mount_tmpfs():
    """(True, "") if this process may mount a tmpfs (root, not in a locked-down container), else (False, why)."""
    probe = tempfile.mkdtemp(prefix="svcsim-mnt-", dir=SCRATCH)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], capture_output=True, text=True)
    if p.returncode != 0:
        return False, f"cannot mount a tmpfs here ({p.stderr.strip() or 'mount exit ' + str(p.returncode)})"
    subprocess.run(["umount", probe])
    return True, ""


class Tmpfs:
    """A tiny tmpfs mounted for the duration of a with-block: `with Tmpfs("64k") as d: ...`."""

    def __init__(self, size, options=""):
        self.size, self.options = size, options
        self.path = tempfile.mkdtemp(prefix="svcsim-tmpfs-", dir=SCRATCH)

    def __enter__(self):
        opts = f"size={self.size}" + (f",{self.options}" if self.options else "")
        subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", self.path], check=True)
        return self.path

    def __exit__(self, *exc):
        subprocess.run(["umount", "-l", self.path])
        return False
