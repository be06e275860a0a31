#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# anp.ko lifecycle: unload with devices present in several netns, unload
# refused while an AF_ANP socket is open, netns deletion with devices, and
# module autoload on socket(AF_ANP, ...).  Leaves the module loaded.
source "$(dirname "$0")/lib.sh"

anp_setup_common
anp_require_cmd rmmod insmod "$ANP_CONFORMANCE"

# rmmod_anp: unload; prints rmmod's error output on failure.
rmmod_anp()
{
	rmmod anp 2> "$ANP_TMPDIR/rmmod.err"
}

t_rmmod_with_devices()
{
	local a b ns

	anp_load_module || { fail "insmod $ANP_KO"; return 1; }
	anp_ns_create a || return 1
	anp_ns_create b || return 1
	anp_dev_add "$a" anp0 || { fail "ip link add anp0 in $a"; return 1; }
	anp_dev_add "$a" anp1 || { fail "ip link add anp1 in $a"; return 1; }
	anp_dev_add "$b" anp0 || { fail "ip link add anp0 in $b"; return 1; }
	# Give the hosts addresses, neighbours and traffic to tear down too.
	ip -n "$a" addr add 10.77.0.1/24 dev anp0
	nsx "$a" "$ANPCTL" addr add 10.77.0.2/24 dev anp0 ||
		{ fail "anpctl addr add in $a"; return 1; }
	expect "ping before rmmod" ping_ok "$a" 10.77.0.2

	if ! rmmod_anp; then
		fail "rmmod anp with 3 devices in 2 netns: $(cat "$ANP_TMPDIR/rmmod.err")"
		return 1
	fi
	expect "module gone from /sys/module" test ! -d /sys/module/anp
	for ns in "$a" "$b"; do
		expect_fail "anp0 still present in $ns after rmmod" \
			ip -n "$ns" link show anp0 2>/dev/null
	done
	expect_fail "anp1 still present in $a after rmmod" \
		ip -n "$a" link show anp1 2>/dev/null
	expect_eq "anp devices left in $a" \
		"$(ip -n "$a" -o link show type anp 2>/dev/null | wc -l)" 0

	expect "insmod again after rmmod" insmod "$ANP_KO" || return 1
	expect "ip link add works after reload" anp_dev_add "$a" anp0
	expect "ip link add works after reload (second netns)" \
		anp_dev_add "$b" anp0
}

t_rmmod_refused_with_socket_open()
{
	local ready="$ANP_TMPDIR/hold.ready" pid

	anp_load_module || { fail "insmod $ANP_KO"; return 1; }
	rm -f "$ready"
	"$ANP_CONFORMANCE" --hold-socket "$ready" &
	pid=$!
	ANP_BG_PIDS+=("$pid")
	wait_until 10 test -s "$ready" ||
		{ fail "anp_conformance --hold-socket did not open its socket"; return 1; }

	expect_fail "rmmod anp with an AF_ANP socket open" rmmod_anp
	grep -qi "in use" "$ANP_TMPDIR/rmmod.err" ||
		fail "rmmod did not say the module is in use: '$(cat "$ANP_TMPDIR/rmmod.err")'"
	expect "module still live" anp_module_loaded
	expect_ge "anp refcount with a socket open" \
		"$(cat /sys/module/anp/refcnt 2>/dev/null)" 1

	kill "$pid"
	wait "$pid" 2>/dev/null
	# The socket's module reference goes when its last reference does
	# (sk_free may run after an RCU grace period): poll, bounded.
	wait_until 10 rmmod_anp ||
		fail "rmmod anp after the socket closed: $(cat "$ANP_TMPDIR/rmmod.err")"
	expect "insmod again" insmod "$ANP_KO"
}

t_netns_delete_with_devices()
{
	local a keep

	anp_load_module || { fail "insmod $ANP_KO"; return 1; }
	anp_ns_create a || return 1
	anp_ns_create keep || return 1
	anp_host_setup "$a" anp0 10.77.0.1/24 10.77.0.2/24 || return 1
	anp_dev_add "$a" anp1 || { fail "ip link add anp1"; return 1; }
	anp_host_setup "$keep" anp0 10.77.0.1/24 10.77.0.2/24 || return 1
	expect "ping in $a before netns delete" ping_ok "$a" 10.77.0.2

	expect "ip netns del with anp devices" ip netns del "$a"
	# The host in the other netns is untouched.
	expect "ping in the other netns after netns delete" \
		ping_ok "$keep" 10.77.0.2
	expect "anpctl addr show in the other netns keeps its address" \
		eval "nsx '$keep' '$ANPCTL' addr show | grep -q 10.77.0.2/24"
	# And the module still unloads (no reference leaked by the netns).
	ip netns del "$keep"
	wait_until 10 rmmod_anp ||
		fail "rmmod after netns deletion: $(cat "$ANP_TMPDIR/rmmod.err")"
	expect "insmod again" insmod "$ANP_KO"
}

ANP_EXTRA_DIR=""
autoload_cleanup()
{
	if [ -n "$ANP_EXTRA_DIR" ]; then
		rm -f "$ANP_EXTRA_DIR/anp.ko"
		depmod -a 2>/dev/null
	fi
	anp_load_module 2>/dev/null
}
ANP_EXTRA_CLEANUP=autoload_cleanup

t_socket_autoload()
{
	local kver

	kver=$(uname -r)
	if ! command -v depmod > /dev/null || ! command -v modprobe > /dev/null; then
		skip "depmod or modprobe not installed"
		return $KSFT_SKIP
	fi
	if [ ! -w /lib/modules ] && ! touch "/lib/modules/.anp-w" 2>/dev/null; then
		skip "/lib/modules is not writable"
		return $KSFT_SKIP
	fi
	rm -f /lib/modules/.anp-w
	ANP_EXTRA_DIR=/lib/modules/$kver/extra
	mkdir -p "$ANP_EXTRA_DIR" || { fail "mkdir $ANP_EXTRA_DIR"; return 1; }
	cp "$ANP_KO" "$ANP_EXTRA_DIR/anp.ko" || { fail "cp anp.ko"; return 1; }
	depmod -a 2> /dev/null || { fail "depmod -a"; return 1; }
	expect "modules.alias has net-pf-19 for anp" \
		grep -q "^alias net-pf-19 anp$" "/lib/modules/$kver/modules.alias"

	if anp_module_loaded; then
		wait_until 10 rmmod_anp ||
			{ fail "rmmod anp: $(cat "$ANP_TMPDIR/rmmod.err")"; return 1; }
	fi
	expect "anp not loaded before socket()" test ! -d /sys/module/anp

	# Its TAP goes to a file: nested TAP would confuse the runner.
	"$ANP_CONFORMANCE" --case socket-autoload > "$ANP_TMPDIR/autoload.tap" 2>&1 ||
		fail "socket(AF_ANP, SOCK_DGRAM, 0) did not load anp: $(cat "$ANP_TMPDIR/autoload.tap")"
	expect "anp is live after socket()" anp_module_loaded

	# The autoloaded module is $ANP_KO's copy: leave it loaded.
	rm -f "$ANP_EXTRA_DIR/anp.ko"
	depmod -a 2> /dev/null
	ANP_EXTRA_DIR=""
}

anp_run_tests \
	t_rmmod_with_devices \
	t_rmmod_refused_with_socket_open \
	t_netns_delete_with_devices \
	t_socket_autoload
