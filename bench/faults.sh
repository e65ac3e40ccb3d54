#!/usr/bin/env bash
# Fault runs for docs/reliability.md: for each fault, N concurrent manual installs of test ExApps (N=100 by default)
# on a platform of the bench's own (its own RabbitMQ and PostgreSQL containers, gateway on 29080, ExApps on
# 26000+), counting installs ended enabled, ended with an explicit error and stuck, the admin API's answers during
# the fault, and how long after the fault ended the last install finished.
# Usage: bench/faults.sh [count=100] [fault ...]   (faults: bench/Loadgen/Faults.cs, default: all)
# Writes the results table into docs/reliability.md (between the "faults-results" markers) and prints JSON lines.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
count=${1:-100}
shift || true
faults=("$@")
[ ${#faults[@]} -gt 0 ] || faults=(none kill-lifecycle kill-lifecycle-then-registry kill-registry kill-gateway broker-stop-5s postgres-restart delete-burst stop-lifecycle stop-registry stop-gateway stop-deployer)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 TESTCONTAINERS_RYUK_DISABLED=true
export DOCKER_API_VERSION="${DOCKER_API_VERSION:-$(docker version --format '{{.Server.APIVersion}}' 2>/dev/null || echo 1.41)}"

scripts/infra.sh start >/dev/null
dotnet build Services.sln -c Release --nologo -v q -clp:ErrorsOnly >/dev/null
dotnet build bench/Loadgen -c Release --nologo -v q -clp:ErrorsOnly >/dev/null
scripts/build-infra-images.sh
results=$(mktemp)
for fault in "${faults[@]}"; do
  echo "[faults] $fault with $count installs" >&2
  EXAPPS_ROOT="$root" dotnet bench/Loadgen/bin/Release/net10.0/loadgen.dll faults "$fault" "$count" | tail -1 | tee -a "$results"
done

python3 - "$results" "$count" "$(date -u +%Y-%m-%d)" "$(nproc)" <<'PY'
import json, sys, re
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
count, day, cores = sys.argv[2], sys.argv[3], sys.argv[4]
out = [f"Produced by `bench/faults.sh {count}` on {day} ({cores} cores; the platform, its own broker and database",
       "containers and the ExApps on one machine).", "",
       "| fault | enabled | ended with an error | stuck | admin answers 500 / 503 / unreachable | fault lasted | last install ended after the fault | all ended after the first request |",
       "|---|---|---|---|---|---|---|---|"]
for r in rows:
    extra = ""
    if r.get("deletes"): extra = " (deletes: " + ", ".join(f"{k}: {v}" for k, v in sorted(r["deletes"].items())) + ")"
    if r.get("stopped_exit_code") is not None: extra = f" (exit code {r['stopped_exit_code']})"
    errs = "; ".join(e for e in r.get("errors") or [] if e)
    failed = str(r["failed"]) + (f" ({errs})" if errs else "")
    out.append(f"| `{r['fault']}`{extra} | {r['enabled']} | {failed} | {r['stuck']} | {r['answers_500']} / {r['answers_503']} / {r['answers_unreachable']} | {r['fault_s']} s | {r['recovery_after_fault_s']} s | {r.get('all_ended_s', '?')} s |")
text = "\n".join(out)
path = "docs/reliability.md"
doc = open(path).read()
doc = re.sub(r"(<!-- faults-results -->\n).*?(\n<!-- /faults-results -->)", lambda m: m.group(1) + text + m.group(2), doc, flags=re.S)
open(path, "w").write(doc)
print(f"[faults] wrote {path}", file=sys.stderr)
PY
