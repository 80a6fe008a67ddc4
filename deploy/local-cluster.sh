#!/usr/bin/env bash
# A local OpenLedger cluster on loopback, for trying roles and failover on one machine:
#   a PostgreSQL server of its own (run as an unprivileged user, in a directory this script owns),
#   two core silos (--roles core), one ML silo (--roles ml) and a separate GraphQL gateway (`openledger gateway`).
#
#   deploy/local-cluster.sh up [--base-port N] [--dir DIR] [--app DIR]   start, wait until ready; Ctrl+C stops it all
#   deploy/local-cluster.sh status [--dir DIR]                            what runs (pid, role, port)
#   deploy/local-cluster.sh stop   [--dir DIR]                            stop it from another terminal
#
# Ports (from --base-port, default 21000): PostgreSQL N, silo i's silo port N+1+i, its Orleans gateway port N+11+i, its
# HTTP port (/healthz, /metrics) N+21+i; the gateway's GraphQL and web app N+30.
# --dir (default ${TMPDIR:-/tmp}/openledger-local-cluster) holds the server's data, each process's log and pid file,
# and the cluster certificate; it is reused by the next `up` (the chain continues) until deleted.
# --app is the built node (the folder with openledger.dll); by default this script builds silo/OpenLedger.Silo (Release).
# Stop: SIGTERM to the gateway and every silo, up to 60 s for them to exit (then SIGKILL), then the PostgreSQL server
# (pg_ctl stop -m fast). Nothing it started is left behind.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
command=${1:-up}
[[ $# -gt 0 ]] && shift
base_port=21000
dir=${TMPDIR:-/tmp}/openledger-local-cluster
app=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --base-port) base_port=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --app) app=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "local-cluster.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ $base_port =~ ^[0-9]+$ ]] && (( base_port >= 1024 && base_port <= 65000 )) \
  || { echo "local-cluster.sh: --base-port must be a number 1024..65000" >&2; exit 2; }

# name role-arguments: the silos, in start order (the first makes the cluster certificate the others share).
silos=("core-1:core" "core-2:core" "ml-1:ml")
pg_port=$base_port
gateway_http=$((base_port + 30))
pgdir=$dir/postgres
run=$dir/run
logs=$dir/logs

pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -n ${OPENLEDGER_PG_BIN:-} ]] && bin=$OPENLEDGER_PG_BIN
  [[ -x $bin/initdb && -x $bin/pg_ctl ]] || { echo "PostgreSQL server binaries not found: apt-get install postgresql (or set OPENLEDGER_PG_BIN)" >&2; exit 1; }
  echo "$bin"
}

# PostgreSQL refuses to run as root: as root, the server runs as postgres (or nobody) through runuser.
pg_user() { [[ $(id -u) -ne 0 ]] && return; getent passwd postgres >/dev/null && echo postgres || echo nobody; }
as_pg() { local u; u=$(pg_user); if [[ -n $u ]]; then runuser -u "$u" -- "$@"; else "$@"; fi; }

alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

status() {
  local any=0 f name
  if [[ -f $pgdir/data/postmaster.pid ]] && kill -0 "$(head -n 1 "$pgdir/data/postmaster.pid")" 2>/dev/null; then
    echo "postgres   pid $(head -n 1 "$pgdir/data/postmaster.pid")  127.0.0.1:$(sed -n 4p "$pgdir/data/postmaster.pid")"; any=1
  fi
  for f in "$run"/*.pid; do
    [[ -e $f ]] || continue
    name=$(basename "$f" .pid)
    if alive "$f"; then echo "$name  pid $(cat "$f")  $(cat "$run/$name.info" 2>/dev/null)"; any=1; fi
  done
  (( any )) || echo "nothing runs (dir $dir)"
}

stopped=0
stop() {
  (( stopped )) && return; stopped=1
  local f pids=() deadline
  # The gateway first (clients see it go), then the silos: each shuts down gracefully on SIGTERM.
  for f in "$run"/gateway.pid "$run"/*.pid; do
    [[ -e $f ]] && alive "$f" && pids+=("$(cat "$f")")
  done
  if (( ${#pids[@]} )); then
    readarray -t pids < <(printf '%s\n' "${pids[@]}" | awk '!seen[$0]++')
    echo "stopping ${#pids[@]} OpenLedger process(es): ${pids[*]}"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    deadline=$((SECONDS + 60))
    for p in "${pids[@]}"; do
      while kill -0 "$p" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
      kill -0 "$p" 2>/dev/null && { echo "pid $p did not exit 60 s after SIGTERM: SIGKILL"; kill -KILL "$p" 2>/dev/null || true; }
    done
  fi
  rm -f "$run"/*.pid "$run"/*.info
  if [[ -f $pgdir/data/postmaster.pid ]]; then
    echo "stopping PostgreSQL"
    as_pg "$(pg_bin)/pg_ctl" -D "$pgdir/data" -m fast -w -t 60 stop >/dev/null || echo "pg_ctl stop failed (see $pgdir/server.log)" >&2
  fi
  echo "local cluster stopped"
}

wait_for() { # log-file ready-line name pid-file
  local deadline=$((SECONDS + 300))
  until grep -q "$2" "$1" 2>/dev/null; do
    alive "$4" || { echo "$3 exited before it was ready; its log ($1):" >&2; tail -n 40 "$1" >&2; return 1; }
    (( SECONDS < deadline )) || { echo "$3 not ready after 300 s; its log ($1):" >&2; tail -n 40 "$1" >&2; return 1; }
    sleep 0.5
  done
}

# Runs one OpenLedger process in its own session (Ctrl+C reaches this script only, which stops them in order).
launch() { # name info args...
  local name=$1 info=$2; shift 2
  setsid dotnet "$app/openledger.dll" "$@" >"$logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$run/$name.pid"
  echo "$info" > "$run/$name.info"
}

up() {
  for f in "$run"/*.pid; do
    [[ -e $f ]] && alive "$f" && { echo "a local cluster already runs in $dir (local-cluster.sh status / stop)" >&2; exit 1; }
  done
  if [[ -z $app ]]; then
    echo "building silo/OpenLedger.Silo (Release)"
    dotnet build -c Release "$repo/silo/OpenLedger.Silo" >/dev/null
    app=$repo/silo/OpenLedger.Silo/bin/Release/net10.0
  fi
  [[ -f $app/openledger.dll ]] || { echo "no openledger.dll in $app" >&2; exit 1; }
  local bin; bin=$(pg_bin)
  mkdir -p "$dir" "$run" "$logs" "$pgdir"
  chmod 755 "$dir"
  [[ -n $(pg_user) ]] && chown "$(pg_user)" "$pgdir"
  trap 'stop; exit 130' INT TERM
  trap 'stop' EXIT

  if [[ ! -f $pgdir/data/PG_VERSION ]]; then
    local u; u=$(pg_user)
    echo "initdb $pgdir/data (the server runs as ${u:-$(id -un)})"
    as_pg "$bin/initdb" -D "$pgdir/data" -U postgres --auth=trust -E UTF8 --locale=C --no-instructions >"$logs/initdb.log"
  fi
  echo "PostgreSQL on 127.0.0.1:$pg_port"
  as_pg "$bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pgdir -c max_connections=200" start >/dev/null
  local conn="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=openledger"
  as_pg "$bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'openledger'" | grep -q 1 \
    || as_pg "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres openledger

  local i=0 entry name roles http
  for entry in "${silos[@]}"; do
    name=${entry%%:*}; roles=${entry#*:}; http=$((base_port + 21 + i))
    launch "$name" "--roles $roles  http://127.0.0.1:$http/healthz" run --roles "$roles" --postgres "$conn" \
      --data-dir "$dir/$name" --cluster-cert "$dir/cluster.pfx" \
      --silo-port $((base_port + 1 + i)) --gateway-port $((base_port + 11 + i)) --http-port "$http"
    echo "$name (--roles $roles) starting, log $logs/$name.log"
    # The first silo makes the cluster certificate (and the schema): the others wait for it.
    (( i == 0 )) && wait_for "$logs/$name.log" "openledger node ready" "$name" "$run/$name.pid"
    i=$((i + 1))
  done
  for entry in "${silos[@]}"; do
    name=${entry%%:*}
    wait_for "$logs/$name.log" "openledger node ready" "$name" "$run/$name.pid"
    echo "$name ready"
  done
  launch gateway "openledger gateway  http://127.0.0.1:$gateway_http/graphql" gateway --postgres "$conn" \
    --data-dir "$dir/gateway" --cluster-cert "$dir/cluster.pfx" --http-port "$gateway_http"
  wait_for "$logs/gateway.log" "openledger gateway ready" gateway "$run/gateway.pid"
  # Ready when the cluster answers through the gateway (the chain's head, from a core silo).
  local deadline=$((SECONDS + 120))
  until curl --silent --fail --output /dev/null --max-time 5 "http://127.0.0.1:$gateway_http/healthz"; do
    (( SECONDS < deadline )) || { echo "the gateway's /healthz did not answer ok within 120 s" >&2; exit 1; }
    sleep 0.5
  done
  echo
  echo "GraphQL   http://127.0.0.1:$gateway_http/graphql  (e.g. openledger-cli transfer --dev 0 --to 0x... --amount 1 --node that URL)"
  echo "web app   http://127.0.0.1:$gateway_http/"
  echo "database  $conn"
  echo "logs      $logs"
  echo "local cluster ready (Ctrl+C, or deploy/local-cluster.sh stop --dir $dir, stops it)"
  # Until Ctrl+C, or until every process is gone: `stop` from another terminal (which removes the pid files and stops
  # the server itself), or all of them crashed (then this stops the server).
  while :; do
    local any=0 files=0
    for f in "$run"/*.pid; do [[ -e $f ]] && files=1 && alive "$f" && any=1; done
    (( any )) || break
    sleep 1 & wait $! || true
  done
  (( files )) || stopped=1
}

case $command in
  up) up ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: local-cluster.sh up|status|stop [--base-port N] [--dir DIR] [--app DIR]" >&2; exit 2 ;;
esac
