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

# Every failed test again at the end, with the first lines of its message (the console log above is long and a CI
# page may show only its tail), then one closing line over all test projects in the plain "N passed, N failed" form.
python3 - "$results" <<'PY'
import sys, glob, xml.etree.ElementTree as ET
p = f = s = 0
failed = []
for t in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    root = ET.parse(t).getroot()
    c = root.find("{*}ResultSummary/{*}Counters")
    if c is None: continue
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    s += int(c.get("notExecuted", 0))
    for r in root.findall(".//{*}UnitTestResult"):
        if r.get("outcome") not in ("Passed", "NotExecuted"):
            message = r.find("{*}Output/{*}ErrorInfo/{*}Message")
            text = (message.text or "").strip() if message is not None else ""
            failed.append((r.get("testName"), r.get("duration"), "\n      ".join(text.splitlines()[:12])))
for name, duration, text in failed:
    print(f"FAILED {name} ({duration})\n      {text}")
print(f"tests: {p} passed, {f} failed, {s} skipped")
PY
exit $status
