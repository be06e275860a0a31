#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# TCP interop of AF_ANP stream sockets: the course project's pattern test
# (the client sends be32 L and L bytes of (0xAA + i) & 0xFF for L = 4 KiB,
# 128 KiB and 1 MiB, the server checks and echoes them, the client checks
# the echo and closes; anp-tcp pattern) run repeatedly in every pairing:
# Linux AF_INET client to an AF_ANP listener and back over anp0, two ANP
# hosts in two namespaces routed by Linux over a veth pair, an ANP host
# to itself (own address and 127.0.0.1).  A capture on anp0 read by
# tshark with IPv4 and TCP checksum validation shows no bad checksum and
# no malformed segment, and the ANP host's SYN carries an MSS option;
# `anpctl sockets` shows a listener and an established connection.
source "$(dirname "$0")/lib.sh"

anp_setup_common
ANP_TCP="$ANP_BIN/anp-tcp"
anp_require_cmd "$ANP_TCP" tcpdump tshark ethtool

LIN=10.77.0.1
HOST=10.77.0.2
# Ports no tshark dissector claims (7000 would be AFS Rx).
PORT=40100
PORT2=40101
REPEAT=${ANP_TCP_REPEAT:-3}

# tcp_start VAR NS ARGS...: anp-tcp ARGS... in NS, once it listens (lib.sh).
tcp_start()
{
	anp_bg_ready "$1" "$2" "$ANP_TCP" "${@:3}"
}

# tcp_stop PID: SIGTERM, then its exit status; its last lines as a diag.
tcp_stop()
{
	anp_bg_stop "$1" 3
}

# tcp_pattern NS ARGS...: anp-tcp pattern; its output as a diag on failure.
tcp_pattern()
{
	local ns=$1 out rc

	shift
	out=$(nsx "$ns" "$ANP_TCP" pattern --quiet --idle 30 "$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		diag "$(tail -n 1 <<< "$out")"
	else
		diag "$out"
	fi
	return $rc
}

# expect_served PID N: the server served N connections, none failed.
expect_served()
{
	local out=$ANP_TMPDIR/$1.out

	tcp_stop "$1" || fail "server exited with an error"
	expect "server: $2 connections, none failed" \
		grep -q ": $2 connections, 0 failed" "$out"
}

one_host()
{
	anp_ns_create "$1" || return 1
	anp_host_setup "${!1}" anp0 $LIN/24 $HOST/24
}

t_inet_to_anp()
{
	local a srv

	one_host a || return 1
	tcp_start srv "$a" serve --family anp --bind 0.0.0.0:$PORT || return 1
	expect "Linux AF_INET client -> AF_ANP listener, pattern x$REPEAT" \
		tcp_pattern "$a" --family inet --to $HOST:$PORT --repeat "$REPEAT"
	expect_served "$srv" $((3 * REPEAT))
}

t_anp_to_inet()
{
	local a srv

	one_host a || return 1
	tcp_start srv "$a" serve --family inet --bind $LIN:$PORT || return 1
	expect "AF_ANP client -> Linux AF_INET listener, pattern x$REPEAT" \
		tcp_pattern "$a" --family anp --to $LIN:$PORT --repeat "$REPEAT"
	# And from a bound address and port.
	# One connection: the port is in TIME-WAIT after it (we close first).
	expect "AF_ANP client bound to $HOST:40200 -> Linux" \
		tcp_pattern "$a" --family anp --bind $HOST:40200 --to $LIN:$PORT \
			--sizes 1048576
	expect_served "$srv" $((3 * REPEAT + 1))
}

t_two_hosts_routed()
{
	local a b s1 s2

	anp_two_hosts_routed a b || return 1

	tcp_start s1 "$a" serve --family anp --bind 10.77.0.2:$PORT || return 1
	tcp_start s2 "$b" serve --family anp --bind 0.0.0.0:$PORT || return 1
	expect "ANP b -> ANP a across two routers, pattern x$REPEAT" \
		tcp_pattern "$b" --family anp --to 10.77.0.2:$PORT --repeat "$REPEAT"
	expect "ANP a -> ANP b across two routers, pattern x$REPEAT" \
		tcp_pattern "$a" --family anp --to 10.78.0.2:$PORT --repeat "$REPEAT"
	expect_served "$s1" $((3 * REPEAT))
	expect_served "$s2" $((3 * REPEAT))
}

t_anp_to_itself()
{
	local a srv rx0 tx0

	one_host a || return 1
	tcp_start srv "$a" serve --family anp --bind 0.0.0.0:$PORT || return 1
	rx0=$(ip_link_stat "$a" anp0 rx packets)
	tx0=$(ip_link_stat "$a" anp0 tx packets)
	expect "AF_ANP -> its own address $HOST, pattern x$REPEAT" \
		tcp_pattern "$a" --family anp --to $HOST:$PORT --repeat "$REPEAT"
	expect "AF_ANP -> 127.0.0.1, pattern x$REPEAT" \
		tcp_pattern "$a" --family anp --to 127.0.0.1:$PORT --repeat "$REPEAT"
	expect_served "$srv" $((6 * REPEAT))
	# None of it crossed the NIC.
	expect_eq "anp0 rx packets (none from the host)" \
		"$(ip_link_stat "$a" anp0 rx packets)" "$rx0"
	expect_eq "anp0 tx packets (none to the host)" \
		"$(ip_link_stat "$a" anp0 tx packets)" "$tx0"
}

tshark_fields()
{
	tshark -n -r "$1" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
		-Y "$2" -T fields "${@:3}" 2>/dev/null
}

cap_frames()
{
	tcpdump -n -r "$1" 2>/dev/null | wc -l
}

# cap_fins_ge CAP N: at least N segments with FIN in the capture (the
# last frames of the exchange have been written).
cap_fins_ge()
{
	[ "$(tcpdump -n -r "$1" 'tcp[tcpflags] & tcp-fin != 0' 2>/dev/null | wc -l)" -ge "$2" ]
}

t_capture_checksums()
{
	local a s1 s2 cap err pid bad n syn

	one_host a || return 1
	# Linux receives the host's frames through napi_gro_receive: with GRO
	# on, tcpdump would see merged segments (larger than the MTU, the
	# first segment's checksum), not what crossed the link.
	ip netns exec "$a" ethtool -K anp0 gro off ||
		{ fail "ethtool -K anp0 gro off"; return 1; }
	cap=$ANP_TMPDIR/anp0.pcap
	err=$ANP_TMPDIR/tcpdump.err
	# Not through nsx (a backgrounded function is a subshell that a
	# SIGINT would not stop): $! is tcpdump's pid.
	ip netns exec "$a" tcpdump -n -U -s 0 -i anp0 -w "$cap" tcp 2> "$err" &
	pid=$!
	ANP_BG_PIDS+=("$pid")
	wait_until 10 grep -q "listening on" "$err" ||
		{ fail "tcpdump did not start: $(cat "$err")"; return 1; }

	tcp_start s1 "$a" serve --family anp --bind 0.0.0.0:$PORT || return 1
	tcp_start s2 "$a" serve --family inet --bind $LIN:$PORT2 || return 1
	expect "AF_INET -> AF_ANP" \
		tcp_pattern "$a" --family inet --to $HOST:$PORT
	expect "AF_ANP -> AF_INET" \
		tcp_pattern "$a" --family anp --to $LIN:$PORT2
	expect_served "$s1" 3
	expect_served "$s2" 3

	# tcpdump lags behind under TCG: stop it once both FINs of all six
	# connections are written.
	wait_until 60 cap_fins_ge "$cap" 12 ||
		fail "capture holds only part of the exchange"
	kill -INT "$pid"
	wait "$pid"
	diag "$(cat "$err")"
	[ -s "$cap" ] || { fail "no capture file"; return 1; }
	[ -n "${ANP_KEEP_CAPTURE:-}" ] && cp "$cap" "$ANP_KEEP_CAPTURE"
	n=$(cap_frames "$cap")
	expect_ge "frames in the capture" "$n" 100

	# Bad checksums and malformed segments; expert warnings except
	# tshark's flow analysis (group Sequence: window full, zero window,
	# resets, which are behaviour and not damage) and a checksum of
	# 0xffff where the sum gives 0x0000: the same number in one's
	# complement (RFC 1624 3), and what Linux's skb_checksum_help()
	# writes for a zero sum (CSUM_MANGLED_0), about one segment in
	# 65536 that Linux sends.
	bad=$(tshark_fields "$cap" \
		'_ws.malformed || ip.checksum.status == "Bad" || tcp.checksum.status == "Bad" || (_ws.expert.severity >= "Warning" && !(_ws.expert.group == "Sequence") && !tcp.checksum.ffff)' \
		-e frame.number -e ip.src -e ip.dst -e _ws.expert.message)
	expect "no malformed segment, bad checksum or warning in the capture" \
		test -z "$bad" || diag "$bad"
	n=$(tshark_fields "$cap" 'ip.len > 1500' -e frame.number | wc -l)
	expect_eq "segments larger than anp0's MTU" "$n" 0
	n=$(tshark_fields "$cap" 'tcp.checksum.status == "Good"' -e frame.number | wc -l)
	expect_ge "segments with a verified good TCP checksum" "$n" 100
	# RFC 9293 3.7.1: the host's SYN and SYN-ACK carry its MSS.
	syn=$(tshark_fields "$cap" "tcp.flags.syn == 1 && ip.src == $HOST" \
		-e tcp.flags.ack -e tcp.options.mss_val)
	diag "ANP host SYNs (ack, mss): $(tr '\n\t' '; ' <<< "$syn")"
	expect "the ANP host's SYN carries MSS 1460" \
		grep -qE '^(0|False)[[:space:]]+1460$' <<< "$syn"
	expect "the ANP host's SYN-ACK carries MSS 1460" \
		grep -qE '^(1|True)[[:space:]]+1460$' <<< "$syn"
	# RFC 7323 2, 3.2 and RFC 2018 2: Linux offers window scaling,
	# timestamps and SACK, and so does the ANP host, on its SYN and (as
	# an answer to Linux's SYN) its SYN-ACK.
	n=$(tshark_fields "$cap" "tcp.flags.syn == 1 && ip.src == $HOST && tcp.options.sack_perm && tcp.options.timestamp.tsval && tcp.options.wscale.shift" \
		-e frame.number | wc -l)
	expect_eq "ANP SYNs and SYN-ACKs with SACK-permitted, timestamps and window scale" "$n" 6
	# RFC 7323 3.2: once on, timestamps are on every segment but resets.
	n=$(tshark_fields "$cap" "ip.src == $HOST && tcp.flags.reset == 0 && !tcp.options.timestamp.tsval" \
		-e frame.number | wc -l)
	expect_eq "ANP segments without timestamps" "$n" 0
	# After the SYN, TSecr echoes the peer's TSval (RFC 7323 4.3), never
	# the 0 of a SYN that has nothing to echo.
	n=$(tshark_fields "$cap" "ip.src == $HOST && tcp.flags.syn == 0 && tcp.options.timestamp.tsecr == 0" \
		-e frame.number | wc -l)
	expect_eq "ANP segments after the SYN echoing TSecr 0" "$n" 0
}

t_anpctl_sockets()
{
	local a srv lsrv cli out

	one_host a || return 1
	tcp_start srv "$a" serve --family anp --bind 0.0.0.0:$PORT || return 1
	tcp_start lsrv "$a" serve --family inet --bind $LIN:$PORT2 --mode echo || return 1
	tcp_start cli "$a" hold --family anp --bind $HOST:40300 --to $LIN:$PORT2 || return 1
	out=$(nsx "$a" "$ANPCTL" sockets -p)
	diag "$out"
	expect "anpctl sockets: the listener on 0.0.0.0:$PORT with its process" \
		grep -qE "^tcp +LISTEN +[0-9]+ +[0-9]+ +0\.0\.0\.0:$PORT +0\.0\.0\.0:\* .*users:\(\(\"anp-tcp\",pid=$srv,fd=[0-9]+\)\)" <<< "$out"
	expect "anpctl sockets: the connection $HOST:40300 -> $LIN:$PORT2, ESTAB" \
		grep -qE "^tcp +ESTAB +0 +0 +$HOST:40300 +$LIN:$PORT2 .*users:\(\(\"anp-tcp\",pid=$cli,fd=[0-9]+\)\)" <<< "$out"
	tcp_stop "$cli"
	tcp_stop "$srv"
	tcp_stop "$lsrv"
	# The active closer lingers in TIME-WAIT; no listener or ESTAB left.
	out=$(nsx "$a" "$ANPCTL" sockets)
	expect "after close no LISTEN or ESTAB socket is left" \
		test -z "$(grep -E '^tcp +(LISTEN|ESTAB)' <<< "$out")" || diag "$out"
}

anp_run_tests \
	t_inet_to_anp \
	t_anp_to_inet \
	t_two_hosts_routed \
	t_anp_to_itself \
	t_capture_checksums \
	t_anpctl_sockets
