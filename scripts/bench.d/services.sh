# Private PostgreSQL 15 and Redis 7 on loopback for benchmarks, in a temporary folder.
# start_services DIR: exports POSTGRES_URL and REDIS_URL; stop_services DIR stops both.
pg_bin=/usr/lib/postgresql/15/bin

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_services() {
  local dir="$1"
  mkdir -p "$dir/pg" "$dir/redis"
  chown postgres "$dir/pg"
  runuser -u postgres -- "$pg_bin/initdb" -D "$dir/pg/data" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
  PG_PORT=$(free_port)
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/log" -w \
    -o "-p $PG_PORT -k $dir/pg -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
  REDIS_PORT=$(free_port)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir/redis" --daemonize yes \
    --pidfile "$dir/redis/pid" --logfile "$dir/redis/log" >/dev/null
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
}

stop_services() {
  local dir="$1"
  [ -d "$dir/pg/data" ] && runuser -u postgres -- "$pg_bin/pg_ctl" -D "$dir/pg/data" -m fast stop >/dev/null 2>&1 || true
  if [ -f "$dir/redis/pid" ]; then
    local pid; pid="$(cat "$dir/redis/pid")"
    kill "$pid" 2>/dev/null || true
    # Until it has exited: it may still write into the folder the caller removes next.
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
}
