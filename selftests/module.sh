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

# Module autoload needs anp.ko under /lib/modules/$(uname -r) and its
# aliases in modules.alias.  A full `depmod -a` over the stock kernel's
# thousands of modules takes minutes under TCG, so the test saves the
# modules.* index files, indexes anp.ko alone (`depmod VERSION FILE`
# writes an index of just that file), and puts the saved files back at
# the end: other modules cannot autoload during this one test.
ANP_MODDIR=""
ANP_MODSAVE=""
autoload_restore()
{
	[ -n "$ANP_MODDIR" ] || return 0
	rm -f "$ANP_MODDIR/extra/anp.ko" "$ANP_MODDIR"/modules.*
	[ -n "$ANP_MODSAVE" ] && cp -a "$ANP_MODSAVE"/. "$ANP_MODDIR"/ 2>/dev/null
	ANP_MODDIR=""
}
autoload_cleanup()
{
	autoload_restore
	anp_load_module 2>/dev/null
}
ANP_EXTRA_CLEANUP=autoload_cleanup

# unload_for_autoload WHAT: rmmod anp, then check it is gone.
unload_for_autoload()
{
	if anp_module_loaded; then
		wait_until 10 rmmod_anp ||
			{ fail "rmmod anp before $1: $(cat "$ANP_TMPDIR/rmmod.err")"; return 1; }
	fi
	[ ! -d /sys/module/anp ] || { fail "anp still loaded before $1"; return 1; }
}

t_autoload()
{
	local a

	if ! command -v depmod > /dev/null || ! command -v modprobe > /dev/null; then
		skip "depmod or modprobe not installed"
		return $KSFT_SKIP
	fi
	ANP_MODDIR=/lib/modules/$(uname -r)
	ANP_MODSAVE=$ANP_TMPDIR/modules-save
	mkdir -p "$ANP_MODSAVE" "$ANP_MODDIR/extra" ||
		{ fail "mkdir $ANP_MODDIR/extra"; return 1; }
	cp -a "$ANP_MODDIR"/modules.* "$ANP_MODSAVE"/ 2>/dev/null
	cp "$ANP_KO" "$ANP_MODDIR/extra/anp.ko" || { fail "cp anp.ko"; return 1; }
	depmod "$(uname -r)" "$ANP_MODDIR/extra/anp.ko" 2> /dev/null ||
		{ fail "depmod"; return 1; }
	for al in net-pf-19 rtnl-link-anp net-pf-16-proto-16-family-anp; do
		expect "modules.alias has $al" \
			grep -q "^alias $al anp$" "$ANP_MODDIR/modules.alias"
	done

	# socket(AF_ANP, ...): request_module("net-pf-19").
	unload_for_autoload "socket()" || return 1
	# Its TAP goes to a file: nested TAP would confuse the runner.
	"$ANP_CONFORMANCE" --case socket-autoload > "$ANP_TMPDIR/autoload.tap" 2>&1 ||
		fail "socket(AF_ANP, SOCK_DGRAM, 0) did not load anp: $(cat "$ANP_TMPDIR/autoload.tap")"
	expect "anp is live after socket()" anp_module_loaded

	# ip link add ... type anp: request_module("rtnl-link-anp").
	unload_for_autoload "ip link add" || return 1
	anp_ns_create a || return 1
	expect "ip link add type anp loads anp" ip -n "$a" link add anp0 type anp
	expect "anp is live after ip link add" anp_module_loaded

	# anpctl: the generic netlink family lookup loads the module.
	unload_for_autoload "anpctl" || return 1
	expect "anpctl stats loads anp" eval "'$ANPCTL' stats > /dev/null"
	expect "anp is live after anpctl" anp_module_loaded

	# Put the index back; the module loaded last is $ANP_KO's copy and
	# stays loaded.
	autoload_restore
}

anp_run_tests \
	t_rmmod_with_devices \
	t_rmmod_refused_with_socket_open \
	t_netns_delete_with_devices \
	t_autoload
