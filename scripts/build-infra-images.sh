#!/usr/bin/env bash
# Builds the images the integration tests start their own RabbitMQ and PostgreSQL from (Testcontainers), offline:
#   exapps/test-bookworm:latest   Debian bookworm, `debootstrap --variant=minbase` imported with `docker import`
#   exapps/test-rabbitmq:latest   Debian's rabbitmq-server on it    (scripts/infra-images/rabbitmq)
#   exapps/test-postgres:15       Debian's postgresql-15 on it      (scripts/infra-images/postgres)
# Packages come from the Debian mirror apt uses; no image registry is needed. Each image carries the hash of its
# recipe (this script's base recipe, its folder, the image below it) in a label and is rebuilt only when that
# changes, so a run with everything up to date takes a second.
# Usage: scripts/build-infra-images.sh        Env: DEBIAN_MIRROR (default http://deb.debian.org/debian)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RECIPES=$ROOT/scripts/infra-images
WORK=$ROOT/.local/infra-images
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
LABEL=org.exapps.recipe
BASE=exapps/test-bookworm:latest
say() { printf '[infra-images] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

mkdir -p "$WORK"
# Test fixtures and scripts may run this at the same time: one build at a time, the others find it up to date.
exec 9>"$WORK/.lock"
flock 9

label_of() { docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true; }

build_base() { # recipe hash
  command -v debootstrap >/dev/null || die "debootstrap is missing (scripts/infra.sh install brings it)"
  local rootfs=$WORK/rootfs start=$SECONDS
  rm -rf "$rootfs"
  if ! debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1; then
    tail -20 "$WORK/debootstrap.log" >&2; die "debootstrap failed (log: $WORK/debootstrap.log)"
  fi
  # A container image needs neither the package cache nor the host's name; apt should not keep what it fetched.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/etc/hostname
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$rootfs/etc/apt/apt.conf.d/90exapps"
  printf 'deb %s bookworm main\n' "$MIRROR" >"$rootfs/etc/apt/sources.list"
  tar --numeric-owner -C "$rootfs" -cf "$WORK/rootfs.tar" .
  docker import --change "LABEL $LABEL=$1" --change 'CMD ["/bin/bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8' \
    "$WORK/rootfs.tar" "$BASE" >/dev/null
  rm -rf "$rootfs" "$WORK/rootfs.tar"
  say "base: imported $BASE in $((SECONDS - start))s"
}

build_on_base() { # folder name, image, recipe hash
  local start=$SECONDS
  # Host network: apt inside the build reaches the mirror the same way the host does.
  if ! docker build --network host -q --build-arg BASE_IMAGE="$BASE" --label "$LABEL=$3" -t "$2" \
      "$RECIPES/$1" >"$WORK/$1-build.log" 2>&1; then
    tail -30 "$WORK/$1-build.log" >&2; die "building $2 failed (log: $WORK/$1-build.log)"
  fi
  say "$1: built $2 in $((SECONDS - start))s"
}

# The base recipe is the function above plus what it is given; bump the suffix to force a rebuild.
base_hash=$( { declare -f build_base; echo "bookworm minbase $MIRROR 1"; } | sha256sum | cut -c1-16)
if [[ $(label_of "$BASE") == "$base_hash" ]]; then say "base: up to date ($BASE)"; else build_base "$base_hash"; fi
base_id=$(docker image inspect -f '{{.Id}}' "$BASE")

for spec in rabbitmq:exapps/test-rabbitmq:latest postgres:exapps/test-postgres:15; do
  folder=${spec%%:*} image=${spec#*:}
  hash=$( { echo "$base_id"; cd "$RECIPES/$folder" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum; } \
    | sha256sum | cut -c1-16)
  if [[ $(label_of "$image") == "$hash" ]]; then say "$folder: up to date ($image)"; else build_on_base "$folder" "$image" "$hash"; fi
done
