#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the AF_ANP selftests (sourced, not run).
#
#   anp_run_tests t_a t_b ...   TAP 13 driver: one test point per function
#                               (ANP_TESTS="a b" in the environment: only those)
#   expect DESC CMD...          records a failure and goes on
#   fail MSG / skip REASON      end a test function: return $(fail ...)
#   anp_ns_create VAR           new netns (unique name) in $VAR, torn down
#                               after the test and on EXIT
#   anp_dev_add NS DEV          ip link add DEV type anp in NS, link up
#   anp_host_setup NS DEV LINUX_CIDR HOST_CIDR
#                               device + Linux address + host address
#   anp_stat NAME [NS]          one counter from `anpctl stats`
#   anp_stats_snap NS ARRAY     every counter into an associative array
#   wait_until SECS CMD...      poll CMD (every 0.05 s) until it succeeds
#   anp_pending t_name REASON   the test asserts what the kernel cannot do
#                               yet: it still runs; a failure is reported
#                               "not ok N - name # TODO pending: REASON"
#                               (counted as skipped, never passed), a pass
#                               "not ok N - name (pending case passes:
#                               remove the pending mark)"
#
# Environment: ANP_KO (anp.ko for the running kernel), ANP_BIN (build/bin),
# ANP_KERNEL (stock|debug).  Defaults are this tree's files.

ANP_SELFTEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ANP_ROOT=$(dirname "$ANP_SELFTEST_DIR")
: "${ANP_BIN:=$ANP_ROOT/build/bin}"
: "${ANP_KO:=$ANP_ROOT/module/anp.ko}"
: "${ANP_KERNEL:=stock}"
ANPCTL="$ANP_BIN/anpctl"
ANP_INJECT="$ANP_BIN/anp-inject"
ANP_CONFORMANCE="$ANP_BIN/anp_conformance"

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

# netns names are unique per script run: anpst-<pid>-<n>
ANP_NS_PREFIX="anpst-$$"
ANP_NS_SEQ=0
ANP_NS_LIST=()
ANP_TMPDIR=$(mktemp -d /tmp/anp-selftest.XXXXXX)
ANP_BG_PIDS=()

TEST_FAILED=0
SKIP_REASON=""
declare -A ANP_PENDING=()

# ---- cleanup ---------------------------------------------------------

anp_kill_bg()
{
	local p

	for p in "${ANP_BG_PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	ANP_BG_PIDS=()
}

anp_test_cleanup()
{
	local ns

	anp_kill_bg
	for ns in "${ANP_NS_LIST[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	ANP_NS_LIST=()
}

anp_cleanup()
{
	anp_test_cleanup
	[ -n "$ANP_TMPDIR" ] && rm -rf "$ANP_TMPDIR"
	[ -n "${ANP_EXTRA_CLEANUP:-}" ] && eval "$ANP_EXTRA_CLEANUP"
}

trap anp_cleanup EXIT

# Run "$@" in the background; killed at the end of the test.
anp_bg()
{
	"$@" &
	ANP_BG_PIDS+=($!)
}

# anp_bg_ready VAR NS PROG ARGS...: `PROG ARGS... --ready FILE` in netns
# NS in the background (killed at the end of the test), its output in
# $ANP_TMPDIR/<pid>.out; returns once PROG has written FILE (it is bound
# and listening) and stores its pid in VAR.
anp_bg_ready()
{
	local var=$1 ns=$2 prog=$3 ready pid

	shift 3
	ready=$(mktemp -u "$ANP_TMPDIR/ready.XXXXXX")
	# Not through nsx: a backgrounded function would be a subshell, and
	# $! its pid rather than PROG's (ip netns exec execs it in place).
	ip netns exec "$ns" "$prog" "$@" --ready "$ready" > "$ready.out" 2>&1 &
	pid=$!
	ANP_BG_PIDS+=("$pid")
	if ! wait_until 10 test -s "$ready"; then
		fail "${prog##*/} $* did not get ready: $(cat "$ready.out")"
		return 1
	fi
	ln -sf "$ready.out" "$ANP_TMPDIR/$pid.out"
	printf -v "$var" '%s' "$pid"
}

# ---- TAP -------------------------------------------------------------

diag()
{
	local l

	while IFS= read -r l; do
		echo "# $l"
	done <<< "$*"
}

# expect DESC CMD...: run CMD; on failure record it and print DESC.
expect()
{
	local desc=$1

	shift
	if "$@"; then
		return 0
	fi
	diag "FAIL: $desc"
	TEST_FAILED=1
	return 1
}

# expect_fail DESC CMD...: CMD must fail.
expect_fail()
{
	local desc=$1

	shift
	if "$@"; then
		diag "FAIL: $desc (succeeded, must fail)"
		TEST_FAILED=1
		return 1
	fi
	return 0
}

# fail MSG: print MSG, return 1 (use as `fail "..."; return 1` or
# `... || { fail "..."; return 1; }`).
fail()
{
	diag "FAIL: $*"
	TEST_FAILED=1
	return 1
}

# skip REASON: use as `skip "..."; return $KSFT_SKIP`.
skip()
{
	SKIP_REASON="$*"
	return $KSFT_SKIP
}

# Compare numbers: expect_eq DESC GOT WANT / expect_ge DESC GOT MIN
expect_eq()
{
	if [ "$2" = "$3" ]; then
		return 0
	fi
	fail "$1: got '$2', want '$3'"
}

expect_ge()
{
	if [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge "$3" ]; then
		return 0
	fi
	fail "$1: got '$2', want >= $3"
}

# anp_pending t_name REASON: see the top of this file.
anp_pending()
{
	ANP_PENDING[$1]=$2
}

# anp_run_tests FUNC...: one TAP test point per function.  A function
# returns 0 (pass unless expect/fail recorded a failure), 4 (skip, with
# SKIP_REASON) or anything else (fail).  Exits 0 all passed, 1 any
# failed, 4 all skipped.
anp_run_tests()
{
	local n=0 nfail=0 nskip=0 ntodo=0 t rc name sel=() t0 pend

	# ANP_TESTS="name1 name2": run only those (names without t_).
	if [ -n "${ANP_TESTS:-}" ]; then
		for t in "$@"; do
			[[ " $ANP_TESTS " == *" ${t#t_} "* ]] && sel+=("$t")
		done
		set -- "${sel[@]}"
	fi
	echo "TAP version 13"
	echo "1..$#"
	for t in "$@"; do
		n=$((n + 1))
		name=${t#t_}
		TEST_FAILED=0
		SKIP_REASON=""
		echo "# $name"
		t0=$SECONDS
		"$t"
		rc=$?
		anp_test_cleanup
		echo "# $name: $((SECONDS - t0)) s"
		pend=${ANP_PENDING[$t]:-}
		if [ -n "$pend" ] && [ $rc -ne $KSFT_SKIP ]; then
			if [ "$TEST_FAILED" -ne 0 ] || [ $rc -ne 0 ]; then
				echo "not ok $n - $name # TODO pending: $pend"
				ntodo=$((ntodo + 1))
			else
				echo "# $name is marked pending ($pend) but passes"
				echo "not ok $n - $name (pending case passes: remove the pending mark)"
				nfail=$((nfail + 1))
			fi
		elif [ "$TEST_FAILED" -ne 0 ] || { [ $rc -ne 0 ] && [ $rc -ne $KSFT_SKIP ]; }; then
			echo "not ok $n - $name"
			nfail=$((nfail + 1))
		elif [ $rc -eq $KSFT_SKIP ]; then
			echo "ok $n - $name # SKIP ${SKIP_REASON:-no reason given}"
			nskip=$((nskip + 1))
		else
			echo "ok $n - $name"
		fi
	done
	echo "# $((n - nfail - nskip - ntodo)) passed, $nfail failed, $nskip skipped, $ntodo pending"
	if [ $nfail -ne 0 ]; then
		exit $KSFT_FAIL
	fi
	if [ $n -gt 0 ] && [ $((nskip + ntodo)) -eq $n ]; then
		exit $KSFT_SKIP
	fi
	exit $KSFT_PASS
}

# Whole-script skip (before any test ran).
anp_skip_all()
{
	echo "TAP version 13"
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

anp_require_root()
{
	[ "$(id -u)" -eq 0 ] || anp_skip_all "needs root"
}

# anp_require_cmd CMD...: the whole script needs these programs.
anp_require_cmd()
{
	local c

	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || [ -x "$c" ] ||
			anp_skip_all "$c not installed"
	done
}

# ---- polling ---------------------------------------------------------

# wait_until SECS CMD...: poll CMD until it succeeds or SECS pass.
wait_until()
{
	local secs=$1 i n

	shift
	n=$((secs * 20))
	for ((i = 0; i < n; i++)); do
		if "$@"; then
			return 0
		fi
		sleep 0.05
	done
	"$@"
}

# anp_bg_stop PID [LINES]: SIGTERM to a program anp_bg_ready started,
# then its exit status; its output (the last LINES lines, default all)
# as a diag.
anp_bg_stop()
{
	local rc

	kill -TERM "$1" 2>/dev/null
	wait "$1"
	rc=$?
	if [ -n "${2:-}" ]; then
		diag "$(tail -n "$2" "$ANP_TMPDIR/$1.out")"
	else
		diag "$(cat "$ANP_TMPDIR/$1.out")"
	fi
	return $rc
}

# anp_two_hosts_routed AVAR BVAR: two netns, each with anp0 and its ANP
# host (A: Linux 10.77.0.1, host 10.77.0.2; B: 10.78.0.1 and 10.78.0.2),
# whose Linux stacks forward between them over a veth pair (10.99.0.1 in
# A, 10.99.0.2 in B); each ANP host's default route is its Linux, with
# ROUTE_WORDS (e.g. rto_min 10ms) after `anpctl route add default via
# GW`.  The netns names go to AVAR and BVAR.
anp_two_hosts_routed()
{
	local -n _a=$1 _b=$2

	shift 2

	anp_ns_create _a || return 1
	anp_ns_create _b || return 1
	anp_host_setup "$_a" anp0 10.77.0.1/24 10.77.0.2/24 || return 1
	anp_host_setup "$_b" anp0 10.78.0.1/24 10.78.0.2/24 || return 1
	ip -n "$_a" link add va type veth peer name vb netns "$_b" ||
		{ fail "veth pair"; return 1; }
	ip -n "$_a" addr add 10.99.0.1/24 dev va
	ip -n "$_b" addr add 10.99.0.2/24 dev vb
	ip -n "$_a" link set va up
	ip -n "$_b" link set vb up
	ip -n "$_a" route add 10.78.0.0/24 via 10.99.0.2
	ip -n "$_b" route add 10.77.0.0/24 via 10.99.0.1
	ip netns exec "$_a" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$_b" sysctl -qw net.ipv4.ip_forward=1
	nsx "$_a" "$ANPCTL" route add default via 10.77.0.1 "$@" ||
		{ fail "anpctl route add default via 10.77.0.1 $* in $_a"; return 1; }
	nsx "$_b" "$ANPCTL" route add default via 10.78.0.1 "$@" ||
		{ fail "anpctl route add default via 10.78.0.1 $* in $_b"; return 1; }
}

# ---- module ----------------------------------------------------------

anp_module_loaded()
{
	[ -d /sys/module/anp ] &&
		[ "$(cat /sys/module/anp/initstate 2>/dev/null)" = live ]
}

# Load anp.ko unless it is loaded already.
anp_load_module()
{
	anp_module_loaded && return 0
	if [ ! -f "$ANP_KO" ]; then
		echo "# ANP_KO=$ANP_KO: no such file" >&2
		return 1
	fi
	insmod "$ANP_KO"
}

# The script's prologue: root, tools, module.
anp_setup_common()
{
	anp_require_root
	anp_require_cmd ip "$ANPCTL"
	if ! anp_load_module; then
		echo "TAP version 13"
		echo "1..1"
		echo "not ok 1 - load anp.ko ($ANP_KO)"
		exit $KSFT_FAIL
	fi
}

# ---- netns and devices -----------------------------------------------

# anp_ns_create VAR: a fresh netns, lo up, IPv6 off (so that Linux sends
# no router solicitations or MLD reports that would move counters).
anp_ns_create()
{
	local var=$1 ns

	ANP_NS_SEQ=$((ANP_NS_SEQ + 1))
	ns="$ANP_NS_PREFIX-$ANP_NS_SEQ"
	ip netns add "$ns" || return 1
	ANP_NS_LIST+=("$ns")
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null
	printf -v "$var" '%s' "$ns"
}

# nsx NS CMD...: run CMD in NS (or here when NS is empty).
nsx()
{
	local ns=$1

	shift
	if [ -n "$ns" ]; then
		ip netns exec "$ns" "$@"
	else
		"$@"
	fi
}

# anp_dev_add NS DEV: create an anp device and bring it up.
anp_dev_add()
{
	ip -n "$1" link add "$2" type anp || return 1
	ip -n "$1" link set "$2" up
}

# anp_host_setup NS DEV LINUX_CIDR HOST_CIDR
anp_host_setup()
{
	local ns=$1 dev=$2 lin=$3 host=$4

	anp_dev_add "$ns" "$dev" || { fail "ip link add $dev type anp in $ns"; return 1; }
	ip -n "$ns" addr add "$lin" dev "$dev" ||
		{ fail "ip addr add $lin dev $dev"; return 1; }
	nsx "$ns" "$ANPCTL" addr add "$host" dev "$dev" ||
		{ fail "anpctl addr add $host dev $dev"; return 1; }
}

# anp_host_mac NS ADDR: the ANP host's MAC on the interface holding ADDR,
# as `anpctl addr show` prints it (lladdr), lower case.
anp_host_mac()
{
	nsx "$1" "$ANPCTL" addr show |
		grep -E "(^|[[:space:]])$2(/|[[:space:]]|$)" |
		grep -oiE '([0-9a-f]{2}:){5}[0-9a-f]{2}' | head -n1 |
		tr 'A-F' 'a-f'
}

# anp_dev_mac NS DEV: Linux's MAC of DEV.
anp_dev_mac()
{
	nsx "$1" cat "/sys/class/net/$2/address"
}

# ---- counters --------------------------------------------------------

# anp_stat NAME [NS]: prints the counter; fails when anpctl does or the
# counter does not exist.
anp_stat()
{
	local out

	out=$(nsx "${2:-}" "$ANPCTL" stats) || return 1
	awk -v n="$1" '$1 == n { print $2; f = 1 } END { exit !f }' <<< "$out"
}

# anp_stats_snap NS ARRAY: every counter of NS into associative ARRAY
# (declare -A first).
anp_stats_snap()
{
	local -n _snap=$2
	local k v

	_snap=()
	while read -r k v; do
		[[ "$v" =~ ^[0-9]+$ ]] && _snap[$k]=$v
	done < <(nsx "$1" "$ANPCTL" stats)
	[ ${#_snap[@]} -gt 0 ]
}

# anp_stat_ge NAME NS MIN: counter >= MIN (for wait_until).
anp_stat_ge()
{
	local v

	v=$(anp_stat "$1" "$2") || return 1
	[ "$v" -ge "$3" ]
}

# ip_link_stat NS DEV rx|tx FIELD: a number from `ip -s link show`
# (FIELD: bytes, packets, errors, dropped, ...).
ip_link_stat()
{
	nsx "$1" ip -s link show dev "$2" | awk -v dir="${3^^}:" -v f="$4" '
		$1 == dir { for (i = 2; i <= NF; i++) if ($i == f) col = i - 1
			    getline; print $col; exit }'
}

# ethtool_stat NS DEV NAME: one value from `ethtool -S`.
ethtool_stat()
{
	nsx "$1" ethtool -S "$2" | awk -v n="$3" '
		{ k = $1; sub(/:$/, "", k) }
		k == n { print $2; f = 1; exit } END { exit !f }'
}

# ping_ok NS ADDR [ping args]: one echo answered.
ping_ok()
{
	local ns=$1 addr=$2

	shift 2
	nsx "$ns" ping -n -q -c 1 -W 5 "$@" "$addr" >/dev/null 2>&1
}

# anp_delta A0 A1 NAME: A1[NAME] - A0[NAME] of two anp_stats_snap arrays.
anp_delta()
{
	local -n _a0=$1 _a1=$2

	echo $(( ${_a1[$3]:-0} - ${_a0[$3]:-0} ))
}

# expect_stat_ge NS NAME BASE DELTA: counter NAME of NS reaches BASE +
# DELTA within 5 s (a reply can reach Linux before the host's CPU has
# bumped the counter that counts it).
expect_stat_ge()
{
	local v

	[[ "$3" =~ ^[0-9]+$ ]] || { fail "$2: no base value (anpctl stats failed?)"; return 1; }
	if wait_until 5 anp_stat_ge "$2" "$1" $(($3 + $4)); then
		return 0
	fi
	v=$(anp_stat "$2" "$1")
	fail "$2 moved by $((v - $3)), want >= $4"
}

# expect_stat_eq NS NAME BASE DELTA: the counter reaches exactly BASE +
# DELTA (polled up to 5 s) and is that value.
expect_stat_eq()
{
	local v

	[[ "$3" =~ ^[0-9]+$ ]] || { fail "$2: no base value (anpctl stats failed?)"; return 1; }
	wait_until 5 anp_stat_ge "$2" "$1" $(($3 + $4))
	v=$(anp_stat "$2" "$1")
	[ "$v" = $(($3 + $4)) ] && return 0
	fail "$2 moved by $((v - $3)), want exactly $4"
}
