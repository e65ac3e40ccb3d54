#!/usr/bin/env bash
# Prints the platform's admin token: the one the gateway and the registry generated on first start (they read
# Admin:TokenFile, default ~/.local/share/exapps/admin.token, unless Admin:Token is configured). ./appapi reads the
# same file itself when APPAPI_TOKEN is not set; other clients send it as "Authorization: Bearer <token>".
#   scripts/admin-token.sh            print it
#   EXAPPS_ADMIN_TOKEN_FILE=PATH      another file (the services' Admin__TokenFile)
set -euo pipefail
file="${EXAPPS_ADMIN_TOKEN_FILE:-${XDG_DATA_HOME:-$HOME/.local/share}/exapps/admin.token}"
if [ ! -r "$file" ]; then
  echo "admin-token: $file does not exist (or is not readable): start the platform once (scripts/run.sh) to generate it," >&2
  echo "or configure Admin__Token for the gateway and the registry." >&2
  exit 1
fi
tr -d '\n' <"$file"
echo
