#!/usr/bin/env bash
# ensure-deps.sh: installs what Plateau needs to run on a fresh Debian machine with Node 20:
# a compiler toolchain for better-sqlite3's native build (as root, from Debian), then the npm
# dependencies (again only when package-lock.json changed since the last install).
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
for tool in make g++ python3; do
  command -v "$tool" >/dev/null 2>&1 || need_pkgs+=("$tool")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "ensure-deps: installing build tools (${need_pkgs[*]}) from Debian" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq build-essential python3 >/dev/null
  else
    echo "ensure-deps: missing ${need_pkgs[*]}; install build-essential and python3 (needed to build better-sqlite3)" >&2
    exit 1
  fi
fi

stamp=node_modules/.plateau-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "ensure-deps: installing npm dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
