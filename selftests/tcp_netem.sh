#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reliable delivery under impairment: bulk transfers between Linux TCP and
# AF_ANP stream sockets with netem on the path, every byte checked by a
# SHA-256 computed on both ends (anp-tcp bulk against anp-tcp serve
# --mode sink): every byte arrives, in order, exactly once.
#
# The path: netns R holds anp0, the ANP host (10.77.0.2) and a Linux
# router; netns C holds the Linux peer (10.88.0.2) behind the veth pair
# vr/vc, with the same netem on both veth ends, so data and ACKs are
# impaired in both directions (anp0's receive side has no qdisc).
#
#   <impairment>_to_anp    Linux peer -> AF_ANP sink
#   <impairment>_from_anp  AF_ANP -> Linux peer sink
#   <impairment>_anp_anp   AF_ANP -> AF_ANP sink: two ANP hosts in two
#                          netns (lib.sh's anp_two_hosts_routed), their
#                          Linux stacks forwarding over a veth pair with
#                          the netem on both of its ends
#
# ANP_TCP_NETEM_BYTES sets the transfer size (default 100M, as issue 4
# asks; e.g. 4M for a quick run).  ANP_TCP_NETEM_JOBS cases run at once
# (default 6): each has its own netns, and much of a lossy transfer's
# time is spent waiting for timers.  The cases are set up and started
# ahead, in the order below, their output kept, and each is reported at
# its own TAP test point.
#
# The routes of both ends (the Linux peer's `ip route`, the ANP host's
# `anpctl route`) carry rto_min ANP_TCP_NETEM_RTO_MIN (default 10ms):
# with both stacks' 200 ms floor, the timeouts of 10 % loss both ways
# stretch a 100 MB transfer to minutes (about 440 s from the ANP host).
#
# Both ends give up on a connection idle for IDLE s, longer than Linux's
# largest retransmission timeout (TCP_RTO_MAX, 120 s): a sender at 10%
# loss both ways can back its RTO off for a minute or more (Karn's rule
# keeps the backoff while every ACK covers retransmitted data).  Both
# hosts' counters are printed after each case.
source "$(dirname "$0")/lib.sh"

anp_setup_common
ANP_TCP="$ANP_BIN/anp-tcp"
anp_require_cmd "$ANP_TCP" tc ethtool

HOST=10.77.0.2
PEER=10.88.0.2
PORT=40100
BYTES=${ANP_TCP_NETEM_BYTES:-100M}
JOBS=${ANP_TCP_NETEM_JOBS:-6}
RTO_MIN=${ANP_TCP_NETEM_RTO_MIN:-10ms}
IDLE=150

# tcp_start VAR NS ARGS...: anp-tcp ARGS... in NS, once it listens (lib.sh).
tcp_start()
{
	anp_bg_ready "$1" "$2" "$ANP_TCP" "${@:3}"
}

# gro_off NS: no GRO on NS's anp0.  A frame GRO validated
# (CHECKSUM_UNNECESSARY) keeps that mark when forwarded, so a bit netem
# flips on the veth afterwards would reach the peer unchecked and corrupt
# the stream.
gro_off()
{
	ip netns exec "$1" ethtool -K anp0 gro off ||
		{ fail "ethtool -K anp0 gro off in $1"; return 1; }
}

# static_neigh NS1 DEV1 IP1 NS2 DEV2 IP2: the two ends of a veth pair
# know each other's MAC for good, so no ARP crosses the impaired link.
# netem drops ARP as well: at 10 % loss both ways, three failed
# exchanges in a row (about 0.7 % of resolutions) end a connect with
# EHOSTUNREACH, as Linux's neighbour code does; the transfer is what is
# under test here, not resolution.
static_neigh()
{
	local mac1 mac2

	mac1=$(ip netns exec "$1" cat "/sys/class/net/$2/address") &&
		mac2=$(ip netns exec "$4" cat "/sys/class/net/$5/address") ||
		{ fail "MAC addresses of $2/$5"; return 1; }
	ip -n "$1" neigh replace "$6" lladdr "$mac2" dev "$2" nud permanent &&
		ip -n "$4" neigh replace "$3" lladdr "$mac1" dev "$5" nud permanent ||
		{ fail "static neighbours on $2/$5"; return 1; }
}

# netem NS DEV NETEM...: NETEM as DEV's root qdisc.
netem()
{
	tc -n "$1" qdisc add dev "$2" root netem "${@:3}" ||
		{ fail "tc qdisc add dev $2 root netem ${*:3} (sch_netem?)"; return 1; }
}

# routed_setup RVAR CVAR NETEM...: the topology above with NETEM on vr
# and vc.
routed_setup()
{
	anp_ns_create "$1" || return 1
	anp_ns_create "$2" || return 1
	local r=${!1} c=${!2}

	shift 2
	anp_host_setup "$r" anp0 10.77.0.1/24 $HOST/24 || return 1
	gro_off "$r" || return 1
	ip -n "$r" link add vr type veth peer name vc netns "$c" ||
		{ fail "veth pair"; return 1; }
	ip -n "$r" addr add 10.88.0.1/24 dev vr
	ip -n "$r" link set vr up
	ip -n "$c" addr add $PEER/24 dev vc
	ip -n "$c" link set vc up
	ip -n "$c" route add default via 10.88.0.1 rto_min "$RTO_MIN" ||
		{ fail "ip route add default ... rto_min $RTO_MIN"; return 1; }
	static_neigh "$r" vr 10.88.0.1 "$c" vc $PEER || return 1
	ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1
	nsx "$r" "$ANPCTL" route add default via 10.77.0.1 rto_min "$RTO_MIN" ||
		{ fail "anpctl route add default ... rto_min $RTO_MIN"; return 1; }
	netem "$r" vr "$@" && netem "$c" vc "$@"
}

# anp_setup AVAR BVAR NETEM...: two ANP hosts, A (10.77.0.2) and B
# (10.78.0.2), with NETEM on both ends of the veth pair between their
# netns.
anp_setup()
{
	local -n _na=$1 _nb=$2

	shift 2
	anp_two_hosts_routed _na _nb rto_min "$RTO_MIN" || return 1
	gro_off "$_na" && gro_off "$_nb" || return 1
	static_neigh "$_na" va 10.99.0.1 "$_nb" vb 10.99.0.2 || return 1
	netem "$_na" va "$@" && netem "$_nb" vb "$@"
}

# The cases: name, direction (to: Linux peer -> AF_ANP, from: AF_ANP ->
# Linux peer, anp: AF_ANP -> AF_ANP), netem arguments.
CASES=(
	# The longest first, so that they run while the others come and go.
	"loss10_from_anp from loss 10%"
	"loss10_anp_anp anp loss 10%"
	"loss10_to_anp to loss 10%"
	"loss5_from_anp from loss 5%"
	"loss5_anp_anp anp loss 5%"
	"loss5_to_anp to loss 5%"
	"loss1_to_anp to loss 1%"
	"loss1_from_anp from loss 1%"
	"loss1_anp_anp anp loss 1%"
	"duplicate_to_anp to duplicate 10%"
	"duplicate_from_anp from duplicate 10%"
	"duplicate_anp_anp anp duplicate 10%"
	# A quarter of the packets (correlated) go at once, the rest 10 ms
	# later.
	"reorder_to_anp to delay 10ms reorder 25% 50%"
	"reorder_from_anp from delay 10ms reorder 25% 50%"
	"reorder_anp_anp anp delay 10ms reorder 25% 50%"
	# A flipped bit: the TCP checksum must catch it (RFC 9293 3.1).
	"corrupt1_to_anp to corrupt 1%"
	"corrupt1_from_anp from corrupt 1%"
	"corrupt1_anp_anp anp corrupt 1%"
	"jitter_to_anp to delay 10ms 5ms distribution normal"
	"jitter_from_anp from delay 10ms 5ms distribution normal"
	"jitter_anp_anp anp delay 10ms 5ms distribution normal"
)

# Per case, once started: its netns and background pids (made the test
# point's own, for lib.sh's cleanup, only when it is reported), the
# bulk sender's pid (none: the setup failed) and output file, the sink's
# pid, what setup printed, the netem qdiscs and the hosts to report.
declare -A C_NS C_PIDS C_BULK C_SRV C_LOG C_DIAG C_SHOW C_STATS
STARTED=0
ORDER=()

# case_topology DIR NETEM...: the netns of a DIR case with NETEM; sets
# start_case's srv (netns, family), cli (netns, family, destination),
# show (the netem qdiscs) and stats (the hosts: anp:NS or linux:NS).
case_topology()
{
	local dir=$1 r c

	shift
	if [ "$dir" = anp ]; then
		anp_setup r c "$@" || return 1
		srv=("$c" anp)
		cli=("$r" anp 10.78.0.2)
		show="$r va $c vb"
		stats="anp:$r anp:$c"
		return 0
	fi
	routed_setup r c "$@" || return 1
	show="$r vr $c vc"
	stats="anp:$r linux:$c"
	if [ "$dir" = to ]; then
		srv=("$r" anp)
		cli=("$c" inet "$HOST")
	else
		srv=("$c" inet)
		cli=("$r" anp "$PEER")
	fi
}

# start_case NAME DIR NETEM...: set NAME's topology up and start its
# transfer in the background; everything it prints waits in a file, and
# a failure is NAME's, not that of the test point that started it.
start_case()
{
	local name=$1 dir=$2 srv cli show stats sink
	local ns_saved=("${ANP_NS_LIST[@]}") bg_saved=("${ANP_BG_PIDS[@]}")
	local failed_saved=$TEST_FAILED

	shift 2
	ANP_NS_LIST=()
	ANP_BG_PIDS=()
	C_LOG[$name]=$ANP_TMPDIR/$name.setup
	C_DIAG[$name]=$ANP_TMPDIR/$name.bulk
	{
		if case_topology "$dir" "$@" &&
			tcp_start sink "${srv[0]}" serve --family "${srv[1]}" \
				--bind 0.0.0.0:$PORT --mode sink --count 1 \
				--idle $IDLE; then
			ip netns exec "${cli[0]}" "$ANP_TCP" bulk \
				--family "${cli[1]}" --to "${cli[2]}:$PORT" \
				--bytes "$BYTES" --idle $IDLE \
				> "${C_DIAG[$name]}" 2>&1 &
			C_BULK[$name]=$!
			C_SRV[$name]=$sink
			C_SHOW[$name]=$show
			C_STATS[$name]=$stats
		fi
	} > "${C_LOG[$name]}" 2>&1
	C_NS[$name]="${ANP_NS_LIST[*]}"
	C_PIDS[$name]="${ANP_BG_PIDS[*]} ${C_BULK[$name]:-}"
	ANP_NS_LIST=("${ns_saved[@]}")
	ANP_BG_PIDS=("${bg_saved[@]}")
	TEST_FAILED=$failed_saved
}

# start_upto N: the first N cases of this run started.
start_upto()
{
	local spec

	while [ "$STARTED" -lt "$1" ] && [ "$STARTED" -lt ${#ORDER[@]} ]; do
		spec=${ORDER[$STARTED]}
		STARTED=$((STARTED + 1))
		# shellcheck disable=SC2086 # the netem words split
		start_case $spec
	done
}

# finish NAME: NAME's test point: the next cases start so that JOBS
# run, then NAME's bulk sender ends; both ends' SHA-256 must match, the
# sink must end well (what netem did and both hosts' counters are
# printed).
finish()
{
	local name=$1 i rc out s ns

	for i in "${!ORDER[@]}"; do
		[ "${ORDER[$i]%% *}" = "$name" ] && break
	done
	start_upto $((i + JOBS))
	# Cleaned up after this test point, as any test's.
	# shellcheck disable=SC2206 # lists of names and pids
	ANP_NS_LIST+=(${C_NS[$name]})
	# shellcheck disable=SC2206
	ANP_BG_PIDS+=(${C_PIDS[$name]})
	sed 's/^\([^#]\)/# \1/' "${C_LOG[$name]}"
	[ -n "${C_BULK[$name]:-}" ] || return 1
	wait "${C_BULK[$name]}"
	rc=$?
	out=$(cat "${C_DIAG[$name]}")
	check_bulk "${C_SRV[$name]}" "$out" $rc
	for s in ${C_STATS[$name]}; do
		ns=${s#*:}
		if [ "${s%%:*}" = anp ]; then
			diag "ANP host in $ns: $(nsx "$ns" "$ANPCTL" stats -z | grep -i tcp)"
		else
			diag "Linux peer: $(ip netns exec "$ns" nstat -as \
				TcpRetransSegs TcpExtTCPTimeouts \
				TcpExtTCPSackRecovery TcpExtTCPLossProbes \
				TcpExtTCPSpuriousRTOs TcpExtTCPRcvQDrop \
				TcpExtTCPOFODrop)"
		fi
	done
	# shellcheck disable=SC2086
	show_netem ${C_SHOW[$name]}
}

# check_bulk SRV OUT RC: anp-tcp bulk printed OUT and exited with RC;
# both ends' SHA-256 must match and the sink SRV must end well.  A bulk
# that failed may never have reached the sink, which would wait for it:
# then the sink is stopped.
check_bulk()
{
	diag "$2"
	expect_eq "bulk exit status (1: SHA-256 mismatch or a broken connection)" "$3" 0
	expect "both ends computed the same SHA-256" grep -q ' match$' <<< "$2"
	if [ "$3" != 0 ]; then
		anp_bg_stop "$1"
		return
	fi
	wait "$1"
	expect_eq "sink exit status" $? 0
	diag "$(cat "$ANP_TMPDIR/$1.out")"
}

# show_netem NS DEV [NS DEV]...: what each netem did.
show_netem()
{
	while [ $# -ge 2 ]; do
		diag "$(tc -n "$1" -s qdisc show dev "$2" | head -n 3)"
		shift 2
	done
}

# One test function per case (t_NAME: finish NAME), run in CASES' order
# (or ANP_TESTS', lib.sh), which is also the order they start in.
TESTS=()
for spec in "${CASES[@]}"; do
	name=${spec%% *}
	eval "t_$name() { finish $name; }"
	TESTS+=("t_$name")
	if [ -z "${ANP_TESTS:-}" ] || [[ " $ANP_TESTS " == *" $name "* ]]; then
		ORDER+=("$spec")
	fi
done

anp_run_tests "${TESTS[@]}"
