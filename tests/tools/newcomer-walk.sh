#!/usr/bin/env bash
# The newcomer's walk, timed: the README's "The path of a model" block (a datanet, 40 WordNet contributions from three
# accounts, curation, a version, a LoRA job, a registered model, a paid inference, its settlement by the node, a
# contributor's rewards), run as written against a fresh node on the built-in dev genesis (1 s blocks), as a new user
# would after `dotnet run --project silo/OpenLedger.Silo`. Prints each step's time (the calls of one verb together) and
# the total from the first command to the settled inference. The block is read from README.md each run, so a README
# that switches to batch verbs (one `curate` for all, `infer --wait`) is measured as it then reads.
#
# usage: bash tests/tools/newcomer-walk.sh          (after `dotnet build -c Release`, from any directory)
#   OPENLEDGER_DLL=PATH   the node executable (default silo/OpenLedger.Silo/bin/Release/net10.0/openledger.dll)
#   NODE_ARGS="..."       more `openledger run` options (e.g. --training-threads 1 on a busy machine)
#   README=PATH           another README (default the repository's)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
dll=${OPENLEDGER_DLL:-$repo/silo/OpenLedger.Silo/bin/Release/net10.0/openledger.dll}
readme=${README:-$repo/README.md}
[[ -f $dll ]] || { echo "no $dll: build first (dotnet build OpenLedger.sln -c Release)" >&2; exit 2; }

block=$(awk '/^### The path of a model/ { found = 1 } found && /^```sh/ { inside = 1; next } inside && /^```/ { exit } inside' "$readme")
[[ -n $block ]] || { echo "no \`\`\`sh block under '### The path of a model' in $readme" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/openledger-newcomer-walk.XXXXXX")
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
http=$(free_port); silo=$(free_port); gateway=$(free_port)

# A fresh node: its own data directory and free ports, the built-in dev genesis, every other option at its default.
# shellcheck disable=SC2086
env -u OPENLEDGER_GENESIS dotnet "$dll" run --data-dir "$work/data" --http-port "$http" --silo-port "$silo" \
    --gateway-port "$gateway" ${NODE_ARGS:-} > "$work/node.log" 2>&1 &
node=$!
trap 'kill "$node" 2> /dev/null; wait "$node" 2> /dev/null || true' EXIT
for _ in $(seq 240); do
    grep -q "openledger node ready" "$work/node.log" && break
    kill -0 "$node" 2> /dev/null || { cat "$work/node.log" >&2; echo "the node exited" >&2; exit 1; }
    sleep 0.5
done
grep -q "openledger node ready" "$work/node.log" || { tail -50 "$work/node.log" >&2; echo "the node was not ready in 120 s" >&2; exit 1; }

export OPENLEDGER_NODE="http://127.0.0.1:$http/graphql" OPENLEDGER_DATA_DIR="$work/data"
unset OPENLEDGER_GENESIS
times="$work/times.tsv"
: > "$times"

# `openledger` as the README means it, timed: each call appends its step (the verb, and its sub-verb), its start and
# end (microseconds) and its exit code.
openledger() {
    local start=${EPOCHREALTIME/./} code=0 step=$1
    [[ $# -gt 1 && $2 != -* && $1 =~ ^(datanet|model|train|attribution|inference)$ ]] && step="$1 $2"
    dotnet "$dll" "$@" || code=$?
    printf '%s\t%s\t%s\t%s\n' "$step" "$start" "${EPOCHREALTIME/./}" "$code" >> "$times"
    return "$code"
}

mkdir -p "$work/walk" && cp -r "$repo/examples" "$work/walk/" && cd "$work/walk"
echo "node: $OPENLEDGER_NODE (data $work/data); the walk's output: $work/walk.log"
started=${EPOCHREALTIME/./}
# In a subshell of its own with -e (a `cmd || handler` context would switch -e off inside it), stopped after
# WALK_TIMEOUT seconds (900) should the inference never settle.
( set -euo pipefail; eval "$block" ) > "$work/walk.log" 2>&1 &
walk=$!
( sleep "${WALK_TIMEOUT:-900}"; kill "$walk" 2> /dev/null ) &
watchdog=$!
set +e; wait "$walk"; code=$?; set -e
ended=${EPOCHREALTIME/./}
kill "$watchdog" 2> /dev/null || true
if [[ $code -ne 0 ]]; then tail -40 "$work/walk.log" >&2; echo "the walk failed, exit $code (its output above; node log $work/node.log)" >&2; exit 1; fi

# The table: steps in first-call order; "settled" is the end of the last call that waits for or shows the settled
# inference (`attribution` polls; `infer` itself once it waits; `inference show`).
awk -F'\t' -v started="$started" -v ended="$ended" '
    !($1 in calls) { order[++n] = $1 }
    { calls[$1]++; ms[$1] += ($3 - $2) / 1000; busy += ($3 - $2) / 1000 }
    $1 ~ /^(attribution|infer|inference show)$/ && $3 > settled { settled = $3 }
    END {
        if (!settled) settled = ended
        printf "%-28s %6s %10s\n", "step", "calls", "seconds"
        for (i = 1; i <= n; i++) printf "%-28s %6d %10.1f\n", order[i], calls[order[i]], ms[order[i]] / 1000
        printf "%-28s %6s %10.1f\n", "(between calls: sleeps)", "", ((ended - started) / 1000 - busy) / 1000
        printf "%-28s %6s %10.1f\n", "first command -> settled", "", (settled - started) / 1e6
        printf "%-28s %6s %10.1f\n", "whole block", "", (ended - started) / 1e6
    }' "$times"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
