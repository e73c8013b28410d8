#!/usr/bin/env bash
# Newcomer entry point: checks prerequisites, installs dependencies, builds and starts the local 3-node ringcache cluster.
#
# Usage: scripts/start-system.sh [--clean] [--monitor | --all] [--help]
#   (no option)   start the 3 nodes (configs/node1-3.yaml) in the background and wait until they agree
#   --clean       first delete local data and logs (./scripts/clean-persistence.sh --force; nodes must be stopped)
#   --monitor     also the monitoring stack (Elasticsearch + Filebeat + Prometheus + Grafana); needs Docker
#   --all         same as --monitor
# Stop everything with ./scripts/build-and-run.sh stop.
set -euo pipefail


REQUIRED_NODE_MAJOR=20

cd "$(dirname "$0")/.."

say() { printf '%s\n' "$*"; }
die() {
  printf 'start-system: %s\n' "$*" >&2
  exit 1
}

usage() {
  sed -n '4,9s/^# \{0,1\}//p' "$0"
}

monitor=0
clean=0
for arg in "$@"; do
  case $arg in
    --clean) clean=1 ;;
    --monitor | --all) monitor=1 ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      die "unknown option: $arg"
      ;;
  esac
done

# 1. Node.js >= 20 ---------------------------------------------------------------------------------
if ! command -v node >/dev/null 2>&1; then
  die "Node.js ${REQUIRED_NODE_MAJOR} or newer is required but 'node' is not on PATH.
  Install it from https://nodejs.org/ (or: nvm install ${REQUIRED_NODE_MAJOR}), then run this script again."
fi
node_version=$(node -p 'process.versions.node')
if ((${node_version%%.*} < REQUIRED_NODE_MAJOR)); then
  die "Node.js ${REQUIRED_NODE_MAJOR} or newer is required; found ${node_version} at $(command -v node).
  Upgrade (https://nodejs.org/ or: nvm install ${REQUIRED_NODE_MAJOR}) and run this script again."
fi
command -v npm >/dev/null 2>&1 || die "npm is missing (it ships with Node.js ${REQUIRED_NODE_MAJOR}+); reinstall Node.js."
say "Node.js ${node_version}: ok"

# 2. The monitoring stack needs a Docker engine and Compose: check before starting anything ---------------
compose=()
if ((monitor)); then
  if ! command -v docker >/dev/null 2>&1; then
    die "--monitor/--all needs a Docker engine, and the 'docker' command is not installed.
  Install Docker (https://docs.docker.com/engine/install/), or run without --monitor to start only the nodes."
  fi
  if ! docker_err=$(docker info 2>&1 >/dev/null); then
    die "--monitor/--all needs a running Docker engine, and none is reachable ('docker info' failed: ${docker_err%%$'\n'*}).
  Only the docker client is installed here, or the daemon is stopped. Start the Docker daemon (or fix
  DOCKER_HOST / permissions), or run without --monitor to start only the nodes. Nothing was started."
  fi
  if docker compose version >/dev/null 2>&1; then
    compose=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1; then
    compose=(docker-compose)
  else
    die "--monitor/--all needs Docker Compose ('docker compose' plugin or docker-compose); neither is installed."
  fi
  # Prometheus runs in a container and scrapes the nodes through the Docker host gateway, which a
  # loopback-only listener does not answer: the HTTP API listens on every interface for this run
  # (set RINGCACHE_HTTP_BIND yourself, and http.auth_token on shared machines, to choose otherwise).
  export RINGCACHE_HTTP_BIND=${RINGCACHE_HTTP_BIND:-0.0.0.0}
fi

# 3. Dependencies: npm ci when node_modules is missing or older than package-lock.json -----------------
# npm writes node_modules/.package-lock.json on every install; it is older than the lock file when the
# lock changed since (a pull, a branch switch).
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "Installing dependencies (npm ci)..."
  npm ci --no-audit --no-fund || die "npm ci failed (see above). If the lock file is out of sync with package.json, run 'npm install' and commit package-lock.json."
else
  say "Dependencies: up to date"
fi

# 4. redis-cli (the scripts fall back to a plain TCP check without it, but you will want it) -----------
if command -v redis-cli >/dev/null 2>&1; then
  say "redis-cli: ok"
elif [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  say "Installing redis-tools (redis-cli) with apt-get..."
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-tools >/dev/null; }; then
    say "warning: could not install redis-tools; continuing without redis-cli"
  fi
else
  say "note: redis-cli is not installed. Install it with: sudo apt-get install -y redis-tools (Debian/Ubuntu),"
  say "      brew install redis (macOS), or use any Redis client. Continuing without it."
fi

# 5. --clean: wipe data and logs first (refuses while nodes run) -----------------------------------------
if ((clean)); then
  ./scripts/clean-persistence.sh --force || die "--clean: could not clean (stop running nodes first: ./scripts/build-and-run.sh stop)"
fi

# 6. Build (only when dist/ is stale), start the 3 nodes in the background, wait until they agree -------
./scripts/build-and-run.sh cluster || die "the cluster did not come up (see above); ./scripts/build-and-run.sh status shows what runs"

if ((monitor)); then
  # Grafana's admin password comes from the environment; generated once and kept in run/ otherwise.
  mkdir -p run
  if [[ -z ${GRAFANA_ADMIN_PASSWORD:-} ]]; then
    if [[ ! -s run/grafana-admin-password ]]; then
      (umask 077 && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >run/grafana-admin-password)
    fi
    GRAFANA_ADMIN_PASSWORD=$(<run/grafana-admin-password)
    password_note="the generated one in run/grafana-admin-password"
  else
    password_note="\$GRAFANA_ADMIN_PASSWORD"
  fi
  export GRAFANA_ADMIN_PASSWORD
  say ""
  say "Starting the monitoring stack (${compose[*]} -f docker-compose.logging.yml up -d)..."
  "${compose[@]}" -f docker-compose.logging.yml up -d || die "the monitoring stack did not start (see above); the nodes keep running"
  say "Monitoring: Grafana http://127.0.0.1:3000 (admin / ${password_note}), Prometheus http://127.0.0.1:9090,"
  say "            Elasticsearch http://127.0.0.1:9200. Elasticsearch takes a minute or two to become healthy;"
  say "            './scripts/generate-load.sh' makes the dashboards move. Stop: ${compose[*]} -f docker-compose.logging.yml down"
fi

cat <<'EOF'

Next steps:
  redis-cli -p 8080 set greeting hello     # any node answers for any key (proxy mode forwards to the owner)
  redis-cli -p 8082 get greeting
  redis-cli -c -p 8080 cluster nodes       # the members and their slot ranges (cluster clients route directly)
  curl localhost:9081/api/cluster/members  # the HTTP API: members, ring, owner of a key
  curl -i localhost:9080/api/cache/greeting  # X-Served-By names the owner
  ./scripts/build-and-run.sh status        # what runs, where, and where the logs are
  ./scripts/build-and-run.sh stop          # stop every node started by these scripts
  docs/operations.md                       # configs, flags, logs, troubleshooting
EOF
