#!/usr/bin/env bash
# Provisions a real Docker engine for Headroom's Docker tests and bench.
#
# Idempotent: installs docker.io + busybox-static only when missing, starts
# dockerd only when `docker info` does not answer, imports the local test image
# only when it is missing (there is no registry here). Waits for readiness with
# a bound, and on failure exits non-zero with the reason and the tail of the
# dockerd log, so the Docker tests fail loudly instead of skipping.
#
# The tests' dockerd helper restarts the engine by running this same script, so
# the daemon is always started with the one command below.
#
# Environment:
#   HEADROOM_DOCKERD_LOG           dockerd log file        (default /tmp/dockerd.log)
#   HEADROOM_DOCKERD_WAIT_SECONDS  readiness bound         (default 60)
#   HEADROOM_DOCKERD               daemon binary           (default: dockerd on PATH)
#   HEADROOM_DOCKER_SOCK           API socket              (default /var/run/docker.sock)
#   HEADROOM_DOCKERD_PIDFILE       daemon pidfile          (default /var/run/docker.pid)
set -u

LOG=${HEADROOM_DOCKERD_LOG:-/tmp/dockerd.log}
WAIT_SECONDS=${HEADROOM_DOCKERD_WAIT_SECONDS:-60}
SOCK=${HEADROOM_DOCKER_SOCK:-/var/run/docker.sock}
PIDFILE=${HEADROOM_DOCKERD_PIDFILE:-/var/run/docker.pid}
IMAGE=headroom-test/busybox:1
# Our checks always talk to the socket we start, whatever DOCKER_HOST says.
export DOCKER_HOST=unix://$SOCK

fail() {
  echo "provision-docker: FAILED: $*" >&2
  if [ -s "$LOG" ]; then
    echo "--- last lines of $LOG ---" >&2
    tail -n 40 "$LOG" >&2
  fi
  exit 1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    fail "need root to run: $*"
  fi
}

# /usr/local/bin/docker may be a client-only binary of another version; prefer
# the Debian client that matches the Debian daemon.
docker_cli() {
  if [ -x /usr/bin/docker ]; then echo /usr/bin/docker; else command -v docker || true; fi
}

engine_answers() {
  local cli
  cli=$(docker_cli)
  [ -n "$cli" ] && timeout 10 "$cli" info >/dev/null 2>&1
}

# PID of the dockerd that owns the pidfile, if that process is alive and is dockerd.
running_dockerd_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -d "/proc/$pid" ] && grep -q dockerd "/proc/$pid/comm" 2>/dev/null && echo "$pid"
}

# ── 1. Install what is missing ───────────────────────────────────────────────
missing=()
command -v dockerd >/dev/null 2>&1 || [ -x /usr/sbin/dockerd ] || missing+=(docker.io)
[ -x /bin/busybox ] || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
  echo "provision-docker: installing ${missing[*]}"
  APT_LOG=$(mktemp /tmp/provision-docker-apt.XXXXXX)
  as_root apt-get update -qq >"$APT_LOG" 2>&1 || { tail -n 20 "$APT_LOG" >&2; fail "apt-get update failed"; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$APT_LOG" 2>&1 \
    || { tail -n 20 "$APT_LOG" >&2; fail "apt-get install ${missing[*]} failed"; }
  rm -f "$APT_LOG"
fi
DOCKERD=${HEADROOM_DOCKERD:-$(command -v dockerd || echo /usr/sbin/dockerd)}
[ -x "$DOCKERD" ] || fail "dockerd not found after install"
CLI=$(docker_cli)
[ -n "$CLI" ] || fail "no docker client found"

# ── 2. Start the daemon unless it already answers ────────────────────────────
if engine_answers; then
  echo "provision-docker: engine already answering on $SOCK"
else
  pid=$(running_dockerd_pid || true)
  if [ -n "$pid" ]; then
    echo "provision-docker: dockerd $pid is running but not answering yet; waiting for it"
  else
    echo "provision-docker: starting $DOCKERD (log $LOG)"
    # A pidfile left by a killed daemon makes dockerd refuse to start if its PID was reused.
    [ -f "$PIDFILE" ] && as_root rm -f "$PIDFILE"
    : >"$LOG"
    # setsid: the daemon must outlive this script and the test runner's process group.
    # Started directly (not through a shell function) so no shell lingers as its parent.
    if [ "$(id -u)" -eq 0 ]; then
      setsid nohup "$DOCKERD" --host "unix://$SOCK" --pidfile "$PIDFILE" >>"$LOG" 2>&1 </dev/null &
    else
      sudo -n setsid nohup "$DOCKERD" --host "unix://$SOCK" --pidfile "$PIDFILE" >>"$LOG" 2>&1 </dev/null &
    fi
    pid=$!
  fi
  deadline=$((SECONDS + WAIT_SECONDS))
  until engine_answers; do
    if [ $SECONDS -ge $deadline ]; then
      fail "dockerd did not answer on $SOCK within ${WAIT_SECONDS}s"
    fi
    # A daemon that died while starting will never answer: say so now.
    if ! running_dockerd_pid >/dev/null && ! kill -0 "$pid" 2>/dev/null; then
      fail "dockerd exited while starting"
    fi
    sleep 0.5
  done
  echo "provision-docker: engine answering (dockerd pid $(running_dockerd_pid || echo "$pid"))"
fi

# ── 3. The local test image ──────────────────────────────────────────────────
if "$CLI" image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "provision-docker: image $IMAGE present"
else
  echo "provision-docker: importing $IMAGE from /bin/busybox"
  R=$(mktemp -d)
  trap 'rm -rf "$R"' EXIT
  mkdir -p "$R/bin" "$R/tmp" && chmod 1777 "$R/tmp"
  cp /bin/busybox "$R/bin/" || fail "cannot copy /bin/busybox"
  for a in $("$R/bin/busybox" --list); do [ "$a" = busybox ] || ln -s busybox "$R/bin/$a"; done
  tar -C "$R" -cf - . | "$CLI" import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - "$IMAGE" >/dev/null \
    || fail "docker import of $IMAGE failed"
  "$CLI" image inspect "$IMAGE" >/dev/null 2>&1 || fail "image $IMAGE missing after import"
fi
echo "provision-docker: ready"
