#!/usr/bin/env bash
# Build the payterm wheel and the kiosk Debian package into dist/.
#
#   packaging/build.sh                   wheel + payterm_<version>_all.deb
#   packaging/build.sh --wheelhouse      also put every pinned dependency's wheel in the
#                                        package, so installing needs no network
#   packaging/build.sh --models DIR      also ship the face models from DIR (check their
#                                        licence first: see docs/packaging.md)
#   packaging/build.sh --deb-version V   give the package version V instead of the
#                                        project's (the install test builds an upgrade)
#
# A package with a wheelhouse holds this machine's binary wheels, so its architecture is
# this machine's (amd64); without one it is "all".
#
# Needs: python3.11 with pip and setuptools, dpkg-deb. No root needed (--root-owner-group).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PYTHON=${PYTHON:-python3}
WHEELHOUSE=0
MODELS=""
DEB_VERSION=""
while [ $# -gt 0 ]; do
    case "$1" in
        --wheelhouse) WHEELHOUSE=1 ;;
        --models) MODELS=$2; shift ;;
        --deb-version) DEB_VERSION=$2; shift ;;
        *) echo "usage: packaging/build.sh [--wheelhouse] [--models DIR]" \
                "[--deb-version V]" >&2; exit 2 ;;
    esac
    shift
done
command -v dpkg-deb >/dev/null || { echo "dpkg-deb is required (apt-get install dpkg)" >&2; exit 1; }

VERSION=$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
DEB_VERSION=${DEB_VERSION:-$VERSION}
ARCH=all
[ "$WHEELHOUSE" = 1 ] && ARCH=$(dpkg --print-architecture)
DIST="$ROOT/dist"
STAGE="$DIST/build/payterm_${DEB_VERSION}_${ARCH}"
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
    "$STAGE/etc/payterm" "$STAGE/etc/logrotate.d" "$STAGE/usr/share/doc/payterm" \
    "$STAGE/usr/share/man/man1" "$STAGE/usr/share/lintian/overrides"
sh packaging/debian/render-scripts.sh "$STAGE/DEBIAN"
install -m 0644 packaging/debian/conffiles "$STAGE/DEBIAN/"
install -m 0644 packaging/systemd/payterm-kiosk.service "$STAGE/lib/systemd/system/"
install -m 0644 packaging/udev/60-payterm.rules "$STAGE/lib/udev/rules.d/"
install -m 0755 packaging/kiosk/kiosk-session packaging/kiosk/kiosk-xsession "$STAGE/usr/lib/payterm/"
install -m 0755 packaging/kiosk/payterm-wrapper "$STAGE/usr/bin/payterm"
install -m 0644 packaging/logrotate/payterm "$STAGE/etc/logrotate.d/payterm"
# 0644 in the package; postinst makes it root:payterm 0640 (it may hold a PIN hash).
install -m 0644 packaging/config/payterm.toml "$STAGE/etc/payterm/payterm.toml"
install -m 0644 "$WHEEL" "$STAGE/usr/share/payterm/wheels/"
install -m 0644 requirements.txt "$STAGE/usr/share/payterm/requirements.pins"
install -m 0644 requirements-nodeps.txt "$STAGE/usr/share/payterm/requirements-nodeps.pins"
for doc in docs/technician.md docs/packaging.md; do
    [ -f "$doc" ] && install -m 0644 "$doc" "$STAGE/usr/share/doc/payterm/"
done
install -m 0644 packaging/doc/copyright "$STAGE/usr/share/doc/payterm/copyright"
{   # an upgrade built for a test gets its own top entry
    if [ "$DEB_VERSION" != "$VERSION" ]; then
        printf 'payterm (%s) bookworm; urgency=medium\n\n  * Test build.\n\n' "$DEB_VERSION"
        printf ' -- payterm team <payterm@example.invalid>  %s\n\n' "$(date -R)"
    fi
    cat packaging/doc/changelog
} | gzip -9n > "$STAGE/usr/share/doc/payterm/changelog.gz"
install -m 0644 packaging/debian/lintian-overrides "$STAGE/usr/share/lintian/overrides/payterm"
if [ "$WHEELHOUSE" = 1 ]; then
    cat >> "$STAGE/usr/share/lintian/overrides/payterm" <<'EOF'
# The wheelhouse: this machine's binary wheels, installed into /opt/payterm/venv without
# network by postinst and then deleted, so it does not stay on the kiosk's disk.
payterm: arch-dep-package-has-big-usr-share *
EOF
fi
gzip -9n < packaging/man/payterm.1 > "$STAGE/usr/share/man/man1/payterm.1.gz"
chmod 0644 "$STAGE/usr/share/doc/payterm/changelog.gz" "$STAGE/usr/share/man/man1/payterm.1.gz"

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

log "control, md5sums"
SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
DEPENDS=$(grep -v '^#' packaging/debian/depends | sed '/^$/d' | paste -sd, | sed 's/,/, /g')
sed -e "s/@VERSION@/$DEB_VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE/" \
    -e "s/@DEPENDS@/$DEPENDS/" packaging/debian/control.in > "$STAGE/DEBIAN/control"
# md5sums of every file dpkg owns, conffiles excepted (dpkg tracks those itself).
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -print0 |
    LC_ALL=C sort -z | xargs -0 md5sum | sed 's| \./| |') > "$STAGE/DEBIAN/md5sums"
chmod 0644 "$STAGE/DEBIAN/md5sums" "$STAGE/DEBIAN/control"

log "deb"
# Wheels are compressed already: xz would spend minutes for a few per cent.
COMPRESS=(-Zxz)
[ "$WHEELHOUSE" = 1 ] && COMPRESS=(-Zgzip -z1)
dpkg-deb --root-owner-group "${COMPRESS[@]}" --build "$STAGE" \
    "$DIST/payterm_${DEB_VERSION}_${ARCH}.deb" >/dev/null
rm -rf "$DIST/build"
log "done: $(basename "$WHEEL"), payterm_${DEB_VERSION}_${ARCH}.deb in dist/"
