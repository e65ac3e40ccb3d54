#!/usr/bin/env bash
# Sets up and runs the whole platform on this machine (Debian, root): RabbitMQ, PostgreSQL, dockerd and the local
# registry, then the four services (gateway on http://127.0.0.1:8080) and this project's own app store
# (http://127.0.0.1:8000, release archives on :8001; scripts/local-store.sh) with the test ExApp published to it,
# then shows it working: registers the local Docker daemon and installs the sample ExApp with live progress.
# Ctrl-C stops the services.
#   scripts/run.sh            run in the foreground (demo included)
#   scripts/run.sh --detach   start in the background and return;  scripts/run.sh stop   stops them
#   EXAPPS_NO_DEMO=1          skip the demo
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
run_dir="$root/.local/run"
log_dir="$root/.local/logs"
services=(registry:ExApps.Registry:8081 deployer:ExApps.Deployer:8083 lifecycle:ExApps.Lifecycle:8082 gateway:ExApps.Gateway:8080)

say() { printf '[run] %s\n' "$*"; }

stop_services() {
  for pidfile in "$run_dir"/*.pid; do
    [ -f "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
}

if [ "${1:-}" = stop ]; then stop_services; say "stopped"; exit 0; fi

scripts/infra.sh start
say "building"
dotnet build Services.sln -c Release --nologo -v q -clp:ErrorsOnly
scripts/build-test-image.sh
# The store's CA and configuration (made once), and the settings that point the registry at the store.
store_dir="${EXAPPS_STORE_DIR:-$root/.local/appstore}"
scripts/local-store.sh prepare
# shellcheck disable=SC1091
. "$store_dir/env"
services+=("appstore:ExApps.AppStore:$EXAPPS_STORE_PORT")

mkdir -p "$run_dir" "$log_dir"
stop_services
for s in "${services[@]}"; do
  IFS=: read -r name asm port <<<"$s"
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; then
    say "port $port already answers: is the platform already running? (scripts/run.sh stop)"; exit 1
  fi
  # The store keeps its own database whatever the platform's is.
  db=()
  [ "$name" = appstore ] && db=("ConnectionStrings__Postgres=$EXAPPS_STORE_PG")
  env "${db[@]}" ASPNETCORE_URLS="http://127.0.0.1:$port" nohup dotnet "services/$name/bin/Release/net10.0/$asm.dll" \
    >"$log_dir/$name.log" 2>&1 &
  echo $! >"$run_dir/$name.pid"
done
# Where the store's developers put their release archives (the links they publish).
nohup python3 -m http.server "$EXAPPS_RELEASES_PORT" --bind 127.0.0.1 --directory "$store_dir/releases" \
  >"$log_dir/releases.log" 2>&1 &
echo $! >"$run_dir/releases.pid"
[ "${1:-}" = --detach ] || trap 'stop_services; say "stopped"' EXIT INT TERM

for s in "${services[@]}"; do
  IFS=: read -r name asm port <<<"$s"
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null && break
    if ! kill -0 "$(cat "$run_dir/$name.pid")" 2>/dev/null; then say "$name failed to start:"; tail -20 "$log_dir/$name.log"; exit 1; fi
    sleep 0.25
  done
  say "$name up on http://127.0.0.1:$port (log: .local/logs/$name.log)"
done
if scripts/local-store.sh publish >"$log_dir/store-publish.log" 2>&1; then
  say "app store: test-exapp 1.0.0 published (./appapi app:catalog lists the store, ./appapi app:register <appid> installs from it)"
else
  say "warning: publishing the test ExApp to the app store failed (.local/logs/store-publish.log); the platform runs without it"
fi

if [ -z "${EXAPPS_NO_DEMO:-}" ]; then
  say "demo: ./appapi daemon:register docker_local ... --net host --set-default"
  ./appapi daemon:register docker_local "Local Docker" docker-install http /var/run/docker.sock http://127.0.0.1:8080 --net host --set-default
  say "demo: ./appapi app:register test-exapp --info-xml tests/fixtures/test-exapp.xml --wait-finish"
  rc=0; ./appapi app:register test-exapp --info-xml tests/fixtures/test-exapp.xml --wait-finish || rc=$?
  [ $rc = 3 ] && say "(already registered from an earlier run)"
  [ $rc = 0 ] || [ $rc = 3 ] || { say "demo install failed (exit $rc)"; exit $rc; }
  say "demo: ./appapi app:list"
  ./appapi app:list
fi

if [ "${1:-}" = --detach ]; then say "platform running in the background (admin token: scripts/admin-token.sh); scripts/run.sh stop stops it"; exit 0; fi
say "platform running: gateway http://127.0.0.1:8080; admin token: scripts/admin-token.sh prints it (./appapi reads it itself); Ctrl-C stops"
wait
