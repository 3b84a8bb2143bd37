#!/usr/bin/env bash
# setup-test-env.sh: installs, from Debian's packages, every system component the integration tests
# drive for real, when it is missing. Services the tests need are started by the tests themselves on
# loopback ports of their own, so nothing here listens on a network port.
set -euo pipefail

# Debian package -> a command it provides.
declare -A packages=(
  [python3]=/usr/bin/python3   # the independent RecordIO/v1-scheduler client in test/integration/python
  [procps]=/usr/bin/ps
)
missing=()
for pkg in "${!packages[@]}"; do
  [ -e "${packages[$pkg]}" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup-test-env: missing Debian packages: ${missing[*]} (run as root to install them)" >&2
    exit 1
  fi
  echo "setup-test-env: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
