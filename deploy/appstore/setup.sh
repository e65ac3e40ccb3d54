#!/usr/bin/env bash
# Sets up the app store in production on this host, following the real store's Docker production guide: the
# store's image (built offline), a configuration file, PostgreSQL on the host (own user and database), the
# container started with docker-compose (migrations and fixtures run at its start), and nginx on the host
# terminating TLS in front of it and serving static files. Certificates are made with openssl for the domain.
#
# Usage (as root):
#   deploy/appstore/setup.sh [options]          set up (again): keeps an existing configuration, keys and database
#   deploy/appstore/setup.sh --down [options]   stops the container and this setup's nginx
# Options:
#   --dir DIR             installation folder (default /srv/appstore)
#   --domain NAME         the store's host name (default appstore.test); the TLS certificate is made for it
#   --https-port N        nginx HTTPS port (default 443)      --http-port N   nginx HTTP port, redirects (default 80)
#   --app-port N          the store's port on 127.0.0.1 (default 8000)
#   --db NAME             database (default appstore)         --db-user NAME  database user (default appstore)
#   --project NAME        docker-compose project (default appstore)
#   --container NAME      container name (default appstore-production)
#   --tag TAG             image tag (default dev); --no-build uses an image already loaded (`docker load -i`)
#   --system-nginx        install the site into /etc/nginx (sites-available/enabled) and reload the system's nginx;
#                         default: a dedicated nginx process with its configuration under DIR/nginx
#   --allow-http-downloads  accept http release links (local test stores only; the real store takes https only)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
say() { printf '[appstore-setup] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

dir=/srv/appstore domain=appstore.test https_port=443 http_port=80 app_port=8000 db=appstore db_user=appstore
project=appstore container=appstore-production tag=dev build=true system_nginx=false allow_http=false down=false
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2;; --domain) domain=$2; shift 2;;
    --https-port) https_port=$2; shift 2;; --http-port) http_port=$2; shift 2;; --app-port) app_port=$2; shift 2;;
    --db) db=$2; shift 2;; --db-user) db_user=$2; shift 2;;
    --project) project=$2; shift 2;; --container) container=$2; shift 2;; --tag) tag=$2; shift 2;;
    --no-build) build=false; shift;; --system-nginx) system_nginx=true; shift;;
    --allow-http-downloads) allow_http=true; shift;; --down) down=true; shift;;
    -h|--help) sed -n '2,25p' "$0"; exit 0;;
    *) die "unknown option $1 (--help lists them)";;
  esac
done
[[ "$db" =~ ^[a-z_][a-z0-9_]*$ && "$db_user" =~ ^[a-z_][a-z0-9_]*$ ]] || die "--db and --db-user must be lowercase SQL names"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
export APPSTORE_TAG=$tag APPSTORE_CONTAINER=$container APPSTORE_PORT=$app_port
compose() { docker-compose -p "$project" -f "$dir/docker-compose.yml" "$@"; }
nginx_conf="$dir/nginx/nginx.conf"

if $down; then
  [ -f "$dir/docker-compose.yml" ] && compose down --remove-orphans >/dev/null 2>&1 || true
  if [ -f "$dir/nginx/nginx.pid" ] && kill -0 "$(cat "$dir/nginx/nginx.pid")" 2>/dev/null; then
    nginx -c "$nginx_conf" -p "$dir/nginx/" -s quit
  fi
  say "stopped (configuration, data and database kept in $dir and PostgreSQL)"
  exit 0
fi

# 1. Packages: nginx and openssl from Debian (docker, docker-compose and PostgreSQL are the host's, see scripts/infra.sh).
missing=()
command -v nginx >/dev/null || missing+=(nginx)
command -v openssl >/dev/null || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  # RUNLEVEL=1 keeps Debian's package scripts from starting the system's nginx on port 80: unless --system-nginx,
  # this setup runs an nginx of its own.
  install() { RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; }
  install || { apt-get update -q >/dev/null; install; }
fi
for tool in docker docker-compose psql python3; do command -v "$tool" >/dev/null || die "$tool is missing (scripts/infra.sh installs it)"; done

# 2. The image, built offline from this checkout.
if $build; then "$root/scripts/build-appstore-image.sh" "$tag"; fi
docker image inspect "exapps/appstore:$tag" >/dev/null 2>&1 || die "image exapps/appstore:$tag is missing"

# 3. The installation folder, as in the guide: config/, static/, media/, logs/ beside docker-compose.yml.
mkdir -p "$dir"/{config,certificates,static,media,logs,ssl,ca-private,nginx}
chmod 700 "$dir/ca-private" "$dir/ssl"
# nginx's workers (an unprivileged user) read static/ and media/ straight from here.
chmod 755 "$dir" "$dir/static" "$dir/media"
cp "$root/deploy/appstore/docker-compose.yml" "$dir/docker-compose.yml"

# 4. TLS for the domain: a local CA and a server certificate it signs (replace both with real ones in production).
if [ ! -f "$dir/ssl/server.crt" ]; then
  say "making TLS certificates for $domain"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=App store TLS CA ($domain)" \
    -keyout "$dir/ssl/ca.key" -out "$dir/ssl/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$domain" -keyout "$dir/ssl/server.key" -out "$dir/ssl/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:%s,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' "$domain" >"$dir/ssl/server.ext"
  openssl x509 -req -in "$dir/ssl/server.csr" -CA "$dir/ssl/ca.crt" -CAkey "$dir/ssl/ca.key" -CAcreateserial \
    -days 825 -sha256 -extfile "$dir/ssl/server.ext" -out "$dir/ssl/server.crt" 2>/dev/null
  rm -f "$dir/ssl/server.csr" "$dir/ssl/server.ext"
fi

# 5. The code-signing CA app certificates must chain to, and its CRL. For a store of your own; a mirror of the
#    public store would use Nextcloud's CA certificate and CRL instead (put them in certificates/).
if [ ! -f "$dir/certificates/ca.crt" ]; then
  say "making the app code-signing CA (key in $dir/ca-private)"
  openssl req -x509 -newkey rsa:4096 -nodes -days 3650 -subj "/CN=App store code signing CA ($domain)" \
    -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$dir/ca-private/ca.key" -out "$dir/certificates/ca.crt" 2>/dev/null
fi
if [ ! -f "$dir/certificates/crl.pem" ]; then
  [ -f "$dir/ca-private/ca.key" ] || die "certificates/crl.pem is missing and there is no CA key to make one"
  touch "$dir/ca-private/index.txt"
  [ -f "$dir/ca-private/crlnumber" ] || echo 01 >"$dir/ca-private/crlnumber"
  cat >"$dir/ca-private/openssl-ca.cnf" <<CNF
[ ca ]
default_ca = store_ca
[ store_ca ]
database = $dir/ca-private/index.txt
crlnumber = $dir/ca-private/crlnumber
default_md = sha256
default_crl_days = 3650
CNF
  openssl ca -config "$dir/ca-private/openssl-ca.cnf" -gencrl -keyfile "$dir/ca-private/ca.key" \
    -cert "$dir/certificates/ca.crt" -out "$dir/certificates/crl.pem" 2>/dev/null
fi

# 6. The configuration file (kept if it exists: it holds the secret key and the database password).
config="$dir/config/appstore.json"
if [ ! -f "$config" ]; then
  say "writing $config"
  secret=$(openssl rand -hex 32)
  db_password=$(openssl rand -hex 16)
  python3 - "$config" <<PY
import json, sys
config = {
  "AllowedHosts": "$domain;localhost;127.0.0.1",
  "ConnectionStrings": {"Postgres": "Host=127.0.0.1;Port=5432;Username=$db_user;Password=$db_password;Database=$db"},
  "Logging": {"LogLevel": {"Default": "Information"}},
  "AppStore": {
    "SecretKey": "$secret",
    "LogFile": "/srv/logs/appstore.log",
    "LogLevel": "Warning",
    "StaticRoot": "/srv/static",
    "Throttle": {"AppUpload": "100/day", "AppRegister": "100/day"},
    "Download": {"MaxDownloadFileSize": 1048576, "MaxDownloadTimeout": 60, "MaxDownloadRedirects": 10,
                 "MaxDownloadSize": 20971520, "AllowHttp": "$allow_http" == "true"},
    "Certificates": {"RootCaPath": "/srv/certificates/ca.crt", "CrlPath": "/srv/certificates/crl.pem"},
  },
}
with open(sys.argv[1], "w") as f: json.dump(config, f, indent=2); f.write("\n")
PY
  chmod 600 "$config"
fi
db_password=$(python3 -c 'import json,sys,re; cs=json.load(open(sys.argv[1]))["ConnectionStrings"]["Postgres"]; print(re.search(r"Password=([^;]*)", cs).group(1))' "$config")

# 7. PostgreSQL on the host: the store's own user and database (the container reaches 127.0.0.1 on the host network).
psql_admin() { su postgres -c "psql -v ON_ERROR_STOP=1 -qAt $*"; }
if [ "$(psql_admin "-c \"SELECT 1 FROM pg_roles WHERE rolname = '$db_user'\"")" != 1 ]; then
  psql_admin "-c \"CREATE USER $db_user WITH PASSWORD '$db_password'\""
else
  psql_admin "-c \"ALTER USER $db_user WITH PASSWORD '$db_password'\""
fi
if [ "$(psql_admin "-c \"SELECT 1 FROM pg_database WHERE datname = '$db'\"")" != 1 ]; then
  psql_admin "-c \"CREATE DATABASE $db OWNER $db_user\""
fi
say "database $db (user $db_user) ready"

# 8. The container; migrations and fixtures run at its start.
compose up -d --force-recreate production >/dev/null 2>"$dir/logs/compose.err" || { cat "$dir/logs/compose.err" >&2; die "docker-compose up failed"; }
for _ in $(seq 1 90); do
  if curl -fsS "http://127.0.0.1:$app_port/health" >/dev/null 2>&1; then break; fi
  if [ "$(docker inspect -f '{{.State.Running}}' "$container" 2>/dev/null)" = false ]; then docker logs --tail 30 "$container" >&2; die "the store's container stopped"; fi
  sleep 1
done
curl -fsS "http://127.0.0.1:$app_port/health" >/dev/null || { docker logs --tail 30 "$container" >&2; die "the store does not answer on 127.0.0.1:$app_port"; }
say "store up on 127.0.0.1:$app_port (container $container)"

# 9. nginx in front: TLS, HTTP -> HTTPS, static/ and media/ served directly.
name=$(printf '%s' "$project" | tr -c 'a-zA-Z0-9_\n' '_')
site="$dir/nginx/appstore-site.conf"
sed -e "s#@@NAME@@#$name#g; s#@@APP_PORT@@#$app_port#g; s#@@HTTP_PORT@@#$http_port#g; s#@@HTTPS_PORT@@#$https_port#g" \
    -e "s#@@DOMAIN@@#$domain#g; s#@@SSL_DIR@@#$dir/ssl#g; s#@@DIR@@#$dir#g" \
    "$root/deploy/appstore/nginx-site.conf.template" >"$site"
if $system_nginx; then
  cp "$site" /etc/nginx/sites-available/appstore
  ln -sf /etc/nginx/sites-available/appstore /etc/nginx/sites-enabled/appstore
  nginx -t 2>/dev/null || { nginx -t; die "nginx rejects the configuration"; }
  if pgrep -x nginx >/dev/null; then nginx -s reload; else nginx; fi
else
  mkdir -p "$dir/nginx/logs" "$dir/nginx/tmp"
  cat >"$nginx_conf" <<NGINX
# A dedicated nginx for the app store (deploy/appstore/setup.sh); the site itself is appstore-site.conf.
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/logs/error.log warn;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $dir/nginx/logs/access.log;
    client_body_temp_path $dir/nginx/tmp/body;
    proxy_temp_path $dir/nginx/tmp/proxy;
    fastcgi_temp_path $dir/nginx/tmp/fastcgi;
    uwsgi_temp_path $dir/nginx/tmp/uwsgi;
    scgi_temp_path $dir/nginx/tmp/scgi;
    sendfile on;
    include $site;
}
NGINX
  nginx -t -c "$nginx_conf" -p "$dir/nginx/" 2>/dev/null || { nginx -t -c "$nginx_conf" -p "$dir/nginx/"; die "nginx rejects the configuration"; }
  if [ -f "$dir/nginx/nginx.pid" ] && kill -0 "$(cat "$dir/nginx/nginx.pid")" 2>/dev/null; then
    nginx -c "$nginx_conf" -p "$dir/nginx/" -s reload
  else
    nginx -c "$nginx_conf" -p "$dir/nginx/"
  fi
fi
say "nginx: https://$domain:$https_port/ (TLS CA: $dir/ssl/ca.crt)"

cat >&2 <<EOF2
[appstore-setup] done. Next steps (from $dir):
  docker-compose -p $project exec production dotnet ExApps.AppStore.dll admin create-user --username admin --email admin@$domain --superuser
  docker-compose -p $project exec production dotnet ExApps.AppStore.dll admin verify-email --username admin --email admin@$domain
  docker-compose -p $project exec -T production dotnet ExApps.AppStore.dll admin import-nextcloud-releases --file /srv/media/tags.json --print
  developer certificates: ./appstore cert create --app-id APPID --ca-cert $dir/certificates/ca.crt --ca-key $dir/ca-private/ca.key --out-dir DIR
  feed: curl --cacert $dir/ssl/ca.crt https://$domain:$https_port/api/v1/appapi_apps.json
EOF2
