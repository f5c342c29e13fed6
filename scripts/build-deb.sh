#!/usr/bin/env bash
# Builds the Debian package from a built kairos binary, with dpkg-deb (no debhelper):
#   scripts/build-deb.sh BINARY OUTDIR [VERSION]
# Writes OUTDIR/kairos_<version>_<arch>.deb and prints its path. Needs dpkg-dev
# (dpkg-shlibdeps) and binutils (strip), both in build-essential.
set -euo pipefail

binary=${1:?usage: build-deb.sh BINARY OUTDIR [VERSION]}
outdir=${2:?usage: build-deb.sh BINARY OUTDIR [VERSION]}
here=$(cd "$(dirname "$0")/.." && pwd)
version=${3:-$("$binary" version | awk '{print $2}')}
arch=$(dpkg --print-architecture)
pkg=$here/packaging

mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
doc=$root/usr/share/doc/kairos

# Files, with the modes Debian expects.
install -D -m 0755 "$binary" "$root/usr/bin/kairos"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/kairos"
install -D -m 0644 "$pkg/kairos.service" "$root/lib/systemd/system/kairos.service"
install -D -m 0644 "$pkg/kairos.toml" "$root/etc/kairos/kairos.toml"
install -D -m 0644 "$pkg/debian/copyright" "$doc/copyright"
mkdir -p "$root/usr/share/man/man1"
gzip -9n < "$pkg/kairos.1" > "$root/usr/share/man/man1/kairos.1.gz"
chmod 0644 "$root/usr/share/man/man1/kairos.1.gz"
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$(date -R -u -d @"${SOURCE_DATE_EPOCH:-$(date +%s)}")/" \
  "$pkg/debian/changelog" | gzip -9n > "$doc/changelog.gz"
# Documentation: the README and the guides, compressed as policy asks of larger files.
for f in "$here/README.md" "$here"/docs/*.md; do
  gzip -9n < "$f" > "$doc/$(basename "$f").gz"
done
chmod 0644 "$doc"/*
find "$root" -type d -exec chmod 0755 {} +

# Control files: shared-library dependencies from dpkg-shlibdeps, which wants a
# debian/control beside it.
mkdir -p "$root/DEBIAN" "$work/src/debian"
printf 'Source: kairos\n\nPackage: kairos\nArchitecture: any\n' > "$work/src/debian/control"
shlibs=$(cd "$work/src" && dpkg-shlibdeps -O -e"$root/usr/bin/kairos" 2> /dev/null | sed -n 's/^shlibs:Depends=//p')
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
  -e "s/@DEPENDS@/${shlibs:+$shlibs, }adduser/" "$pkg/debian/control.in" > "$root/DEBIAN/control"
echo /etc/kairos/kairos.toml > "$root/DEBIAN/conffiles"
for script in postinst prerm postrm; do
  install -m 0755 "$pkg/debian/$script" "$root/DEBIAN/$script"
done
(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"

deb=$outdir/kairos_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" > /dev/null
echo "$deb"
