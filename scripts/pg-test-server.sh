#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the tests: `start DIR` makes a cluster (initdb, trust
# authentication, loopback only, a free port, its socket beside its data) and prints its URI
# (postgresql://postgres@127.0.0.1:PORT/postgres); `stop DIR` stops it and removes it; `halt DIR`
# stops it and keeps its data, `resume DIR` starts it again on the same port (outage tests).
# DIR/cluster names the cluster's folder: DIR itself, or, when run as root, a folder under /tmp
# that the `postgres` user can reach whatever DIR's parents allow (initdb refuses root, so the
# server runs as `postgres` then). With PORTICO_TEST_PG_IN_MEMORY=1 (the test suite's server, see
# tests/CMakeLists.txt) the cluster lives in /dev/shm when it has 4 GB free: the suite's hundred
# or so test databases (about 1 GB) then never go to disk, and `stop` removes them in a second
# instead of waiting, up to a minute or two, for their writeback.
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

cluster() { cat "$dir/cluster"; }

case $command in
start)
    mkdir -p "$dir"
    memory=
    if [[ ${PORTICO_TEST_PG_IN_MEMORY:-} == 1 && -d /dev/shm && -w /dev/shm ]] &&
        (( $(df --output=avail -k /dev/shm | tail -n1) > 4000000 )); then
        memory=/dev/shm
    fi
    if [[ $(id -u) -eq 0 ]]; then
        where=$(mktemp -d "${memory:-/tmp}/portico-test-pg.XXXXXX")
        chown postgres: "$where"
        owner=postgres
    else
        where=${memory:+$(mktemp -d "$memory/portico-test-pg.XXXXXX")}
        where=${where:-$dir}
        owner=$(id -un)
    fi
    echo "$where" > "$dir/cluster"
    as_owner "$bin/initdb" -D "$where/data" -U "$owner" --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 > "$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    echo "$port" > "$dir/port"
    "$0" resume "$dir"
    echo "postgresql://$owner@127.0.0.1:$port/postgres"
    ;;
resume)
    where=$(cluster)
    port=$(cat "$dir/port")
    as_owner "$bin/pg_ctl" -D "$where/data" -l "$where/server.log" -w -t 60 \
        -o "-p $port -k $where -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" \
        start > /dev/null || { cat "$where/server.log" >&2; exit 1; }
    ;;
halt)
    as_owner "$bin/pg_ctl" -D "$(cluster)/data" -m fast -w stop > /dev/null
    ;;
stop)
    if [[ -f $dir/cluster ]]; then
        where=$(cluster)
        if [[ -d $where/data ]]; then
            as_owner "$bin/pg_ctl" -D "$where/data" -m fast -w stop > /dev/null 2>&1 || true
        fi
        [[ $where != "$dir" ]] && rm -rf "$where"
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop|halt|resume DIR" >&2
    exit 2
    ;;
esac
