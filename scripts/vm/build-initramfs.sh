#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/vm/build-initramfs.sh KVER|none
#
# Builds (or reuses) the test VM's initramfs and prints its path:
# busybox-static, scripts/vm/init (which switches root to the host's root
# overlay, so module autoload uses the real /sbin/modprobe), and, for a
# stock kernel KVER, the virtio_pci, 9pnet_virtio, 9p and overlay modules with their
# dependencies (`modprobe -S KVER --show-depends`).  "none" builds one with
# no modules, for the debug kernel (everything built in).
# Cached in build/vm/, keyed by the kernel, the module list and this
# directory's scripts.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/scripts/vm
kver=${1:?usage: $0 KVER|none}
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] || { echo "build-initramfs: no $BUSYBOX: run scripts/install-deps.sh" >&2; exit 1; }

mods=()
if [ "$kver" != none ]; then
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		while read -r word path _; do
			[ "$word" = insmod ] || continue
			case " ${mods[*]} " in *" $path "*) ;; *) mods+=("$path") ;; esac
		done < <(modprobe -S "$kver" --show-depends "$m" || true)
	done
fi

key=$( (echo "$kver"; printf '%s\n' "${mods[@]}"; sha256sum "$HERE/init" "$0" "$BUSYBOX") |
	sha256sum | cut -c1-12)
out=$ROOT/build/vm/initramfs-$kver-$key.cpio.gz
if [ -f "$out" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$ROOT/build/vm"
tmp=$(mktemp -d "$ROOT/build/vm/tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
stage=$tmp/root
mkdir -p "$stage"/{bin,sbin,dev,proc,sys,modules,lower,upper,root,tmp}
cp "$BUSYBOX" "$stage/bin/busybox"
for a in $("$BUSYBOX" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$stage/bin/$a"
done
install -m 755 "$HERE/init" "$stage/init"

if [ ${#mods[@]} -gt 0 ]; then
	: > "$stage/modules.list"
	for p in "${mods[@]}"; do
		b=$(basename "$p")
		case "$p" in
		*.ko.xz) xz -dc "$p" > "$stage/modules/${b%.xz}"; b=${b%.xz} ;;
		*.ko.zst) zstd -qdc "$p" > "$stage/modules/${b%.zst}"; b=${b%.zst} ;;
		*.ko.gz) gzip -dc "$p" > "$stage/modules/${b%.gz}"; b=${b%.gz} ;;
		*) cp "$p" "$stage/modules/$b" ;;
		esac
		echo "$b" >> "$stage/modules.list"
	done
fi

(cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet) |
	gzip -1 > "$tmp/initramfs.cpio.gz"
mv "$tmp/initramfs.cpio.gz" "$out"
# Older builds for this kernel are stale.
find "$ROOT/build/vm" -maxdepth 1 -name "initramfs-$kver-*.cpio.gz" ! -path "$out" -mmin +10 -delete
echo "$out"
