#!/usr/bin/env bash
# Runs a local OpenLedger cluster of N silos (default 2) sharing one PostgreSQL database: Orleans ADO.NET
# clustering, grain storage and the ledger tables all live there; only the ports differ between silos.
#   OPENLEDGER_POSTGRES="Host=127.0.0.1;Port=5432;Username=openledger;Password=...;Database=openledger" deploy/local-cluster.sh 2
# Stop with Ctrl+C. The block producer is a single grain: it runs on one silo and moves if that silo dies.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${OPENLEDGER_POSTGRES:?set OPENLEDGER_POSTGRES to an Npgsql connection string (see deploy/postgres/create-database.sql)}"
n=${1:-2}
dotnet build -c Release silo/OpenLedger.Silo >/dev/null
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
for i in $(seq 0 $((n - 1))); do
  dotnet silo/OpenLedger.Silo/bin/Release/net10.0/openledger.dll run \
    --silo-port $((11111 + i)) --gateway-port $((30000 + i)) 2>&1 | sed "s/^/[silo $i] /" &
  pids+=($!)
  sleep 2
done
wait
