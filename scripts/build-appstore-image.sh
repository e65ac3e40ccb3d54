#!/usr/bin/env bash
# Builds the app store's container image offline (exapps/appstore:TAG): the platform's .NET runtime base image
# (scripts/build-service-images.sh --base-only, made from this machine's runtime with `docker import`) plus the
# published store (services/appstore/Dockerfile). deploy/appstore/docker-compose.yml runs it.
# Usage: scripts/build-appstore-image.sh [TAG]   (default tag: dev)
#        scripts/build-appstore-image.sh TAG --save FILE.tar.gz   (also exports it for another server, as the seed's
#                                                                  `docker save`; load there with `docker load -i`)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tag=${1:-dev}
save=""
if [ "${2:-}" = "--save" ]; then save=${3:?--save needs a file}; fi
work="$root/.local/images/appstore"
say() { printf '[appstore-image] %s\n' "$*" >&2; }

scripts/build-service-images.sh --base-only
rm -rf "$work"
mkdir -p "$work"
if ! dotnet publish services/appstore -c Release --no-self-contained -p:DebugType=none -o "$work/app" --nologo -v q \
    >"$work.publish.log" 2>&1; then
  cat "$work.publish.log" >&2; say "dotnet publish failed"; exit 1
fi
cp services/appstore/Dockerfile "$work/Dockerfile"
docker build -q --build-arg BASE_IMAGE=exapps/dotnet-runtime:10.0 -t "exapps/appstore:$tag" "$work" >/dev/null
say "built exapps/appstore:$tag"
if [ -n "$save" ]; then
  docker save "exapps/appstore:$tag" | gzip >"$save"
  say "saved to $save"
fi
