#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/test.sh [--kernel stock|debug|both]   (`make test`: both)
#
# Builds everything (make all; the debug kernel and the module for it),
# boots the VM once per kernel running scripts/in-vm-tests.sh, then counts
# the normalised TAP each suite left in build/test/<kernel>/<suite>.tap:
# "ok" = passed, "not ok" = failed, "# SKIP"/"# TODO" = skipped (never a
# pass).  Also failures: a build that fails, a VM that does not boot or
# finish, a suite present in the tree that left no results, and every
# kernel splat (Oops, BUG, WARNING, KASAN, UBSAN, lockdep, kmemleak, ...)
# in the kernel log, whose lines are printed.
# Last line: "N passed, N failed" (", N skipped" when some were skipped).
# Exit status 0 only when nothing failed.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
kernels="stock debug"
norun=0
usage() { echo "usage: $0 [--kernel stock|debug|both] [--no-run]" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel)
		case "${2:-}" in
		stock|debug) kernels=$2 ;;
		both) ;;
		*) usage ;;
		esac
		shift 2
		;;
	--no-run) norun=1; shift ;;	# only count build/test/<kernel>/ again
	*) usage ;;
	esac
done
# VM time limits: the debug kernel (KASAN, lockdep, kmemleak under TCG)
# is several times slower than the stock one; a stock run takes about
# 22 minutes (5 of them tcp_netem.sh's 100 MB cases), a debug one 50.
STOCK_TIMEOUT=${ANP_STOCK_TIMEOUT:-2700}
DEBUG_TIMEOUT=${ANP_DEBUG_TIMEOUT:-4500}

T0=$(date +%s)
passed=0 failed=0 skipped=0
declare -a summary=()
declare -a failures=()

fail() {
	failed=$((failed + 1))
	failures+=("$*")
	echo "FAIL: $*"
}
elapsed() { echo "$(( $(date +%s) - T0 ))s"; }

# --- build ----------------------------------------------------------------
debug_ok=1
[ $norun = 1 ] || {
echo "== build (stock kernel module and userspace) [$(elapsed)]"
make all || fail "build: make all"
if grep -qE '^TEST_GEN_PROGS' selftests/Makefile 2>/dev/null; then
	make -C selftests || fail "build: make -C selftests"
fi
case " $kernels " in
*" debug "*)
	echo "== build (debug kernel and the module for it) [$(elapsed)]"
	tk0=$(date +%s)
	if ! kdir=$(scripts/debug-kernel.sh); then
		fail "build: debug kernel"
		debug_ok=0
	else
		echo "debug kernel: $kdir ($(( $(date +%s) - tk0 ))s)"
		scripts/debug-kernel.sh --module > /dev/null ||
			fail "build: module for the debug kernel"
	fi
	;;
esac
}

# --- splat scan -----------------------------------------------------------
# A splat starts at a line matching HEAD; lines matching only "Call Trace"
# count when no HEAD line precedes them within the report.
HEAD='Oops|BUG:|kernel BUG at|WARNING:|KASAN:|UBSAN:|possible circular locking|possible recursive locking|inconsistent lock state|INFO: .*lock|turning off the locking correctness validator|DEBUG_LOCKS_WARN_ON|unreferenced object|general protection|Kernel panic|stack-protector|unregister_netdevice: waiting for|leaked reference|refcount_t:|list_(add|del) corruption'
scan_splats() {
	local kernel=$1 file n
	for file in "$2/dmesg.txt" "$2/kmemleak.txt"; do
		[ -s "$file" ] || continue
		n=$(awk -v head="$HEAD" '
			$0 ~ head { n++; last = NR; next }
			/Call Trace/ { if (NR - last > 60) { n++; last = NR } }
			END { print n + 0 }' "$file")
		[ "$n" -gt 0 ] || continue
		echo "---- $kernel kernel: $n splat(s) in $(basename "$file"):"
		awk -v head="$HEAD" '
			$0 ~ head || /Call Trace/ { left = 25 }
			left > 0 { print "    " $0; left--; shown++ }
			shown > 400 { print "    ..."; exit }' "$file"
		# Each splat is one failure.
		failed=$((failed + n))
		failures+=("$kernel: $n kernel splat(s) in $(basename "$file") (lines above)")
	done
}

# --- run ------------------------------------------------------------------
for k in $kernels; do
	out=$ROOT/build/test/$k
	if [ "$k" = debug ] && [ $debug_ok = 0 ]; then
		fail "debug: no debug kernel, no test ran"
		continue
	fi
	if [ $norun = 0 ]; then
		rm -rf "$out"
		mkdir -p "$out"
		echo "== $k kernel: booting the VM [$(elapsed)]"
		tv0=$(date +%s)
		vmrc=0
		if [ "$k" = debug ]; then tmo=$DEBUG_TIMEOUT; else tmo=$STOCK_TIMEOUT; fi
		scripts/vm-run.sh --kernel "$k" --timeout "$tmo" --out "$out" \
			-- scripts/in-vm-tests.sh || vmrc=$?
		echo "== $k kernel: VM done in $(( $(date +%s) - tv0 ))s (exit $vmrc)"
		[ $vmrc = 0 ] || fail "$k: the VM run failed (exit $vmrc)"
	fi

	for s in kunit selftests bats conformance; do
		[ "$s" = kunit ] && [ "$k" != debug ] && continue
		status=$(awk -v s="$s" '$1 == s { print $2 }' "$out/suites.txt" 2>/dev/null)
		tap=$out/$s.tap
		if [ "$status" = absent ]; then
			summary+=("$(printf '%-6s %-12s absent (no sources in the tree yet)' "$k" "$s")")
			continue
		fi
		if [ "$status" != ran ] || [ ! -f "$tap" ]; then
			fail "$k: suite $s left no results"
			summary+=("$(printf '%-6s %-12s NO RESULTS' "$k" "$s")")
			continue
		fi
		read -r p f sk < <(awk '
			/^not ok/ { if ($0 ~ /# *(SKIP|TODO)/) s++; else f++; next }
			/^ok/ { if ($0 ~ /# *(SKIP|TODO)/) s++; else p++ }
			END { print p + 0, f + 0, s + 0 }' "$tap")
		passed=$((passed + p)); skipped=$((skipped + sk))
		while IFS= read -r line; do
			fail "$k: $line"
		done < <(grep '^not ok' "$tap" | grep -vE '# *(SKIP|TODO)')
		summary+=("$(printf '%-6s %-12s %4d passed %4d failed %4d skipped' "$k" "$s" "$p" "$f" "$sk")")
	done
	if [ -s "$out/harness.tap" ]; then
		while IFS= read -r line; do
			fail "$k: $line"
		done < <(grep '^not ok' "$out/harness.tap")
	fi
	scan_splats "$k" "$out"
done

echo
echo "== summary ($(elapsed) total)"
for line in "${summary[@]}"; do
	echo "  $line"
done
if [ $failed -gt 0 ]; then
	echo "== failures:"
	for line in "${failures[@]}"; do
		echo "  $line"
	done
fi
if [ $skipped -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ]
