#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv4 fragmentation and reassembly between Linux and the ANP host over
# anp0 (RFC 791 3.2, RFC 1122 3.3.2): Linux's fragmented echo requests
# are reassembled and answered with fragmented replies that Linux
# reassembles; netem reordering and duplication do not break it; an
# incomplete datagram times out with ICMP Time Exceeded code 1; an
# unknown protocol gets ICMP Protocol Unreachable (RFC 1122 3.2.2.1).
source "$(dirname "$0")/lib.sh"

anp_setup_common
anp_require_cmd ping python3 tc

LIN=10.78.0.1
HOST=10.78.0.2

# raw_icmp NS SRC DST MODE: Python over raw sockets in NS.  MODE proto:
# send a datagram of protocol 253 to DST; MODE frag0: send only the
# first fragment of a datagram (ICMP echo, id 0x5151).  Then wait up to
# $RAW_WAIT s for an ICMP error quoting it and print "TYPE CODE".
RAW_WAIT=5
raw_icmp()
{
	nsx "$1" python3 - "$2" "$3" "$4" "$RAW_WAIT" <<'EOF'
import socket, struct, sys, time

src, dst, mode, wait = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
rcv = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
if mode == "proto":
    proto, ident = 253, None
    snd = socket.socket(socket.AF_INET, socket.SOCK_RAW, proto)
    snd.sendto(b"anp-test" * 4, (dst, 0))
else:
    proto, ident = socket.IPPROTO_ICMP, 0x5151

    def csum(b):
        if len(b) % 2:
            b += b"\0"
        s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
        s = (s >> 16) + (s & 0xffff)
        s += s >> 16
        return ~s & 0xffff

    data = bytes(range(256)) * 8
    icmp = struct.pack("!BBHHH", 8, 0, 0, 1, 1) + data
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    part = icmp[:1024]
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(part), ident,
                      0x2000, 64, proto, 0, socket.inet_aton(src),
                      socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    snd = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    snd.sendto(hdr + part, (dst, 0))
end = time.time() + wait
while time.time() < end:
    rcv.settimeout(max(0.01, end - time.time()))
    try:
        pkt = rcv.recv(65535)
    except socket.timeout:
        break
    ihl = (pkt[0] & 15) * 4
    t, c = pkt[ihl], pkt[ihl + 1]
    q = pkt[ihl + 8:]
    if t not in (3, 11) or len(q) < 20:
        continue
    qid = struct.unpack("!H", q[4:6])[0]
    if q[9] == proto and socket.inet_ntoa(q[16:20]) == dst and \
       (ident is None or qid == ident):
        print(t, c)
        sys.exit(0)
print("no ICMP error")
sys.exit(1)
EOF
}

# Fragmented echo both ways, content checked by ping.
t_ping_fragmented()
{
	local a s out rc ok0 fc0 fo0 rf0

	anp_ns_create a || return 1
	anp_host_setup "$a" anp0 $LIN/24 $HOST/24 || return 1
	ping_ok "$a" $HOST || { fail "plain ping $HOST not answered"; return 1; }
	ok0=$(anp_stat IpReasmOKs "$a")
	fc0=$(anp_stat IpFragCreates "$a")
	fo0=$(anp_stat IpFragOKs "$a")
	rf0=$(anp_stat IpReasmFails "$a")
	# 1473: one byte over the MTU; 65507: the largest ICMP echo.
	for s in 1473 8000 65507; do
		out=$(nsx "$a" ping -n -c 1 -W 5 -s $s $HOST 2>&1)
		rc=$?
		expect "ping -s $s answered (exit $rc): $out" test $rc -eq 0
		expect_fail "ping -s $s reply data intact: $out" \
			grep -qi "wrong data" <<< "$out"
	done
	# One reassembly per request; replies of 1501, 8028 and 65535
	# bytes leave in 2 + 6 + 45 fragments of at most 1500 bytes.
	expect_stat_eq "$a" IpReasmOKs "$ok0" 3
	expect_stat_eq "$a" IpFragOKs "$fo0" 3
	expect_stat_eq "$a" IpFragCreates "$fc0" 53
	expect_stat_eq "$a" IpReasmFails "$rf0" 0
}

t_netem_reorder_duplicate()
{
	local a out rc d0 ok0

	anp_ns_create a || return 1
	anp_host_setup "$a" anp0 $LIN/24 $HOST/24 || return 1
	if ! nsx "$a" tc qdisc add dev anp0 root netem delay 5ms \
		reorder 50% 50% duplicate 40% 2>/dev/null; then
		skip "no netem qdisc"
		return $KSFT_SKIP
	fi
	d0=$(anp_stat IpReasmDuplicates "$a")
	ok0=$(anp_stat IpReasmOKs "$a")
	out=$(nsx "$a" ping -n -c 20 -i 0.05 -W 5 -s 8000 $HOST 2>&1)
	rc=$?
	expect "ping -s 8000 through netem: every request answered (exit $rc): $out" \
		grep -q " 20 received" <<< "$out"
	expect_fail "reply data intact: $out" grep -qi "wrong data" <<< "$out"
	# 20 requests of 6 fragments, 40% duplicated: duplicates arrive.
	expect_stat_ge "$a" IpReasmDuplicates "$d0" 1
	expect_stat_ge "$a" IpReasmOKs "$ok0" 20
}

# RFC 1122 3.3.2: fragment 0 alone times out (ANP_FRAG_TIMEOUT, 30 s)
# and is answered with Time Exceeded code 1.
t_reassembly_timeout()
{
	local a out t0 te0

	anp_ns_create a || return 1
	anp_host_setup "$a" anp0 $LIN/24 $HOST/24 || return 1
	ping_ok "$a" $HOST || { fail "plain ping $HOST not answered"; return 1; }
	t0=$(anp_stat IpReasmTimeout "$a")
	te0=$(anp_stat IcmpOutTimeExcds "$a")
	out=$(RAW_WAIT=45 raw_icmp "$a" $LIN $HOST frag0)
	expect "Time Exceeded code 1 for the lone fragment 0: $out" \
		test "$out" = "11 1"
	expect_stat_eq "$a" IpReasmTimeout "$t0" 1
	expect_stat_eq "$a" IcmpOutTimeExcds "$te0" 1
}

# RFC 1122 3.2.2.1: Protocol Unreachable for a protocol the host lacks.
t_protocol_unreachable()
{
	local a out u0 p0

	anp_ns_create a || return 1
	anp_host_setup "$a" anp0 $LIN/24 $HOST/24 || return 1
	ping_ok "$a" $HOST || { fail "plain ping $HOST not answered"; return 1; }
	u0=$(anp_stat IcmpOutDestUnreachs "$a")
	p0=$(anp_stat IpInUnknownProtos "$a")
	out=$(raw_icmp "$a" $LIN $HOST proto)
	expect "Destination Unreachable code 2 (protocol): $out" \
		test "$out" = "3 2"
	expect_stat_eq "$a" IpInUnknownProtos "$p0" 1
	expect_stat_eq "$a" IcmpOutDestUnreachs "$u0" 1
}

anp_run_tests \
	t_ping_fragmented \
	t_netem_reorder_duplicate \
	t_protocol_unreachable \
	t_reassembly_timeout
