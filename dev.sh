#!/usr/bin/env bash
# Set up this checkout on a fresh Debian machine and run payterm.
#
#   ./dev.sh demo   install what is needed, then run the kiosk demo (simulated devices,
#                   built-in host simulator; headless when there is no display)
#   ./dev.sh test   install what is needed, then run the whole test suite in two stages:
#                   1. the default suite; 2. the long ones (slow, scale, install: the
#                   package installed with apt into a clean Debian root). With pytest
#                   arguments: just pytest with those.
#   ./dev.sh setup  only install
#
# Safe to run again: each step checks what is already there.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
VENV="$ROOT/.venv"

APT_PACKAGES=(
  libzbar0            # pyzbar's decoder
  libusb-1.0-0        # pyusb's backend (USB receipt printers)
  fonts-wqy-microhei  # CJK font for the kiosk and the receipt preview
  xvfb xauth          # a virtual screen for screenshots and the demo without a display
  espeak-ng           # voice announcements ("支付成功 12.34 元")
  libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
  libxcb-randr0 libxcb-render-util0 libxcb-image0 libglib2.0-0
  postgresql          # the back office's database; its tests start their own servers
  chromium            # headless, for the store manager page's browser test
  debootstrap lintian # the package install test: a clean Debian root; the package's lint
)

log() { printf '\033[1m[dev.sh]\033[0m %s\n' "$*" >&2; }

install_apt() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    log "missing system packages: ${missing[*]} (install them as root with apt-get)"
    return 0
  fi
  log "installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

pick_python() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
      echo "$candidate"; return 0
    fi
  done
  log "Python 3.11 is required (apt-get install python3.11 python3.11-venv)"; exit 1
}

install_python() {
  local stamp="$VENV/.payterm-installed"
  local want
  want=$(cat requirements.txt requirements-nodeps.txt requirements-test.txt \
              requirements-backoffice.txt pyproject.toml | sha256sum | cut -c1-16)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  if [ ! -x "$VENV/bin/python" ]; then
    local py; py=$(pick_python)
    log "creating the virtualenv with $py"
    if ! "$py" -m venv "$VENV" 2>/dev/null; then
      [ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3.11-venv >/dev/null
      "$py" -m venv "$VENV"
    fi
  fi
  log "installing pinned Python packages"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -r requirements.txt -r requirements-test.txt \
      -r requirements-backoffice.txt
  "$VENV/bin/python" -m pip install -q --no-deps -r requirements-nodeps.txt
  "$VENV/bin/python" -m pip install -q --no-deps -e .
  echo "$want" > "$stamp"
}

setup() { install_apt; install_python; }

case "${1:-}" in
  setup) setup ;;
  demo)
    setup
    shift
    exec "$VENV/bin/payterm" demo "$@" ;;
  test)
    setup
    shift
    if [ $# -gt 0 ]; then exec "$VENV/bin/python" -m pytest "$@"; fi
    # Stage 1: the default suite. Stage 2: torture, crash, scale and install tests.
    # Both stages run; the exit code is non-zero if either failed.
    status=0
    log "stage 1: the default suite"
    "$VENV/bin/python" -m pytest -m "not slow and not scale and not install" || status=$?
    log "stage 2: torture, crash, scale and package install tests"
    "$VENV/bin/python" -m pytest -m "slow or scale or install" || status=$?
    exit "$status" ;;
  *) echo "usage: ./dev.sh demo | test | setup" >&2; exit 2 ;;
esac
