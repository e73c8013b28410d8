#!/usr/bin/env bash
# Obtains Redis's Tcl test suite (runtest + tests/) from Debian's `redis` source package into a cache dir outside the repo.
#
# Usage: scripts/redis-tests/fetch-suite.sh [--with-redis-server] [--help]
#   Prints the suite directory (runtest, tests/, COPYING) as the last line of stdout; progress goes to stderr.
#   --with-redis-server   also install Debian's redis-server when it is missing (for the side-by-side run)
# Environment: XDG_CACHE_HOME (cache root, default ~/.cache), REDIS_TESTS_VERSION (expected upstream version, default 7.0.15).
set -euo pipefail

EXPECTED_VERSION=${REDIS_TESTS_VERSION:-7.0.15}
CACHE_ROOT=${XDG_CACHE_HOME:-$HOME/.cache}/ringcache

say() { printf '%s\n' "$*" >&2; }
die() {
  printf 'fetch-suite: %s\n' "$*" >&2
  exit 1
}

with_server=0
for arg in "$@"; do
  case $arg in
    --with-redis-server) with_server=1 ;;
    -h | --help)
      sed -n '4,7s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    *) die "unknown option: $arg" ;;
  esac
done

# 1. System packages: tclsh 8.5+ for runtest, redis-server for the side-by-side run. ----------------
missing=()
command -v tclsh8.6 >/dev/null 2>&1 || command -v tclsh8.5 >/dev/null 2>&1 || missing+=(tcl)
if ((with_server)) && ! command -v redis-server >/dev/null 2>&1; then
  missing+=(redis-server)
fi
sudo_cmd=()
if [[ $(id -u) != 0 ]] && command -v sudo >/dev/null 2>&1; then
  sudo_cmd=(sudo -n)
fi
if ((${#missing[@]} > 0)); then
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and apt-get is not available; install them yourself"
  say "Installing ${missing[*]} with apt-get..."
  if ! { "${sudo_cmd[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
    die "apt-get install ${missing[*]} failed"
  fi
  # Debian's redis-server package starts its own service on 6379; the gate never uses it (it starts its own instance).
fi

# 2. The suite, unpacked once per upstream version. ----------------------------------------------------
suite_dir() { printf '%s/redis-tests-%s' "$CACHE_ROOT" "$1"; }

complete() { [[ -f $1/.complete && -x $1/runtest && -f $1/tests/test_helper.tcl ]]; }

if complete "$(suite_dir "$EXPECTED_VERSION")"; then
  suite_dir "$EXPECTED_VERSION"
  printf '\n'
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || die "the suite is not cached and apt-get is not available to download it"
[[ -r /etc/os-release ]] || die "cannot read /etc/os-release to find the Debian release"
# shellcheck source=/dev/null
codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
[[ -n $codename ]] || die "/etc/os-release has no VERSION_CODENAME"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -r $keyring ]] || die "$keyring is missing (package debian-archive-keyring)"

mkdir -p "$CACHE_ROOT"
work=$(mktemp -d "$CACHE_ROOT/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT

# A private apt configuration: its own deb-src list, index directory and cache, so the system's
# sources.list, lists and caches are never touched.
mkdir -p "$work/sources.list.d" "$work/lists/partial" "$work/cache/archives/partial" "$work/download"
cat >"$work/sources.list" <<EOF
deb-src [signed-by=$keyring] http://deb.debian.org/debian $codename main
deb-src [signed-by=$keyring] http://deb.debian.org/debian-security $codename-security main
EOF
apt_opts=(
  -o "Dir::Etc::sourcelist=$work/sources.list"
  -o "Dir::Etc::sourceparts=$work/sources.list.d"
  -o "Dir::State::Lists=$work/lists"
  -o "Dir::Cache=$work/cache"
  # The private directories belong to the caller, not to apt's unprivileged _apt user.
  -o "APT::Sandbox::User=$(id -un)"
)
say "Downloading Debian's redis source package (deb-src $codename, $codename-security)..."
apt-get "${apt_opts[@]}" -qq update >&2 || die "apt-get update (private deb-src list) failed"
(cd "$work/download" && apt-get "${apt_opts[@]}" -qq source --download-only redis >&2) || die "apt-get source --download-only redis failed"

shopt -s nullglob
origs=("$work"/download/redis_*.orig.tar.gz)
((${#origs[@]} == 1)) || die "expected one redis_*.orig.tar.gz, found ${#origs[@]}"
orig=${origs[0]}
version=${orig##*/redis_}
version=${version%.orig.tar.gz}
if [[ $version != "$EXPECTED_VERSION" ]]; then
  say "warning: Debian's redis source is $version, not $EXPECTED_VERSION; using Debian's $version"
  if complete "$(suite_dir "$version")"; then
    suite_dir "$version"
    printf '\n'
    exit 0
  fi
fi

# Only what runtest needs in external mode: the runner and tests/ (COPYING for the licence).
tar -xzf "$orig" -C "$work" "redis-$version/runtest" "redis-$version/tests" "redis-$version/COPYING"
dest=$(suite_dir "$version")
rm -rf "$dest"
mv "$work/redis-$version" "$dest"
printf 'redis %s tests from %s (Debian %s)\n' "$version" "${orig##*/}" "$codename" >"$dest/.complete"
say "Suite unpacked into $dest"
printf '%s\n' "$dest"
