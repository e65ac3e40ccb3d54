#!/usr/bin/env bash
# Concurrent Docker installs for docs/performance.md ("Scale-out"): COUNT installs of the test ExApp's image
# (scripts/build-test-image.sh, from the local registry) at once on the local dockerd, each a container on the host
# network, on a platform of the bench's own (gateway on 28080, the local RabbitMQ and PostgreSQL), then their
# removal with their volumes. Prints one JSON line and writes the table between the "docker-results" markers.
# Usage: bench/docker.sh [count=100]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
count=${1:-100}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 TESTCONTAINERS_RYUK_DISABLED=true
export DOCKER_API_VERSION="${DOCKER_API_VERSION:-$(docker version --format '{{.Server.APIVersion}}' 2>/dev/null || echo 1.41)}"

scripts/infra.sh start >/dev/null
dotnet build Services.sln -c Release --nologo -v q -clp:ErrorsOnly >/dev/null
dotnet build bench/Loadgen -c Release --nologo -v q -clp:ErrorsOnly >/dev/null
scripts/build-test-image.sh >/dev/null
result=$(EXAPPS_ROOT="$root" dotnet bench/Loadgen/bin/Release/net10.0/loadgen.dll docker "$count" | tail -1)
echo "$result"

python3 - "$result" "$count" "$(date -u +%Y-%m-%d)" "$(nproc)" <<'PY'
import json, re, sys
r, count, day, cores = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
cpu = r["cpu_s"]
text = "\n".join([
    f"Produced by `bench/docker.sh {count}` on {day} ({cores} cores; the platform, RabbitMQ, PostgreSQL, dockerd and the",
    "containers on one machine).", "",
    "| installs | all ended after | p50 / p99 | enabled / failed / stuck | heartbeat tries per install (median / max) | machine CPU busy | CPU: containers / platform services | removal of all (with volumes) | containers left |",
    "|---|---|---|---|---|---|---|---|---|",
    f"| {r['count']} | {r['total_s']} s | {r['p50_s']} / {r['p99_s']} s | {r['enabled']} / {r['failed']} / {r['stuck']} | "
    f"{r['heartbeat_tries']['p50']} / {r['heartbeat_tries']['max']} | {round(100 * r['machine_cpu_busy'])} % of {r['machine_cpu_s']} CPU-s | "
    f"{r['containers_cpu_s']} s / {round(sum(cpu.values()), 1)} s ({', '.join(f'{k} {v}' for k, v in sorted(cpu.items()))}) | "
    f"{r['unregister_all_s']} s ({r['unregistered']} answered 200) | {r['containers_left']} |",
])
path = "docs/performance.md"
doc = open(path).read()
doc, n = re.subn(r"(<!-- docker-results -->\n).*?(<!-- /docker-results -->)", lambda m: m.group(1) + text + "\n" + m.group(2), doc, flags=re.S)
if n != 1: sys.exit("docs/performance.md has no docker-results markers")
open(path, "w").write(doc)
print(f"[docker] wrote {path}", file=sys.stderr)
PY
