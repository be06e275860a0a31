#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/vm-run.sh [options] -- 'shell command'
#
# Boots QEMU with the stock or the debug kernel and runs the command as root
# inside, with the host's root read-only (9p) under a tmpfs overlay, cwd
# the repository (same path as on the host), the host's tools on PATH, and
# ANP_KERNEL=stock|debug in the environment.  The command's stdout and
# stderr (merged) reach this script's stdout; the script exits with the
# command's exit status, or 125 if the VM did not boot or the command never
# finished (timeout).
#
# Options:
#   --kernel stock|debug  stock: /boot/vmlinuz-$(scripts/stock-kver.sh)
#                         debug: scripts/debug-kernel.sh's bzImage (must be
#                         built already).  Default stock.
#   --mem MB              guest memory (default 1024 stock, 2048 debug)
#   --smp N               vCPUs (default: min(2, nproc))
#   --out DIR             host directory shared writable at /out (default: a
#                         temporary directory, removed at the end).  After
#                         the run it holds rc, dmesg.txt (the kernel log at
#                         the end), console.log (the kernel console, quiet)
#                         and whatever the command wrote to /out.
#   --timeout SEC         kill the VM after SEC seconds (default 1800 stock,
#                         5400 debug)
#   --append ARGS         extra kernel command line arguments
#   --verbose             kernel console at loglevel 7, printed at the end
#
# KVM is used when /dev/kvm works (probed), else TCG.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
kernel=stock mem= smp= out= timeout= append= verbose=0

die() { echo "vm-run: $*" >&2; exit 125; }
usage() { sed -n '3,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0" >&2; exit 125; }

# stock_vmlinux VMLINUZ KVER: prints the path of the uncompressed vmlinux
# (cached in build/vm/) when it can be extracted and has a PVH entry note:
# QEMU then starts it directly, skipping the decompression of the xz image
# in emulated code (about 4 s under TCG).  Else prints VMLINUZ.
stock_vmlinux() {
	local img=$ROOT/build/vm/vmlinux-$2
	if [ ! -s "$img" ]; then
		mkdir -p "$ROOT/build/vm"
		python3 - "$1" "$img.tmp.$$" <<'PY' 2>/dev/null && mv "$img.tmp.$$" "$img" || rm -f "$img.tmp.$$"
import gzip, lzma, sys
data = open(sys.argv[1], 'rb').read()
for magic, dec in ((b'\xfd7zXZ\x00', lambda b: lzma.LZMADecompressor().decompress(b)),
                   (b'\x1f\x8b\x08', lambda b: gzip.GzipFile(fileobj=__import__('io').BytesIO(b)).read())):
    off = data.find(magic)
    if off < 0:
        continue
    try:
        out = dec(data[off:])
    except Exception:
        continue
    if out[:4] == b'\x7fELF':
        open(sys.argv[2], 'wb').write(out)
        sys.exit(0)
sys.exit(1)
PY
	fi
	# XEN_ELFNOTE_PHYS32_ENTRY (18): the PVH entry point QEMU needs.
	if [ -s "$img" ] && readelf -n "$img" 2>/dev/null | grep -q '(0x00000012)'; then
		echo "$img"
	else
		echo "$1"
	fi
}

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=${2:?}; shift 2 ;;
	--mem) mem=${2:?}; shift 2 ;;
	--smp) smp=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--append) append=${2:?}; shift 2 ;;
	--verbose) verbose=1; shift ;;
	--) shift; break ;;
	-h|--help) usage ;;
	*) usage ;;
	esac
done
[ $# -ge 1 ] || usage
cmd="$*"

case "$kernel" in
stock)
	kver=$("$ROOT/scripts/stock-kver.sh") || die "cannot tell the stock kernel version"
	bzimage=/boot/vmlinuz-$kver
	[ -r "$bzimage" ] || die "no $bzimage: run scripts/install-deps.sh"
	bzimage=$(stock_vmlinux "$bzimage" "$kver")
	initrd=$("$ROOT/scripts/vm/build-initramfs.sh" "$kver") || die "initramfs build failed"
	: "${mem:=1024}" "${timeout:=1800}"
	;;
debug)
	kdir=$("$ROOT/scripts/debug-kernel.sh" --print) ||
		die "the debug kernel is not built: run scripts/debug-kernel.sh"
	bzimage=$kdir/arch/x86/boot/bzImage
	# Not vmlinux through PVH: a KASAN kernel dies silently that way.
	initrd=$("$ROOT/scripts/vm/build-initramfs.sh" none) || die "initramfs build failed"
	# Report every KASAN error, not only the first; no dummy0 (the
	# stock kernel's dummy is a module, not loaded at boot).
	append="kasan_multi_shot dummy.numdummies=0 $append"
	# Without ACPI (older fragment) the kernel sees one CPU only.
	grep -q '^CONFIG_ACPI=y' "$kdir/.config" || : "${smp:=1}"
	: "${mem:=2048}" "${timeout:=5400}"
	;;
*) die "--kernel must be stock or debug" ;;
esac
if [ -z "$smp" ]; then
	smp=$(nproc)
	[ "$smp" -le 2 ] || smp=2
fi

tmpout=0
if [ -z "$out" ]; then
	out=$(mktemp -d /tmp/anp-vm.XXXXXX)
	tmpout=1
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out/rc" "$out/dmesg.txt" "$out/console.log"
cleanup() { [ $tmpout = 0 ] || rm -rf "$out"; }
trap cleanup EXIT

{
	echo "# written by scripts/vm-run.sh"
	echo "export ANP_KERNEL=$kernel"
	printf 'cd %q || exit 125\n' "$ROOT"
	printf '%s\n' "$cmd"
} > "$out/cmd.sh"

if [ $verbose = 1 ]; then
	loglevel=7
else
	loglevel=3
fi

# /dev/kvm can exist yet be unusable (nested virtualisation refusing an
# MSR makes QEMU abort at the first vCPU reset): run firmware alone for a
# moment; only a QEMU still running when timeout stops it proves KVM works.
kvm_works() {
	[ -w /dev/kvm ] && [ -r /dev/kvm ] || return 1
	local rc
	rc=$(timeout 2 qemu-system-x86_64 -enable-kvm -cpu host -M pc \
		-nodefaults -no-user-config -display none -no-reboot \
		-monitor none -serial none < /dev/null > /dev/null 2>&1
	     echo $?) 2> /dev/null
	[ "$rc" -eq 124 ]
}

accel=(-accel tcg)
if kvm_works; then
	accel=(-enable-kvm -cpu host)
fi

t0=$(date +%s.%N)
set +e
timeout -k 10 "$timeout" qemu-system-x86_64 \
	"${accel[@]}" -M pc -m "$mem" -smp "$smp" \
	-nodefaults -no-user-config -display none -no-reboot -monitor none \
	-kernel "$bzimage" -initrd "$initrd" \
	-append "console=ttyS0 quiet loglevel=$loglevel panic=-1 log_buf_len=8M printk.devkmsg=on rdinit=/init $append" \
	-serial "file:$out/console.log" -serial stdio \
	-virtfs local,path=/,mount_tag=hostroot,readonly=on,security_model=none,multidevs=remap \
	-virtfs "local,path=$out,mount_tag=out,security_model=none" \
	< /dev/null
qrc=$?
set -e
t1=$(date +%s.%N)
secs=$(echo "$t1 - $t0" | bc)

if [ $verbose = 1 ]; then
	echo "----- kernel console ($out/console.log) -----" >&2
	cat "$out/console.log" >&2
fi
if [ ! -s "$out/rc" ]; then
	if [ $qrc = 124 ] || [ $qrc = 137 ]; then
		echo "vm-run: TIMEOUT: the command did not finish within ${timeout}s ($kernel kernel)" >&2
	else
		echo "vm-run: the VM did not run the command to the end (qemu exit $qrc, $kernel kernel)" >&2
	fi
	echo "----- last kernel console lines -----" >&2
	tail -n 40 "$out/console.log" >&2 2>/dev/null || true
	if [ -s "$out/dmesg.txt" ]; then
		echo "----- last dmesg lines -----" >&2
		tail -n 40 "$out/dmesg.txt" >&2
	fi
	exit 125
fi
rc=$(cat "$out/rc")
[ -z "${ANP_VM_TIMING:-}" ] || printf 'vm-run: %s kernel, %.1f s wall, exit %s\n' "$kernel" "$secs" "$rc" >&2
exit "$rc"
