#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ANP host answers ARP (RFC 826) and ICMP echo (RFC 792) for its own
# addresses and nothing else; it announces a new address (RFC 5227 2.3);
# every netns has its own host; it routes replies through a gateway.
source "$(dirname "$0")/lib.sh"

anp_setup_common
anp_require_cmd arping ping tcpdump

LIN=10.77.0.1
HOST=10.77.0.2
OTHER=10.77.0.3

# arping_from NS DEV ADDR: arping's output, exit status of arping.
arping_from()
{
	nsx "$1" arping -c 2 -w 5 -I "$2" "$3" 2>&1
}

t_arping_answered()
{
	local a out mac r0 o0 rc

	anp_ns_create a || return 1
	anp_host_setup "$a" anp0 $LIN/24 $HOST/24 || return 1
	mac=$(anp_host_mac "$a" $HOST)
	[ -n "$mac" ] || { fail "no lladdr for $HOST in anpctl addr show"; return 1; }
	expect "host MAC differs from Linux's" \
		test "$mac" != "$(anp_dev_mac "$a" anp0)"
	r0=$(anp_stat ArpInRequests "$a")
	o0=$(anp_stat ArpOutReplies "$a")

	out=$(arping_from "$a" anp0 $HOST)
	rc=$?
	expect "arping $HOST answered (exit $rc): $out" test $rc -eq 0
	expect "reply comes from the host MAC $mac" \
		grep -qi "reply from $HOST \[$mac\]" <<< "$out"
	expect_stat_ge "$a" ArpInRequests "$r0" 2
	expect_stat_ge "$a" ArpOutReplies "$o0" 2
	# The host learnt Linux's MAC from the request (RFC 826 merge).
	expect "anpctl neigh show has $LIN with Linux's MAC" \
		eval "nsx '$a' '$ANPCTL' neigh show | grep -qi '^$LIN dev anp0 lladdr $(anp_dev_mac "$a" anp0)'"
}

t_arping_other_not_answered()
{
	local a out o0 i0

	anp_ns_create a || return 1
	anp_host_setup "$a" anp0 $LIN/24 $HOST/24 || return 1
	o0=$(anp_stat ArpOutReplies "$a")
	i0=$(anp_stat ArpInIgnored "$a")
	out=$(nsx "$a" arping -c 2 -w 3 -I anp0 $OTHER 2>&1)
	expect_fail "arping $OTHER (not the host's) answered: $out" \
		grep -qi "reply from" <<< "$out"
	expect_stat_eq "$a" ArpOutReplies "$o0" 0
	expect_stat_ge "$a" ArpInIgnored "$i0" 2
	# Nor does it answer after the address is removed.
	nsx "$a" "$ANPCTL" addr del $HOST/24 dev anp0 || fail "anpctl addr del"
	out=$(nsx "$a" arping -c 1 -w 2 -I anp0 $HOST 2>&1)
	expect_fail "arping $HOST answered after addr del: $out" \
		grep -qi "reply from" <<< "$out"
}

t_ping_answered()
{
	local a s e0 r0 ip0 d0

	anp_ns_create a || return 1
	anp_host_setup "$a" anp0 $LIN/24 $HOST/24 || return 1
	e0=$(anp_stat IcmpInEchos "$a")
	r0=$(anp_stat IcmpOutEchoReps "$a")
	ip0=$(anp_stat IpInReceives "$a")
	d0=$(anp_stat IpInDelivers "$a")
	for s in 0 56 1472; do
		expect "ping -s $s $HOST answered" ping_ok "$a" $HOST -s $s
	done
	expect "ping -c 5 answered 5 of 5" \
		eval "nsx '$a' ping -n -c 5 -i 0.2 -W 5 $HOST | grep -q '5 packets transmitted, 5 received'"
	expect_stat_ge "$a" IcmpInEchos "$e0" 8
	expect_stat_ge "$a" IcmpOutEchoReps "$r0" 8
	expect_stat_ge "$a" IpInReceives "$ip0" 8
	expect_stat_ge "$a" IpInDelivers "$d0" 8
	# The reply carries the request's data back (ping checks it and
	# reports "wrong data byte" otherwise) with the pattern option.
	expect "ping -p a5a5 payload echoed" \
		eval "nsx '$a' ping -n -c 1 -W 5 -p a5a5 -s 100 $HOST 2>&1 | grep -q '1 received' && \
		      ! nsx '$a' ping -n -c 1 -W 5 -p a5a5 -s 100 $HOST 2>&1 | grep -qi 'wrong data'"
}

t_ping_other_not_answered()
{
	local a r0 ae0

	anp_ns_create a || return 1
	anp_host_setup "$a" anp0 $LIN/24 $HOST/24 || return 1
	r0=$(anp_stat IcmpOutEchoReps "$a")
	expect_fail "ping $OTHER (not the host's) answered" \
		ping_ok "$a" $OTHER -W 2
	expect_stat_eq "$a" IcmpOutEchoReps "$r0" 0
	# Linux sent IP to OTHER with the host's MAC: it counts as an
	# address error (RFC 1122 3.2.1.3: a host discards it).
	ae0=$(anp_stat IpInAddrErrors "$a")
	nsx "$a" ip neigh replace $OTHER lladdr "$(anp_host_mac "$a" $HOST)" \
		dev anp0 nud permanent
	expect_fail "ping $OTHER via the host's MAC answered" \
		ping_ok "$a" $OTHER -W 2
	expect_stat_ge "$a" IpInAddrErrors "$ae0" 1
	expect_stat_eq "$a" IcmpOutEchoReps "$r0" 0
}

t_gratuitous_arp_on_add()
{
	local a out err pid g0 mac

	anp_ns_create a || return 1
	anp_dev_add "$a" anp0 || { fail "ip link add"; return 1; }
	ip -n "$a" addr add $LIN/24 dev anp0
	out=$ANP_TMPDIR/garp.out
	err=$ANP_TMPDIR/garp.err
	g0=$(anp_stat ArpOutGratuitous "$a")
	nsx "$a" tcpdump -l -n -e -c 1 -i anp0 arp > "$out" 2> "$err" &
	pid=$!
	ANP_BG_PIDS+=("$pid")
	wait_until 10 grep -q "listening on" "$err" ||
		{ fail "tcpdump did not start: $(cat "$err")"; return 1; }

	nsx "$a" "$ANPCTL" addr add $HOST/24 dev anp0 ||
		{ fail "anpctl addr add"; return 1; }
	wait_until 10 eval "! kill -0 $pid 2>/dev/null" ||
		fail "no ARP frame seen within 10 s of the address add"
	mac=$(anp_host_mac "$a" $HOST)
	diag "$(cat "$out")"
	# RFC 5227 2.3: an ARP request, sender and target both the new
	# address, broadcast, from the host's MAC.
	expect "announcement is from $mac to broadcast" \
		grep -qi "^[0-9:.]* $mac > ff:ff:ff:ff:ff:ff" "$out"
	expect "announcement: who-has $HOST tell $HOST" \
		grep -q "Request who-has $HOST tell $HOST" "$out"
	expect_stat_ge "$a" ArpOutGratuitous "$g0" 1
}

t_two_devices_one_netns()
{
	local a m0 m1 out

	anp_ns_create a || return 1
	anp_host_setup "$a" anp0 10.77.0.1/24 10.77.0.2/24 || return 1
	anp_host_setup "$a" anp1 10.78.0.1/24 10.78.0.2/24 || return 1
	m0=$(anp_host_mac "$a" 10.77.0.2)
	m1=$(anp_host_mac "$a" 10.78.0.2)
	expect "host has a MAC on each link ($m0, $m1)" \
		test -n "$m0" -a -n "$m1" -a "$m0" != "$m1"
	out=$(arping_from "$a" anp0 10.77.0.2)
	expect "arping on anp0 answered by $m0: $out" \
		grep -qi "reply from 10.77.0.2 \[$m0\]" <<< "$out"
	out=$(arping_from "$a" anp1 10.78.0.2)
	expect "arping on anp1 answered by $m1: $out" \
		grep -qi "reply from 10.78.0.2 \[$m1\]" <<< "$out"
	expect "ping 10.77.0.2 over anp0" ping_ok "$a" 10.77.0.2
	expect "ping 10.78.0.2 over anp1" ping_ok "$a" 10.78.0.2
	# Deleting one device leaves the other interface working.
	ip -n "$a" link del anp0
	expect_fail "10.77.0.2 gone with anp0" \
		eval "nsx '$a' '$ANPCTL' addr show | grep -q 10.77.0.2"
	expect "ping 10.78.0.2 after anp0 deleted" ping_ok "$a" 10.78.0.2
}

t_netns_independent()
{
	local a b eb out

	anp_ns_create a || return 1
	anp_ns_create b || return 1
	# The same subnet in both: two hosts, no interference.
	anp_host_setup "$a" anp0 $LIN/24 $HOST/24 || return 1
	anp_host_setup "$b" anp0 $LIN/24 $HOST/24 || return 1
	nsx "$a" "$ANPCTL" addr add 10.77.0.9/24 dev anp0 ||
		{ fail "anpctl addr add 10.77.0.9 in A"; return 1; }

	expect "A lists 10.77.0.9" \
		eval "nsx '$a' '$ANPCTL' addr show | grep -q '^10.77.0.9/24 '"
	expect_fail "B does not list A's 10.77.0.9" \
		eval "nsx '$b' '$ANPCTL' addr show | grep -q '10.77.0.9'"
	expect "B's host MAC differs from A's" \
		test "$(anp_host_mac "$a" $HOST)" != "$(anp_host_mac "$b" $HOST)"

	eb=$(anp_stat IcmpInEchos "$b")
	expect "ping 10.77.0.9 in A" ping_ok "$a" 10.77.0.9
	expect "ping $HOST in A" ping_ok "$a" $HOST
	expect_stat_eq "$b" IcmpInEchos "$eb" 0
	expect "ping $HOST in B" ping_ok "$b" $HOST
	expect_fail "ping 10.77.0.9 in B (A's address)" ping_ok "$b" 10.77.0.9 -W 2
	out=$(nsx "$b" arping -c 1 -w 2 -I anp0 10.77.0.9 2>&1)
	expect_fail "arping 10.77.0.9 answered in B: $out" \
		grep -qi "reply from" <<< "$out"
	expect_stat_eq "$b" IcmpInEchos "$eb" 1
}

t_routed_via_gateway()
{
	local r c nr

	anp_ns_create r || return 1	# Linux router: anp0 + veth
	anp_ns_create c || return 1	# Linux client behind it
	anp_host_setup "$r" anp0 $LIN/24 $HOST/24 || return 1
	ip -n "$r" link add vr type veth peer name vc netns "$c" ||
		{ fail "veth pair"; return 1; }
	ip -n "$r" addr add 10.88.0.1/24 dev vr
	ip -n "$r" link set vr up
	ip -n "$c" addr add 10.88.0.2/24 dev vc
	ip -n "$c" link set vc up
	ip -n "$c" route add default via 10.88.0.1
	ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1

	expect "client reaches the router" ping_ok "$c" 10.88.0.1
	# No route back yet: the host cannot answer 10.88.0.2.
	nr=$(anp_stat IpOutNoRoutes "$r")
	expect_fail "ping from behind the gateway answered with no route" \
		ping_ok "$c" $HOST -W 2
	expect_stat_ge "$r" IpOutNoRoutes "$nr" 1

	expect "anpctl route add default via $LIN" \
		nsx "$r" "$ANPCTL" route add default via $LIN
	expect "anpctl route show lists the default route" \
		eval "nsx '$r' '$ANPCTL' route show | grep -q '^default via $LIN dev anp0'"
	expect "ping $HOST from behind the gateway answered" \
		ping_ok "$c" $HOST
	expect "ping -s 1000 from behind the gateway answered" \
		ping_ok "$c" $HOST -s 1000
	# The reply's TTL is the host's 64 less one hop.
	expect "reply TTL 63 (one router)" \
		eval "nsx '$c' ping -n -c 1 -W 5 $HOST | grep -q 'ttl=63'"

	nsx "$r" "$ANPCTL" route del default via $LIN ||
		fail "anpctl route del default"
	expect_fail "ping from behind the gateway after route del" \
		ping_ok "$c" $HOST -W 2
}

anp_run_tests \
	t_arping_answered \
	t_arping_other_not_answered \
	t_ping_answered \
	t_ping_other_not_answered \
	t_gratuitous_arp_on_add \
	t_two_devices_one_netns \
	t_netns_independent \
	t_routed_via_gateway
