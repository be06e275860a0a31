#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Counters agree: the frames Linux sends, as ip -s link, ethtool -S and
# the ANP host (anpctl stats) each count them, and the same for the
# frames the host sends back.  Counters are per netns.
source "$(dirname "$0")/lib.sh"

anp_setup_common
anp_require_cmd ethtool ping "$ANP_INJECT"

LIN=10.77.0.1
HOST=10.77.0.2

declare -A S0 S1

d()
{
	echo $(( ${S1[$1]:-0} - ${S0[$1]:-0} ))
}

# link_snap NS PREFIX: ip -s link and ethtool -S numbers into globals.
link_snap()
{
	local ns=$1 p=$2

	eval "${p}_iptx=$(ip_link_stat "$ns" anp0 tx packets)"
	eval "${p}_iprx=$(ip_link_stat "$ns" anp0 rx packets)"
	eval "${p}_iptxb=$(ip_link_stat "$ns" anp0 tx bytes)"
	eval "${p}_iprxb=$(ip_link_stat "$ns" anp0 rx bytes)"
	eval "${p}_ettx=$(ethtool_stat "$ns" anp0 tx_packets)"
	eval "${p}_etrx=$(ethtool_stat "$ns" anp0 rx_packets)"
	eval "${p}_ettxb=$(ethtool_stat "$ns" anp0 tx_bytes)"
	eval "${p}_etrxb=$(ethtool_stat "$ns" anp0 rx_bytes)"
	eval "${p}_napi=$(ethtool_stat "$ns" anp0 tx_napi_packets)"
}

# Everything sent has been counted everywhere (poll: the reply's NAPI
# may still run).
agree()
{
	link_snap "$NS" b
	anp_stats_snap "$NS" S1
	[ $((b_iptx - a_iptx)) -eq "$(d EthInFrames)" ] &&
	[ $((b_iprx - a_iprx)) -eq "$(d EthOutFrames)" ]
}

t_counters_agree()
{
	local n=30

	anp_ns_create NS || return 1
	anp_host_setup "$NS" anp0 $LIN/24 $HOST/24 || return 1
	ping_ok "$NS" $HOST || { fail "warm-up ping"; return 1; }

	link_snap "$NS" a
	anp_stats_snap "$NS" S0 || { fail "anpctl stats"; return 1; }
	# Exactly n echo requests, from an AF_PACKET socket: Linux's own
	# stack adds nothing (IPv6 is off in the netns and the host knows
	# Linux's MAC from the warm-up) but ARP, counted below.
	nsx "$NS" "$ANP_INJECT" -i anp0 --kind echo --count $n > /dev/null ||
		{ fail "anp-inject"; return 1; }
	wait_until 10 agree || fail "counters did not settle"
	link_snap "$NS" b
	anp_stats_snap "$NS" S1

	# ARP frames either side may add (the host re-resolves Linux once
	# its entry is older than ANP_NEIGH_REACHABLE, 30 s, which a slow
	# debug kernel can reach): count them from the host's ARP counters.
	# An ARP frame is 42 bytes on this link (no padding).
	local arp_in arp_out
	arp_in=$(( $(d ArpInRequests) + $(d ArpInReplies) ))
	arp_out=$(( $(d ArpOutRequests) + $(d ArpOutReplies) ))
	[ $((arp_in + arp_out)) -eq 0 ] || diag "ARP frames: $arp_in in, $arp_out out"

	# Linux -> host: ip -s link TX = ethtool tx_packets = what the
	# host's NAPI took = EthInFrames.
	expect_eq "ip -s link TX packets" $((b_iptx - a_iptx)) $((n + arp_in))
	expect_eq "ethtool -S tx_packets" $((b_ettx - a_ettx)) $((n + arp_in))
	expect_eq "ethtool -S tx_napi_packets" $((b_napi - a_napi)) $((n + arp_in))
	expect_eq "anpctl EthInFrames" "$(d EthInFrames)" $((n + arp_in))
	expect_eq "ip -s link TX bytes = ethtool tx_bytes" \
		$((b_iptxb - a_iptxb)) $((b_ettxb - a_ettxb))
	# 14 + 20 + 8 + 32 bytes per echo request from anp-inject.
	expect_eq "ip -s link TX bytes" $((b_iptxb - a_iptxb)) \
		$((n * 74 + arp_in * 42))
	expect_eq "IpInReceives" "$(d IpInReceives)" $n
	expect_eq "IpInDelivers" "$(d IpInDelivers)" $n
	expect_eq "IcmpInMsgs" "$(d IcmpInMsgs)" $n
	expect_eq "IcmpInEchos" "$(d IcmpInEchos)" $n

	# Host -> Linux: n echo replies.
	expect_eq "IcmpOutEchoReps" "$(d IcmpOutEchoReps)" $n
	expect_eq "IcmpOutMsgs" "$(d IcmpOutMsgs)" $n
	expect_eq "IpOutRequests" "$(d IpOutRequests)" $n
	expect_eq "EthOutFrames" "$(d EthOutFrames)" $((n + arp_out))
	expect_eq "ip -s link RX packets" $((b_iprx - a_iprx)) $((n + arp_out))
	expect_eq "ethtool -S rx_packets" $((b_etrx - a_etrx)) $((n + arp_out))
	expect_eq "ip -s link RX bytes = ethtool rx_bytes" \
		$((b_iprxb - a_iprxb)) $((b_etrxb - a_etrxb))
	expect_eq "ip -s link RX bytes" $((b_iprxb - a_iprxb)) \
		$((n * 74 + arp_out * 42))
	expect_eq "rx drops" "$(ethtool_stat "$NS" anp0 rx_drops)" 0
	expect_eq "tx drops" "$(ethtool_stat "$NS" anp0 tx_drops)" 0
}

t_counters_per_netns()
{
	local a b ea eb

	anp_ns_create a || return 1
	anp_ns_create b || return 1
	anp_host_setup "$a" anp0 $LIN/24 $HOST/24 || return 1
	anp_host_setup "$b" anp0 $LIN/24 $HOST/24 || return 1
	ea=$(anp_stat IcmpInEchos "$a")
	eb=$(anp_stat IcmpInEchos "$b")
	expect "5 pings in A" \
		nsx "$a" ping -n -q -c 5 -i 0.2 -W 5 $HOST > /dev/null
	expect_stat_ge "$a" IcmpInEchos "$ea" 5
	expect_stat_eq "$b" IcmpInEchos "$eb" 0
	# A fresh netns starts from zero.
	expect_eq "IcmpInEchos of a fresh netns host" "$eb" 0
}

t_counter_names()
{
	local a out c

	anp_ns_create a || return 1
	out=$(nsx "$a" "$ANPCTL" stats) || { fail "anpctl stats"; return 1; }
	# The counters the selftests rely on, named as netstat -s names them.
	for c in EthInFrames EthOutFrames ArpInRequests ArpOutReplies \
		 ArpOutGratuitous ArpInIgnored ArpInErrors IpInReceives \
		 IpInHdrErrors IpInTruncatedPkts IpInCsumErrors IpInAddrErrors \
		 IpInUnknownProtos IpInDelivers IpReasmFails IpOutRequests \
		 IpOutNoRoutes IcmpInMsgs IcmpInErrors IcmpInCsumErrors \
		 IcmpInEchos IcmpOutMsgs IcmpOutEchoReps IcmpOutRateLimited; do
		expect "anpctl stats has $c" \
			grep -qE "^$c[[:space:]]+[0-9]+$" <<< "$out"
	done
}

# RFC 1122 3.2.2.6 / Linux's icmp_msgs_burst: a burst of echo requests
# beyond ANP_ICMP_BURST (50) is answered up to the bucket and the rest
# counted as rate limited.
t_icmp_rate_limit()
{
	local n=200 r l

	anp_ns_create NS || return 1
	anp_host_setup "$NS" anp0 $LIN/24 $HOST/24 || return 1
	ping_ok "$NS" $HOST || { fail "warm-up ping"; return 1; }
	anp_stats_snap "$NS" S0
	nsx "$NS" "$ANP_INJECT" -i anp0 --kind echo --count $n > /dev/null ||
		{ fail "anp-inject"; return 1; }
	wait_until 10 eval '[ "$(anp_stat IcmpInEchos "$NS")" -ge $((S0[IcmpInEchos] + n)) ]'
	anp_stats_snap "$NS" S1
	r=$(d IcmpOutEchoReps)
	l=$(d IcmpOutRateLimited)
	diag "$n requests: $r replies, $l rate limited"
	expect_eq "IcmpInEchos" "$(d IcmpInEchos)" $n
	expect_eq "replies + rate limited" $((r + l)) $n
	# 50 tokens, 1000/s refill: the burst cannot be all answered unless
	# sending 200 frames took 150 ms or more (TCG can be that slow), so
	# only the lower bound on replies is certain.
	expect_ge "replies" "$r" 49
}

anp_run_tests \
	t_counter_names \
	t_counters_agree \
	t_counters_per_netns \
	t_icmp_rate_limit
