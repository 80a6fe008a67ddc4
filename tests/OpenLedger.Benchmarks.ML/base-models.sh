#!/usr/bin/env bash
# Two base models side by side: the OpenLoRA serving, Model Factory training and attribution truthfulness benchmarks
# (mislabel detection; LDS and counterfactual) in their short forms, each run on the first model then on the second
# before the next benchmark starts, so a run cut short still leaves whole pairs. Every benchmark's header names its
# model (on-chain name, shape, parameters); this script adds a banner per run and keeps every output in $OUT.
#
#   tests/OpenLedger.Benchmarks.ML/base-models.sh OLD NEW [serving|training|mislabel|truth ...]
#
#   OLD, NEW    base-model directories, shipped recipes (wordnet-1m, wordnet-5m) or builtin:0x... names
#   SIZE=tiny   seconds-long settings, to check the script and the options (the figures mean nothing)
#   OUT=DIR     where the logs go (default: a new temporary directory)
#   NO_BUILD=1  run the Release build that is there
#   ONLY=old|new  run one side only (e.g. the old model's deterministic attribution figures while the new one trains)
#
# The short forms (SIZE=short, the default) keep each run to a few minutes on one core for the 1 M model; the larger
# model takes longer in proportion to its compute. Nothing here sets a priority: run it under `nice` on a shared machine.
set -euo pipefail

if [ $# -lt 2 ]; then
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
old=$1 new=$2
shift 2
benchmarks=("$@")
[ ${#benchmarks[@]} -gt 0 ] || benchmarks=(serving training mislabel truth)

here=$(cd "$(dirname "$0")" && pwd)
size=${SIZE:-short}
out=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/ol-base-models.XXXXXX")}
mkdir -p "$out"

# The options of each benchmark's short form (see the README's "Base models: the 5 M model beside the 1 M model"),
# and of the tiny check.
options() {
  case "$size:$1" in
    short:serving)  echo "serving --quick --repeats 1 --modes a --no-reference" ;;
    short:training) echo "training --quick --examples 200 --repeats 2 --no-shipped" ;;
    short:mislabel) echo "attribution-mislabel --examples 1000 --test 100" ;;
    short:truth)    echo "attribution-truth --examples 200 --subsets 20 --queries 50 --cf-queries 10 --random-retrains 3 --remove 10 --test 100" ;;
    tiny:serving)   echo "serving --quick --repeats 1 --new-tokens 8 --requests 32 --reference-requests 8 --adapters 10 --modes a --no-reference" ;;
    tiny:training)  echo "training --steps 4 --examples 100 --repeats 1 --no-shipped" ;;
    tiny:mislabel)  echo "attribution-mislabel --examples 100 --epochs 1 --test 20 --held-out 10" ;;
    tiny:truth)     echo "attribution-truth --examples 40 --epochs 1 --subsets 3 --queries 4 --cf-queries 2 --random-retrains 1 --remove 5 --test 10" ;;
    *) echo "unknown benchmark '$1' or SIZE '$size' (benchmarks: serving training mislabel truth; SIZE: short tiny)" >&2; return 1 ;;
  esac
}
for b in "${benchmarks[@]}"; do options "$b" >/dev/null; done
case "${ONLY:-old new}" in old | new | "old new") ;; *) echo "ONLY is old or new, not '$ONLY'" >&2; exit 2 ;; esac

if [ "${NO_BUILD:-}" != 1 ]; then
  dotnet build "$here" -c Release -v quiet -nologo 2>&1 | grep -E " error |rror\(s\)" | sort -u
fi
dll="$here/bin/Release/net10.0/OpenLedger.Benchmarks.ML.dll"

echo "# Base models side by side ($size forms), $(date -u '+%Y-%m-%d %H:%M') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "old: $old"
echo "new: $new"
echo "logs: $out"
for b in "${benchmarks[@]}"; do
  for which in ${ONLY:-old new}; do
    model=${!which}
    log="$out/$b-$which.txt"
    echo
    echo "======== $b on the $which base model ($model): dotnet $(basename "$dll") $(options "$b") --base-model $model"
    echo "======== started $(date -u '+%H:%M:%S') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    # shellcheck disable=SC2046 # the options are words
    dotnet "$dll" $(options "$b") --base-model "$model" 2> >(tee "$out/$b-$which.err" >&2) | tee "$log"
    echo "======== $b on the $which base model finished $(date -u '+%H:%M:%S') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  done
done
