#!/usr/bin/env bash
# Build the payterm wheel and the kiosk Debian package into dist/.
#
#   packaging/build.sh                   wheel + payterm_<version>_all.deb
#   packaging/build.sh --wheelhouse      also put every pinned dependency's wheel in the
#                                        package, so installing needs no network
#   packaging/build.sh --models DIR      also ship the face models from DIR (check their
#                                        licence first: see docs/packaging.md)
#
# Needs: python3.11 with pip and setuptools, dpkg-deb. No root needed (--root-owner-group).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PYTHON=${PYTHON:-python3}
WHEELHOUSE=0
MODELS=""
while [ $# -gt 0 ]; do
    case "$1" in
        --wheelhouse) WHEELHOUSE=1 ;;
        --models) MODELS=$2; shift ;;
        *) echo "usage: packaging/build.sh [--wheelhouse] [--models DIR]" >&2; exit 2 ;;
    esac
    shift
done
command -v dpkg-deb >/dev/null || { echo "dpkg-deb is required (apt-get install dpkg)" >&2; exit 1; }

VERSION=$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
DIST="$ROOT/dist"
STAGE="$DIST/build/payterm_${VERSION}_all"
rm -rf "$DIST/build" "$DIST"/payterm-*.whl "$DIST"/payterm_*.deb
mkdir -p "$STAGE"

log() { printf '[build.sh] %s\n' "$*" >&2; }

log "wheel"
ISOLATION=()
# Without a wheel-capable setuptools here, pip fetches one into an isolated build env.
"$PYTHON" -c "import setuptools.command.bdist_wheel" 2>/dev/null && ISOLATION=(--no-build-isolation)
"$PYTHON" -m pip wheel -q --no-deps "${ISOLATION[@]}" -w "$DIST" "$ROOT"
WHEEL=$(ls "$DIST"/payterm-"$VERSION"-*.whl)

log "package tree"
install -d "$STAGE/DEBIAN" "$STAGE/lib/systemd/system" "$STAGE/lib/udev/rules.d" \
    "$STAGE/usr/lib/payterm" "$STAGE/usr/share/payterm/wheels" "$STAGE/usr/bin" \
    "$STAGE/etc/payterm" "$STAGE/etc/logrotate.d" "$STAGE/usr/share/doc/payterm"
sed "s/@VERSION@/$VERSION/" packaging/debian/control.in > "$STAGE/DEBIAN/control"
install -m 0755 packaging/debian/preinst packaging/debian/postinst packaging/debian/prerm \
    packaging/debian/postrm "$STAGE/DEBIAN/"
install -m 0644 packaging/debian/conffiles "$STAGE/DEBIAN/"
install -m 0644 packaging/systemd/payterm-kiosk.service "$STAGE/lib/systemd/system/"
install -m 0644 packaging/udev/60-payterm.rules "$STAGE/lib/udev/rules.d/"
install -m 0755 packaging/kiosk/kiosk-session packaging/kiosk/kiosk-xsession "$STAGE/usr/lib/payterm/"
install -m 0644 packaging/logrotate/payterm "$STAGE/etc/logrotate.d/payterm"
install -m 0640 packaging/config/payterm.toml "$STAGE/etc/payterm/payterm.toml"
install -m 0644 "$WHEEL" "$STAGE/usr/share/payterm/wheels/"
install -m 0644 requirements.txt requirements-nodeps.txt "$STAGE/usr/share/payterm/"
for doc in docs/technician.md docs/packaging.md; do
    [ -f "$doc" ] && install -m 0644 "$doc" "$STAGE/usr/share/doc/payterm/"
done
ln -s /opt/payterm/venv/bin/payterm "$STAGE/usr/bin/payterm"

if [ "$WHEELHOUSE" = 1 ]; then
    log "wheelhouse (downloads the pinned dependencies)"
    "$PYTHON" -m pip download -q -d "$STAGE/usr/share/payterm/wheelhouse" \
        -r requirements.txt --only-binary=:all:
    "$PYTHON" -m pip download -q --no-deps -d "$STAGE/usr/share/payterm/wheelhouse" \
        -r requirements-nodeps.txt
fi
if [ -n "$MODELS" ]; then
    log "models from $MODELS"
    install -d "$STAGE/usr/share/payterm/models"
    cp -r "$MODELS"/. "$STAGE/usr/share/payterm/models/"
    chmod -R u+w,go+r "$STAGE/usr/share/payterm/models"
fi

log "deb"
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DIST/payterm_${VERSION}_all.deb" >/dev/null
rm -rf "$DIST/build"
log "done: $(basename "$WHEEL"), payterm_${VERSION}_all.deb in dist/"
