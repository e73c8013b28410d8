#!/usr/bin/env bash
# Newcomer entry point: checks prerequisites, installs dependencies, builds and starts the local 3-node ringcache cluster.
#
# Usage: scripts/start-system.sh [--cluster] [--monitor] [--all] [--clean] [--help]
#   (no option)   the 3 nodes (configs/node1-3.yaml) in the background, waiting until they agree
#   --cluster     the same: the cluster only
#   --monitor     the monitoring stack only (Elasticsearch + Filebeat + Prometheus + Grafana, with Docker;
#                 without a Docker engine: a local Prometheus from Debian's prometheus package, if installed)
#   --all         the cluster and the monitoring stack
#   --clean       first delete local data and logs (clean-persistence.sh; with --monitor/--all, --all; nodes stopped)
# Stop the nodes with ./scripts/build-and-run.sh stop (it also stops a local Prometheus started here).
set -euo pipefail


REQUIRED_NODE_MAJOR=20

cd "$(dirname "$0")/.."

say() { printf '%s\n' "$*"; }
die() {
  printf 'start-system: %s\n' "$*" >&2
  exit 1
}

usage() {
  sed -n '4,11s/^# \{0,1\}//p' "$0"
}

monitor=0
cluster=0
clean=0
for arg in "$@"; do
  case $arg in
    --clean) clean=1 ;;
    --cluster) cluster=1 ;;
    --monitor) monitor=1 ;;
    --all)
      cluster=1
      monitor=1
      ;;
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
# No choice of parts means the cluster; --monitor alone starts only the monitoring stack.
if ((!monitor)); then cluster=1; fi

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

# 2. The monitoring stack runs in Docker when an engine is reachable; without one, what runs without it --------
compose=()
engine=0
if ((monitor)); then
  if ! command -v docker >/dev/null 2>&1; then
    engine_note="the 'docker' command is not installed"
  elif ! docker_err=$(docker info 2>&1 >/dev/null); then
    engine_note="no Docker engine is reachable (${docker_err%%$'\n'*})"
  elif docker compose version >/dev/null 2>&1; then
    compose=(docker compose)
    engine=1
  elif command -v docker-compose >/dev/null 2>&1; then
    compose=(docker-compose)
    engine=1
  else
    engine_note="neither 'docker compose' nor docker-compose is installed"
  fi
  if ((!engine)); then
    say "Monitoring without Docker: ${engine_note}; starting only a local Prometheus (Debian's prometheus package) if installed."
  fi
fi
if ((monitor && engine)); then
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
  # With the monitoring stack, --all also clears the local Prometheus's data (clean-persistence.sh --all).
  clean_flag=--force
  if ((monitor)); then clean_flag=--all; fi
  ./scripts/clean-persistence.sh "$clean_flag" || die "--clean: could not clean (stop running nodes first: ./scripts/build-and-run.sh stop)"
fi

# 6. Build (only when dist/ is stale), start the 3 nodes in the background, wait until they agree -------
# build-and-run.sh generates the cluster secret the configs read (run/cluster.secret, openssl rand -hex 32)
# on the first start: gossip is encrypted and peer links authenticated from the first run (docs/security.md).
if ((cluster)); then
  ./scripts/build-and-run.sh cluster || die "the cluster did not come up (see above); ./scripts/build-and-run.sh status shows what runs"
fi

# 7. Monitoring without Docker: Debian's prometheus scraping the local nodes, its pid in run/prometheus/ so stop finds it.
if ((monitor && !engine)); then
  if ! command -v prometheus >/dev/null 2>&1; then
    say "Prometheus is not installed either (sudo apt-get install -y prometheus); no monitoring started."
  elif [[ -s run/prometheus/pid ]] && kill -0 "$(cat run/prometheus/pid)" 2>/dev/null; then
    say "Local Prometheus already runs (pid $(cat run/prometheus/pid)): http://127.0.0.1:9090"
  else
    # run/prometheus/, not run/*.pid: those name nodes for build-and-run.sh.
    mkdir -p run/prometheus logs
    prometheus --config.file=prometheus/prometheus.local.yml --storage.tsdb.path=run/prometheus/data \
      --web.listen-address=127.0.0.1:9090 >logs/prometheus.log 2>&1 &
    echo $! >run/prometheus/pid
    say "Local Prometheus: http://127.0.0.1:9090 (pid $!, log logs/prometheus.log), scraping 127.0.0.1:9080-9082."
  fi
fi

if ((monitor && engine)); then
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

if ((cluster)); then
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
fi
