#!/usr/bin/env bash
# Signs a body with the webhook secret (X-Alerts-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>)
# and posts it to POST /api/ratings.
#
#   scripts/post-rating.sh '{"ticker":"CIFR","firm":"JPMorgan","fromRating":"Neutral","toRating":"Overweight"}'
#   scripts/post-rating.sh "$(cat changes.ndjson)" application/x-ndjson
#   DRY_RUN=true scripts/post-rating.sh '...'
#
# Settings: ALERTS_URL (default http://127.0.0.1:7071), WEBHOOK_SECRET (default: the local runner's development secret).
set -euo pipefail
url="${ALERTS_URL:-http://127.0.0.1:7071}"
secret="${WEBHOOK_SECRET:-local-development-secret}"
body="${1:-$(cat)}"
content_type="${2:-application/json}"
query=""
[ "${DRY_RUN:-}" = "true" ] && query="?dryRun=true"
t=$(date +%s)
signature=$(printf '%s.%s' "$t" "$body" | openssl dgst -sha256 -hmac "$secret" -hex | sed 's/^.* //')
curl -sS -X POST "$url/api/ratings$query" \
  -H "Content-Type: $content_type" \
  -H "X-Alerts-Signature: t=$t,v1=$signature" \
  --data-binary "$body"
echo
