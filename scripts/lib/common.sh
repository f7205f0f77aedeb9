# Shared by scripts/test and scripts/demo. Source it; do not run it.

# Debian packages of the real peers (see Tests/Interop and peers/).
BRIDGE_PEER_PACKAGES=(
  prosody lua-unbound python3-slixmpp
  kamailio kamailio-presence-modules kamailio-tls-modules kamailio-xmpp-modules
  kamailio-utils-modules kamailio-sqlite-modules sqlite3 sip-tester sipsak baresip-core
)

log() { printf '%s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the missing packages: one apt-get update, one apt-get install. The daemons are
# never started by the packages (policy-rc.d): the tests start their own, on loopback only.
ensure_packages() {
  local missing=() pkg
  for pkg in "${BRIDGE_PEER_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "peer packages: all installed"
    return 0
  fi
  log "peer packages: installing ${missing[*]}"
  local policy=/usr/sbin/policy-rc.d added_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod 755 "$policy"
    added_policy=1
  fi
  local rc=0
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update || rc=$?
  if [ $rc -eq 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" || rc=$?
  fi
  if [ $added_policy -eq 1 ]; then as_root rm -f "$policy"; fi
  return $rc
}

require_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    log "dotnet (SDK 10) is not on PATH"
    return 1
  fi
}

# wait_tcp HOST PORT SECONDS [PID]: waits until HOST:PORT accepts TCP; fails early if PID dies.
wait_tcp() {
  local host=$1 port=$2 secs=$3 pid=${4:-} i
  for ((i = 0; i < secs * 10; i++)); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then return 0; fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    sleep 0.1
  done
  return 1
}

tcp_in_use() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# stop_group PGID NAME: SIGTERM the process group led by PGID, SIGKILL after 10 s.
stop_group() {
  local pgid=$1 name=$2 i
  kill -0 "$pgid" 2>/dev/null || return 0
  kill -TERM -- "-$pgid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pgid" 2>/dev/null || { log "stopped $name (pid $pgid)"; return 0; }
    sleep 0.1
  done
  log "$name (pid $pgid) ignored SIGTERM; killing its process group"
  kill -KILL -- "-$pgid" 2>/dev/null || true
}

# ensure_hosts: the test domains on loopback, added once.
ensure_hosts() {
  local entry addr host
  for entry in "127.0.0.2 b.test" "127.0.0.1 a.test" "127.0.0.1 c.test"; do
    read -r addr host <<<"$entry"
    if ! grep -Eq "^[[:space:]]*$addr([[:space:]].*)?[[:space:]]$host([[:space:]]|$)" /etc/hosts; then
      printf '%s %s\n' "$addr" "$host" | as_root tee -a /etc/hosts >/dev/null
    fi
  done
}

# render TEMPLATE OUT KEY=VALUE...: replaces @KEY@ tokens (values must not contain '|').
render() {
  local template=$1 out=$2 expr=() kv
  shift 2
  for kv in "$@"; do expr+=(-e "s|@${kv%%=*}@|${kv#*=}|g"); done
  sed "${expr[@]}" "$template" >"$out"
}
