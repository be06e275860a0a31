#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Frames injected from Linux with an AF_PACKET socket (anp-inject) on
# anp0, one kind per test: each malformed kind is dropped and counted by
# exactly the counter that names its reason (exact delta, and no other
# error counter moves), nothing is sent back where no reply is due, every
# frame is accounted for exactly once, and the host still answers ping.
# Splats are the runner's to find in dmesg.
source "$(dirname "$0")/lib.sh"

anp_setup_common
anp_require_cmd ping "$ANP_INJECT"

LIN=10.77.0.1
HOST=10.77.0.2
N=20

# Counters a frame can end in when it is dropped.
ERROR_COUNTERS="EthInErrors EthInOtherHost EthInUnknownType EthInDiscards
	ArpInErrors ArpInIgnored IpInHdrErrors IpInTruncatedPkts IpInCsumErrors
	IpInAddrErrors IpInUnknownProtos IpInDiscards IpReasmFails IcmpInErrors
	IcmpInCsumErrors IcmpOutRateLimited EthOutDrops IpOutNoRoutes
	IpOutDiscards"
# Every frame handed to the host ends in exactly one of these ...
ETH_OUTCOMES="EthInErrors EthInOtherHost EthInUnknownType EthInDiscards
	ArpInErrors ArpInRequests ArpInReplies IpInReceives"
# ... and every IPv4 datagram in exactly one of these (a fragment is
# counted once when it enters reassembly; what becomes of its queue is
# ip_frag.sh's subject).
IP_OUTCOMES="IpInHdrErrors IpInTruncatedPkts IpInCsumErrors IpInAddrErrors
	IpInDiscards IpReasmReqds IpInDelivers IpInUnknownProtos"

declare -A S0 S1
TX0=0
TX1=0

sum_delta()
{
	local c s=0

	for c in $1; do
		s=$((s + ${S1[$c]:-0} - ${S0[$c]:-0}))
	done
	echo $s
}

d()
{
	echo $(( ${S1[$1]:-0} - ${S0[$1]:-0} ))
}

snap_after()
{
	anp_stats_snap "$NS" S1 || return 1
	TX1=$(ip_link_stat "$NS" anp0 tx packets)
}

# The frames Linux put on the wire all reached the host and each one
# reached its end (the NAPI poll may still be running: poll).
settled()
{
	snap_after || return 1
	[ $((TX1 - TX0)) -eq "$(d EthInFrames)" ] &&
	[ "$(d EthInFrames)" -eq "$(sum_delta "$ETH_OUTCOMES")" ] &&
	[ "$(d IpInReceives)" -eq "$(sum_delta "$IP_OUTCOMES")" ]
}

setup()
{
	anp_ns_create NS || return 1
	anp_host_setup "$NS" anp0 $LIN/24 $HOST/24 || return 1
	# The host learns Linux's MAC, so that replies need no ARP.
	ping_ok "$NS" $HOST || { fail "ping before injecting"; return 1; }
}

# inject_run KIND COUNT: a fresh host, COUNT frames of KIND, and wait
# until every frame is accounted for.
inject_run()
{
	local kind=$1 count=$2 out

	setup || return 1
	anp_stats_snap "$NS" S0 || { fail "anpctl stats"; return 1; }
	TX0=$(ip_link_stat "$NS" anp0 tx packets)

	out=$(nsx "$NS" "$ANP_INJECT" -i anp0 --kind "$kind" --count "$count" \
	      --seed 42 2>&1) || { fail "anp-inject: $out"; return 1; }
	diag "$out"

	wait_until 10 settled ||
		fail "not every frame accounted for: Linux sent $((TX1 - TX0)), host got $(d EthInFrames), Ethernet outcomes $(sum_delta "$ETH_OUTCOMES"), IpInReceives $(d IpInReceives), IP outcomes $(sum_delta "$IP_OUTCOMES")"
	expect_ge "frames Linux sent" $((TX1 - TX0)) "$count"
	expect_eq "tx dropped on anp0" "$(ip_link_stat "$NS" anp0 tx dropped)" 0
}

# inject KIND COUNT REPLY EXPECT...
#   REPLY  none: no ICMP and no ARP reply may leave the host;
#          echo: COUNT echo replies; arp: COUNT ARP replies;
#          unreach: COUNT ICMP Destination Unreachable.
#   EXPECT counters that must move by exactly COUNT; every other error
#          counter must not move.
inject()
{
	local kind=$1 count=$2 reply=$3 c

	shift 3
	inject_run "$kind" "$count" || return 1

	for c in "$@"; do
		expect_eq "$c delta" "$(d "$c")" "$count"
	done
	for c in $ERROR_COUNTERS; do
		[[ " $* " == *" $c "* ]] && continue
		expect_eq "$c delta (must not move for $kind)" "$(d "$c")" 0
	done

	case $reply in
	none)
		expect_eq "IcmpOutMsgs delta (no reply due)" "$(d IcmpOutMsgs)" 0
		expect_eq "ArpOutReplies delta (no reply due)" "$(d ArpOutReplies)" 0
		;;
	echo)
		expect_eq "IcmpOutEchoReps delta" "$(d IcmpOutEchoReps)" "$count"
		expect_eq "ArpOutReplies delta" "$(d ArpOutReplies)" 0
		;;
	arp)
		expect_eq "ArpOutReplies delta" "$(d ArpOutReplies)" "$count"
		expect_eq "IcmpOutMsgs delta" "$(d IcmpOutMsgs)" 0
		;;
	unreach)
		expect_eq "IcmpOutDestUnreachs delta" "$(d IcmpOutDestUnreachs)" "$count"
		expect_eq "IcmpOutMsgs delta" "$(d IcmpOutMsgs)" "$count"
		expect_eq "ArpOutReplies delta" "$(d ArpOutReplies)" 0
		;;
	esac

	expect "host answers ping after $kind" ping_ok "$NS" $HOST
}

t_echo_control()	{ inject echo $N echo IcmpInEchos; }
t_trunc_eth()		{ inject trunc-eth $N none IpInTruncatedPkts; }
t_trunc_ip()		{ inject trunc-ip $N none IpInTruncatedPkts; }
t_bad_ip_csum()		{ inject bad-csum $N none IpInCsumErrors; }
t_bad_version()		{ inject bad-version $N none IpInHdrErrors; }
t_bad_ihl()		{ inject bad-ihl $N none IpInHdrErrors; }
t_totlen_past_frame()	{ inject bad-totlen $N none IpInTruncatedPkts; }
t_totlen_below_ihl()	{ inject short-totlen $N none IpInHdrErrors; }
t_other_addr()		{ inject other-addr $N none IpInAddrErrors; }
# A lone fragment waits in reassembly (RFC 791 3.2): nothing delivered,
# nothing answered before its timeout (ip_frag.sh tests the expiry).
t_frag_first()		{ inject frag-first $N none IpReasmReqds; }
t_frag_last()		{ inject frag-last $N none IpReasmReqds; }
# RFC 1122 3.2.1.7: a host MUST NOT discard a datagram for TTL < 2.
t_ttl0_accepted()	{ inject ttl0 $N echo IcmpInEchos; }
# Linux counts a bad ICMP checksum in both InCsumErrors and InErrors.
t_bad_icmp_csum()	{ inject bad-icmp-csum $N none IcmpInCsumErrors IcmpInErrors; }
t_trunc_icmp()		{ inject trunc-icmp $N none IcmpInErrors; }
# RFC 1122 3.2.2.1: Protocol Unreachable for a protocol nobody serves.
t_unknown_proto()	{ inject unknown-proto $N unreach IpInUnknownProtos; }
t_unknown_ethertype()	{ inject unknown-type $N none EthInUnknownType; }
t_other_mac()		{ inject other-mac $N none EthInOtherHost; }
t_arp_request()		{ inject arp-request $N arp ArpInRequests; }
t_arp_other()		{ inject arp-other $N none ArpInIgnored; }
t_trunc_arp()		{ inject trunc-arp $N none ArpInErrors; }
t_bad_arp()		{ inject bad-arp 24 none ArpInErrors; }

# Random bytes: no exact counter (the seed decides the mix), but every
# frame accounted for exactly once (inject_run's conservation checks),
# no reply, and the host unharmed.
t_random_bytes()
{
	local count=400

	inject_run random $count || return 1
	expect_eq "IcmpOutMsgs delta (no reply due)" "$(d IcmpOutMsgs)" 0
	expect_eq "ArpOutReplies delta (no reply due)" "$(d ArpOutReplies)" 0
	expect_ge "EthInFrames delta" "$(d EthInFrames)" $count
	# Each random frame ends in an error counter (IcmpIn{Csum,}Errors
	# may count one twice, hence >=).
	expect_ge "drops counted" "$(sum_delta "$ERROR_COUNTERS")" $count
	expect "host answers ping after random frames" ping_ok "$NS" $HOST
}

anp_run_tests \
	t_echo_control \
	t_trunc_eth \
	t_trunc_ip \
	t_bad_ip_csum \
	t_bad_version \
	t_bad_ihl \
	t_totlen_past_frame \
	t_totlen_below_ihl \
	t_other_addr \
	t_frag_first \
	t_frag_last \
	t_ttl0_accepted \
	t_bad_icmp_csum \
	t_trunc_icmp \
	t_unknown_proto \
	t_unknown_ethertype \
	t_other_mac \
	t_arp_request \
	t_arp_other \
	t_trunc_arp \
	t_bad_arp \
	t_random_bytes
