#!/usr/bin/env bash
# Builds ringcache when dist/ is stale and starts/stops/reports local nodes in the background (pid files in ./run).
#
# Usage: scripts/build-and-run.sh cluster [config.yaml ...]  (the local cluster, default configs/node1-3.yaml; waits until it agrees)
#        scripts/build-and-run.sh run     NODE                (one node in the foreground: node1, node-1, 1 or a config file)
#        scripts/build-and-run.sh start   [config.yaml ...]   (default: configs/single.yaml)
#        scripts/build-and-run.sh stop    [config.yaml ...]   (default: every node this script started)
#        scripts/build-and-run.sh status  [config.yaml ...]
#        scripts/build-and-run.sh restart [config.yaml ...]   (default: the configs the running nodes were started with)
#
# Contract: it only ever signals PIDs it recorded in run/<node-id>.pid, and only while that PID is still a
# ringcache process (a stale or reused PID is never signalled). Per node it records run/<node-id>.pid,
# run/<node-id>.meta (config file and addresses) and run/<node-id>.err (the process's stderr: startup
# errors such as "address already in use" and crashes). The node's own log is <log_dir>/<node-id>.log.
# Environment: NODE (node binary, default node), RINGCACHE_* (passed to the nodes, like their flags),
# STARTUP_TIMEOUT / STOP_TIMEOUT (seconds, default 20 / 45).
set -euo pipefail

ORIG_PWD=$PWD
cd "$(dirname "$0")/.."
ROOT=$PWD
NODE=${NODE:-node}
MAIN=dist/cmd/ringcache/main.js
RUN_DIR=run
DEFAULT_CONFIG=configs/single.yaml
CLUSTER_CONFIGS=(configs/node1.yaml configs/node2.yaml configs/node3.yaml)
CLUSTER_TIMEOUT=${CLUSTER_TIMEOUT:-30}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-20}
STOP_TIMEOUT=${STOP_TIMEOUT:-45} # a graceful stop may spend cluster.handoff_timeout_ms (30 s) handing its keys over, then save

say() { printf '%s\n' "$*"; }
warn() { printf '%s\n' "$*" >&2; }
die() {
  warn "build-and-run: $*"
  exit 1
}

usage() {
  sed -n '4,9s/^# \{0,1\}//p' "$0"
}

# --- build ----------------------------------------------------------------------------------------

# True when dist/ is missing or older than any build input (non-test sources, package and tsconfig files).
build_is_stale() {
  [[ -f $MAIN ]] || return 0
  [[ -n $(find cmd internal scripts package.json package-lock.json tsconfig.json tsconfig.build.json \
    -newer "$MAIN" \( -name '*.ts' ! -name '*.test.ts' -o -name '*.json' \) -print -quit 2>/dev/null) ]]
}

ensure_built() {
  if ! build_is_stale; then
    return 0
  fi
  [[ -d node_modules ]] || die "node_modules is missing: run 'npm ci' (or ./scripts/start-system.sh) first"
  say "Building (dist/ is missing or older than the sources)..."
  if ! npm run --silent build; then
    die "build failed (see the TypeScript errors above); nothing was started"
  fi
}

# --- config resolution ----------------------------------------------------------------------------

# Canonical path of a config argument (relative to the repo root when inside it, else absolute);
# a relative argument is looked up from the caller's directory first, then from the repo root.
config_path() {
  local arg=$1 p candidates
  if [[ $arg == /* ]]; then candidates=("$arg"); else candidates=("$ORIG_PWD/$arg" "$ROOT/$arg"); fi
  for p in "${candidates[@]}"; do
    if [[ -f $p ]]; then
      p=$(cd "$(dirname "$p")" && printf '%s/%s' "$PWD" "$(basename "$p")")
      printf '%s\n' "${p#"$ROOT"/}"
      return 0
    fi
  done
  die "config file not found: $arg"
}

# Prints "node_id bind port http_enabled http_bind http_port log_dir dir gossip_port" (tab-separated, '-' for empty)
# exactly as the node will see them: the built loader applies defaults -> file -> RINGCACHE_* env.
resolve_config() {
  "$NODE" --input-type=module -e '
    import { pathToFileURL } from "node:url";
    const [root, file] = process.argv.slice(1);
    const { loadConfig } = await import(pathToFileURL(root + "/dist/internal/config/load.js").href);
    try {
      const c = loadConfig({ argv: ["--config", file], env: process.env });
      const f = (v) => (v === "" ? "-" : String(v));
      console.log([c.nodeId, c.bind, c.port, c.http.enabled ? 1 : 0, c.http.bind, c.http.port, c.logDir, c.dir, c.cluster.gossipPort].map(f).join("\t"));
    } catch (e) {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    }
  ' -- "$ROOT" "$1"
}

# --- process and port checks ----------------------------------------------------------------------

# True when PID is alive and is a ringcache node (guards against signalling a reused PID).
is_our_node() {
  local pid=$1 args
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  args=$(ps -o args= -p "$pid" 2>/dev/null) || return 1
  [[ $args == *"$MAIN"* ]]
}

# Address to connect to for a bind address (wildcards are reached over loopback).
connect_host() {
  case $1 in
    0.0.0.0 | -) printf '127.0.0.1' ;;
    :: | '[::]') printf '::1' ;;
    *) printf '%s' "$1" ;;
  esac
}

# True when something accepts TCP connections on host:port.
port_open() {
  # shellcheck disable=SC2016 # $1/$2 expand in the inner shell, on purpose
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# True when host:port answers PING with any RESP reply (+PONG, or -NOAUTH/-ERR: the server speaks RESP).
resp_answers() {
  local out
  if command -v redis-cli >/dev/null 2>&1; then
    out=$(timeout 3 redis-cli -h "$1" -p "$2" ping 2>/dev/null) || return 1
    [[ -n $out ]]
  else
    # shellcheck disable=SC2016 # $1/$2 expand in the inner shell, on purpose
    timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "PING\r\n" >&3 && IFS= read -r line <&3 && [[ $line == [+-]* ]]' \
      _ "$1" "$2" 2>/dev/null
  fi
}

# True when the HTTP API answers /health (or, without curl, accepts connections).
http_answers() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -m 3 -o /dev/null "http://$(url_host "$1"):$2/health" 2>/dev/null
  else
    port_open "$1" "$2"
  fi
}

url_host() {
  if [[ $1 == *:* ]]; then printf '[%s]' "$1"; else printf '%s' "$1"; fi
}

# --- run/ bookkeeping -----------------------------------------------------------------------------

meta_get() { # meta_get FILE KEY
  sed -n "s/^$2=//p" "$1" 2>/dev/null | head -n 1
}

# Node ids with a pid file, optionally only those started from the given (absolute) config paths.
recorded_ids() {
  local f id cfg want
  shopt -s nullglob
  for f in "$RUN_DIR"/*.pid; do
    id=$(basename "$f" .pid)
    if (($# == 0)); then
      printf '%s\n' "$id"
      continue
    fi
    cfg=$(meta_get "$RUN_DIR/$id.meta" config)
    for want in "$@"; do
      if [[ $cfg == "$want" ]]; then
        printf '%s\n' "$id"
        break
      fi
    done
  done
  shopt -u nullglob
}

# Describes who holds an address: a node this script started (by its meta line) or someone else.
port_owner() {
  local f
  shopt -s nullglob
  for f in "$RUN_DIR"/*.meta; do
    if grep -qxF "$1" "$f"; then
      printf "node '%s' (started by this script: ./scripts/build-and-run.sh stop %s)" "$(basename "$f" .meta)" "$(meta_get "$f" config)"
      shopt -u nullglob
      return 0
    fi
  done
  shopt -u nullglob
  printf 'another process (not started by this script)'
}

forget() {
  rm -f "$RUN_DIR/$1.pid" "$RUN_DIR/$1.meta"
}

# The cluster secret the shipped configs read (cluster.secret_file: ./run/cluster.secret): generated on the
# first start, private (mode 600), never committed (run/ is git-ignored), kept by clean-persistence.sh. Every
# node started from this checkout shares it; members on other machines need a copy of the same file.
SECRET_FILE=$RUN_DIR/cluster.secret
ensure_cluster_secret() {
  [[ -s $SECRET_FILE ]] && return 0
  mkdir -p "$RUN_DIR"
  local tmp
  tmp=$(mktemp "$RUN_DIR/.cluster.secret.XXXXXX") || return 1 # mktemp creates it 0600
  if command -v openssl >/dev/null 2>&1; then
    openssl rand -hex 32 >"$tmp" || { rm -f "$tmp"; return 1; }
  else
    "$NODE" -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("hex") + "\n")' >"$tmp" || { rm -f "$tmp"; return 1; }
  fi
  # ln, not mv: it fails when a concurrent start created the file first, so both use the same secret.
  if ln "$tmp" "$SECRET_FILE" 2>/dev/null; then say "Generated the cluster secret in $SECRET_FILE (keep it private; every member needs the same one)"; fi
  rm -f "$tmp"
  [[ -s $SECRET_FILE ]]
}

# --- commands -------------------------------------------------------------------------------------

start_one() {
  local cfg=$1 line id bind port http_on http_bind http_port log_dir data_dir gossip_port pid host http_host err out
  if ! line=$(resolve_config "$cfg" 2>&1); then
    warn "build-and-run: $cfg: $line"
    return 1
  fi
  IFS=$'\t' read -r id bind port http_on http_bind http_port log_dir data_dir gossip_port <<<"$line"
  host=$(connect_host "$bind")
  http_host=$(connect_host "$http_bind")
  if [[ $port == 0 || ($http_on == 1 && $http_port == 0) ]]; then
    warn "build-and-run: $cfg: port 0 (pick a free port) is not supported here; set fixed ports"
    return 1
  fi

  if [[ -f $RUN_DIR/$id.pid ]]; then
    pid=$(cat "$RUN_DIR/$id.pid")
    if is_our_node "$pid"; then
      say "$id is already running (pid $pid): RESP $host:$port$([[ $http_on == 1 ]] && printf ', HTTP http://%s:%s' "$(url_host "$http_host")" "$http_port")"
      return 0
    fi
    say "$id: removing stale pid file (pid $pid is not running)"
    forget "$id"
  fi

  if port_open "$host" "$port"; then
    warn "build-and-run: $id: port $port on $host is already in use by $(port_owner "resp=$host:$port"); stop it or change 'port' in $cfg"
    return 1
  fi
  if [[ $http_on == 1 ]] && port_open "$http_host" "$http_port"; then
    warn "build-and-run: $id: HTTP port $http_port on $http_host is already in use by $(port_owner "http=http://$(url_host "$http_host"):$http_port"); stop it or change 'http.port' in $cfg"
    return 1
  fi

  if [[ $gossip_port != 0 ]] && port_open "$host" "$gossip_port"; then
    warn "build-and-run: $id: gossip port $gossip_port on $host is already in use by another process; stop it or change 'cluster.gossip_port' in $cfg"
    return 1
  fi

  mkdir -p "$RUN_DIR"
  err=$RUN_DIR/$id.err
  # The node logs to stdout and to <log_dir>/<id>.log; with a log_dir stdout would be a duplicate.
  if [[ $log_dir == - ]]; then out=$RUN_DIR/$id.out; else out=/dev/null; fi
  nohup "$NODE" "$MAIN" --config "$cfg" >"$out" 2>"$err" </dev/null &
  pid=$!
  printf '%s\n' "$pid" >"$RUN_DIR/$id.pid"
  {
    printf 'config=%s\n' "$cfg"
    printf 'resp=%s:%s\n' "$host" "$port"
    if [[ $http_on == 1 ]]; then printf 'http=http://%s:%s\n' "$(url_host "$http_host")" "$http_port"; fi
    if [[ $log_dir == - ]]; then printf 'log=%s\n' "$out"; else printf 'log=%s/%s.log\n' "${log_dir%/}" "$id"; fi
    printf 'dir=%s\n' "$data_dir"
    printf 'gossip=%s:%s\n' "$host" "$gossip_port"
  } >"$RUN_DIR/$id.meta"

  local deadline=$((SECONDS + STARTUP_TIMEOUT))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      warn "build-and-run: $id failed to start; its stderr ($err):"
      sed 's/^/  /' "$err" >&2 || true
      forget "$id"
      return 1
    fi
    if resp_answers "$host" "$port" && { [[ $http_on != 1 ]] || http_answers "$http_host" "$http_port"; }; then
      break
    fi
    if ((SECONDS >= deadline)); then
      warn "build-and-run: $id (pid $pid) is running but did not answer within ${STARTUP_TIMEOUT}s; see $err and $(meta_get "$RUN_DIR/$id.meta" log)"
      return 1
    fi
    sleep 0.2
  done
  # Someone else could have answered on the port while our process was still failing to bind.
  sleep 0.2
  if ! is_our_node "$pid"; then
    warn "build-and-run: $id exited right after starting; its stderr ($err):"
    sed 's/^/  /' "$err" >&2 || true
    forget "$id"
    return 1
  fi
  say "$id started (pid $pid)"
  say "  RESP  $host:$port          redis-cli -h $host -p $port"
  if [[ $http_on == 1 ]]; then say "  HTTP  $(meta_get "$RUN_DIR/$id.meta" http)/health"; fi
  say "  log   $(meta_get "$RUN_DIR/$id.meta" log)   (stderr: $err, data: $data_dir)"
}

cmd_start() {
  local cfgs=() a rc=0
  for a in "$@"; do cfgs+=("$(config_path "$a")"); done
  ((${#cfgs[@]} > 0)) || cfgs=("$DEFAULT_CONFIG")
  ensure_built
  ensure_cluster_secret || die "could not create $SECRET_FILE (the cluster secret the configs read)"
  for a in "${cfgs[@]}"; do
    start_one "$a" || rc=1
  done
  return "$rc"
}

stop_one() {
  local id=$1 pid
  pid=$(cat "$RUN_DIR/$id.pid" 2>/dev/null || true)
  if ! is_our_node "$pid"; then
    if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
      say "$id is not running (pid $pid now belongs to another program, left alone; removed stale pid file)"
    else
      say "$id is not running (removed stale pid file${pid:+ for pid $pid})"
    fi
    forget "$id"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      warn "build-and-run: $id (pid $pid) did not exit within ${STOP_TIMEOUT}s after SIGTERM; pid file kept."
      warn "  Inspect $(meta_get "$RUN_DIR/$id.meta" log); to force it: kill -KILL $pid && rm $RUN_DIR/$id.pid"
      return 1
    fi
    sleep 0.1
  done
  forget "$id"
  say "$id stopped (pid $pid)"
}

cmd_stop() {
  local cfgs=() a ids rc=0
  for a in "$@"; do cfgs+=("$(config_path "$a")"); done
  mapfile -t ids < <(recorded_ids "${cfgs[@]}")
  # `stop` with no config also stops the local Prometheus start-system.sh --monitor runs without Docker.
  if (($# == 0)); then stop_local_prometheus; fi
  if ((${#ids[@]} == 0)); then
    say "Nothing to stop (no pid files in $RUN_DIR/${1:+ for $*})."
    return 0
  fi
  for a in "${ids[@]}"; do
    stop_one "$a" || rc=1
  done
  return "$rc"
}

stop_local_prometheus() {
  local pid
  pid=$(cat "$RUN_DIR/prometheus/pid" 2>/dev/null || true)
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  if kill -0 "$pid" 2>/dev/null && [[ $(ps -o comm= -p "$pid" 2>/dev/null) == prometheus* ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    say "local Prometheus stopped (pid $pid)"
  fi
  rm -f "$RUN_DIR/prometheus/pid"
}

cmd_status() {
  local cfgs=() a ids id pid resp http rc=0 state
  for a in "$@"; do cfgs+=("$(config_path "$a")"); done
  mapfile -t ids < <(recorded_ids "${cfgs[@]}")
  if ((${#ids[@]} == 0)); then
    say "No ringcache nodes started by this script are running."
    return 3
  fi
  for id in "${ids[@]}"; do
    pid=$(cat "$RUN_DIR/$id.pid" 2>/dev/null || true)
    resp=$(meta_get "$RUN_DIR/$id.meta" resp)
    http=$(meta_get "$RUN_DIR/$id.meta" http)
    if ! is_our_node "$pid"; then
      say "$id: NOT RUNNING (stale pid file, pid $pid; last stderr: $RUN_DIR/$id.err)"
      rc=3
      continue
    fi
    if resp_answers "${resp%:*}" "${resp##*:}"; then state="answers PING"; else state="NOT ANSWERING"; rc=3; fi
    say "$id: running (pid $pid), RESP $resp ($state)${http:+, HTTP $http}, log $(meta_get "$RUN_DIR/$id.meta" log)"
  done
  return "$rc"
}

# Waits until every given RESP address reports all of them in CLUSTER INFO and the same CLUSTER SLOTS.
wait_cluster_agrees() {
  "$NODE" --input-type=module -e '
    import net from "node:net";
    const [timeoutS, ...addrs] = process.argv.slice(1);
    const ask = (addr, argv) => new Promise((resolve) => {
      const i = addr.lastIndexOf(":");
      const s = net.connect(Number(addr.slice(i + 1)), addr.slice(0, i));
      let buf = "";
      const done = (v) => { s.destroy(); resolve(v); };
      s.setTimeout(2000, () => done(null));
      s.on("error", () => done(null));
      s.on("data", (d) => { buf += d.toString("latin1"); if (/\r\n$/.test(buf) && (!buf.startsWith("$") || buf.length >= buf.indexOf("\r\n") + 4 + Number(buf.slice(1, buf.indexOf("\r\n"))))) done(buf); });
      s.write(argv.map((a) => `$${a.length}\r\n${a}\r\n`).reduce((acc, x) => acc + x, `*${argv.length}\r\n`));
    });
    const deadline = Date.now() + Number(timeoutS) * 1000;
    let last = "";
    for (;;) {
      const infos = await Promise.all(addrs.map((a) => ask(a, ["CLUSTER", "INFO"])));
      const known = infos.map((t) => Number(/cluster_known_nodes:(\d+)/.exec(t ?? "")?.[1] ?? 0));
      if (known.every((k) => k === addrs.length)) {
        const maps = await Promise.all(addrs.map((a) => ask(a, ["CLUSTER", "NODES"])));
        const owners = maps.map((m) => (m ?? "").split("\n").map((l) => l.split(" ").slice(8).join(" ") + l.split(" ")[1]).filter((x) => x).sort().join("|"));
        if (owners.every((o) => o === owners[0] && o !== "")) process.exit(0);
        last = "slot maps differ";
      } else {
        last = `known nodes per member: ${known.join(", ")}`;
      }
      if (Date.now() > deadline) { console.error(last); process.exit(1); }
      await new Promise((r) => setTimeout(r, 200));
    }
  ' -- "$CLUSTER_TIMEOUT" "$@"
}

cmd_cluster() {
  local cfgs=() a id addrs=() list=("$@")
  # Configs given (scale out: node1-3 plus configs/node4.yaml) replace the default three.
  ((${#list[@]} > 0)) || list=("${CLUSTER_CONFIGS[@]}")
  for a in "${list[@]}"; do cfgs+=("$(config_path "$a")"); done
  cmd_start "${cfgs[@]}" || die "could not start every cluster node (see above)"
  for id in $(recorded_ids "${cfgs[@]}"); do addrs+=("$(meta_get "$RUN_DIR/$id.meta" resp)"); done
  say "Waiting for the ${#addrs[@]} nodes to agree on membership and slots (up to ${CLUSTER_TIMEOUT}s)..."
  if ! out=$(wait_cluster_agrees "${addrs[@]}" 2>&1); then
    die "the nodes did not agree within ${CLUSTER_TIMEOUT}s ($out); see ./scripts/build-and-run.sh status and the logs"
  fi
  say "Cluster ready: every node sees ${#addrs[@]} members and the same slot owners."
  for id in $(recorded_ids "${cfgs[@]}"); do
    say "  $id  RESP $(meta_get "$RUN_DIR/$id.meta" resp)  HTTP $(meta_get "$RUN_DIR/$id.meta" http)  gossip $(meta_get "$RUN_DIR/$id.meta" gossip)"
  done
}

# Runs one node in the foreground (logs on stdout too); Ctrl-C stops it.
cmd_run() {
  local arg=${1:-} cfg
  [[ -n $arg ]] || die "run: which node? (node1, node-1, 1, or a config file)"
  case $arg in
    *.yaml | *.yml) cfg=$(config_path "$arg") ;;
    *)
      local n=${arg##*[!0-9]}
      [[ -n $n && -f configs/node$n.yaml ]] || die "run: no config for '$arg' (expected configs/node<N>.yaml)"
      cfg=configs/node$n.yaml
      ;;
  esac
  ensure_built
  ensure_cluster_secret || die "could not create $SECRET_FILE (the cluster secret the configs read)"
  say "Running $cfg in the foreground (Ctrl-C stops it)..."
  exec "$NODE" "$MAIN" --config "$cfg"
}

cmd_restart() {
  local cfgs=("$@") id
  if (($# == 0)); then
    while IFS= read -r id; do
      cfgs+=("$(meta_get "$RUN_DIR/$id.meta" config)")
    done < <(recorded_ids)
  fi
  cmd_stop "${cfgs[@]}" || die "restart: stop failed; not starting again"
  cmd_start "${cfgs[@]}"
}

main() {
  local cmd=${1:-}
  (($# > 0)) && shift
  case $cmd in
    start) cmd_start "$@" ;;
    cluster) cmd_cluster "$@" ;;
    run) cmd_run "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    restart) cmd_restart "$@" ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
