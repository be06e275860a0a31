#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds (once) the KUnit/debug kernel and prints its build directory.
#
#   scripts/debug-kernel.sh            build or reuse the kernel, print KDIR
#   scripts/debug-kernel.sh --module   also build anp.ko and anp_kunit.ko for
#                                      it into build/debug/module/
#   scripts/debug-kernel.sh --print    print KDIR if built, else fail
#
# Source: /usr/src/linux-source-6.1.tar.xz (Debian's linux-source-6.1).
# Config: `make tinyconfig` + scripts/kernel/debug.config + olddefconfig,
# then every line of the fragment is checked against the final .config.
# Cache: $ANP_CACHE (default /var/cache/anp)/kernel/<key>/linux, where key
# hashes the linux-source package version and the fragment, so a clone
# rebuilds only when one of them changes.  KDIR holds
# arch/x86/boot/bzImage and serves `make -C KDIR M=...` module builds.
#
# Progress goes to stderr, the full build log to <cache>/build.log; only
# KDIR goes to stdout.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FRAG=$ROOT/scripts/kernel/debug.config
TARBALL=/usr/src/linux-source-6.1.tar.xz
CACHE=${ANP_CACHE:-/var/cache/anp}
JOBS=$(nproc)

log() { echo "debug-kernel: $*" >&2; }
die() { log "error: $*"; exit 1; }

mode=kernel
case "${1:-}" in
'') ;;
--module) mode=module ;;
--print) mode=print ;;
*) die "usage: $0 [--module|--print]" ;;
esac

[ -r "$TARBALL" ] || die "$TARBALL missing: run scripts/install-deps.sh"
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
	die "linux-source-6.1 is not installed: run scripts/install-deps.sh"
key=$( (echo "$srcver"; cat "$FRAG") | sha256sum | cut -c1-16)
DIR=$CACHE/kernel/$key
KDIR=$DIR/linux

# Checks that every option of the fragment has the requested value in
# $1/.config; prints the ones that do not.
verify_config() {
	local cfg=$1/.config bad=0 line opt val
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			if ! grep -qxF -- "$line" "$cfg"; then
				log "option lost: $line (have: $(grep -E "^(# )?${line%%=*}[= ]" "$cfg" || echo absent))"
				bad=1
			fi
			;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }
			opt=${opt%% *}
			if val=$(grep -E "^$opt=" "$cfg"); then
				log "option lost: $line (have: $val)"
				bad=1
			fi
			;;
		esac
	done < "$FRAG"
	return $bad
}

build_kernel() {
	local t0 t1
	mkdir -p "$DIR"
	exec 9>"$DIR/lock"
	flock 9
	if [ -e "$DIR/done" ]; then
		return 0
	fi
	t0=$(date +%s)
	log "building the debug kernel in $KDIR (log: $DIR/build.log); the first build takes 10-20 minutes"
	rm -rf "$KDIR" "$DIR/unpack"
	mkdir -p "$DIR/unpack"
	tar -xf "$TARBALL" -C "$DIR/unpack"
	mv "$DIR/unpack/linux-source-6.1" "$KDIR"
	rmdir "$DIR/unpack"
	{
		make -C "$KDIR" tinyconfig
		"$KDIR/scripts/kconfig/merge_config.sh" -m -O "$KDIR" \
			"$KDIR/.config" "$FRAG"
		make -C "$KDIR" olddefconfig
	} > "$DIR/build.log" 2>&1 || die "configuration failed: see $DIR/build.log"
	verify_config "$KDIR" || die "fragment options did not survive olddefconfig (see above)"
	log "config ok; compiling with -j$JOBS"
	make -C "$KDIR" -j"$JOBS" all >> "$DIR/build.log" 2>&1 || {
		tail -n 30 "$DIR/build.log" >&2
		die "kernel build failed: see $DIR/build.log"
	}
	[ -f "$KDIR/arch/x86/boot/bzImage" ] || die "no bzImage after the build"
	t1=$(date +%s)
	echo "$srcver" > "$DIR/source-version"
	cp "$FRAG" "$DIR/debug.config"
	echo "$((t1 - t0))" > "$DIR/build-seconds"
	touch "$DIR/done"
	log "kernel built in $((t1 - t0)) s"
}

build_module() {
	local out=$ROOT/build/debug
	mkdir -p "$out"
	# A copy: one source directory cannot hold objects for two kernels.
	rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude='modules.order' \
		--exclude='Module.symvers' --exclude='*.a' \
		"$ROOT/module" "$ROOT/uapi" "$out/"
	cp "$ROOT/Kbuild" "$out/Kbuild"
	# No stale module may survive a failed build.
	rm -f "$out/module/anp.ko" "$out/module/test/anp_kunit.ko"
	log "building the module against the debug kernel in $out"
	make -C "$KDIR" M="$out" -j"$JOBS" modules >&2 ||
		die "module build against the debug kernel failed"
	[ -f "$out/module/anp.ko" ] || die "no $out/module/anp.ko"
	[ -f "$out/module/test/anp_kunit.ko" ] || die "no $out/module/test/anp_kunit.ko"
}

case $mode in
print)
	[ -e "$DIR/done" ] || die "debug kernel not built yet (run $0)"
	;;
kernel)
	build_kernel
	;;
module)
	build_kernel
	build_module
	;;
esac
echo "$KDIR"
