#!/usr/bin/env bash
# A PostgreSQL primary and a streaming replica of it (pg_basebackup -R), on ports of their own, for
# the read-replica tests; `down` stops both and removes their files.
#   .ci/replica.sh up     prints the two URLs as shell exports
#   .ci/replica.sh down
set -euo pipefail
BASE="${REPLICA_CI_DIR:-/tmp/edu-ci-replica}"
PRIMARY_PORT="${REPLICA_CI_PRIMARY_PORT:-54331}"
REPLICA_PORT="${REPLICA_CI_REPLICA_PORT:-54332}"
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

down() {
  for d in replica primary; do
    if [ -f "$BASE/$d/postmaster.pid" ]; then as_pg "$BIN/pg_ctl" -D "$BASE/$d" -m immediate stop >/dev/null 2>&1 || true; fi
  done
  rm -rf "$BASE"
}

up() {
  down
  mkdir -p "$BASE"
  [ "$(id -u)" = 0 ] && chown postgres "$BASE"
  as_pg "$BIN/initdb" -D "$BASE/primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >>"$BASE/primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PRIMARY_PORT
unix_socket_directories = '$BASE'
wal_level = replica
max_wal_senders = 5
fsync = off
synchronous_commit = on
shared_buffers = 64MB
CONF
  echo "host replication all 127.0.0.1/32 trust" >>"$BASE/primary/pg_hba.conf"
  as_pg "$BIN/pg_ctl" -D "$BASE/primary" -l "$BASE/primary.log" -w start >/dev/null
  as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$BASE/replica" -R -X stream >/dev/null
  sed -i "s/^port = $PRIMARY_PORT/port = $REPLICA_PORT/" "$BASE/replica/postgresql.conf"
  echo "hot_standby = on" >>"$BASE/replica/postgresql.conf"
  as_pg "$BIN/pg_ctl" -D "$BASE/replica" -l "$BASE/replica.log" -w start >/dev/null
  for _ in $(seq 1 30); do
    [ "$(psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -Atc 'select pg_is_in_recovery()' 2>/dev/null)" = t ] && break
    sleep 1
  done
  echo "export TEST_REPLICA_PRIMARY_URL=postgresql://postgres@127.0.0.1:$PRIMARY_PORT/postgres"
  echo "export TEST_REPLICA_URL=postgresql://postgres@127.0.0.1:$REPLICA_PORT/postgres"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
