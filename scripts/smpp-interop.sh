#!/usr/bin/env bash
# Builds the SMPP interop server and runs the smpplib / aiosmpplib checks against it.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import smpplib, aiosmpplib' 2>/dev/null || python3 -m pip install --quiet smpplib aiosmpplib
swift build --product smpp-interop-server
python3 Tests/SMPPInterop/interop.py "$(swift build --show-bin-path)/smpp-interop-server"
