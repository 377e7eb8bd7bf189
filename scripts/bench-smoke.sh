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
fi
