#!/usr/bin/env bash
# Drives a mixed RESP + HTTP workload against local ringcache nodes so the Grafana dashboards move.
#
# Usage: scripts/generate-load.sh [--duration SECONDS] [--resp-ports 8080,8081,8082] [--http-ports 9080,9081,9082]
#                                 [--clients N] [--host 127.0.0.1] [--help]
#   --duration    how long to run (default 60; 0 = until Ctrl-C)
#   --resp-ports  RESP ports to load (default 8080,8081,8082; ports nobody listens on are skipped)
#   --http-ports  HTTP API ports to load (default 9080,9081,9082; same)
#   --clients     connections per generator (default 4: enough to move every panel, not to saturate)
# Per RESP port: redis-benchmark looping over SET/GET/INCR/LPUSH/LPOP/HSET/SADD/ZADD on 100k random
# keys (so GETs both hit and miss), plus SET ... EX 5 (keys that expire) and MGET. Per HTTP port:
# autocannon PUT and GET on /api/cache/load:<random id>. Environment: REDIS_BENCHMARK, REDIS_AUTH
# (passed as -a), HTTP_AUTH_TOKEN (Bearer token for the HTTP API).
set -euo pipefail

cd "$(dirname "$0")/.."

DURATION=60
RESP_PORTS=8080,8081,8082
HTTP_PORTS=9080,9081,9082
CLIENTS=4
HOST=127.0.0.1
REDIS_BENCHMARK=${REDIS_BENCHMARK:-redis-benchmark}

say() { printf '%s\n' "$*"; }
die() {
  printf 'generate-load: %s\n' "$*" >&2
  exit 1
}
usage() { sed -n '4,8s/^# \{0,1\}//p' "$0"; }

while (($# > 0)); do
  case $1 in
    --duration) DURATION=${2:?--duration needs a value}; shift 2 ;;
    --resp-ports) RESP_PORTS=${2?--resp-ports needs a value}; shift 2 ;;
    --http-ports) HTTP_PORTS=${2?--http-ports needs a value}; shift 2 ;;
    --clients) CLIENTS=${2:?--clients needs a value}; shift 2 ;;
    --host) HOST=${2:?--host needs a value}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done
[[ $DURATION =~ ^[0-9]+$ ]] || die "--duration must be a whole number of seconds"
[[ $CLIENTS =~ ^[1-9][0-9]*$ ]] || die "--clients must be a positive number"
case $HOST in 127.* | localhost | ::1) ;; *) die "refusing to load $HOST: this script is for local nodes (127.0.0.1)" ;; esac

command -v "$REDIS_BENCHMARK" >/dev/null 2>&1 || die "redis-benchmark is required (apt-get install -y redis-tools)"
AUTOCANNON=node_modules/.bin/autocannon
[[ -x $AUTOCANNON ]] || die "autocannon is missing: run 'npm ci' first"

listening() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# `timeout 0` would mean "no limit" to us but "kill at once" to nobody: run unbounded then.
bounded() { if ((DURATION > 0)); then timeout --foreground "$DURATION" "$@"; else "$@"; fi; }

AUTH=()
[[ -n ${REDIS_AUTH:-} ]] && AUTH=(-a "$REDIS_AUTH" --no-auth-warning)
HDR=()
[[ -n ${HTTP_AUTH_TOKEN:-} ]] && HDR=(-H "authorization=Bearer ${HTTP_AUTH_TOKEN}")

started=0
IFS=, read -r -a resp <<<"$RESP_PORTS"
for port in "${resp[@]}"; do
  [[ -z $port ]] && continue
  if ! listening "$port"; then
    say "RESP $HOST:$port: nothing listens, skipped"
    continue
  fi
  say "RESP $HOST:$port: redis-benchmark mixed workload, $CLIENTS clients"
  # -l loops the test list forever; -r spreads keys over 100k names (misses for unset ones).
  (bounded "$REDIS_BENCHMARK" -h "$HOST" -p "$port" "${AUTH[@]}" -q -l -c "$CLIENTS" -r 100000 -n 20000 \
    -t set,get,incr,lpush,lpop,hset,sadd,zadd,mset >/dev/null 2>&1 || true) &
  pids+=($!)
  (bounded "$REDIS_BENCHMARK" -h "$HOST" -p "$port" "${AUTH[@]}" -q -l -c 2 -r 100000 -n 5000 \
    SET 'ttl:__rand_int__' v EX 5 >/dev/null 2>&1 || true) &
  pids+=($!)
  (bounded "$REDIS_BENCHMARK" -h "$HOST" -p "$port" "${AUTH[@]}" -q -l -c 2 -r 100000 -n 5000 \
    GET 'missing:__rand_int__' >/dev/null 2>&1 || true) &
  pids+=($!)
  started=$((started + 1))
done

IFS=, read -r -a http <<<"$HTTP_PORTS"
for port in "${http[@]}"; do
  [[ -z $port ]] && continue
  if ! listening "$port"; then
    say "HTTP $HOST:$port: nothing listens, skipped"
    continue
  fi
  say "HTTP $HOST:$port: autocannon PUT + GET on /api/cache/load:<id>"
  ac_duration=$((DURATION > 0 ? DURATION : 315360000))
  # -I replaces [<id>] with a random id per request: writes spread over many keys, reads mostly miss (404).
  (bounded "$AUTOCANNON" -c "$CLIENTS" -d "$ac_duration" -I -m PUT "${HDR[@]}" -H 'content-type=application/json' \
    -b '{"value":"load","ttl_seconds":30}' "http://$HOST:$port/api/cache/load:[<id>]" >/dev/null 2>&1 || true) &
  pids+=($!)
  (bounded "$AUTOCANNON" -c 2 -d "$ac_duration" -I "${HDR[@]}" "http://$HOST:$port/api/cache/load:[<id>]" >/dev/null 2>&1 || true) &
  pids+=($!)
  (bounded "$AUTOCANNON" -c 1 -d "$ac_duration" "${HDR[@]}" "http://$HOST:$port/stats" >/dev/null 2>&1 || true) &
  pids+=($!)
  started=$((started + 1))
done

((started > 0)) || die "no node is listening on the given ports (start them with ./scripts/start-system.sh)"
if ((DURATION > 0)); then say "running for ${DURATION}s..."; else say "running until Ctrl-C..."; fi
wait
say "load finished"
