#!/usr/bin/env bash
# Builds the test ExApp (tests/TestExApp) into a minimal image and pushes it to the local registry.
#
# Usage: scripts/build-test-image.sh [--publish-only] [TAG...]
#   (default)       publish self-contained linux-x64, import a rootfs holding only the binary and the shared
#                   libraries ldd lists, tag localhost:5000/exapps/test-exapp:1.0.0 plus every TAG, push them.
#   --publish-only  only publish (for manual-install tests that run the app as a plain process); the last line
#                   printed is the path of the executable.
# Idempotent and fast when nothing changed: the publish is skipped when the sources hash the same, and the
# import/push are skipped when the registry already serves the image whose label carries the published files' hash.
# Env: TEST_EXAPP_REGISTRY (default localhost:5000), TEST_EXAPP_WORK_DIR (default <repo>/.local/test-exapp).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROJECT_DIR=$ROOT/tests/TestExApp
REGISTRY=${TEST_EXAPP_REGISTRY:-localhost:5000}
REPO=exapps/test-exapp
DEFAULT_TAG=1.0.0
LABEL=org.exapps.test-exapp.content-hash
WORK=${TEST_EXAPP_WORK_DIR:-$ROOT/.local/test-exapp}
PUBLISH=$WORK/publish
EXE=$PUBLISH/test-exapp

step() { printf '[test-image] %s\n' "$*" >&2; }
die() { step "ERROR: $*"; exit 1; }

publish_only=false
tags=("$DEFAULT_TAG")
for arg in "$@"; do
  case $arg in
    --publish-only) publish_only=true ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $arg" ;;
    *)
      [[ $arg =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "not a valid image tag: $arg"
      [[ " ${tags[*]} " == *" $arg "* ]] || tags+=("$arg") ;;
  esac
done

mkdir -p "$WORK"
# Test fixtures may call this concurrently; one build at a time, the others then find it up to date.
exec 9>"$WORK/.lock"
flock 9

# Hash of file names and contents, so a rename counts as a change.
hash_files() { (cd "$1" && shift && find "$@" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-64; }

publish() {
  local source_hash stamp=$PUBLISH/.source-hash
  source_hash=$( {
    hash_files "$PROJECT_DIR" . -not -path './bin/*' -not -path './obj/*'
    hash_files "$ROOT" Directory.Build.props Directory.Packages.props global.json
    dotnet --version
  } | sha256sum | cut -c1-64)
  if [[ -x $EXE && -f $stamp && $(cat "$stamp") == "$source_hash" ]]; then
    step "publish: up to date ($EXE)"
    return
  fi
  local start=$SECONDS
  rm -rf "$PUBLISH"
  # Self-contained, trimmed single file (settings in the csproj): the image needs no .NET runtime.
  # Own bin/obj (--artifacts-path): a concurrent `dotnet build` of the project folder cannot race this restore.
  if ! dotnet publish "$PROJECT_DIR/TestExApp.csproj" -c Release -r linux-x64 --self-contained \
      --artifacts-path "$WORK/artifacts" -p:DebugType=none -o "$PUBLISH" >"$WORK/publish.log" 2>&1; then
    cat "$WORK/publish.log" >&2
    die "dotnet publish failed (log: $WORK/publish.log)"
  fi
  rm -f "$PUBLISH"/*.staticwebassets.endpoints.json
  [[ -x $EXE ]] || die "publish produced no $EXE"
  echo "$source_hash" >"$stamp"
  step "publish: done in $((SECONDS - start))s ($EXE)"
}

# Copies every ELF file's ldd dependencies (and the dynamic loader) into the rootfs at the same paths.
copy_libraries() {
  local rootfs=$1 elf lib
  for elf in "$rootfs"/app/*; do
    file -b "$elf" | grep -q '^ELF' || continue
    while read -r lib; do
      [[ -n $lib ]] || continue
      mkdir -p "$rootfs$(dirname "$lib")"
      cp -L "$lib" "$rootfs$lib"
    done < <(ldd "$elf" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
  done
}

build_image() { # content hash, image ref
  local hash=$1 ref=$2 rootfs=$WORK/rootfs start=$SECONDS
  rm -rf "$rootfs"
  mkdir -p "$rootfs"/{app,etc,root,tmp}
  chmod 1777 "$rootfs/tmp"
  find "$PUBLISH" -maxdepth 1 -type f ! -name '.*' -exec cp {} "$rootfs/app/" \;
  copy_libraries "$rootfs"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  # Fixed order, owners and times make the layer reproducible, so a rebuild re-uses the registry's blob.
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$rootfs" -cf "$WORK/rootfs.tar" .
  local old_id
  old_id=$(docker image inspect -f '{{.Id}}' "$ref" 2>/dev/null || true)
  docker import \
    --change 'CMD ["/app/test-exapp"]' \
    --change 'WORKDIR /app' \
    --change "LABEL $LABEL=$hash" \
    "$WORK/rootfs.tar" "$ref" >/dev/null
  rm -rf "$rootfs" "$WORK/rootfs.tar"
  # Drop the superseded image unless something still uses it (another tag, a container): rmi then refuses.
  [[ -z $old_id ]] || docker rmi "$old_id" >/dev/null 2>&1 || true
  step "image: imported $ref in $((SECONDS - start))s ($(du -sh --apparent-size "$EXE" | cut -f1) binary)"
}

# The config digest the registry serves for a tag; for a pushed image it equals the local image id.
registry_config_digest() {
  curl -fsS -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$REGISTRY/v2/$REPO/manifests/$1" 2>/dev/null | jq -r '.config.digest // empty' || true
}

publish
if $publish_only; then
  echo "$EXE"
  exit 0
fi

content_hash=$(hash_files "$PUBLISH" . -not -name '.*')
base_ref=$REGISTRY/$REPO:$DEFAULT_TAG
local_hash=$(docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$base_ref" 2>/dev/null || true)
if [[ $local_hash == "$content_hash" ]]; then
  step "image: up to date ($base_ref, hash ${content_hash:0:12})"
else
  build_image "$content_hash" "$base_ref"
fi
image_id=$(docker image inspect -f '{{.Id}}' "$base_ref")

for tag in "${tags[@]}"; do
  ref=$REGISTRY/$REPO:$tag
  if [[ $(docker image inspect -f '{{.Id}}' "$ref" 2>/dev/null || true) != "$image_id" ]]; then
    docker tag "$base_ref" "$ref"
  fi
  if [[ $(registry_config_digest "$tag") == "$image_id" ]]; then
    step "push: up to date ($ref)"
    continue
  fi
  start=$SECONDS
  docker push -q "$ref" >/dev/null || die "docker push $ref failed (is the registry up? scripts/infra.sh start)"
  step "push: pushed $ref in $((SECONDS - start))s"
done
step "done: ${tags[*]/#/$REGISTRY/$REPO:} (image ${image_id:7:12}, hash ${content_hash:0:12})"
