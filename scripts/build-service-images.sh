#!/usr/bin/env bash
# Builds container images of the four services, offline: a base image holding this machine's .NET runtime (made
# with `docker import`, since no internet registry is reachable), then one small layer per service on top of it
# (services/<name>/Dockerfile). docker-compose.yml runs them.
# Usage: scripts/build-service-images.sh [TAG]   (default tag: dev)
#        scripts/build-service-images.sh --base-only   (only the base image; scripts/build-appstore-image.sh uses it)
# On a host with internet access the Dockerfiles also build FROM mcr.microsoft.com/dotnet/aspnet:10.0
# (--build-arg BASE_IMAGE=...).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
base_only=false
if [ "${1:-}" = "--base-only" ]; then base_only=true; shift; fi
tag=${1:-dev}
work="$root/.local/images"
base=exapps/dotnet-runtime:10.0
say() { printf '[images] %s\n' "$*" >&2; }
mkdir -p "$work"

dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
runtime_version=$(ls "$dotnet_root/shared/Microsoft.AspNetCore.App" | sort -V | tail -1)
recipe="$runtime_version-2"  # bump the suffix when the base image recipe changes
if [ "$(docker image inspect -f '{{ index .Config.Labels "org.exapps.runtime" }}' "$base" 2>/dev/null)" = "$recipe" ]; then
  say "base: up to date ($base, ASP.NET Core $runtime_version)"
else
  rootfs="$work/rootfs"
  rm -rf "$rootfs"
  mkdir -p "$rootfs/usr/share/dotnet/shared" "$rootfs/tmp" "$rootfs/etc/ssl" "$rootfs/app"
  chmod 1777 "$rootfs/tmp"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$rootfs/usr/share/dotnet/"
  for fw in Microsoft.NETCore.App Microsoft.AspNetCore.App; do
    mkdir -p "$rootfs/usr/share/dotnet/shared/$fw"
    cp -a "$dotnet_root/shared/$fw/$(ls "$dotnet_root/shared/$fw" | sort -V | tail -1)" "$rootfs/usr/share/dotnet/shared/$fw/"
  done
  cp -aL /etc/ssl/certs "$rootfs/etc/ssl/"
  printf 'root:x:0:0:root:/root:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\n' >"$rootfs/etc/group"
  printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
  # Shared libraries the runtime links against, plus those it only dlopens (OpenSSL, GSSAPI for Npgsql, name
  # resolution), each with its own dependencies.
  extras=$(ls /usr/lib/x86_64-linux-gnu/libssl.so.3 /usr/lib/x86_64-linux-gnu/libcrypto.so.3 \
    /usr/lib/x86_64-linux-gnu/libgssapi_krb5.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2 \
    /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libresolv.so.2 2>/dev/null || true)
  libs=$( { echo "$extras"
    { find "$rootfs/usr/share/dotnet" \( -name '*.so*' -o -name dotnet \) -type f; echo "$extras"; } | xargs ldd 2>/dev/null \
      | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $1 !~ /:$/ { print $1 }'; } | sort -u)
  for lib in $libs; do mkdir -p "$rootfs$(dirname "$lib")"; cp -L "$lib" "$rootfs$lib"; done
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$rootfs" -cf "$work/rootfs.tar" .
  docker import --change "LABEL org.exapps.runtime=$recipe" \
    --change 'ENV DOTNET_ROOT=/usr/share/dotnet DOTNET_CLI_TELEMETRY_OPTOUT=1 PATH=/usr/share/dotnet:/usr/bin:/bin' \
    --change 'WORKDIR /app' "$work/rootfs.tar" "$base" >/dev/null
  rm -rf "$rootfs" "$work/rootfs.tar"
  say "base: imported $base (ASP.NET Core $runtime_version)"
fi
if $base_only; then exit 0; fi

for svc in registry:ExApps.Registry deployer:ExApps.Deployer lifecycle:ExApps.Lifecycle gateway:ExApps.Gateway; do
  name=${svc%%:*}
  out="$work/$name"
  rm -rf "$out"
  if ! dotnet publish "services/$name" -c Release --no-self-contained -p:DebugType=none -o "$out/app" --nologo -v q \
      >"$work/$name-publish.log" 2>&1; then
    cat "$work/$name-publish.log" >&2; say "$name: dotnet publish failed"; exit 1
  fi
  cp "services/$name/Dockerfile" "$out/Dockerfile"
  docker build -q --build-arg BASE_IMAGE="$base" -t "exapps/$name:$tag" "$out" >/dev/null
  say "$name: built exapps/$name:$tag"
done
