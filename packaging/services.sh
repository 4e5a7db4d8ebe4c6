# SPDX-License-Identifier: Apache-2.0
# Private PostgreSQL 15 and Redis 7 on loopback for packaging/dev: no systemd, own data dirs,
# non-default ports, readiness polled. Sourced by packaging/dev; not run on its own.
#
#   services_start DIR PG_PORT REDIS_PORT   start both (data under DIR), export
#                                           PORTICO_DATABASE_URL and PORTICO_REDIS_URL
#   services_stop                           stop what services_start started
#   stop_postgres DIR / stop_redis DIR      stop one of them (tests restart them under load)
#   start_postgres DIR PORT PASSWORD / start_redis DIR PORT PASSWORD [durable]
#
# PORTICO_DEV_REDIS_DURABLE=1 (packaging/dev run sets it) starts Redis with packaging/redis.conf's
# persistence: every write on disk before Redis answers, so no queued job is lost. Tests leave
# it off: they restart Redis empty on purpose.

pg_bin=/usr/lib/postgresql/15/bin
services_dir=
services_pg_port=

# PostgreSQL refuses to run as root, and Redis should not: as root, run them as their own users.
run_as() {
  local user=$1
  shift
  # From /: the service user may not be allowed into the caller's directory.
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u "$user" -- "$@"); else "$@"; fi
}

own_dir() {
  mkdir -p "$2"
  if [ "$(id -u)" -eq 0 ]; then chown "$1:$1" "$2"; fi
}

# A loopback port nothing listens on (bash's /dev/tcp: no extra tools needed), below the kernel's
# ephemeral range: a port in that range can be the local end of some outgoing connection, and
# then the server's bind fails although nothing listens there.
free_port() {
  local port low
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range
  for _ in $(seq 50); do
    port=$((10000 + RANDOM % (low - 10000)))
    if ! (: >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "no free port found" >&2
  return 1
}

random_secret() { head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

start_postgres() {
  local dir=$1 port=$2 password=$3
  own_dir postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    printf '%s\n' "$password" >"$dir/pwfile"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir/pwfile"
    run_as postgres "$pg_bin/initdb" -D "$dir/data" -U portico --pwfile="$dir/pwfile" \
      --auth=scram-sha-256 -N -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    rm -f "$dir/pwfile"
  fi
  own_dir postgres "$dir/socket"
  if ! run_as postgres "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 start -o \
    "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir/socket -c fsync=off -c max_connections=300" \
    >/dev/null; then
    # pg_ctl says only "Examine the log output."; say which log, and what it says.
    show_log "PostgreSQL did not start on port $port" "$dir/postgres.log"
    return 1
  fi
  PGPASSWORD=$password psql -qAt -h 127.0.0.1 -p "$port" -U portico -d postgres \
    -c "SELECT 1 FROM pg_database WHERE datname = 'portico'" | grep -q 1 ||
    PGPASSWORD=$password psql -q -h 127.0.0.1 -p "$port" -U portico -d postgres -c "CREATE DATABASE portico"
}

start_redis() {
  local dir=$1 port=$2 password=$3
  local persistence=(--save "" --appendonly no)
  if [ "${PORTICO_DEV_REDIS_DURABLE:-0}" = 1 ]; then
    persistence=(--save "" --appendonly yes --appendfsync always)
  fi
  own_dir redis "$dir"
  run_as redis redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --daemonize yes \
    "${persistence[@]}" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --requirepass "$password" --maxmemory-policy noeviction
  for _ in $(seq 100); do
    [ "$(REDISCLI_AUTH=$password redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && return
    sleep 0.05
  done
  show_log "Redis did not answer on port $port" "$dir/redis.log"
  return 1
}

# show_log WHAT LOG: why a service is not there, with the end of its log.
show_log() {
  echo "$1; its log is $2, which ends:" >&2
  tail -n 15 "$2" 2>/dev/null | sed 's/^/    /' >&2 || true
}

services_start() {
  services_dir=$1
  services_pg_port=$2
  local redis_port=$3
  mkdir -p "$services_dir"
  # Passwords live only in this run's environment (and in the private data dir of PostgreSQL).
  local secrets=$services_dir/secrets
  [ -f "$secrets" ] || printf 'pg=%s\nredis=%s\n' "$(random_secret)" "$(random_secret)" >"$secrets"
  chmod 600 "$secrets"
  local pg_password redis_password
  pg_password=$(sed -n 's/^pg=//p' "$secrets")
  redis_password=$(sed -n 's/^redis=//p' "$secrets")
  start_postgres "$services_dir/postgres" "$services_pg_port" "$pg_password"
  start_redis "$services_dir/redis" "$redis_port" "$redis_password"
  export PORTICO_DATABASE_URL="postgresql://portico:$pg_password@127.0.0.1:$services_pg_port/portico"
  export PORTICO_REDIS_URL="redis://:$redis_password@127.0.0.1:$redis_port/0"
  echo "== PostgreSQL on 127.0.0.1:$services_pg_port, Redis on 127.0.0.1:$redis_port (data in $services_dir)"
}

stop_postgres() {
  run_as postgres "$pg_bin/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null 2>&1 || true
}

stop_redis() {
  local pidfile=$1/redis.pid pid state
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  # A daemonised process lingers as a zombie briefly: wait on its state, not on kill -0.
  for _ in $(seq 100); do
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo gone)
    if [ "$state" = gone ] || [ "$state" = Z ]; then break; fi
    sleep 0.05
  done
  rm -f "$pidfile"
}

services_stop() {
  [ -n "$services_dir" ] || return 0
  stop_postgres "$services_dir/postgres"
  stop_redis "$services_dir/redis"
  services_dir=
}
