#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test VM (scripts/test.sh boots it through vm-run.sh):
# every test suite against the running kernel, each suite's results as
# normalised TAP in /out/<suite>.tap, read by scripts/test.sh.
#
#   kunit      (debug kernel) insmod anp.ko and anp_kunit.ko; the KTAP the
#              suites print while the module loads, one test point per case
#   selftests  every TEST_PROGS / TEST_GEN_PROGS of selftests/Makefile; a
#              script printing TAP with a plan counts per test point, else
#              as one point by its exit status (0 pass, 4 skip, else fail)
#   bats       bats --tap selftests/bats/
#   conformance  $ANP_BIN/anp_conformance, with anp.ko loaded
#
# Normalised TAP: one line per test point, "ok - suite: name",
# "ok - suite: name # SKIP why" or "not ok - suite: name".  A suite whose
# sources are absent from the tree is recorded as absent in /out/suites.txt
# ("<suite> ran|absent"), never as a pass.  anp is unloaded before and
# after every suite; a failing unload is a failed test point.  On the
# debug kernel kmemleak is scanned at the end (report in /out/kmemleak.txt).
#
# ANP_SUITES="kunit bats ..." runs only those suites (default: all).
# Environment given to the suites: ANP_KO, ANP_KUNIT_KO (debug only),
# ANP_BIN, ANP_KERNEL (stock|debug, set by vm-run.sh).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
OUT=${ANP_OUT:-/out}
export ANP_KERNEL=${ANP_KERNEL:-stock}
export ANP_BIN=$ROOT/build/bin
# tcp_netem.sh's transfer per case: the 100 MB of issue 4 on the stock
# kernel (21 cases, about 5 minutes under TCG); on the debug kernel,
# whose KASAN and lockdep make TCP under TCG about 15 times slower
# (1 MiB per case takes 1 s there, 0.1 s on stock), 1 MiB, so that the
# same recovery paths run under the checkers within the CI's time.
if [ "$ANP_KERNEL" = debug ]; then
	export ANP_TCP_NETEM_BYTES=${ANP_TCP_NETEM_BYTES:-1M}
	export ANP_KO=$ROOT/build/debug/module/anp.ko
	export ANP_KUNIT_KO=$ROOT/build/debug/module/test/anp_kunit.ko
	suite_timeout=${ANP_SUITE_TIMEOUT:-3600}
	prog_timeout=${ANP_PROG_TIMEOUT:-1800}
else
	export ANP_TCP_NETEM_BYTES=${ANP_TCP_NETEM_BYTES:-100M}
	export ANP_KO=$ROOT/module/anp.ko
	unset ANP_KUNIT_KO
	suite_timeout=${ANP_SUITE_TIMEOUT:-1200}
	prog_timeout=${ANP_PROG_TIMEOUT:-900}
fi
KMEMLEAK=/sys/kernel/debug/kmemleak

: > "$OUT/suites.txt"
say() { echo "in-vm-tests: $*"; }
kmsg() { echo "anp-tests: $*" > /dev/kmsg 2>/dev/null || true; }

# normalise SUITE PREFIX RC < raw-output: prints normalised TAP (see top).
# Column-0 "ok"/"not ok" lines are the test points; a plan ("1..N") with
# fewer points, or a failing exit status with no failing point, adds a
# failing point; no point at all makes the whole run one point.
normalise() {
	awk -v suite="$1" -v pfx="$2" -v rc="$3" '
	function emit(ok, desc) { print ok " - " suite ": " desc; n++ }
	/^1\.\.[0-9]+/ {
		plan = substr($0, 4) + 0
		if ($0 ~ /# *[Ss][Kk][Ii][Pp]/) planskip = 1
		next
	}
	/^(not ok|ok)([ \t]|$)/ {
		isnot = ($0 ~ /^not ok/)
		d = $0
		sub(/^(not ok|ok)[ \t]*[0-9]*[ \t]*(- )?/, "", d)
		if (d == "") d = "point " (n + 1)
		if (pfx != "") d = pfx ": " d
		if (isnot) { bad++; emit("not ok", d) } else emit("ok", d)
		next
	}
	END {
		name = (pfx != "") ? pfx : suite
		if (n == 0) {
			if (rc == 4 || (planskip && rc == 0))
				emit("ok", name " # SKIP (exit " rc ")")
			else if (rc == 0 && plan == "")
				emit("ok", name)
			else
				emit("not ok", name " (exit status " rc ", no test point)")
			exit
		}
		if (plan != "" && n < plan)
			emit("not ok", name " (plan 1.." plan ", only " n " results)")
		if (rc != 0 && rc != 4 && bad == 0)
			emit("not ok", name " (exit status " rc ")")
	}'
}

loaded() { grep -q "^$1 " /proc/modules; }

# unload_anp TAPFILE WHEN: removes anp_kunit and anp if loaded; a failure
# is recorded as a failing point in TAPFILE.
unload_anp() {
	local tap=$1 when=$2 m i
	for m in anp_kunit anp; do
		loaded $m || continue
		# A closed socket drops its module reference when its memory
		# is freed, after an RCU grace period (SOCK_RCU_FREE), and a
		# deleted netns is dismantled by a workqueue: give the count
		# up to 10 s to reach 0, as a user's rmmod after closing
		# everything would.
		for ((i = 0; i < 200; i++)); do
			[ "$(cat /sys/module/$m/refcnt 2>/dev/null)" = 0 ] && break
			sleep 0.05
		done
		if ! rmmod $m 2>&1; then
			echo "not ok - unload: rmmod $m $when" >> "$tap"
			say "rmmod $m failed $when"
			lsmod | grep -E "^(anp|anp_kunit) " || true
		fi
	done
}

run_kunit() {
	local tap=$OUT/kunit.tap raw=$OUT/kunit.ktap rc=0
	if [ "$ANP_KERNEL" != debug ]; then
		return
	fi
	if ! ls module/test/*-test.c > /dev/null 2>&1; then
		echo "kunit absent" >> "$OUT/suites.txt"
		return
	fi
	echo "kunit ran" >> "$OUT/suites.txt"
	: > "$tap"
	if [ ! -f "$ANP_KUNIT_KO" ] || [ ! -f "$ANP_KO" ]; then
		echo "not ok - kunit: $ANP_KO or $ANP_KUNIT_KO not built" >> "$tap"
		return
	fi
	kmsg "kunit start"
	if ! insmod "$ANP_KO"; then
		echo "not ok - kunit: insmod anp.ko" >> "$tap"
		return
	fi
	timeout "$suite_timeout" insmod "$ANP_KUNIT_KO" || rc=$?
	kmsg "kunit end"
	# The KTAP the suites printed: "    # Subtest: S", "    1..N",
	# "    ok I case" (4 spaces: a case; 8: a parameter, not counted).
	dmesg -t | sed -n '/anp-tests: kunit start/,/anp-tests: kunit end/p' > "$raw"
	awk -v rc="$rc" '
	/^    # Subtest: / { s = substr($0, 16); suites++; next }
	/^    1\.\.[0-9]+/ { plan[s] = substr($0, 8) + 0; next }
	/^    (not ok|ok) [0-9]+ / {
		line = substr($0, 5); isnot = (line ~ /^not ok/)
		sub(/^(not ok|ok) [0-9]+ (- )?/, "", line)
		print (isnot ? "not ok" : "ok") " - kunit: " s "." line
		got[s]++
		next
	}
	END {
		if (suites == 0)
			print "not ok - kunit: no suite ran (insmod anp_kunit.ko exit " rc ")"
		for (x in plan)
			if (got[x] < plan[x])
				print "not ok - kunit: " x " (plan 1.." plan[x] ", only " got[x]+0 " results)"
		if (rc != 0)
			print "not ok - kunit: insmod anp_kunit.ko exit status " rc
	}' "$raw" >> "$tap"
	unload_anp "$tap" "after kunit"
}

# Prints the value of make variable $1 in selftests/Makefile.
selftests_var() {
	make -s --no-print-directory -C selftests \
		--eval="anp-print-var: ; @echo \$($1)" anp-print-var 2>/dev/null ||
		sed -n "/^$1[ \t]*[:+]\?=/,/[^\\\\]\$/p" selftests/Makefile |
		sed "s/^$1[ \t]*[:+]\?=//; s/\\\\\$//" | tr '\n' ' '
}

run_selftests() {
	local tap=$OUT/selftests.tap progs p rc name log
	if [ ! -f selftests/Makefile ]; then
		echo "selftests absent" >> "$OUT/suites.txt"
		return
	fi
	echo "selftests ran" >> "$OUT/suites.txt"
	: > "$tap"
	progs="$(selftests_var TEST_PROGS) $(selftests_var TEST_GEN_PROGS)"
	if [ -z "${progs// /}" ]; then
		echo "not ok - selftests: no TEST_PROGS in selftests/Makefile" >> "$tap"
		return
	fi
	mkdir -p "$OUT/selftests"
	for p in $progs; do
		name=$(basename "$p")
		log=$OUT/selftests/$name.log
		say "selftests: $p"
		if [ ! -x "selftests/$p" ]; then
			echo "not ok - selftests: $p (missing or not executable)" >> "$tap"
			continue
		fi
		rc=0
		t0=$(date +%s)
		(cd selftests && timeout -k 10 "$prog_timeout" "./$p") > "$log" 2>&1 < /dev/null || rc=$?
		[ $rc != 124 ] || echo "# TIMEOUT after ${prog_timeout}s" >> "$log"
		normalise selftests "$name" $rc < "$log" >> "$tap"
		say "selftests: $p: exit $rc, $(( $(date +%s) - t0 )) s"
		unload_anp "$tap" "after $name"
	done
}

run_bats() {
	local tap=$OUT/bats.tap raw=$OUT/bats.raw rc=0
	if ! ls selftests/bats/*.bats > /dev/null 2>&1; then
		echo "bats absent" >> "$OUT/suites.txt"
		return
	fi
	echo "bats ran" >> "$OUT/suites.txt"
	: > "$tap"
	timeout -k 10 "$suite_timeout" bats --tap selftests/bats/ > "$raw" 2>&1 < /dev/null || rc=$?
	normalise bats "" $rc < "$raw" >> "$tap"
	unload_anp "$tap" "after bats"
}

run_conformance() {
	local tap=$OUT/conformance.tap raw=$OUT/conformance.raw rc=0
	if ! ls userspace-tests/*.cpp > /dev/null 2>&1; then
		echo "conformance absent" >> "$OUT/suites.txt"
		return
	fi
	echo "conformance ran" >> "$OUT/suites.txt"
	: > "$tap"
	if [ ! -x "$ANP_BIN/anp_conformance" ]; then
		echo "not ok - conformance: $ANP_BIN/anp_conformance not built" >> "$tap"
		return
	fi
	if ! insmod "$ANP_KO"; then
		echo "not ok - conformance: insmod $ANP_KO" >> "$tap"
		return
	fi
	timeout -k 10 "$suite_timeout" "$ANP_BIN/anp_conformance" > "$raw" 2>&1 < /dev/null || rc=$?
	normalise conformance "" $rc < "$raw" >> "$tap"
	unload_anp "$tap" "after conformance"
}

show() { [ -f "$1" ] && sed 's/^/    /' "$1"; }

say "kernel $ANP_KERNEL ($(uname -r)), ANP_KO=$ANP_KO"
: > "$OUT/harness.tap"
unload_anp "$OUT/harness.tap" "before the tests"
if [ "$ANP_KERNEL" = debug ] && [ -w "$KMEMLEAK" ]; then
	# Forget what boot leaked: only leaks made by the tests are reported.
	echo scan > "$KMEMLEAK"
	echo clear > "$KMEMLEAK"
fi

for s in ${ANP_SUITES:-kunit selftests bats conformance}; do
	say "suite $s: start ($(cut -d' ' -f1 /proc/uptime) s since boot)"
	kmsg "suite $s start"
	"run_$s"
	kmsg "suite $s end"
	show "$OUT/$s.tap"
done

unload_anp "$OUT/harness.tap" "at the end"
if [ "$ANP_KERNEL" = debug ]; then
	if [ -w "$KMEMLEAK" ]; then
		# kmemleak does not report objects younger than 5 s
		# (Documentation/dev-tools/kmemleak.rst), hence the wait; two
		# scans, as the documentation advises, to limit false positives.
		sleep 6
		echo scan > "$KMEMLEAK"
		echo scan > "$KMEMLEAK"
		cat "$KMEMLEAK" > "$OUT/kmemleak.txt"
	else
		echo "not ok - harness: $KMEMLEAK not available" >> "$OUT/harness.tap"
	fi
fi
show "$OUT/harness.tap"
say "done ($(cut -d' ' -f1 /proc/uptime) s since boot)"
exit 0
