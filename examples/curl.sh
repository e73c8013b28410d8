#!/usr/bin/env bash
# The HTTP API with curl: store a JSON value with a TTL, read it (X-Served-By names the owner), delete it, and read the cluster view.
#   examples/curl.sh                    (RINGCACHE_HTTP_PORT, default 9080; HTTP_AUTH_TOKEN if the node requires one)
set -euo pipefail
base="http://127.0.0.1:${RINGCACHE_HTTP_PORT:-9080}"
auth=()
if [[ -n ${HTTP_AUTH_TOKEN:-} ]]; then auth=(-H "Authorization: Bearer ${HTTP_AUTH_TOKEN}"); fi

echo '--- PUT /api/cache/example:http'
curl -fsS "${auth[@]}" -X PUT "$base/api/cache/example:http" -H 'Content-Type: application/json' \
  -d '{"value": {"name": "Ada", "langs": ["en", "fr"]}, "ttl_hours": 1}'
echo
echo '--- GET /api/cache/example:http'
curl -fsS "${auth[@]}" -D - "$base/api/cache/example:http" | grep -iE '^(x-served-by|content-type)|^\{'
echo '--- DELETE /api/cache/example:http'
curl -fsS "${auth[@]}" -X DELETE "$base/api/cache/example:http"
echo
echo '--- GET /api/cache/example:http (gone)'
curl -sS "${auth[@]}" -o /dev/null -w '%{http_code}\n' "$base/api/cache/example:http"
echo '--- GET /health'
curl -fsS "$base/health"
echo
