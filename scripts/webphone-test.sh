#!/usr/bin/env bash
# The web phone in a real Chromium: Playwright (PyPI `playwright`) drives Debian's `chromium` (no browser is
# downloaded) against a real `sika serve --demo` built in .build/debug. Needs: apt-get install -y chromium;
# python3 -m pip install playwright pytest. With SIKA_WEBPHONE_SCREENSHOT=docs/phone.png it also refreshes the
# README's screenshot.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null || ! python3 -c "import playwright" 2>/dev/null; then
    echo "webphone tests need chromium and playwright: apt-get install -y chromium && python3 -m pip install playwright pytest" >&2
    if [ "${SIKA_REQUIRE_TEST_PEERS:-0}" = "1" ]; then exit 1; fi
    echo "skipped"
    exit 0
fi
[ -x .build/debug/sika ] || swift build --product sika
python3 -m pytest -q -p no:cacheprovider Tests/WebPhone "$@"
