#!/usr/bin/env bash
# The test suite's time against an earlier commit (issue 10): that commit's whole suite, the tests that still
# exist under the same node id in both, and this checkout's whole suite — SQLite, `-n 2`, CI=true, interleaved,
# on this machine. The earlier commit is checked out in a worktree that borrows this checkout's venv (its
# requirements must be a subset of ours).
#
#     bench/suite_time.sh [REF]        # default 96a7443, the commit issue 10 was filed at
set -euo pipefail
cd "$(dirname "$0")/.."
REF=${1:-96a7443}
HERE=$PWD
OLD=$(mktemp -d /tmp/suite_time.XXXXXX)
trap 'git -C "$HERE" worktree remove --force "$OLD" >/dev/null 2>&1 || true' EXIT
git worktree add --detach "$OLD" "$REF" >/dev/null
ln -s "$HERE/.venv" "$OLD/.venv"
export DJANGO_SETTINGS_MODULE=config.settings.test
# As `make test` runs it (ADR 0057): the processes keep the code's bytecode and pytest's rewritten test modules,
# even where the machine sets PYTHONDONTWRITEBYTECODE. Each checkout collects once before anything is timed, so no
# timed run pays for compiling.
export PYTHONDONTWRITEBYTECODE=
ids() { (cd "$1" && .venv/bin/pytest --collect-only -p no:cacheprovider -n 0 2>/dev/null | grep '::' | sort); }
comm -12 <(ids "$OLD") <(ids "$HERE") > "$OLD/common_ids.txt"  # also the warm-up
echo "$(wc -l < "$OLD/common_ids.txt") tests exist under the same id at $REF and here"
run() { # label dir args...
  local label=$1 dir=$2; shift 2
  local load start end result
  load=$(cut -d' ' -f1 /proc/loadavg)
  start=$(date +%s.%N)
  result=$(cd "$dir" && CI=true .venv/bin/pytest -n 2 -p no:cacheprovider "$@" 2>&1 | tail -1)
  end=$(date +%s.%N)
  printf '| %s | %s | %.1f s | %s | %s |\n' "$label" "$(git -C "$dir" rev-parse --short HEAD)" \
    "$(echo "$end - $start" | bc)" "$load" "$result"
}
echo "| run | commit | wall | load before | pytest |"
echo "|---|---|---|---|---|"
run "$REF, whole suite" "$OLD"
run "here, the same tests" "$HERE" "@$OLD/common_ids.txt"
run "$REF, the same tests" "$OLD" "@$OLD/common_ids.txt"
run "here, whole suite" "$HERE"
