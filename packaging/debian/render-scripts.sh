#!/bin/sh
# Write the maintainer scripts into OUT_DIR with data_guard.py inlined where a script
# has the line "@DATA_GUARD@" (postrm purge runs after the package's files are gone, so
# the guard must travel inside the scripts). Used by build.sh and the tests.
set -eu
here=$(dirname "$0")
out=${1:?usage: render-scripts.sh OUT_DIR}
mkdir -p "$out"
for script in preinst postinst prerm postrm; do
    awk -v guard="$here/data_guard.py" '
        $0 == "@DATA_GUARD@" { while ((getline line < guard) > 0) print line; next }
        { print }' "$here/$script" > "$out/$script"
    chmod 0755 "$out/$script"
done
