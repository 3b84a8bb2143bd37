#!/usr/bin/env bash
# start-test-dockerd.sh: starts a dockerd of the tests' own (its own socket, data root, exec root and pid file,
# so it never touches a system Docker), waits until it answers, and imports the small local image the Docker
# tests run (`plateau/busybox:latest`, from Debian's busybox-static; no registry is reachable here).
# Idempotent: a running test daemon and an existing image are reused. Prints the socket path on stdout.
#
#   PLATEAU_TEST_DOCKER_SOCKET   socket to serve on (default /run/plateau-test/docker.sock)
#   PLATEAU_TEST_DOCKER_ROOT     state directory (default /var/lib/plateau-test-docker)
#   PLATEAU_TEST_DOCKER_IMAGE    image to import (default plateau/busybox:latest)
set -euo pipefail

socket=${PLATEAU_TEST_DOCKER_SOCKET:-/run/plateau-test/docker.sock}
root=${PLATEAU_TEST_DOCKER_ROOT:-/var/lib/plateau-test-docker}
image=${PLATEAU_TEST_DOCKER_IMAGE:-plateau/busybox:latest}
run_dir=$(dirname "$socket")
pidfile=$run_dir/dockerd.pid
logfile=$run_dir/dockerd.log

# Debian's client, when installed, matches Debian's daemon; any docker CLI speaks to it through -H.
docker_cli=/usr/bin/docker
[ -x "$docker_cli" ] || docker_cli=$(command -v docker || true)
if [ -z "$docker_cli" ] || ! command -v dockerd >/dev/null; then
  echo "start-test-dockerd: dockerd or the docker CLI is missing (run build/setup-test-env.sh as root)" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "start-test-dockerd: dockerd needs root" >&2
  exit 1
fi
dk() { "$docker_cli" -H "unix://$socket" "$@"; }

answers() { dk version --format '{{.Server.Version}}' >/dev/null 2>&1; }

mkdir -p "$run_dir" "$root"
if ! answers; then
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "start-test-dockerd: dockerd (pid $(cat "$pidfile")) is starting; waiting" >&2
  else
    rm -f "$pidfile" "$socket"
    echo "start-test-dockerd: starting dockerd on $socket (log $logfile)" >&2
    # setsid: the daemon must outlive this script and the shell that ran it.
    setsid dockerd \
      --host "unix://$socket" \
      --data-root "$root/data" \
      --exec-root "$root/exec" \
      --pidfile "$pidfile" \
      --log-level warn \
      >>"$logfile" 2>&1 </dev/null &
  fi
  for _ in $(seq 1 120); do
    answers && break
    sleep 0.5
  done
  if ! answers; then
    echo "start-test-dockerd: dockerd did not answer on $socket within 60 s; last log lines:" >&2
    tail -n 20 "$logfile" >&2 || true
    exit 1
  fi
fi

if ! dk image inspect "$image" >/dev/null 2>&1; then
  # busybox-static's binary (setup-test-env.sh installs it): a dynamic one would find no libc in the image.
  busybox=/bin/busybox
  [ -x "$busybox" ] || busybox=/usr/bin/busybox
  if [ ! -x "$busybox" ]; then
    echo "start-test-dockerd: no busybox to build $image from (install busybox-static)" >&2
    exit 1
  fi
  rootfs=$(mktemp -d /tmp/plateau-busybox-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  mkdir -p "$rootfs"/{bin,etc,tmp,proc,sys,dev,root,var/www,usr}
  cp "$busybox" "$rootfs/bin/busybox"
  # Relative links, so the applets resolve inside the container (busybox --install would link to the host path).
  for applet in $("$busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
  done
  ln -s bin "$rootfs/sbin"
  ln -s ../bin "$rootfs/usr/bin"
  ln -s ../bin "$rootfs/usr/sbin"
  chmod 1777 "$rootfs/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  # busybox httpd serves /var/www: `httpd -f -p 80 -h /var/www` answers with this page.
  printf 'plateau busybox httpd\n' >"$rootfs/var/www/index.html"
  tar -C "$rootfs" -c . | dk import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/sh"]' \
    - "$image" >/dev/null
  echo "start-test-dockerd: imported $image" >&2
fi

echo "$socket"
