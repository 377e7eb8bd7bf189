#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and benchmarks: a temporary directory, an unprivileged user
# (initdb refuses root), a free loopback port, password (SCRAM) and TLS (its own CA) both on.
#
#   eval "$(scripts/postgres-test-server.sh start)"    # starts it; prints the export lines for the tests
#   scripts/postgres-test-server.sh env                # prints them again for the running cluster
#   scripts/postgres-test-server.sh restart            # pg_ctl restart -m immediate (a crash, then recovery)
#   scripts/postgres-test-server.sh stop               # stops it and deletes the directory
#
# SIKA_PG_DIR chooses the directory (default /tmp/sika-postgres-test). Needs Debian's postgresql (15).
set -euo pipefail

dir="${SIKA_PG_DIR:-/tmp/sika-postgres-test}"
data="$dir/data"
password="sika-test-password"

bindir() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [ -z "$found" ] || [ ! -x "$found/initdb" ]; then
        echo "no PostgreSQL server found: apt-get install postgresql" >&2
        exit 1
    fi
    echo "$found"
}

# Runs a server command as the unprivileged owner of the cluster.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$(owner)" -- "$@"
    else
        "$@"
    fi
}

owner() {
    if [ "$(id -u)" != 0 ]; then id -un; return; fi
    if ! id -u postgres >/dev/null 2>&1; then
        useradd --system --home-dir "$dir" --shell /usr/sbin/nologin postgres
    fi
    echo postgres
}

# A port nobody listens on, below Linux's ephemeral range (32768-60999): the kernel hands ports of that range to
# every outgoing connection, and one taken between this check and the server's bind failed a loaded test run.
free_port() {
    python3 -c '
import random, socket
for _ in range(200):
    port = random.randrange(15000, 20000)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
'
}

print_env() {
    local port
    port=$(cat "$dir/port")
    echo "export SIKA_TEST_POSTGRES_URL='postgres://sika:$password@127.0.0.1:$port/sika'"
    echo "export SIKA_TEST_POSTGRES_CA='$dir/ca.pem'"
    echo "export SIKA_TEST_POSTGRES_SCRIPT='$(cd "$(dirname "$0")" && pwd)/$(basename "$0")'"
}

running() {
    [ -f "$data/postmaster.pid" ] && as_owner "$(bindir)/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start() {
    local bin port user
    bin=$(bindir)
    if running; then
        print_env
        return
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    user=$(owner)
    chown "$user" "$dir" 2>/dev/null || true
    chmod 700 "$dir"
    port=$(free_port)
    echo "$port" >"$dir/port"
    printf '%s\n' "$password" >"$dir/pwfile"
    chown "$user" "$dir/pwfile" "$dir/port" 2>/dev/null || true
    as_owner "$bin/initdb" -D "$data" -U sika --pwfile="$dir/pwfile" --auth=scram-sha-256 -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    # A certificate authority and a server certificate for 127.0.0.1 / localhost, so sslmode=verify-full can be tested.
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=sika test CA" \
        -keyout "$dir/ca.key" -out "$dir/ca.pem" >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$data/server.key" -out "$dir/server.csr" >/dev/null 2>&1
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$dir/san.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
        -extfile "$dir/san.ext" -out "$data/server.crt" >/dev/null 2>&1
    chown "$user" "$data/server.key" "$data/server.crt" 2>/dev/null || true
    chmod 600 "$data/server.key"
    chmod 644 "$dir/ca.pem"
    cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 600
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
fsync = on
synchronous_commit = on
EOF
    # Another process may still take the port before the server binds it: then a new port, three tries in all.
    local attempt
    for attempt in 1 2 3; do
        if as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start >/dev/null; then
            break
        fi
        if [ "$attempt" = 3 ] || ! grep -q "Address already in use" "$dir/server.log"; then
            cat "$dir/server.log" >&2
            exit 1
        fi
        port=$(free_port)
        echo "$port" >"$dir/port"
        sed -i "s/^port = .*/port = $port/" "$data/postgresql.conf"
    done
    PGPASSWORD="$password" "$bin/psql" -q -h 127.0.0.1 -p "$port" -U sika -d postgres -c "CREATE DATABASE sika" >/dev/null
    print_env
}

stop() {
    if running; then
        as_owner "$(bindir)/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null || true
    fi
    rm -rf "$dir"
}

restart() {
    # -m immediate: the server stops without a checkpoint, as in a crash; the start replays the WAL.
    as_owner "$(bindir)/pg_ctl" -D "$data" -l "$dir/server.log" -m immediate -w -t 60 restart >/dev/null
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    restart) restart ;;
    env) running && print_env || { echo "not running: $0 start" >&2; exit 1; } ;;
    *) echo "usage: $0 start|env|restart|stop" >&2; exit 2 ;;
esac
