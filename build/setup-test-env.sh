#!/usr/bin/env bash
# setup-test-env.sh: installs, from Debian's packages, every system component the integration tests
# drive for real, when it is missing. Services the tests need are started by the tests themselves on
# loopback ports of their own, so nothing here listens on a network port.
set -euo pipefail

# Debian package -> a command it provides.
declare -A packages=(
  [python3]=/usr/bin/python3   # the independent RecordIO/v1-scheduler client in test/integration/python
  [python3-marathon]=/usr/lib/python3/dist-packages/marathon/__init__.py   # a real third-party Marathon client
  [procps]=/usr/bin/ps
  # Docker containerizer tests: a dockerd of their own (build/start-test-dockerd.sh starts it) and a static
  # busybox for the local image it imports (the dynamic `busybox` package also installs /bin/busybox).
  [docker.io]=/usr/sbin/dockerd
  [busybox-static]=/var/lib/dpkg/info/busybox-static.list
  # Mesos containerizer tests and bench/containerizer.bench.ts: util-linux's unshare/nsenter/setpriv for the
  # namespaces, mount for lxcfs bind mounts, an lxcfs the tests start on a directory of their own, and crun to
  # compare launch times with.
  [util-linux]=/usr/bin/setpriv
  [mount]=/usr/bin/mount
  [lxcfs]=/usr/bin/lxcfs
  [crun]=/usr/bin/crun
  # The console's end-to-end tests and bench/console.bench.ts drive the renderer in Debian's Chromium through
  # playwright-core (which downloads no browser of its own).
  [chromium]=/usr/bin/chromium
  # High-availability tests: a real ZooKeeper ensemble (Debian's 3.8, run with its jars; no service is started).
  [zookeeper]=/usr/share/java/zookeeper.jar
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
