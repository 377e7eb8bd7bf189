#!/usr/bin/env bash
# Runs every benchmark in smoke mode: tiny counts, a clean ledger audit at the end, no figure checked.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product sika-bench
for bench in ledger engine gateway open-loop sweep offnet limiter smpp; do
    echo "-- sika-bench $bench --smoke"
    .build/debug/sika-bench "$bench" --smoke
done
# The ledger bench on PostgreSQL too, when a test server runs (CI starts one before this step).
if [ -n "${SIKA_TEST_POSTGRES_URL:-}" ]; then
    echo "-- sika-bench ledger --smoke --database (PostgreSQL test server)"
    .build/debug/sika-bench ledger --smoke --database "$SIKA_TEST_POSTGRES_URL"
    echo "-- sika-bench nodes --smoke --database (two gateway nodes on the PostgreSQL test server)"
    .build/debug/sika-bench nodes --smoke --database "$SIKA_TEST_POSTGRES_URL"
    # The two pgbench anchors of scripts/bench-postgres.sh run: their generated statements parse and no transaction fails.
    echo "-- pgbench anchors (both generated scripts, 2 clients, 2 s each)"
    work=$(mktemp -d)
    .build/debug/sika-bench ledger --database "$SIKA_TEST_POSTGRES_URL" --wallets 16 \
        --pgbench-script "$work/transfer.sql" --pgbench-current-script "$work/current.sql"
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    for script in transfer current; do
        out=$(PGOPTIONS="-c search_path=sika_pgbench" "$bin/pgbench" -n -M prepared --max-tries=50 -c 2 -T 2 -f "$work/$script.sql" \
            "$SIKA_TEST_POSTGRES_URL" 2>&1) || { echo "$out"; exit 1; }
        echo "$out" | grep -E "^(number of transactions actually processed|number of failed transactions)"
        echo "$out" | grep -q "^number of failed transactions: 0 " || { echo "$out"; exit 1; }
    done
    "$bin/psql" "$SIKA_TEST_POSTGRES_URL" -qc "SET client_min_messages = warning; DROP SCHEMA sika_pgbench CASCADE"
    rm -rf "$work"
fi
