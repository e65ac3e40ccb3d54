#!/usr/bin/env bash
# Installs (idempotently) and starts/stops the servers the platform and its tests need:
# RabbitMQ, PostgreSQL 15, dockerd and a local image registry on 127.0.0.1:5000.
# Usage: scripts/infra.sh install|start|stop|status
set -euo pipefail

STATE_DIR=${EXAPPS_STATE_DIR:-/var/lib/exapps-infra}
LOG_DIR=$STATE_DIR/logs
PG_PASSWORD=${EXAPPS_PG_PASSWORD:-exapps}
# chromium: the headless browser of the web console's browser tests (tests/EndToEnd.Tests/Console).
PACKAGES=(rabbitmq-server postgresql docker.io docker-registry docker-compose haproxy curl ca-certificates jq file openssl debootstrap chromium)

log() { printf '[infra] %s\n' "$*" >&2; }

need_root() { [ "$(id -u)" = 0 ] || { log "must run as root"; exit 1; }; }

install() {
  need_root
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then log "packages already installed"; return; fi
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d may forbid starting services from maintainer scripts; we start them ourselves.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

wait_for() { # name, seconds, command...
  local name=$1 secs=$2; shift 2
  for _ in $(seq 1 $((secs * 4))); do
    if "$@" >/dev/null 2>&1; then log "$name ready"; return 0; fi
    sleep 0.25
  done
  log "$name did not become ready in ${secs}s"; return 1
}

start_postgres() {
  if ! pg_lsclusters -h 2>/dev/null | grep -q '^15 *main'; then
    pg_createcluster 15 main >/dev/null
  fi
  if ! pg_lsclusters -h | grep -q 'online'; then
    pg_ctlcluster 15 main start
  fi
  wait_for postgresql 30 su postgres -c "psql -qAtc 'select 1'"
  su postgres -c "psql -qAtc \"ALTER USER postgres PASSWORD '$PG_PASSWORD'\"" >/dev/null
}

start_rabbitmq() {
  if ! rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    mkdir -p "$LOG_DIR"
    # RABBITMQ_* env: keep the node on loopback only.
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_DIST_PORT=25672 \
      nohup rabbitmq-server >"$LOG_DIR/rabbitmq.log" 2>&1 &
  fi
  wait_for rabbitmq 90 rabbitmq-diagnostics -q check_port_connectivity
}

start_dockerd() {
  if ! docker info >/dev/null 2>&1; then
    mkdir -p "$LOG_DIR"
    nohup dockerd --host unix:///var/run/docker.sock >"$LOG_DIR/dockerd.log" 2>&1 &
  fi
  wait_for dockerd 120 docker info
}

start_registry() {
  if ! curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1; then
    mkdir -p "$LOG_DIR" "$STATE_DIR/registry"
    cat >"$STATE_DIR/registry.yml" <<YML
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $STATE_DIR/registry }
  delete: { enabled: true }
http:
  addr: 127.0.0.1:5000
YML
    nohup docker-registry serve "$STATE_DIR/registry.yml" >"$LOG_DIR/registry.log" 2>&1 &
  fi
  wait_for registry 30 curl -fsS http://127.0.0.1:5000/v2/
}

start() {
  need_root
  install
  mkdir -p "$LOG_DIR"
  start_postgres
  start_rabbitmq
  start_dockerd
  start_registry
}

stop() {
  pkill -f 'docker-registry serve' || true
  rabbitmqctl -q shutdown >/dev/null 2>&1 || true
  pg_ctlcluster 15 main stop >/dev/null 2>&1 || true
  if [ -f /var/run/docker.pid ]; then kill "$(cat /var/run/docker.pid)" 2>/dev/null || true; fi
  log "stopped"
}

status() {
  su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && log "postgresql: up" || log "postgresql: down"
  rabbitmq-diagnostics -q ping >/dev/null 2>&1 && log "rabbitmq: up" || log "rabbitmq: down"
  docker info >/dev/null 2>&1 && log "dockerd: up" || log "dockerd: down"
  curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1 && log "registry: up" || log "registry: down"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
