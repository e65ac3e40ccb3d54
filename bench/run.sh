#!/usr/bin/env bash
# Platform benchmarks on this machine, against the real servers, every figure next to its peer from the same run:
# - memory of every service idle (after start) and after the run;
# - install latency (register -> enabled) of docker and manual installs through the CLI's --wait-finish, next to
#   the CLI's own start-up;
# - proxy throughput (wrk): the gateway's proxied ExApp route, HAProxy (Debian's package, `http-reuse always`) in
#   front of the same route of the same ExApp, YARP's forwarder alone doing what HAProxy does (bench/BareForwarder),
#   and the ExApp directly; the authenticated OCS route;
# - WebSocket echo round trips through the gateway, through HAProxy, through YARP alone and directly (bench/Loadgen `ws`);
# - then, with the platform stopped, bench/Loadgen on a platform of its own: install latency against the ExApp's
#   own round trips (`latency`), and concurrent installs with one and with two deployer+lifecycle processes
#   (`installs 1 N`, `installs 2 N`), memory idle, right after them and 15 s later.
# Writes docs/benchmarks.md. Usage: bench/run.sh [installs=5] [wrk-seconds=10] [loadgen-installs=500]
# (loadgen-installs=0 skips the Loadgen part). Ports: the platform's defaults (scripts/run.sh), HAProxy on 8095,
# YARP alone on 8096,
# the manual ExApp on 26901+, Loadgen's platform on 28080+ and its fleet on 25000+.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
installs=${1:-5}
secs=${2:-10}
fleet=${3:-500}
out=docs/benchmarks.md
gw=http://127.0.0.1:8080
haport=8095
bareport=8096
say() { printf '[bench] %s\n' "$*" >&2; }
export DEBIAN_FRONTEND=noninteractive
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
command -v haproxy >/dev/null || apt-get install -y -qq haproxy >/dev/null
command -v jq >/dev/null || apt-get install -y -qq jq >/dev/null
run_cmd="bench/run.sh $*"
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  scripts/run.sh stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# A database of its own, made afresh: every run starts from the same empty platform.
export ConnectionStrings__Postgres="Host=127.0.0.1;Port=5432;Username=postgres;Password=exapps;Database=exapps_benchrun"
PGPASSWORD=exapps psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS exapps_benchrun WITH (FORCE)" >/dev/null
EXAPPS_NO_DEMO=1 scripts/run.sh --detach >"$tmp/run.log" 2>&1 || { tail -20 "$tmp/run.log" >&2; exit 1; }
dotnet build bench/Loadgen/Loadgen.csproj -c Release --nologo -v q -clp:ErrorsOnly >/dev/null
dotnet build bench/BareForwarder/BareForwarder.csproj -c Release --nologo -v q -clp:ErrorsOnly >/dev/null
loadgen() { EXAPPS_ROOT="$root" dotnet bench/Loadgen/bin/Release/net10.0/loadgen.dll "$@"; }
rss() { ps -o rss= -p "$(cat ".local/run/$1.pid")" | awk '{printf "%.0f", $1/1024}'; }
services=(registry deployer lifecycle gateway appstore)
sleep 10 # start-up work settles
declare -A idle_mem
for s in "${services[@]}"; do idle_mem[$s]=$(rss "$s"); done

./appapi daemon:register bench_docker "Bench Docker" docker-install http /var/run/docker.sock $gw --net host >/dev/null
./appapi daemon:register bench_manual "Bench Manual" manual-install http 127.0.0.1 $gw >/dev/null

now_ms() { date +%s%3N; }
xml="$tmp/info.xml"
docker_ms=()
for i in $(seq 1 "$installs"); do
  id="bench-d$i"
  sed "s#<id>test-exapp</id>#<id>$id</id>#" tests/fixtures/test-exapp.xml >"$xml"
  ./appapi app:unregister "$id" --silent --force --rm-data >/dev/null 2>&1 || true
  t0=$(now_ms); ./appapi app:register "$id" bench_docker --info-xml "$xml" --wait-finish --silent; t1=$(now_ms)
  docker_ms+=($((t1 - t0)))
done
say "docker installs (ms): ${docker_ms[*]}"

# Manual installs: the test ExApp as a plain process that reports init done at once (TEST_INIT_MODE=instant),
# registered with its own secret and port. The CLI's own start-up (app:list) is measured alongside.
exe=$(scripts/build-test-image.sh --publish-only 2>/dev/null | tail -1)
manual_ms=(); cold_ms=(); cli_ms=()
for i in $(seq 1 "$installs"); do
  id="bench-m$i"; port=$((26900 + i)); secret="bench-secret-$i-0123456789"
  APP_ID=$id APP_SECRET=$secret APP_VERSION=1.0.0 APP_HOST=127.0.0.1 APP_PORT=$port NEXTCLOUD_URL=$gw \
    APP_PERSISTENT_STORAGE="$tmp" TEST_INIT_MODE=instant "$exe" >/dev/null 2>&1 &
  pid=$!; pids+=("$pid")
  until curl -fs "http://127.0.0.1:$port/heartbeat" >/dev/null; do sleep 0.1; done
  info="{\"id\":\"$id\",\"name\":\"$id\",\"version\":\"1.0.0\",\"secret\":\"$secret\",\"port\":$port,\"routes\":[{\"url\":\"^/public$\",\"verb\":\"GET\",\"access_level\":\"PUBLIC\"},{\"url\":\"^/ws$\",\"verb\":\"GET\",\"access_level\":\"PUBLIC\"}]}"
  ./appapi app:unregister "$id" --silent --force >/dev/null 2>&1 || true
  t0=$(now_ms); ./appapi app:list --output=json >/dev/null; t1=$(now_ms)
  cli_ms+=($((t1 - t0)))
  # The first install on a freshly started ExApp process includes the ExApp's own first-call costs (its init
  # handler and its first requests to the platform are compiled then): timed apart, then the app is installed
  # again on the now warm process, which is the platform's part.
  t0=$(now_ms); ./appapi app:register "$id" bench_manual --json-info "$info" --wait-finish --silent; t1=$(now_ms)
  cold_ms+=($((t1 - t0)))
  ./appapi app:unregister "$id" --silent --force
  t0=$(now_ms); ./appapi app:register "$id" bench_manual --json-info "$info" --wait-finish --silent; t1=$(now_ms)
  manual_ms+=($((t1 - t0)))
  [ "$i" = "$installs" ] || { ./appapi app:unregister "$id" --silent --force; kill "$pid"; }
done
say "manual installs (ms): ${manual_ms[*]}; on a fresh ExApp process: ${cold_ms[*]}; CLI app:list (ms): ${cli_ms[*]}"

# HAProxy in front of the same ExApp, as AppAPI's HaRP uses it: the proxy path's prefix rewritten away, the AppAPI
# headers set (what the gateway adds), connections to the ExApp reused.
auth=$(printf ':%s' "$secret" | base64 -w0)
cat >"$tmp/haproxy.cfg" <<CFG
global
    maxconn 4096
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h
    http-reuse always
frontend bench
    bind 127.0.0.1:$haport
    default_backend exapp
backend exapp
    http-request replace-path ^/index\.php/apps/app_api/proxy/[^/]+(/.*)?$ \1
    http-request set-header EX-APP-ID $id
    http-request set-header EX-APP-VERSION 1.0.0
    http-request set-header AA-VERSION 32.0.0
    http-request set-header AUTHORIZATION-APP-API $auth
    server app 127.0.0.1:$port
CFG
# (HAProxy binds with SO_REUSEPORT: a leftover instance on the port would silently take half the requests.)
if ss -ltn "sport = :$haport" | grep -q LISTEN; then say "port $haport is already in use"; exit 1; fi
haproxy -db -f "$tmp/haproxy.cfg" >"$tmp/haproxy.log" 2>&1 &
hapid=$!; pids+=("$hapid")
for _ in $(seq 1 50); do curl -fs -o /dev/null "http://127.0.0.1:$haport/index.php/apps/app_api/proxy/$id/public" && break; sleep 0.1; done
haproxy_version=$(haproxy -v | awk 'NR==1 {print $3}')
# YARP's forwarder alone, with the gateway's runtime settings, doing what HAProxy does: how much of the gateway's
# cost is Kestrel + YARP themselves, how much the platform's own work per request.
if ss -ltn "sport = :$bareport" | grep -q LISTEN; then say "port $bareport is already in use"; exit 1; fi
dotnet bench/BareForwarder/bin/Release/net10.0/bare-forwarder.dll "$bareport" "http://127.0.0.1:$port" "$id" "$auth" \
  >"$tmp/bare.log" 2>&1 &
barepid=$!; pids+=("$barepid")
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$bareport/index.php/apps/app_api/proxy/$id/public" && break; sleep 0.1; done

# Every measured route must answer 200, or the numbers would count fast errors.
check() { local code; code=$(curl -s -o /dev/null -w '%{http_code}' "$@"); [ "$code" = 200 ] || { say "not 200 ($code): $*"; exit 1; }; }
ocs_headers=(-H "EX-APP-ID: $id" -H "EX-APP-VERSION: 1.0.0" -H "AUTHORIZATION-APP-API: $auth" -H "AA-VERSION: 32.0.0" -H "OCS-APIRequest: true")
ocs_url="$gw/ocs/v2.php/apps/app_api/ex-app/state?format=json"
proxied_url="$gw/index.php/apps/app_api/proxy/$id/public"
haproxy_url="http://127.0.0.1:$haport/index.php/apps/app_api/proxy/$id/public"
direct_url="http://127.0.0.1:$port/public"
bare_url="http://127.0.0.1:$bareport/index.php/apps/app_api/proxy/$id/public"
check "${ocs_headers[@]}" "$ocs_url"; check "$proxied_url"; check "$haproxy_url"; check "$direct_url"; check "$bare_url"
# Requests per second; a run with any non-2xx answer is refused (it would measure errors).
rps() {
  local out; out=$(wrk -t2 -c16 -d"${secs}s" "$@")
  if grep -q 'Non-2xx' <<<"$out"; then say "non-2xx answers while measuring: $*"; echo "$out" >&2; exit 1; fi
  awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out"
}
# Warm-up first (the services' hot code is compiled in tiers: the first seconds run unoptimized code).
for u in "$proxied_url" "$haproxy_url" "$bare_url" "$direct_url"; do wrk -t2 -c16 -d5s "$u" >/dev/null; done
wrk -t2 -c16 -d5s "${ocs_headers[@]}" "$ocs_url" >/dev/null
# Two rounds, the routes taking turns, so that a noisy moment of the shared machine hits all of them alike; the
# better round of each route counts.
declare -A best
for round in 1 2; do
  for route in proxied haproxy bare direct ocs; do
    case $route in
      proxied) r=$(rps "$proxied_url") ;; haproxy) r=$(rps "$haproxy_url") ;; direct) r=$(rps "$direct_url") ;;
      bare) r=$(rps "$bare_url") ;;
      ocs) r=$(rps "${ocs_headers[@]}" "$ocs_url") ;;
    esac
    say "round $round: $route $r req/s"
    [ "${best[$route]:-0}" -ge "$r" ] || best[$route]=$r
  done
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }

# WebSocket echo round trips: one connection (latency), then 16 at once (echoes per second).
ws_gw="ws://127.0.0.1:8080/index.php/apps/app_api/proxy/$id/ws"
ws_ha="ws://127.0.0.1:$haport/index.php/apps/app_api/proxy/$id/ws"
ws_direct="ws://127.0.0.1:$port/ws"
ws_bare="ws://127.0.0.1:$bareport/index.php/apps/app_api/proxy/$id/ws"
direct_headers=(EX-APP-ID="$id" EX-APP-VERSION=1.0.0 AA-VERSION=32.0.0 AUTHORIZATION-APP-API="$auth")
declare -A ws
for conns in 1 16; do
  ws[gw$conns]=$(loadgen ws "$ws_gw" 5 $conns)
  ws[ha$conns]=$(loadgen ws "$ws_ha" 5 $conns)
  ws[bare$conns]=$(loadgen ws "$ws_bare" 5 $conns)
  ws[direct$conns]=$(loadgen ws "$ws_direct" 5 $conns "${direct_headers[@]}")
done
wsf() { jq -r ".$2" <<<"${ws[$1]}"; }
say "ws rtt median (us): gateway $(wsf gw1 rtt_median_us), haproxy $(wsf ha1 rtt_median_us), yarp alone $(wsf bare1 rtt_median_us), direct $(wsf direct1 rtt_median_us)"

declare -A after_mem
for s in "${services[@]}"; do after_mem[$s]=$(rss "$s"); done
kill "$hapid" "$barepid" 2>/dev/null || true
for i in $(seq 1 "$installs"); do ./appapi app:unregister "bench-d$i" --silent --force --rm-data || true; ./appapi app:unregister "bench-m$i" --silent --force || true; done
./appapi daemon:unregister bench_docker >/dev/null || true; ./appapi daemon:unregister bench_manual >/dev/null || true
scripts/run.sh stop >/dev/null

# bench/Loadgen on a platform of its own (the one above is stopped, so both have the machine alike).
latency='' one='' two='' capped1='' capped2=''
if [ "$fleet" -gt 0 ]; then
  latency=$(loadgen latency 40 | tail -1); say "latency: $latency"
  one100=$(loadgen installs 1 100 | tail -1); say "installs 1 x100: $one100"
  two100=$(loadgen installs 2 100 | tail -1); say "installs 2 x100: $two100"
  one=$(loadgen installs 1 "$fleet" | tail -1); say "installs 1: $one"
  two=$(loadgen installs 2 "$fleet" | tail -1); say "installs 2: $two"
  # The same with each lifecycle and deployer replica held to a fifth of a core (a cgroup CPU quota, as a node or a
  # container limit of its own would), after a warm-up of 50 installs: where a replica is the limit, not the machine.
  if [ -w /sys/fs/cgroup/cpu ] || grep -qs cpu /sys/fs/cgroup/cgroup.controllers; then
    capped1=$(BENCH_REPLICA_CPU=0.2 BENCH_WARMUP=50 loadgen installs 1 "$fleet" | tail -1); say "capped installs 1: $capped1"
    capped2=$(BENCH_REPLICA_CPU=0.2 BENCH_WARMUP=50 loadgen installs 2 "$fleet" | tail -1); say "capped installs 2: $capped2"
  fi
  flood=$(loadgen flood | tail -1); say "flood: $flood"
fi

stats() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "median %d ms, min %d ms, max %d ms", a[int((NR+1)/2)], a[1], a[NR]}'; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mem_rows() { for s in "${services[@]}"; do echo "| $s | ${idle_mem[$s]} MiB | ${after_mem[$s]} MiB |"; done; }
{
cat <<MD
# Benchmarks

Produced by \`$run_cmd\` on $(date -u +%Y-%m-%d) ($(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; the platform,
RabbitMQ, PostgreSQL, dockerd, wrk and the ExApps on the same machine). Every figure stands next to its peer from
the same run; the machine is shared and noisy, so compare within a run rather than across runs. What the services
run with and why: docs/performance.md.

## Proxy throughput (wrk -t2 -c16 -d${secs}s, the better of two rounds taken in turns)
The test ExApp's \`GET /public\` (run as a plain process) behind each path. The gateway checks the route ACL and
adds the AppAPI headers and authentication; HAProxy $haproxy_version (Debian's package, \`http-reuse always\`,
the config in bench/run.sh) rewrites the same path and sets the same headers.

| path | requests/s | vs HAProxy | vs direct |
|---|---|---|---|
| the gateway, \`/index.php/apps/app_api/proxy/<app>/public\` | ${best[proxied]} | $(ratio "${best[proxied]}" "${best[haproxy]}") | $(ratio "${best[proxied]}" "${best[direct]}") |
| HAProxy, same path | ${best[haproxy]} | 1.00 | $(ratio "${best[haproxy]}" "${best[direct]}") |
| YARP's forwarder alone (bench/BareForwarder: Kestrel + \`IHttpForwarder\`, HAProxy's rewrite and headers, none of the gateway's checks), same path | ${best[bare]} | $(ratio "${best[bare]}" "${best[haproxy]}") | $(ratio "${best[bare]}" "${best[direct]}") |
| the ExApp directly | ${best[direct]} | | 1.00 |
| authenticated OCS \`GET ex-app/state\` (the gateway answers itself; AppAPI auth, app record cached) | ${best[ocs]} | | |

## WebSocket echo round trips (bench/Loadgen \`ws URL 5 CONNS\`, the test ExApp's \`/ws\`)
| path | 1 connection: median round trip | p99 | 16 connections: echoes/s | median round trip |
|---|---|---|---|---|
| the gateway | $(wsf gw1 rtt_median_us) µs | $(wsf gw1 rtt_p99_us) µs | $(wsf gw16 echoes_per_s) | $(wsf gw16 rtt_median_us) µs |
| HAProxy | $(wsf ha1 rtt_median_us) µs | $(wsf ha1 rtt_p99_us) µs | $(wsf ha16 echoes_per_s) | $(wsf ha16 rtt_median_us) µs |
| YARP's forwarder alone | $(wsf bare1 rtt_median_us) µs | $(wsf bare1 rtt_p99_us) µs | $(wsf bare16 echoes_per_s) | $(wsf bare16 rtt_median_us) µs |
| the ExApp directly | $(wsf direct1 rtt_median_us) µs | $(wsf direct1 rtt_p99_us) µs | $(wsf direct16 echoes_per_s) | $(wsf direct16 rtt_median_us) µs |

Gateway / HAProxy round trip: $(ratio "$(wsf gw1 rtt_median_us)" "$(wsf ha1 rtt_median_us)")x with one connection, $(ratio "$(wsf gw16 rtt_median_us)" "$(wsf ha16 rtt_median_us)")x with 16;
YARP alone / HAProxy: $(ratio "$(wsf bare1 rtt_median_us)" "$(wsf ha1 rtt_median_us)")x and $(ratio "$(wsf bare16 rtt_median_us)" "$(wsf ha16 rtt_median_us)")x.

## Install latency through the CLI (\`./appapi app:register ... --wait-finish\`, register -> enabled)
- docker-install of the test ExApp (image already in the local registry, net=host): $(stats "${docker_ms[@]}") over $installs installs
- manual-install of the test ExApp already running and warm (installed once before on the same process, then
  unregistered), init reported done at once (\`TEST_INIT_MODE=instant\`): $(stats "${manual_ms[@]}") over $installs installs
- the same, as the first install on a freshly started ExApp process: $(stats "${cold_ms[@]}"); the difference is mostly the
  ExApp's own first-call costs (its \`/init\` handler and its first reports are compiled then)
- peer: the CLI's own start-up and one request (\`./appapi app:list --output=json\`): $(stats "${cli_ms[@]}")

So the platform's part of a manual install through the CLI is about $(( $(median "${manual_ms[@]}") - $(median "${cli_ms[@]}") )) ms; the CLI follows the
operation on the app's watch stream (\`GET /admin/apps/{appid}/watch\`), it does not poll. A docker install adds the
container's create and start and the ExApp's own start-up.

## Memory (resident set size, MiB)
| service | idle, 10 s after start | after this run |
|---|---|---|
$(mem_rows)
MD
if [ -n "$latency" ]; then
cat <<MD

## Install latency against the ExApp's own round trips (\`bench/Loadgen latency 40\`)
One install at a time on Loadgen's platform (one process each), a fleet ExApp that reports 0, 50 and 100 right
after \`POST /init\`; register = \`POST /admin/apps\`, enabled = the app's watch stream shows the install ended.
The ExApp's own round trips are the calls such an install is made of, timed on the same ExApp with warm
connections: \`GET /heartbeat\`, \`POST /init\`, \`PUT /enabled\`, and three status reports through the gateway.

- register -> enabled: median $(jq -r .register_to_enabled_ms.median <<<"$latency") ms (min $(jq -r .register_to_enabled_ms.min <<<"$latency"), max $(jq -r .register_to_enabled_ms.max <<<"$latency")) over $(jq -r .installs <<<"$latency") installs
- the ExApp's own round trips: $(jq -r .exapp_total_ms <<<"$latency") ms ($(jq -r '.exapp_round_trips_ms | to_entries | map("\(.key) \(.value)") | join(", ")' <<<"$latency") ms)
- ratio: $(jq -r .ratio <<<"$latency")x
- when each step first showed (median ms after the POST): $(jq -r '.step_first_seen_ms | to_entries | map("\(.key) \(.value)") | join(", ")' <<<"$latency")

## Scale-out: concurrent manual installs (\`bench/Loadgen installs 1 N\` vs \`installs 2 N\`, N = 100 and $fleet)
Each run on a freshly started platform of Loadgen's own; "all enabled after" is from the first request to the last
install seen ended on the watch stream.

| installs | deployer + lifecycle processes | all enabled after | p50 | p99 | failed | stuck |
|---|---|---|---|---|---|---|
| 100 | 1 each | $(jq -r .total_s <<<"$one100") s | $(jq -r .p50_ms <<<"$one100") ms | $(jq -r .p99_ms <<<"$one100") ms | $(jq -r .failed <<<"$one100") | $(jq -r .stuck <<<"$one100") |
| 100 | 2 each | $(jq -r .total_s <<<"$two100") s | $(jq -r .p50_ms <<<"$two100") ms | $(jq -r .p99_ms <<<"$two100") ms | $(jq -r .failed <<<"$two100") | $(jq -r .stuck <<<"$two100") |
| $fleet | 1 each | $(jq -r .total_s <<<"$one") s | $(jq -r .p50_ms <<<"$one") ms | $(jq -r .p99_ms <<<"$one") ms | $(jq -r .failed <<<"$one") | $(jq -r .stuck <<<"$one") |
| $fleet | 2 each | $(jq -r .total_s <<<"$two") s | $(jq -r .p50_ms <<<"$two") ms | $(jq -r .p99_ms <<<"$two") ms | $(jq -r .failed <<<"$two") | $(jq -r .stuck <<<"$two") |

Speed-up with two: $(ratio "$(jq -r .total_s <<<"$one100")" "$(jq -r .total_s <<<"$two100")")x for 100, $(ratio "$(jq -r .total_s <<<"$one")" "$(jq -r .total_s <<<"$two")")x for $fleet. Where the limit is (docs/performance.md), measured
over the same runs: the machine's CPU was busy $(jq -r '.machine_cpu_busy * 100 | round' <<<"$one")% (one each) and $(jq -r '.machine_cpu_busy * 100 | round' <<<"$two")% (two each) of the time;
PostgreSQL committed $(jq -r .pg_commits_per_s <<<"$one") and $(jq -r .pg_commits_per_s <<<"$two") transactions/s ($(jq -r .pg_commits <<<"$one") and $(jq -r .pg_commits <<<"$two") in all);
CPU seconds per process: $(jq -r '.cpu_s | to_entries | map("\(.key) \(.value)") | join(", ")' <<<"$one") (one each);
$(jq -r '.cpu_s | to_entries | map("\(.key) \(.value)") | join(", ")' <<<"$two") (two each).
MD
if [ -n "$capped2" ]; then
cat <<MD

Where a replica is the limit: the same $fleet installs with each lifecycle and deployer process held to 0.2 of a
core by a CPU quota of its own (\`BENCH_REPLICA_CPU=0.2 BENCH_WARMUP=50 loadgen installs R $fleet\`: a cgroup per
replica, which the .NET runtime reads as a container's CPU limit; 50 installs and their removal first, so that each
replica has compiled the code of an install), the registry, the gateway, PostgreSQL and RabbitMQ unlimited:

| installs | deployer + lifecycle processes | all enabled after | p50 | p99 | failed | stuck | machine CPU busy | lifecycle CPU |
|---|---|---|---|---|---|---|---|---|
| $fleet | 1 each, 0.2 core each | $(jq -r .total_s <<<"$capped1") s | $(jq -r .p50_ms <<<"$capped1") ms | $(jq -r .p99_ms <<<"$capped1") ms | $(jq -r .failed <<<"$capped1") | $(jq -r .stuck <<<"$capped1") | $(jq -r '.machine_cpu_busy * 100 | round' <<<"$capped1")% | $(jq -r '[.cpu_s | to_entries[] | select(.key | startswith("lifecycle")) | .value] | add * 10 | round / 10' <<<"$capped1") s |
| $fleet | 2 each, 0.2 core each | $(jq -r .total_s <<<"$capped2") s | $(jq -r .p50_ms <<<"$capped2") ms | $(jq -r .p99_ms <<<"$capped2") ms | $(jq -r .failed <<<"$capped2") | $(jq -r .stuck <<<"$capped2") | $(jq -r '.machine_cpu_busy * 100 | round' <<<"$capped2")% | $(jq -r '[.cpu_s | to_entries[] | select(.key | startswith("lifecycle")) | .value] | add * 10 | round / 10' <<<"$capped2") s |

Speed-up with two: $(ratio "$(jq -r .total_s <<<"$capped1")" "$(jq -r .total_s <<<"$capped2")")x.
MD
fi
cat <<MD

## One noisy ExApp (\`bench/Loadgen flood\`)
One ExApp sends valid status reports as fast as 16 connections allow for 10 s while other apps install one at a
time: $(jq -r .flood_requests <<<"$flood") reports ($(jq -r .flood_200 <<<"$flood") accepted, $(jq -r .flood_429 <<<"$flood") answered 429 by the per-app limit);
another app's install took a median $(jq -r .install_ms_during_flood_median <<<"$flood") ms during the flood against $(jq -r .install_ms_quiet_median <<<"$flood") ms before it:
$(jq -r .added_ms <<<"$flood") ms added.

## Memory under load (Loadgen's platform, MiB: idle 10 s after start / right after the $fleet installs / 15 s later)
| process | 1 replica: idle | after | settled | 2 replicas: idle | after | settled |
|---|---|---|---|---|---|---|
$(jq -rn --argjson one "$one" --argjson two "$two" '$two.rss_idle_mib | keys[] as $k | "| \($k) | \($one.rss_idle_mib[$k] // "") | \($one.rss_mib[$k] // "") | \($one.rss_settled_mib[$k] // "") | \($two.rss_idle_mib[$k]) | \($two.rss_mib[$k]) | \($two.rss_settled_mib[$k]) |"')
MD
fi
} >"$out"
say "wrote $out"
