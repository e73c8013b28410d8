#!/usr/bin/env bash
# Deletes local node state (./data, ./logs and leftover run/ files) once no node started by the scripts is running.
#
# Usage: scripts/clean-persistence.sh [--force] [--all] [--help]
#   Without --force it lists what it would delete and asks for confirmation (refuses when not interactive).
#   --force deletes without asking. --all (HyperCache's spelling) deletes every node's state and the local
#   Prometheus data too, without asking. Either way it refuses while a node recorded in run/*.pid is alive;
#   stop them first with ./scripts/build-and-run.sh stop.
set -euo pipefail

cd "$(dirname "$0")/.."

RUN_DIR=run
TARGETS=(data logs)
MAIN=dist/cmd/ringcache/main.js

die() {
  printf 'clean-persistence: %s\n' "$*" >&2
  exit 1
}

force=0
all=0
for arg in "$@"; do
  case $arg in
    -f | --force) force=1 ;;
    -h | --help)
      sed -n '4,8s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    --all)
      force=1
      all=1
      ;;
    *) die "unknown option: $arg (use --force, --all or --help)" ;;
  esac
done

# Refuse while any recorded node is alive: deleting its data under it would lose writes or corrupt files.
running=()
shopt -s nullglob
for f in "$RUN_DIR"/*.pid; do
  pid=$(cat "$f" 2>/dev/null || true)
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && [[ $(ps -o args= -p "$pid" 2>/dev/null) == *"$MAIN"* ]]; then
    running+=("$(basename "$f" .pid) (pid $pid)")
  fi
done
shopt -u nullglob
if ((${#running[@]} > 0)); then
  die "nodes are still running: ${running[*]}. Stop them first: ./scripts/build-and-run.sh stop"
fi

# --all: also the data of the local Prometheus start-system.sh --monitor runs without Docker (stopped first).
if ((all)); then
  prom_pid=$(cat "$RUN_DIR/prometheus/pid" 2>/dev/null || true)
  if [[ $prom_pid =~ ^[0-9]+$ ]] && kill -0 "$prom_pid" 2>/dev/null; then
    die "the local Prometheus (pid $prom_pid) still runs; stop it first: ./scripts/build-and-run.sh stop"
  fi
  TARGETS+=("$RUN_DIR/prometheus")
fi
existing=()
for t in "${TARGETS[@]}"; do
  [[ -e $t ]] && existing+=("$t")
done
leftovers=()
if [[ -d $RUN_DIR ]]; then
  mapfile -t leftovers < <(find "$RUN_DIR" -maxdepth 1 -type f \( -name '*.pid' -o -name '*.meta' -o -name '*.err' -o -name '*.out' \))
fi
if ((${#existing[@]} == 0 && ${#leftovers[@]} == 0)); then
  echo "Nothing to clean (no ./data, ./logs or run/ files)."
  exit 0
fi

echo "This deletes:"
for t in "${existing[@]}"; do
  printf '  ./%s/  (%s)\n' "$t" "$(du -sh "$t" 2>/dev/null | cut -f1)"
done
((${#leftovers[@]} > 0)) && printf '  %s stale pid/meta/stderr files in %s/\n' "${#leftovers[@]}" "$RUN_DIR"

if ((!force)); then
  [[ -t 0 ]] || die "not a terminal; re-run with --force to delete without asking"
  read -r -p "Delete? [y/N] " answer
  [[ $answer == [yY] || $answer == [yY][eE][sS] ]] || die "aborted; nothing deleted"
fi

rm -rf -- "${existing[@]}"
((${#leftovers[@]} > 0)) && rm -f -- "${leftovers[@]}"
rmdir "$RUN_DIR" 2>/dev/null || true
echo "Deleted. The next start begins with an empty dataset."
