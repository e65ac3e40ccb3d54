#!/usr/bin/env bash
# This project's own app store for scripts/run.sh (docs/appstore.md): a code-signing CA, the store's configuration
# and a folder of release archives, kept in .local/appstore/, and the test ExApp published to it, so that
# `./appapi app:register test-exapp` installs it from the store.
#   scripts/local-store.sh prepare   creates the CA and the store's configuration (once) and writes
#                                    .local/appstore/env: the settings the store and the registry start with
#   scripts/local-store.sh publish   once the store runs: the developer account, the test ExApp's certificate and
#                                    registration, and its release (tests/fixtures/test-exapp.xml) served from
#                                    .local/appstore/releases on the release port
# Env: EXAPPS_STORE_PORT (8000), EXAPPS_RELEASES_PORT (8001), EXAPPS_STORE_PG (the store's database, default
# Host=127.0.0.1;Port=5432;Username=postgres;Password=exapps;Database=appstore), EXAPPS_STORE_DIR (.local/appstore).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dir="${EXAPPS_STORE_DIR:-$root/.local/appstore}"
port="${EXAPPS_STORE_PORT:-8000}"
releases_port="${EXAPPS_RELEASES_PORT:-8001}"
pg="${EXAPPS_STORE_PG:-Host=127.0.0.1;Port=5432;Username=postgres;Password=exapps;Database=appstore}"
store_dll="$root/services/appstore/bin/Release/net10.0/ExApps.AppStore.dll"
say() { printf '[store] %s\n' "$*"; }

prepare() {
  mkdir -p "$dir/releases" "$dir/dev"
  if [ ! -f "$dir/ca/ca.crt" ]; then
    ./appstore cert ca --out-dir "$dir/ca" --cn "ExApps local store CA" --bits 2048 >/dev/null
    say "created the code-signing CA $dir/ca/ca.crt (app certificates: ./appstore cert create --ca-cert ... --ca-key $dir/ca/ca.key)"
  fi
  if [ ! -f "$dir/appstore.json" ]; then
    local secret
    secret="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    (umask 077; cat >"$dir/appstore.json" <<EOF
{
  "AllowedHosts": "*",
  "AppStore": {
    "SecretKey": "$secret",
    "Download": { "AllowHttp": true },
    "Certificates": { "RootCaPath": "$dir/ca/ca.crt" }
  }
}
EOF
    )
  fi
  # A CRL appears once a certificate is revoked (./appstore cert revoke ... --crl $dir/crl.pem); both read it.
  local crl=""
  [ -f "$dir/crl.pem" ] && crl="$dir/crl.pem"
  cat >"$dir/env" <<EOF
export APPSTORE_CONFIG='$dir/appstore.json'
export EXAPPS_STORE_PG='$pg' EXAPPS_STORE_PORT='$port' EXAPPS_RELEASES_PORT='$releases_port'
export AppStore__Certificates__CrlPath='$crl'
export Registry__AppStore__Url='http://127.0.0.1:$port'
export Registry__AppStore__Certificates__RootCaPath='$dir/ca/ca.crt'
export Registry__AppStore__Certificates__CrlPath='$crl'
export Registry__AppStore__Download__AllowHttp=true
export Registry__AppStore__CacheTtl=00:01:00
EOF
}

publish() {
  local admin=(env "APPSTORE_CONFIG=$dir/appstore.json" "ConnectionStrings__Postgres=$pg" dotnet "$store_dll" admin)
  local created
  if ! created="$("${admin[@]}" create-user --username dev --email dev@localhost --password-stdin \
      <<<"$(head -c 18 /dev/urandom | base64)" 2>&1)"; then
    [[ $created == *"already exists"* ]] || { echo "$created" >&2; return 1; }
  fi
  "${admin[@]}" verify-email --username dev --email dev@localhost >/dev/null
  export APPSTORE_URL="http://127.0.0.1:$port"
  # A new token each time: one derived from an old seed is refused if .local/appstore (and with it the store's
  # secret key) was made afresh while the database kept the account.
  APPSTORE_TOKEN="$("${admin[@]}" token --username dev --new)"
  export APPSTORE_TOKEN

  local cert="$dir/dev/test-exapp.crt" key="$dir/dev/test-exapp.key"
  [ -f "$cert" ] || ./appstore cert create --app-id test-exapp --ca-cert "$dir/ca/ca.crt" --ca-key "$dir/ca/ca.key" \
    --out-dir "$dir/dev" --bits 2048 >/dev/null
  ./appstore register --cert "$cert" --key "$key" >/dev/null

  local work archive="$dir/releases/test-exapp-1.0.0.tar.gz"
  work="$(mktemp -d)"
  mkdir -p "$work/test-exapp/appinfo"
  cp tests/fixtures/test-exapp.xml "$work/test-exapp/appinfo/info.xml"
  tar -C "$work" -czf "$archive" test-exapp
  rm -rf "$work"
  ./appstore release publish --url "http://127.0.0.1:$releases_port/$(basename "$archive")" --archive "$archive" --key "$key"
}

case "${1:-}" in
  prepare) prepare ;;
  publish) publish ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
