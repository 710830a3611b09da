#!/usr/bin/env bash
# Signs a body with the webhook secret and posts it to POST /api/ratings:
#   without a query string: X-Alerts-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
#   with one (DRY_RUN=true adds ?dryRun=true): t=<unix>,v2=<hex HMAC-SHA256(secret, "<t>.<path and query>.<body>")>
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
path="/api/ratings"
[ "${DRY_RUN:-}" = "true" ] && path="/api/ratings?dryRun=true"
t=$(date +%s)
hmac() { printf '%s' "$1" | openssl dgst -sha256 -hmac "$secret" -hex | sed 's/^.* //'; }
case "$path" in
  *\?*) signature="t=$t,v2=$(hmac "$t.$path.$body")" ;;
  *) signature="t=$t,v1=$(hmac "$t.$body")" ;;
esac
# The path is appended to the base URL's own path (e.g. a reverse proxy's prefix is not signed: sign what the app receives).
curl -sS -X POST "$url$path" \
  -H "Content-Type: $content_type" \
  -H "X-Alerts-Signature: $signature" \
  --data-binary "$body"
echo
