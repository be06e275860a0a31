#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# UDP (RFC 768) interop of AF_ANP datagram sockets: with Linux's own UDP
# over anp0 in both directions, between two ANP hosts in two network
# namespaces routed by Linux over a veth pair, and from the ANP host to
# itself.  Datagrams of 0, 1, 1472 (the largest unfragmented one on a
# 1500-byte link), 1473 (the smallest fragmented one), 8000 and 65507
# bytes (the largest) are checked byte for byte by anp-udp (its pattern
# encodes size and sequence number).  A capture on anp0 read by tshark
# with IPv4 and UDP checksum validation shows no malformed packet and no
# bad checksum, and holds the datagrams it should.
source "$(dirname "$0")/lib.sh"

anp_setup_common
ANP_UDP="$ANP_BIN/anp-udp"
anp_require_cmd "$ANP_UDP" tcpdump tshark

LIN=10.77.0.1
HOST=10.77.0.2
SIZES=0,1,1472,1473,8000,65507
PORT=7000

# udp_start VAR NS ARGS...: anp-udp ARGS... in NS, once bound (lib.sh).
udp_start()
{
	anp_bg_ready "$1" "$2" "$ANP_UDP" "${@:3}"
}

# udp_stop PID: SIGTERM, then its exit status; its summary as a diag.
udp_stop()
{
	anp_bg_stop "$1"
}

# udp_send NS ARGS...: anp-udp send, its output as a diag on failure.
udp_send()
{
	local ns=$1 out rc

	shift
	out=$(nsx "$ns" "$ANP_UDP" send "$@" 2>&1)
	rc=$?
	[ $rc -eq 0 ] || diag "$out"
	return $rc
}

# expect_served PID N: the server saw N intact datagrams, none corrupt.
expect_served()
{
	local out=$ANP_TMPDIR/$1.out

	udp_stop "$1" || fail "server exited with an error"
	expect "server received $2 datagrams, none corrupt" \
		grep -q "received $2 datagrams .*corrupt 0," "$out"
}

# One host: Linux 10.77.0.1/24 and the ANP host 10.77.0.2/24 on anp0.
one_host()
{
	anp_ns_create "$1" || return 1
	anp_host_setup "${!1}" anp0 $LIN/24 $HOST/24
}

t_inet_to_anp()
{
	local a srv

	one_host a || return 1
	udp_start srv "$a" serve --family anp --bind 0.0.0.0:$PORT || return 1
	expect "AF_INET -> AF_ANP $SIZES echoed intact" \
		udp_send "$a" --family inet --to $HOST:$PORT --sizes $SIZES
	expect_served "$srv" 6
}

t_anp_to_inet()
{
	local a srv

	one_host a || return 1
	udp_start srv "$a" serve --family inet --bind $LIN:$PORT || return 1
	expect "AF_ANP -> AF_INET $SIZES echoed intact" \
		udp_send "$a" --family anp --to $LIN:$PORT --sizes $SIZES
	# And with connect() + send() on the ANP side, from a bound port.
	expect "connected AF_ANP -> AF_INET echoed intact" \
		udp_send "$a" --family anp --bind $HOST:7100 \
			--connect $LIN:$PORT --sizes $SIZES
	expect_served "$srv" 12
}

# tshark_count CAP FILTER: frames of CAP matching the display FILTER,
# read with checksum validation and IPv4 reassembly on.
tshark_fields()
{
	tshark -n -r "$1" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
		-o ip.defragment:TRUE -Y "$2" -T fields "${@:3}" 2>/dev/null
}

cap_frames()
{
	tcpdump -n -r "$1" 2>/dev/null | wc -l
}

cap_frames_ge()
{
	[ "$(cap_frames "$1")" -ge "$2" ]
}

t_capture_checksums()
{
	local a s1 s2 cap err pid bad seen size n

	one_host a || return 1
	cap=$ANP_TMPDIR/anp0.pcap
	err=$ANP_TMPDIR/tcpdump.err
	# Not through nsx (a backgrounded function is a subshell that a
	# SIGINT would not stop): $! is tcpdump's pid.
	ip netns exec "$a" tcpdump -n -U -s 0 -i anp0 -w "$cap" \
		udp or icmp or '(ip[6:2] & 0x1fff != 0)' 2> "$err" &
	pid=$!
	ANP_BG_PIDS+=("$pid")
	wait_until 10 grep -q "listening on" "$err" ||
		{ fail "tcpdump did not start: $(cat "$err")"; return 1; }

	udp_start s1 "$a" serve --family anp --bind 0.0.0.0:$PORT || return 1
	udp_start s2 "$a" serve --family inet --bind $LIN:7001 || return 1
	expect "AF_INET -> AF_ANP" \
		udp_send "$a" --family inet --to $HOST:$PORT --sizes $SIZES
	expect "AF_ANP -> AF_INET" \
		udp_send "$a" --family anp --to $LIN:7001 --sizes $SIZES
	expect_served "$s1" 6
	expect_served "$s2" 6

	# tcpdump lags behind under TCG: stop it only once it has written
	# every frame of the exchange (1+1+1+2+6+45 frames per set of sizes,
	# a request and an echo, both ways: 224; more is a failure below).
	wait_until 60 cap_frames_ge "$cap" 224 ||
		fail "capture holds $(cap_frames "$cap") frames, want 224"
	kill -INT "$pid"
	wait "$pid"
	diag "$(cat "$err")"
	[ -s "$cap" ] || { fail "no capture file"; return 1; }
	expect_eq "frames in the capture" "$(cap_frames "$cap")" 224

	bad=$(tshark_fields "$cap" \
		'_ws.malformed || _ws.expert.severity >= "Warning" || ip.checksum.status == "Bad" || udp.checksum.status == "Bad"' \
		-e frame.number -e ip.src -e ip.dst -e _ws.expert.message)
	expect "no malformed packet, bad checksum or warning in the capture" \
		test -z "$bad" || diag "$bad"

	# Every datagram in both directions (the echoes too) is in the
	# capture, reassembled by tshark: UDP length = payload + 8.  One
	# tshark run (it is slow to start under TCG).
	seen=$(tshark_fields "$cap" ip -e ip.src -e udp.srcport -e udp.dstport \
		-e udp.length -e ip.flags.mf)
	for size in ${SIZES//,/ }; do
		for dir in "$LIN $HOST $PORT" "$HOST $LIN 7001"; do
			set -- $dir
			n=$(awk -F '\t' -v s="$1" -v p="$3" -v l=$((size + 8)) \
				'$1 == s && $3 == p && $4 == l' <<< "$seen" | wc -l)
			expect_eq "$size-byte datagrams $1 -> $2:$3 in the capture" "$n" 1
			n=$(awk -F '\t' -v s="$2" -v p="$3" -v l=$((size + 8)) \
				'$1 == s && $2 == p && $4 == l' <<< "$seen" | wc -l)
			expect_eq "$size-byte echoes $2:$3 -> $1 in the capture" "$n" 1
		done
	done
	# The large ones crossed the wire as fragments (MF set on all but
	# the last): 1 + 5 + 44 per datagram, a request and an echo each way.
	n=$(awk -F '\t' -v s=$HOST '$1 == s && ($5 == 1 || $5 == "True")' <<< "$seen" | wc -l)
	expect_ge "fragments with MF sent by the ANP host" "$n" 100
	n=$(awk -F '\t' -v s=$LIN '$1 == s && ($5 == 1 || $5 == "True")' <<< "$seen" | wc -l)
	expect_ge "fragments with MF sent by Linux" "$n" 100
}

t_anpctl_sockets_shows_server()
{
	local a srv out

	one_host a || return 1
	udp_start srv "$a" serve --family anp --bind 0.0.0.0:$PORT || return 1
	out=$(nsx "$a" "$ANPCTL" sockets -p)
	diag "$out"
	expect "anpctl sockets: the server, UNCONN on 0.0.0.0:$PORT" \
		grep -qE "^udp +UNCONN +0 +0 +0\.0\.0\.0:$PORT +0\.0\.0\.0:\* +uid:0 ino:[0-9]+ .*users:\(\(\"anp-udp\",pid=$srv,fd=[0-9]+\)\)" <<< "$out"
	# A connected client shows up as ESTAB with its peer.
	local cli
	udp_start cli "$a" hold --family anp --bind $HOST:7200 \
		--connect $LIN:9 || return 1
	out=$(nsx "$a" "$ANPCTL" sockets)
	diag "$out"
	expect "anpctl sockets: the connected socket, ESTAB to $LIN:9" \
		grep -qE "^udp +ESTAB +0 +0 +$HOST:7200 +$LIN:9 +uid:0" <<< "$out"
	udp_stop "$srv"
	udp_stop "$cli"
	out=$(nsx "$a" "$ANPCTL" sockets)
	expect "after close only the header is left" \
		test "$(wc -l <<< "$out")" -eq 1
}

t_two_hosts_routed()
{
	local a b s1 s2

	anp_two_hosts_routed a b || return 1

	udp_start s1 "$a" serve --family anp --bind 10.77.0.2:$PORT || return 1
	udp_start s2 "$b" serve --family anp --bind 0.0.0.0:$PORT || return 1
	expect "ANP b -> ANP a across two routers" \
		udp_send "$b" --family anp --to 10.77.0.2:$PORT --sizes $SIZES
	expect "ANP a -> ANP b across two routers" \
		udp_send "$a" --family anp --to 10.78.0.2:$PORT --sizes $SIZES
	expect_served "$s1" 6
	expect_served "$s2" 6
}

t_anp_to_itself()
{
	local a srv rx0 tx0 l0

	one_host a || return 1
	udp_start srv "$a" serve --family anp --bind 0.0.0.0:$PORT || return 1
	rx0=$(ip_link_stat "$a" anp0 rx packets)
	tx0=$(ip_link_stat "$a" anp0 tx packets)
	l0=$(anp_stat IpLoopPkts "$a")
	expect "AF_ANP -> its own address $HOST" \
		udp_send "$a" --family anp --to $HOST:$PORT --sizes $SIZES
	expect "AF_ANP -> 127.0.0.1" \
		udp_send "$a" --family anp --to 127.0.0.1:$PORT --sizes $SIZES
	expect "AF_ANP connected to itself" \
		udp_send "$a" --family anp --connect $HOST:$PORT --sizes $SIZES
	expect_served "$srv" 18
	# RFC 1122 3.3.4.2 spirit: none of it crossed the NIC.
	expect_eq "anp0 rx packets (none from the host)" \
		"$(ip_link_stat "$a" anp0 rx packets)" "$rx0"
	expect_eq "anp0 tx packets (none to the host)" \
		"$(ip_link_stat "$a" anp0 tx packets)" "$tx0"
	expect_stat_ge "$a" IpLoopPkts "$l0" 36
}

anp_run_tests \
	t_inet_to_anp \
	t_anp_to_inet \
	t_capture_checksums \
	t_anpctl_sockets_shows_server \
	t_two_hosts_routed \
	t_anp_to_itself
