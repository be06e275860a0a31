#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Many TCP connections at once (issue 4): ANP_TCP_MANY_CONNS (default
# 1,000) connections in one netns open together (anp-tcp many:
# non-blocking connect + epoll), each sends ANP_TCP_MANY_BYTES (default
# 4 KiB) and checks its echo (anp-tcp serve --mode echo --concurrent),
# and all close; then nothing leaks: the ANP host's TCP sockets
# (`anpctl sockets`) and the objects in use in the ANP-TCP slab cache
# return to their start.
#
# Who closes first decides where TIME-WAIT (60 s) is:
#  - Linux client -> ANP server over anp0: the client closes first, so
#    Linux holds TIME-WAIT and every ANP socket goes CLOSE-WAIT,
#    LAST-ACK, CLOSED: the ANP socket count and the slab must return to
#    their start by themselves (a bounded poll: the last ACKs cross
#    anp0, the server closes as it reads each EOF).
#  - ANP client -> ANP server (the host to itself) and ANP client ->
#    Linux server: the ANP client closes first, so its sockets wait in
#    TIME-WAIT (one side of an ANP-to-ANP connection always does).  The
#    test checks that at most the clients' sockets remain, all in
#    TIME-WAIT (each server socket is gone; on the slow debug kernel
#    some may have ended already), and that the slab holds those and
#    no more; then it polls (bounded: 2 * MSL + 60 s) until
#    the TIME-WAIT timers have ended them and the slab is back to its
#    start.  Deleting the netns would not be faster: an AF_ANP socket,
#    orphan or not, holds its netns (sk_alloc), so the netns exit that
#    ends orphans (anp_tcp_net_exit) only runs after TIME-WAIT anyway.
#
# The slab count is /sys/kernel/slab/ANP-TCP/objects after a write to
# its shrink file (which flushes the per-CPU slabs, without which the
# count includes free objects cached per CPU).  SLUB may merge ANP-TCP
# with another cache of the same size (UDPv6 on the stock kernel; the
# test netns have IPv6 off, and nothing else in the VM uses it), and
# netns deleted by earlier tests are torn down in a workqueue: the
# count may fall below the start, never stay above it.
source "$(dirname "$0")/lib.sh"

anp_setup_common
ANP_TCP="$ANP_BIN/anp-tcp"
anp_require_cmd "$ANP_TCP"
SLAB=/sys/kernel/slab/ANP-TCP
[ -w "$SLAB/shrink" ] && [ -r "$SLAB/objects" ] ||
	anp_skip_all "no $SLAB (needs SLUB with sysfs)"

LIN=10.77.0.1
HOST=10.77.0.2
PORT=40500
CONNS=${ANP_TCP_MANY_CONNS:-1000}
BYTES=${ANP_TCP_MANY_BYTES:-4096}
# Bounds on the polls below (TCG is slow; a SYN dropped by a full queue
# is retried after 1 s, 3 s, ...).
OPEN_SECS=300
CLOSE_SECS=120
TIMEWAIT_SECS=120	# 2 * MSL is 60 s

# poll_until SECS CMD...: CMD until it succeeds or SECS of wall clock
# pass (lib.sh's wait_until counts 0.05 s steps, and one `anpctl
# sockets` of 2,000 sockets takes seconds on the debug kernel).
poll_until()
{
	local end=$((SECONDS + $1))

	shift
	until "$@"; do
		[ $SECONDS -lt "$end" ] || return 1
		sleep 0.2
	done
}

# tcp_socks NS [STATE]: the ANP host's TCP sockets (in STATE).
tcp_socks()
{
	nsx "$1" "$ANPCTL" sockets |
		awk -v s="${2:-}" '$1 == "tcp" && (s == "" || $2 == s) { n++ }
				   END { print n + 0 }'
}

# socks_by_state NS: how many ANP sockets in each state.
socks_by_state()
{
	nsx "$1" "$ANPCTL" sockets | awk 'NR > 1 { print $1, $2 }' | sort | uniq -c
}

# slab_objs: objects in use in the ANP-TCP cache.
slab_objs()
{
	echo 1 > "$SLAB/shrink"
	awk '{ print $1 }' "$SLAB/objects"
}

slab_le()
{
	[ "$(slab_objs)" -le "$1" ]
}

# tcp_socks_are NS N STATE: exactly N TCP sockets, all in STATE (or any
# state when STATE is empty).
tcp_socks_are()
{
	[ "$(tcp_socks "$1")" -eq "$2" ] &&
		{ [ -z "$3" ] || [ "$(tcp_socks "$1" "$3")" -eq "$2" ]; }
}

# only_timewait NS MAX: at most MAX TCP sockets, all in TIME-WAIT.
only_timewait()
{
	local n

	n=$(tcp_socks "$1")
	[ "$n" -le "$2" ] && [ "$(tcp_socks "$1" TIME-WAIT)" -eq "$n" ]
}

one_host()
{
	anp_ns_create "$1" || return 1
	anp_host_setup "${!1}" anp0 $LIN/24 $HOST/24
}

# gone PID: the process has exited.
gone()
{
	! kill -0 "$1" 2>/dev/null
}

# many NS SRV_FAMILY SRV_ADDR CLI_FAMILY ESTAB TW: the server (SRV_FAMILY
# on SRV_ADDR:PORT) and CONNS client connections to $TO; while all are
# open the ANP host has ESTAB established sockets; after the close,
# TW sockets in TIME-WAIT and no other.  Sets slab0 (the start) first.
many()
{
	local ns=$1 sfam=$2 saddr=$3 cfam=$4 estab=$5 tw=$6
	local srv ready cli n s0 want

	slab0=$(slab_objs)
	s0=$(tcp_socks "$ns")
	diag "start: ANP-TCP slab $slab0 objects, $s0 ANP TCP sockets"
	anp_bg_ready srv "$ns" "$ANP_TCP" serve --family "$sfam" \
		--bind "$saddr:$PORT" --mode echo --concurrent \
		--backlog "$CONNS" --count "$CONNS" --idle 60 || return 1
	# A name of its own: a file left by the case before would read as
	# ready at once.
	ready=$(mktemp -u "$ANP_TMPDIR/many.ready.XXXXXX")
	ip netns exec "$ns" "$ANP_TCP" many --family "$cfam" --to "$TO:$PORT" \
		--conns "$CONNS" --bytes "$BYTES" --idle 60 --ready "$ready" \
		> "$ANP_TMPDIR/many.out" 2>&1 &
	cli=$!
	ANP_BG_PIDS+=("$cli")
	poll_until $OPEN_SECS eval "test -s $ready || gone $cli"
	if ! [ -s "$ready" ]; then
		fail "anp-tcp many: $(cat "$ANP_TMPDIR/many.out")"
		return 1
	fi
	expect_eq "connections echoed, all open at once" "$(cat "$ready")" "$CONNS"
	expect "the client's TCP_INFO: all $CONNS ESTABLISHED" grep -q \
		"^many: TCP_INFO states of the open connections: ESTAB $CONNS\$" \
		"$ANP_TMPDIR/many.out"
	if ! poll_until 10 eval '[ "$(tcp_socks "$ns" ESTAB)" -eq "$estab" ]'; then
		diag "$(socks_by_state "$ns")"
		fail "ANP sockets ESTAB while all are open: $(tcp_socks "$ns" ESTAB), want $estab"
	fi
	n=$(slab_objs)
	diag "all open: ANP-TCP slab $n objects"
	expect_ge "ANP-TCP slab objects while all are open" "$n" $((slab0 + estab))

	kill -TERM "$cli"
	wait "$cli"
	expect "anp-tcp many: every connection echoed correctly" test $? -eq 0
	diag "$(tail -n 12 "$ANP_TMPDIR/many.out")"
	poll_until $CLOSE_SECS gone "$srv" ||
		fail "the server did not see $CONNS connections end"
	anp_bg_stop "$srv" 3
	expect "server: $CONNS connections, none failed" \
		grep -q ": $CONNS connections, 0 failed" "$ANP_TMPDIR/$srv.out"
	# The listener is gone with the server: at most s0 + TW sockets are
	# left (s0 is 0: a fresh netns), all in TIME-WAIT (a slow kernel may
	# reach this point after some have ended already).
	want=$((s0 + tw))
	if ! poll_until $CLOSE_SECS only_timewait "$ns" $want; then
		diag "$(socks_by_state "$ns")"
		fail "ANP TCP sockets after close: $(tcp_socks "$ns"), want at most $want, all TIME-WAIT"
		return 1
	fi
	diag "after close: $(tcp_socks "$ns") ANP TCP sockets, all TIME-WAIT, slab $(slab_objs) objects"
}

# timewait_ends NS TW: the slab holds no more than the TW sockets in
# TIME-WAIT; once 2 * MSL has passed no socket is left and the slab is
# back to its start (slab0).
timewait_ends()
{
	local t0=$SECONDS

	expect "ANP-TCP slab holds only the $2 TIME-WAIT sockets" \
		slab_le $((slab0 + $2))
	expect "the TIME-WAIT sockets end (2 * MSL)" \
		poll_until $TIMEWAIT_SECS tcp_socks_are "$1" 0 ""
	expect "ANP-TCP slab back to its start ($slab0)" \
		poll_until $CLOSE_SECS slab_le "$slab0"
	diag "end: ANP-TCP slab $(slab_objs) objects, $((SECONDS - t0)) s after the close"
}

t_anp_to_anp()
{
	local a

	one_host a || return 1
	TO=$HOST
	# s0 counts the ANP listener; both ends of each connection are ANP.
	many "$a" anp 0.0.0.0 anp $((2 * CONNS)) "$CONNS" || return 1
	timewait_ends "$a" "$CONNS"
}

t_inet_to_anp()
{
	local a

	one_host a || return 1
	TO=$HOST
	many "$a" anp 0.0.0.0 inet "$CONNS" 0 || return 1
	expect "ANP-TCP slab back to its start ($slab0)" \
		poll_until $CLOSE_SECS slab_le "$slab0"
	diag "end: ANP-TCP slab $(slab_objs) objects"
}

t_anp_to_inet()
{
	local a

	one_host a || return 1
	TO=$LIN
	many "$a" inet $LIN anp "$CONNS" "$CONNS" || return 1
	timewait_ends "$a" "$CONNS"
}

anp_run_tests \
	t_inet_to_anp \
	t_anp_to_anp \
	t_anp_to_inet
