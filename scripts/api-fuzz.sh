#!/usr/bin/env bash
# API fuzz: schemathesis against the OpenAPI document served by a live `sika serve --demo`.
# Fails on any 5xx answer and on any response that violates the document (status, content type, schema, headers).
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-30}"
work=$(mktemp -d)
port=18080
SIKA_CARD_KEYS="k1:$(printf '11%.0s' $(seq 32))" SIKA_LOG_LEVEL=warning \
    .build/debug/sika serve --demo --db "$work/fuzz.sqlite" --http-port "$port" --line-port 17145 --smpp-port 0 --provider-port 17301 \
    >"$work/serve.out" 2>"$work/serve.err" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
token=$(python3 - "$port" <<'PY'
import json, sys, time, urllib.request
port = sys.argv[1]
for _ in range(300):
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/auth/token", method="POST",
            data=json.dumps({"phoneNumber": "22890112233", "pin": "2580"}).encode(), headers={"Content-Type": "application/json"})
        print(json.load(urllib.request.urlopen(request, timeout=2))["token"])
        break
    except Exception:
        time.sleep(0.2)
else:
    sys.exit("sika serve did not start")
PY
)
schemathesis run "http://127.0.0.1:$port/openapi.yaml" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
    -H "Authorization: Bearer $token" --max-examples "$examples" --no-color
