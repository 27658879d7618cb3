#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the tests: `start DIR` makes a cluster in DIR (initdb, trust
# authentication, loopback only, a free port, its socket in DIR) and prints its URI
# (postgresql://postgres@127.0.0.1:PORT/postgres); `stop DIR` stops it and removes DIR; `halt DIR`
# stops it and keeps its data, `resume DIR` starts it again on the same port (outage tests).
# Runs the server as the `postgres` system user when started as root (initdb refuses root).
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[[ -n $bin && -x $bin/initdb ]] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

command=${1:-}
dir=${2:-}
[[ -n $command && -n $dir ]] || { echo "usage: $0 start|stop|halt|resume DIR" >&2; exit 2; }

case $command in
start)
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
    owner=$([[ $(id -u) -eq 0 ]] && echo postgres || id -un)
    as_owner "$bin/initdb" -D "$dir/data" -U "$owner" --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 > "$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    echo "$port" > "$dir/port"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir/port"
    "$0" resume "$dir"
    echo "postgresql://$owner@127.0.0.1:$port/postgres"
    ;;
resume)
    port=$(cat "$dir/port")
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" \
        start > /dev/null || { cat "$dir/server.log" >&2; exit 1; }
    ;;
halt)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop > /dev/null
    ;;
stop)
    if [[ -d $dir/data ]]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop > /dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop|halt|resume DIR" >&2
    exit 2
    ;;
esac
