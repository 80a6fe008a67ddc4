#!/usr/bin/env bash
# Hunts flaky tests: runs the whole suite from clean clones, then the timing-sensitive groups (clusters, ML jobs,
# subscriptions, crash loops, child processes) many times, the last rounds with a CPU hog beside them. Prints one line
# per run and every failing test's name; ends with the totals.
#
#   bash tests/tools/flaky-hunt.sh [--full N] [--timing N] [--hog-rounds N] [--out DIR]
#
# Defaults: 5 full clean-clone runs of .ci/run, 20 rounds of the timing groups, the last 2 of them with 2 busy loops.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
full=5; timing=20; hog_rounds=2; out=/tmp/flaky-hunt
while [ $# -gt 0 ]; do
  case "$1" in
    --full) full=$2; shift 2 ;;
    --timing) timing=$2; shift 2 ;;
    --hog-rounds) hog_rounds=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "usage: $0 [--full N] [--timing N] [--hog-rounds N] [--out DIR]"; exit 2 ;;
  esac
done
mkdir -p "$out"
filter='FullyQualifiedName~OpenLedger.Tests.Cluster|FullyQualifiedName~OpenLedger.Tests.ModelFactory|FullyQualifiedName~OpenLedger.Tests.Crash|FullyQualifiedName~OpenLedger.Tests.Streams|FullyQualifiedName~OpenLedger.Tests.Clients|FullyQualifiedName~OpenLedger.Tests.Cli|FullyQualifiedName~OpenLedger.Tests.Storage|FullyQualifiedName~NativeLifetimeStress|FullyQualifiedName~Serving'
runs=0; failed_runs=0

report() { # $1 label, $2 log
  local passed failed
  passed=$(grep -Eo 'Passed: +[0-9]+' "$2" | awk '{s+=$2} END {print s+0}')
  failed=$(grep -Eo 'Failed: +[0-9]+' "$2" | awk '{s+=$2} END {print s+0}')
  runs=$((runs+1)); [ "$failed" -gt 0 ] && failed_runs=$((failed_runs+1))
  echo "$(date -u +%H:%M:%S) $1: $passed passed, $failed failed (log $2)"
  grep -E '^\s+Failed [A-Za-z]' "$2" | sed 's/^/    /'
}

for i in $(seq 1 "$full"); do
  dir="$out/clone-$i"; rm -rf "$dir"; git clone -q "$repo" "$dir"
  (cd "$dir" && bash .ci/run > "$out/full-$i.log" 2>&1)
  report "full run $i (clean clone, .ci/run)" "$out/full-$i.log"
  [ "$i" -lt "$full" ] && rm -rf "$dir"
done

work="$out/clone-$full"
[ -d "$work" ] || { git clone -q "$repo" "$work" && (cd "$work" && dotnet build OpenLedger.sln -c Release > "$out/build.log" 2>&1); }
hogs=()
for i in $(seq 1 "$timing"); do
  if [ "$i" -gt $((timing - hog_rounds)) ] && [ ${#hogs[@]} -eq 0 ]; then
    for _ in 1 2; do (while :; do :; done) & hogs+=($!); done   # two busy loops: both cores taken
  fi
  (cd "$work" && dotnet test tests/OpenLedger.Tests -c Release --no-build --filter "$filter" --logger "console;verbosity=normal" > "$out/timing-$i.log" 2>&1)
  report "timing round $i$([ ${#hogs[@]} -gt 0 ] && echo ' (CPU hog)')" "$out/timing-$i.log"
done
[ ${#hogs[@]} -gt 0 ] && kill "${hogs[@]}" 2>/dev/null
echo "$runs runs, $failed_runs with a failure"
