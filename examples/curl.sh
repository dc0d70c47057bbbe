#!/usr/bin/env bash
# Talk to Switchboard with curl. Run the gateway first (`npm start`).
set -euo pipefail
URL="${SWITCHBOARD_URL:-http://127.0.0.1:8787/v1}"
KEY="${SWITCHBOARD_API_KEY:-not-needed-when-the-gateway-is-open}"
MODEL="${1:-$(curl -fsS "$URL/models" -H "Authorization: Bearer $KEY" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p' | head -n1)}"

echo "# models"
curl -fsS "$URL/models" -H "Authorization: Bearer $KEY"
echo
echo "# chat ($MODEL)"
curl -fsS "$URL/chat/completions" -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \
  -d "{\"model\":\"$MODEL\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello in five words.\"}]}"
echo
echo "# stream ($MODEL)"
curl -fsSN "$URL/chat/completions" -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \
  -d "{\"model\":\"$MODEL\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Count to five.\"}]}"
