#!/usr/bin/env bash
# The C++ sources follow .clang-format (STYLE.md): clang-format-14 would change nothing in any tracked file
# under src/ and tests/unit/. Skips (77) without clang-format-14 (tools/setup --full installs it) or git.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FORMAT=${CLANG_FORMAT:-clang-format-14}
if ! command -v "$FORMAT" >/dev/null || ! git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
  echo "SKIP format_check: needs $FORMAT and a git checkout"
  exit 77
fi
cd "$ROOT" || exit 1
files=$(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/unit/*.cpp' 'tests/unit/*.hpp')
bad=0
for f in $files; do
  if ! "$FORMAT" --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "FAIL $f is not formatted: $FORMAT -i $f"
    bad=$((bad + 1))
  fi
done
n=$(echo "$files" | wc -w)
if [ "$bad" -ne 0 ]; then
  echo "format_check: $bad of $n files need clang-format"
  exit 1
fi
echo "ok   format_check: all $n files follow .clang-format"
