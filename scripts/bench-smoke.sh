#!/usr/bin/env bash
# Runs every benchmark in smoke mode: tiny counts, a clean ledger audit at the end, no figure checked.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product sika-bench
for bench in ledger engine gateway open-loop sweep offnet limiter smpp; do
    echo "-- sika-bench $bench --smoke"
    .build/debug/sika-bench "$bench" --smoke
done
