#!/usr/bin/env bash
# Installs and starts the real system parts the tests use, only where missing:
# a Docker engine (scripts/provision-docker.sh), Debian's Chromium for the e2e,
# Xvfb + D-Bus + dunst + libnotify for the notification test, Prometheus
# (prometheus + promtool) for the /metrics scrape test, and stress-ng, the CPU
# hog the suite is checked under (docs/testing.md).
# Idempotent, so `npm test` can call it every time.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)
command -v dbus-launch >/dev/null 2>&1 || need+=(dbus-x11)
command -v dunst >/dev/null 2>&1 || need+=(dunst)
command -v notify-send >/dev/null 2>&1 || need+=(libnotify-bin)
command -v import >/dev/null 2>&1 && import -version >/dev/null 2>&1 || need+=(imagemagick)
command -v dbus-monitor >/dev/null 2>&1 || need+=(dbus)
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v stress-ng >/dev/null 2>&1 || need+=(stress-ng)
[ -x /usr/sbin/sshd ] && command -v ssh >/dev/null 2>&1 && command -v systemd-analyze >/dev/null 2>&1 || need+=(openssh-server openssh-client systemd) # remote tests: a private sshd on loopback (never the system one), `systemd-analyze verify`

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "provision: missing ${need[*]} and not root; install them with apt-get" >&2
    exit 1
  fi
  echo "provision: installing ${need[*]}" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ -f "$here/provision-docker.sh" ]; then
  bash "$here/provision-docker.sh"
fi
