#!/usr/bin/env bash
# Reruns the time-sensitive tests with the whole process clock moved (Debian's faketime) to instants where
# date arithmetic goes wrong: the night British Summer Time starts, New Year's Eve half an hour before
# midnight, and five past midnight on the 1st of a month in summer time (still the 31st in UTC).
# A test that mixes a fixed "now" with the real clock, or that takes UTC's date for the UK's, fails here.
# Usage: scripts/shifted_clocks.sh [pytest args]   (after `make test` has installed everything)
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v faketime >/dev/null; then
  echo "faketime is missing: run 'make faketime' (make test installs it)." >&2
  exit 2
fi

# A module that pins every instant it reasons about (time_machine.travel(..., tick=False) for each test, or
# explicit dates only) says so with a line "# shifted-clocks: pinned": a moved process clock changes
# nothing for it, so it is not run again. Among them are the slowest modules of the suite.
mapfile -t pinned < <(grep -rlF '# shifted-clocks: pinned' tests --include='test_*.py' | sort)
# Every other test module that reasons about time: it names NOW, reads the clock or travels in time. (A
# property test's `deadline=None` is Hypothesis's time limit, not the domain's: it does not count.)
mapfile -t modules < <(grep -rlE 'NOW|timezone\.now|clocks|time_machine|localdate|datetime\.now|date\.today|deadline[^=]|deadline$' \
  tests --include='test_*.py' | grep -vxF -f <(printf '%s\n' "${pinned[@]}" /dev/null) | grep -v '^tests/browser/' | sort)
# Browser journeys are not rerun: they are the slowest tests, and the clock arithmetic they pass through
# is rerun here in the services' and pages' own tests (CI must finish within 30 minutes).
[ ${#modules[@]} -gt 0 ] || { echo "no time-sensitive test modules found" >&2; exit 2; }

instants=("2027-03-28 00:30:00 UTC" "2026-12-31 23:30:00 UTC" "2027-05-31 23:05:00 UTC")
labels=("BST starts, 00:30" "31 December, 23:30" "1 June, 00:05 BST")
logs=$(mktemp -d)
pids=()
# The three runs go side by side: each is single-threaded and the machine has two cores.
for i in "${!instants[@]}"; do
  (
    unset DATABASE_URL
    TZ=Europe/London faketime "${instants[$i]}" .venv/bin/pytest -q -p no:randomly "${modules[@]}" "$@" \
      >"$logs/$i.log" 2>&1
  ) &
  pids+=($!)
done
status=0
for i in "${!pids[@]}"; do
  if wait "${pids[$i]}"; then result=passed; else result=FAILED; status=1; fi
  echo "== Clock moved to ${labels[$i]} (${instants[$i]}): $result =="
  if [ "$result" = FAILED ]; then tail -n 60 "$logs/$i.log"; else tail -n 1 "$logs/$i.log"; fi
done
rm -rf "$logs"
exit $status
