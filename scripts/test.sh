#!/usr/bin/env bash
# Sets up everything on a fresh machine (Debian, root) and runs every test: fast tests and the integration /
# end-to-end tests against real RabbitMQ, PostgreSQL, dockerd and the local registry.
# Usage: scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Install]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

scripts/infra.sh start
echo "[test] building"
dotnet build Services.sln -c Release --nologo -v q -clp:ErrorsOnly
scripts/build-test-image.sh
# The RabbitMQ and PostgreSQL images test fixtures start their own servers from (Testcontainers); a second when
# up to date. Ryuk (Testcontainers' reaper) cannot be pulled here, and old engines refuse the API version
# Testcontainers asks for by default: every fixture removes its own containers and speaks the engine's version.
scripts/build-infra-images.sh
export TESTCONTAINERS_RYUK_DISABLED=true
export DOCKER_API_VERSION="${DOCKER_API_VERSION:-$(docker version --format '{{.Server.APIVersion}}')}"

results="$root/.local/test-results"
rm -rf "$results"
status=0
dotnet test Services.sln -c Release --no-build --nologo \
  --logger "console;verbosity=normal" --logger trx --results-directory "$results" "$@" || status=$?

# One closing line over all test projects, in the plain "N passed, N failed" form.
python3 - "$results" <<'PY'
import sys, glob, xml.etree.ElementTree as ET
p = f = s = 0
for t in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    c = ET.parse(t).getroot().find("{*}ResultSummary/{*}Counters")
    if c is None: continue
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    s += int(c.get("notExecuted", 0))
print(f"tests: {p} passed, {f} failed, {s} skipped")
PY
exit $status
