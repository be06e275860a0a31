#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Loss, duplication and reordering (netem) between Linux UDP and AF_ANP
# datagram sockets never hand an application a corrupted or partially
# reassembled datagram (RFC 791 3.2 reassembly, RFC 768 checksum): every
# datagram that arrives is checked byte for byte by anp-udp, whose
# pattern encodes size and sequence number, on both ends.  8000 and
# 65507-byte datagrams (6 and 45 fragments) exercise reassembly.
#
# Where the impairment sits:
#   Linux -> ANP   netem as the root qdisc of anp0 (Linux's egress onto
#                  the wire to the ANP host)
#   ANP -> Linux   the host's frames enter Linux on anp0's receive side,
#                  where no qdisc shapes; so the host talks to a Linux
#                  netns behind a veth pair, Linux forwarding (fragments
#                  forwarded as they are, no conntrack), with netem on
#                  both veth ends: every datagram either way crosses it.
#
# Two regimes each: "lossy" (10% loss) where loss is counted and only
# corruption fails (and enough must get through that the check means
# something), and "retry" (1% loss) where every size, 65507 included,
# must eventually get through whole.
source "$(dirname "$0")/lib.sh"

anp_setup_common
ANP_UDP="$ANP_BIN/anp-udp"
anp_require_cmd "$ANP_UDP" tc

LIN=10.77.0.1
HOST=10.77.0.2
CLIENT=10.88.0.2
SIZES=0,1,1472,1473,8000,65507
PORT=7000
# delay 10ms reorder 25% 50%: a quarter of the packets (correlated) go
# at once, the rest 10 ms later, so they overtake each other.
IMPAIR="duplicate 10% delay 10ms reorder 25% 50%"

# udp_start VAR NS ARGS...: anp-udp ARGS... in NS, once bound (lib.sh).
udp_start()
{
	anp_bg_ready "$1" "$2" "$ANP_UDP" "${@:3}"
}

# expect_server_clean PID: SIGTERM; it exits 0 and saw no corrupt
# datagram; at least MIN (default 1) arrived.
expect_server_clean()
{
	local out=$ANP_TMPDIR/$1.out rc n

	kill -TERM "$1" 2>/dev/null
	wait "$1"
	rc=$?
	diag "$(head -n 1 "$out")"
	grep "CORRUPT" "$out" | head -n 5 | while read -r l; do diag "$l"; done
	expect_eq "server exit status (1: a corrupt datagram)" $rc 0
	expect "server summary: corrupt 0" grep -q "corrupt 0," "$out"
	n=$(sed -n 's/.*received \([0-9]*\) datagrams.*/\1/p' "$out")
	expect_ge "datagrams the server received" "${n:-0}" "${2:-1}"
}

# udp_send NS ARGS...: anp-udp send; its summary line as a diag.
udp_send()
{
	local ns=$1 out rc

	shift
	out=$(nsx "$ns" "$ANP_UDP" send "$@" 2>&1)
	rc=$?
	diag "$(grep -E '^send: (AF_|size)|CORRUPT|deadline' <<< "$out" | head -n 12)"
	return $rc
}

# The ANP host alone with Linux on anp0, netem on anp0.
direct_setup()
{
	anp_ns_create "$1" || return 1
	anp_host_setup "${!1}" anp0 $LIN/24 $HOST/24 || return 1
	tc -n "${!1}" qdisc add dev anp0 root netem loss "$2" $IMPAIR ||
		{ fail "tc qdisc add dev anp0 root netem (sch_netem?)"; return 1; }
}

# routed_setup RVAR CVAR LOSS: netns R holds anp0, the ANP host and the
# Linux router; netns C the Linux peer (10.88.0.2) behind veth vr/vc,
# with netem LOSS + $IMPAIR on both veth ends.
routed_setup()
{
	anp_ns_create "$1" || return 1
	anp_ns_create "$2" || return 1
	local r=${!1} c=${!2}

	anp_host_setup "$r" anp0 $LIN/24 $HOST/24 || return 1
	ip -n "$r" link add vr type veth peer name vc netns "$c" ||
		{ fail "veth pair"; return 1; }
	ip -n "$r" addr add 10.88.0.1/24 dev vr
	ip -n "$r" link set vr up
	ip -n "$c" addr add $CLIENT/24 dev vc
	ip -n "$c" link set vc up
	ip -n "$c" route add default via 10.88.0.1
	ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1
	nsx "$r" "$ANPCTL" route add default via $LIN ||
		{ fail "anpctl route add default"; return 1; }
	tc -n "$r" qdisc add dev vr root netem loss "$3" $IMPAIR ||
		{ fail "tc qdisc add dev vr root netem"; return 1; }
	tc -n "$c" qdisc add dev vc root netem loss "$3" $IMPAIR ||
		{ fail "tc qdisc add dev vc root netem"; return 1; }
}

# The impairment really happened: netem dropped and duplicated.
expect_netem_worked()
{
	local s

	s=$(tc -n "$1" -s qdisc show dev "$2")
	diag "$s"
	expect "netem on $2 dropped packets" \
		grep -qE 'dropped [1-9]' <<< "$s"
}

t_lossy_linux_to_anp()
{
	local a srv r0 c0

	direct_setup a 10% || return 1
	r0=$(anp_stat IpReasmOKs "$a")
	c0=$(anp_stat UdpInCsumErrors "$a")
	udp_start srv "$a" serve --family anp --bind 0.0.0.0:$PORT || return 1
	# Requests cross the netem (Linux -> ANP); echoes come back clean.
	expect "AF_INET -> AF_ANP with 10% loss: no corrupt echo" \
		udp_send "$a" --family inet --to $HOST:$PORT --sizes $SIZES \
			--repeat 10 --allow-loss --min-echoed 20 --quiet
	expect_server_clean "$srv" 20
	expect_netem_worked "$a" anp0
	expect_stat_ge "$a" IpReasmOKs "$r0" 1
	expect_stat_eq "$a" UdpInCsumErrors "$c0" 0
}

t_retry_linux_to_anp()
{
	local a srv r0

	direct_setup a 1% || return 1
	r0=$(anp_stat IpReasmOKs "$a")
	udp_start srv "$a" serve --family anp --bind 0.0.0.0:$PORT || return 1
	expect "AF_INET -> AF_ANP: every size gets through whole" \
		udp_send "$a" --family inet --to $HOST:$PORT --sizes $SIZES \
			--repeat 3 --retry --deadline 240
	expect_server_clean "$srv" 18
	# 3 x (2 + 6 + 45-fragment datagrams) reassembled at least.
	expect_stat_ge "$a" IpReasmOKs "$r0" 9
}

t_lossy_routed_both_ways()
{
	local r c s1 s2

	routed_setup r c 10% || return 1
	udp_start s1 "$r" serve --family anp --bind 0.0.0.0:$PORT || return 1
	udp_start s2 "$c" serve --family inet --bind $CLIENT:$PORT || return 1
	expect "Linux peer -> AF_ANP, 10% loss each way: no corrupt echo" \
		udp_send "$c" --family inet --to $HOST:$PORT --sizes $SIZES \
			--repeat 8 --allow-loss --min-echoed 10 --quiet
	expect "AF_ANP -> Linux peer, 10% loss each way: no corrupt echo" \
		udp_send "$r" --family anp --to $CLIENT:$PORT --sizes $SIZES \
			--repeat 8 --allow-loss --min-echoed 10 --quiet
	expect_server_clean "$s1" 10
	expect_server_clean "$s2" 10
	expect_netem_worked "$r" vr
	expect_netem_worked "$c" vc
}

t_retry_routed_both_ways()
{
	local r c s1 s2

	routed_setup r c 1% || return 1
	udp_start s1 "$r" serve --family anp --bind 0.0.0.0:$PORT || return 1
	udp_start s2 "$c" serve --family inet --bind $CLIENT:$PORT || return 1
	expect "Linux peer -> AF_ANP: every size gets through whole" \
		udp_send "$c" --family inet --to $HOST:$PORT --sizes $SIZES \
			--repeat 2 --retry --deadline 240
	expect "AF_ANP -> Linux peer: every size gets through whole" \
		udp_send "$r" --family anp --to $CLIENT:$PORT --sizes $SIZES \
			--repeat 2 --retry --deadline 240
	expect_server_clean "$s1" 12
	expect_server_clean "$s2" 12
}

anp_run_tests \
	t_lossy_linux_to_anp \
	t_retry_linux_to_anp \
	t_lossy_routed_both_ways \
	t_retry_routed_both_ways
