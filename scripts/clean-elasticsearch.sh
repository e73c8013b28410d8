#!/usr/bin/env bash
# Deletes the ringcache log indices (ringcache-*) from the monitoring stack's Elasticsearch, so the log dashboards start empty.
#
# Usage: scripts/clean-elasticsearch.sh [--url http://127.0.0.1:9200] [--force] [--help]
#   Lists the indices it would delete and asks first unless --force. Elasticsearch must be running
#   (./scripts/start-system.sh --monitor); nothing else in it is touched.
set -euo pipefail

URL=${ELASTICSEARCH_URL:-http://127.0.0.1:9200}
force=0
die() {
  printf 'clean-elasticsearch: %s\n' "$*" >&2
  exit 1
}
while (($# > 0)); do
  case $1 in
    --url)
      URL=${2:?--url needs a value}
      shift
      ;;
    -f | --force) force=1 ;;
    -h | --help)
      sed -n '4,6s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    *) die "unknown option: $1 (use --url, --force or --help)" ;;
  esac
  shift
done

command -v curl >/dev/null 2>&1 || die "curl is required"
indices=$(curl -fsS "$URL/_cat/indices/ringcache-*?h=index" 2>/dev/null) ||
  die "Elasticsearch does not answer at $URL (start it with ./scripts/start-system.sh --monitor, or pass --url)"
indices=$(printf '%s\n' "$indices" | sed '/^[[:space:]]*$/d' | sort)
if [[ -z $indices ]]; then
  echo "Nothing to clean: no ringcache-* indices at $URL."
  exit 0
fi
echo "This deletes from $URL:"
printf '  %s\n' $indices
if ((!force)); then
  [[ -t 0 ]] || die "not a terminal; re-run with --force to delete without asking"
  read -r -p "Delete? [y/N] " answer
  [[ $answer == [yY] || $answer == [yY][eE][sS] ]] || die "aborted; nothing deleted"
fi
for index in $indices; do
  curl -fsS -X DELETE "$URL/$index" >/dev/null || die "could not delete $index"
done
echo "Deleted $(printf '%s\n' "$indices" | wc -l) indices; Filebeat writes new ones as logs arrive."
