#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# anpctl: every command and every error path, against the ANP host of a
# private network namespace.

load helpers

setup() {
	anp_setup
}

teardown() {
	local p
	for p in "${HOLD_PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	[ -z "${HOLD_DIR:-}" ] || rm -rf "$HOLD_DIR"
	anp_teardown
}

HOLD_PIDS=()
HOLD_DIR=

# ---- addresses -------------------------------------------------------

@test "addr add, show, del round trip" {
	run -0 anpctl addr show
	[ -z "$output" ]

	run -0 --separate-stderr anpctl addr add 10.77.0.2/24 dev anp0
	[ -z "$output" ] && [ -z "$stderr" ]

	run -0 anpctl addr show
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" =~ ^10\.77\.0\.2/24\ dev\ anp0\ lladdr\ ([0-9a-f]{2}:){5}[0-9a-f]{2}$ ]]

	# The host's MAC is not Linux's MAC of the device.
	local linux_mac
	linux_mac=$(anp_linux_mac anp0)
	[ -n "$linux_mac" ]
	[[ "${lines[0]}" != *"$linux_mac"* ]]

	run -0 anpctl addr del 10.77.0.2/24 dev anp0
	run -0 anpctl addr show
	[ -z "$output" ]
}

@test "addr show dev filters by device; 'addr' alone shows" {
	ip -n "$NS" link add anp1 type anp
	anpctl addr add 10.77.0.2/24 dev anp0
	anpctl addr add 10.88.0.2/24 dev anp1

	run -0 anpctl addr show dev anp1
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == "10.88.0.2/24 dev anp1 lladdr "* ]]

	run -0 anpctl addr
	[ "${#lines[@]}" -eq 2 ]
	run -0 anpctl address list
	[ "${#lines[@]}" -eq 2 ]
}

@test "addr add without /LEN means /32" {
	run -0 anpctl addr add 10.77.0.9 dev anp0
	run -0 anpctl addr show
	[[ "${lines[0]}" == "10.77.0.9/32 dev anp0 lladdr "* ]]
}

@test "duplicate address is rejected with the kernel's message" {
	anpctl addr add 10.77.0.2/24 dev anp0
	run -1 --separate-stderr anpctl addr add 10.77.0.2/24 dev anp0
	assert_one_line_error "anpctl: Error: address already on this device (File exists)"

	# The same address on another anp device of the host.
	ip -n "$NS" link add anp1 type anp
	run -1 --separate-stderr anpctl addr add 10.77.0.2/16 dev anp1
	assert_one_line_error "anpctl: Error: address already on another anp device (File exists)"

	# Nothing changed.
	run -0 anpctl addr show
	[ "${#lines[@]}" -eq 1 ]
}

@test "addr del of an absent address fails with the kernel's message" {
	run -1 --separate-stderr anpctl addr del 10.77.0.2/24 dev anp0
	assert_one_line_error "anpctl: Error: no such address on this device (Cannot assign requested address)"
}

@test "addresses the kernel refuses (multicast, loopback, 0/8)" {
	run -1 --separate-stderr anpctl addr add 224.0.0.1/24 dev anp0
	assert_one_line_error "anpctl: Error: address is a multicast address (Invalid argument)"
	run -1 --separate-stderr anpctl addr add 127.0.0.2/8 dev anp0
	assert_one_line_error "anpctl: Error: address is a loopback address (Invalid argument)"
	run -1 --separate-stderr anpctl addr add 0.0.0.0/8 dev anp0
	assert_error_matches '^anpctl: Error: .*\(Invalid argument\)$'
	run -1 --separate-stderr anpctl addr add 255.255.255.255/32 dev anp0
	assert_one_line_error "anpctl: Error: address is the limited broadcast address (Invalid argument)"
	run -0 anpctl addr show
	[ -z "$output" ]
}

@test "bad prefix is named and nothing is sent" {
	local p
	for p in 10.0.0.300/24 10.0.0.1/33 10.0.0.1/ 10.0.0.1/-1 10.0.0.1/2x \
		 10.0.0/24 foo /24 10.0.0.1/024; do
		run -1 --separate-stderr anpctl addr add "$p" dev anp0
		assert_one_line_error "anpctl: invalid prefix \"$p\""
	done
	run -0 anpctl addr show
	[ -z "$output" ]
}

@test "unknown device" {
	run -1 --separate-stderr anpctl addr add 10.77.0.2/24 dev nope0
	assert_one_line_error 'anpctl: device "nope0" does not exist'
	run -1 --separate-stderr anpctl addr show dev nope0
	assert_one_line_error 'anpctl: device "nope0" does not exist'
	run -1 --separate-stderr anpctl route add default via 10.77.0.1 dev nope0
	assert_one_line_error 'anpctl: device "nope0" does not exist'
}

@test "a device that is not an anp device is rejected by the kernel" {
	ip -n "$NS" link add dummy0 type dummy
	ip -n "$NS" link add veth0 type veth peer name veth1
	local dev
	for dev in lo dummy0 veth0; do
		run -1 --separate-stderr anpctl addr add 10.77.0.2/24 dev "$dev"
		assert_one_line_error "anpctl: Error: device is not an anp device in this network namespace (No such device)"
	done
	run -1 --separate-stderr anpctl addr del 10.77.0.2/24 dev lo
	assert_one_line_error "anpctl: Error: device is not an anp device in this network namespace (No such device)"
}

@test "addr add/del need CAP_NET_ADMIN; addr show does not" {
	anpctl addr add 10.77.0.2/24 dev anp0

	run -1 --separate-stderr ip netns exec "$NS" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$ANP_BIN/anpctl" addr add 10.77.0.3/24 dev anp0
	assert_one_line_error "anpctl: Error: Operation not permitted: addr add needs CAP_NET_ADMIN"

	run -1 --separate-stderr ip netns exec "$NS" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$ANP_BIN/anpctl" addr del 10.77.0.2/24 dev anp0
	assert_one_line_error "anpctl: Error: Operation not permitted: addr del needs CAP_NET_ADMIN"

	run -1 --separate-stderr ip netns exec "$NS" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$ANP_BIN/anpctl" route add default via 10.77.0.1
	assert_one_line_error "anpctl: Error: Operation not permitted: route add needs CAP_NET_ADMIN"

	# Reading is open to everyone, and nothing was changed.
	run -0 ip netns exec "$NS" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$ANP_BIN/anpctl" addr show
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == "10.77.0.2/24 dev anp0 "* ]]
	run -0 ip netns exec "$NS" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$ANP_BIN/anpctl" stats
}

@test "CAP_NET_ADMIN counts in the user namespace that owns the netns" {
	# Root of a new user namespace, still in $NS (owned by the initial
	# user namespace): not allowed.
	run -1 --separate-stderr ip netns exec "$NS" \
		unshare -U -r "$ANP_BIN/anpctl" addr add 10.77.0.2/24 dev anp0
	assert_one_line_error "anpctl: Error: Operation not permitted: addr add needs CAP_NET_ADMIN"

	# Root of a new user namespace in a netns that namespace owns:
	# allowed, and the address shows there.
	run -0 unshare -U -r -n sh -c '
		ip link add anp0 type anp &&
		"$0"/anpctl addr add 10.77.0.2/24 dev anp0 &&
		"$0"/anpctl addr show' "$ANP_BIN"
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == "10.77.0.2/24 dev anp0 lladdr "* ]]

	# ... and not in $NS.
	run -0 anpctl addr show
	[ -z "$output" ]
}

# ---- routes ----------------------------------------------------------

@test "connected route follows the address" {
	anpctl addr add 10.77.0.2/24 dev anp0
	run -0 anpctl route show
	[ "$output" = "10.77.0.0/24 dev anp0 proto kernel scope link src 10.77.0.2" ]

	# A connected route cannot be deleted on its own.
	run -1 --separate-stderr anpctl route del 10.77.0.0/24
	assert_error_matches '^anpctl: Error: no such static route.*\(No such process\)$'

	anpctl addr del 10.77.0.2/24 dev anp0
	run -0 anpctl route show
	[ -z "$output" ]
}

@test "route add default via, show, del" {
	anpctl addr add 10.77.0.2/24 dev anp0

	run -0 --separate-stderr anpctl route add default via 10.77.0.1
	[ -z "$output" ] && [ -z "$stderr" ]
	run -0 anpctl route show
	assert_line_present "10.77.0.0/24 dev anp0 proto kernel scope link src 10.77.0.2"
	assert_line_present "default via 10.77.0.1 dev anp0 proto static"
	[ "${#lines[@]}" -eq 2 ]

	# A second default route is a duplicate.
	run -1 --separate-stderr anpctl route add default via 10.77.0.3 dev anp0
	assert_one_line_error "anpctl: Error: a route to that destination already exists (File exists)"

	run -0 anpctl route del default
	run -0 anpctl route show
	assert_line_absent "default via 10.77.0.1 dev anp0 proto static"
	[ "${#lines[@]}" -eq 1 ]

	run -1 --separate-stderr anpctl route del default
	assert_error_matches '^anpctl: Error: no such static route.*\(No such process\)$'
}

@test "route add PREFIX via G dev D; del must match the gateway" {
	anpctl addr add 10.77.0.2/24 dev anp0
	run -0 anpctl route add 10.0.0.0/8 via 10.77.0.1 dev anp0
	run -0 anpctl route add 192.0.2.7 via 10.77.0.1
	run -0 anpctl route show
	assert_line_present "10.0.0.0/8 via 10.77.0.1 dev anp0 proto static"
	assert_line_present "192.0.2.7 via 10.77.0.1 dev anp0 proto static"

	run -1 --separate-stderr anpctl route del 10.0.0.0/8 via 10.77.0.99
	assert_error_matches '^anpctl: Error: no such static route.*\(No such process\)$'
	run -0 anpctl route del 10.0.0.0/8 via 10.77.0.1 dev anp0
	run -0 anpctl route show
	assert_line_absent "10.0.0.0/8 via 10.77.0.1 dev anp0 proto static"
	assert_line_present "192.0.2.7 via 10.77.0.1 dev anp0 proto static"
}

@test "gateway off every connected subnet is rejected" {
	run -1 --separate-stderr anpctl route add default via 10.77.0.1
	assert_one_line_error "anpctl: Error: gateway is not on a connected subnet (Network is unreachable)"

	anpctl addr add 10.77.0.2/24 dev anp0
	run -1 --separate-stderr anpctl route add default via 10.99.0.1
	assert_one_line_error "anpctl: Error: gateway is not on a connected subnet (Network is unreachable)"
	run -1 --separate-stderr anpctl route add default via 10.99.0.1 dev anp0
	assert_one_line_error "anpctl: Error: gateway is not on a connected subnet of that device (Network is unreachable)"
	run -1 --separate-stderr anpctl route add default via 10.77.0.2
	assert_one_line_error "anpctl: Error: gateway is a local address (Invalid argument)"
	run -1 --separate-stderr anpctl route add 10.0.0.1/8 via 10.77.0.1
	assert_one_line_error "anpctl: Error: destination has host bits set beyond the prefix (Invalid argument)"

	run -0 anpctl route show
	[ "${#lines[@]}" -eq 1 ]
}

@test "static route goes when the address of its gateway's subnet goes" {
	anpctl addr add 10.77.0.2/24 dev anp0
	anpctl route add default via 10.77.0.1
	anpctl addr del 10.77.0.2/24 dev anp0
	run -0 anpctl route show
	[ -z "$output" ]
}

@test "route with bad arguments" {
	run -1 --separate-stderr anpctl route add 10.0.0.0/99 via 10.77.0.1
	assert_one_line_error 'anpctl: invalid prefix "10.0.0.0/99"'
	run -1 --separate-stderr anpctl route add default via 10.77.0.256
	assert_one_line_error 'anpctl: invalid address "10.77.0.256"'
	run -1 --separate-stderr anpctl route add default via 10.77.0.1 dev lo
	assert_one_line_error "anpctl: Error: device is not an anp device in this network namespace (No such device)"
}

@test "route add with rto_min; show prints it as ip route does" {
	anpctl addr add 10.77.0.2/24 dev anp0
	run -0 --separate-stderr anpctl route add 10.0.0.0/8 via 10.77.0.1 rto_min 10ms
	[ -z "$output" ] && [ -z "$stderr" ]
	# As iproute2's get_time_rtt(): a bare number is milliseconds, a
	# fraction rounds up, s/sec/secs and ms/msec/msecs in any case.
	anpctl route add 192.0.2.0/24 via 10.77.0.1 dev anp0 rto_min 1.5S
	anpctl route add 198.51.100.0/24 via 10.77.0.1 rto_min 250
	anpctl route add 203.0.113.0/24 via 10.77.0.1 rto_min 0.1msec
	anpctl route add 203.0.113.7 via 10.77.0.1 rto_min 120s
	anpctl route add default via 10.77.0.1
	run -0 anpctl route show
	assert_line_present "10.0.0.0/8 via 10.77.0.1 dev anp0 proto static rto_min 10ms"
	assert_line_present "192.0.2.0/24 via 10.77.0.1 dev anp0 proto static rto_min 1.5s"
	assert_line_present "198.51.100.0/24 via 10.77.0.1 dev anp0 proto static rto_min 250ms"
	assert_line_present "203.0.113.0/24 via 10.77.0.1 dev anp0 proto static rto_min 1ms"
	assert_line_present "203.0.113.7 via 10.77.0.1 dev anp0 proto static rto_min 120s"
	assert_line_present "default via 10.77.0.1 dev anp0 proto static"
	assert_line_present "10.77.0.0/24 dev anp0 proto kernel scope link src 10.77.0.2"
	[ "${#lines[@]}" -eq 7 ]

	# Deleting needs no rto_min (and takes none).
	run -2 --separate-stderr anpctl route del 10.0.0.0/8 rto_min 10ms
	assert_one_line_error 'anpctl: route del: unexpected argument "rto_min" (try "anpctl help")'
	run -0 anpctl route del 10.0.0.0/8
	run -0 anpctl route show
	assert_line_absent "10.0.0.0/8 via 10.77.0.1 dev anp0 proto static rto_min 10ms"
	[ "${#lines[@]}" -eq 6 ]
}

@test "route add rto_min: bad times and the kernel's range" {
	anpctl addr add 10.77.0.2/24 dev anp0
	for t in abc 10us -1 0x10 1e3 . 10ms5 ""; do
		run -1 --separate-stderr anpctl route add 10.0.0.0/8 via 10.77.0.1 rto_min "$t"
		assert_one_line_error "anpctl: invalid rto_min \"$t\" (a time: N, Nms or Ns)"
	done
	run -1 --separate-stderr anpctl route add 10.0.0.0/8 via 10.77.0.1 rto_min 4294967296
	assert_one_line_error 'anpctl: invalid rto_min "4294967296" (too large)'
	run -2 --separate-stderr anpctl route add 10.0.0.0/8 via 10.77.0.1 rto_min
	assert_one_line_error 'anpctl: route add: "rto_min" needs an argument (try "anpctl help")'
	run -2 --separate-stderr anpctl route add 10.0.0.0/8 via 10.77.0.1 rto_min 1 rto_min 2
	assert_one_line_error 'anpctl: route add: "rto_min" given twice (try "anpctl help")'

	# The kernel refuses 0 and more than the 120 s maximum RTO.
	run -1 --separate-stderr anpctl route add 10.0.0.0/8 via 10.77.0.1 rto_min 0
	assert_one_line_error "anpctl: Error: rto_min must be at least 1 ms (leave it out for the default 200 ms) (Invalid argument)"
	run -1 --separate-stderr anpctl route add 10.0.0.0/8 via 10.77.0.1 rto_min 0ms
	assert_one_line_error "anpctl: Error: rto_min must be at least 1 ms (leave it out for the default 200 ms) (Invalid argument)"
	run -1 --separate-stderr anpctl route add 10.0.0.0/8 via 10.77.0.1 rto_min 120001
	assert_one_line_error "anpctl: Error: rto_min must not exceed the maximum RTO of 120 s (Invalid argument)"
	run -1 --separate-stderr anpctl route add 10.0.0.0/8 via 10.77.0.1 rto_min 4294967295
	assert_one_line_error "anpctl: Error: rto_min must not exceed the maximum RTO of 120 s (Invalid argument)"
	run -0 anpctl route show
	[ "${#lines[@]}" -eq 1 ]
}

# ---- neighbours, counters (need Linux to talk to the host) -------------

@test "neigh show lists Linux as REACHABLE after Linux pings the host" {
	anp_link_up
	run -0 anpctl neigh show
	assert_line_absent "10.77.0.1 dev anp0 lladdr $(anp_linux_mac anp0) REACHABLE"

	run -0 ip netns exec "$NS" ping -c 1 -W 5 10.77.0.2

	run -0 anpctl neigh show
	assert_line_present "10.77.0.1 dev anp0 lladdr $(anp_linux_mac anp0) REACHABLE"
	run -0 anpctl neigh show dev anp0
	assert_line_present "10.77.0.1 dev anp0 lladdr $(anp_linux_mac anp0) REACHABLE"
	run -0 anpctl neigh
	assert_line_present "10.77.0.1 dev anp0 lladdr $(anp_linux_mac anp0) REACHABLE"
}

@test "stats: one aligned line per counter" {
	run -0 --separate-stderr anpctl stats
	[ -z "$stderr" ]
	[ "${#lines[@]}" -ge 30 ]
	local l value col=
	for l in "${lines[@]}"; do
		[[ "$l" =~ ^[A-Za-z]+\ +[0-9]+$ ]] || { echo "bad line '$l'"; false; }
		# every value starts in the same column
		value=${l##* }
		[ -z "$col" ] || [ $(( ${#l} - ${#value} )) -eq "$col" ] ||
			{ echo "misaligned '$l'"; false; }
		col=$(( ${#l} - ${#value} ))
	done
	printf '%s\n' "$output" | grep -Eq '^IpInReceives +[0-9]+$'
	printf '%s\n' "$output" | grep -Eq '^ArpInRequests +[0-9]+$'
	printf '%s\n' "$output" | grep -Eq '^IcmpInEchos +0$'
	printf '%s\n' "$output" | grep -Eq '^IcmpOutEchoReps +0$'
}

@test "stats counters increase after pings; -z hides zeros" {
	anp_link_up
	local echos0 reps0 ipin0
	echos0=$(anp_stat IcmpInEchos)
	reps0=$(anp_stat IcmpOutEchoReps)
	ipin0=$(anp_stat IpInReceives)

	run -0 ip netns exec "$NS" ping -c 3 -i 0.2 -W 5 10.77.0.2

	local echos1 reps1 ipin1
	echos1=$(anp_stat IcmpInEchos)
	reps1=$(anp_stat IcmpOutEchoReps)
	ipin1=$(anp_stat IpInReceives)
	[ "$echos1" -ge $((echos0 + 3)) ]
	[ "$reps1" -ge $((reps0 + 3)) ]
	[ "$ipin1" -ge $((ipin0 + 3)) ]

	run -0 anpctl stats -z
	printf '%s\n' "$output" | grep -Eq "^IcmpInEchos +$echos1\$"
	printf '%s\n' "$output" | grep -Eq "^IcmpOutEchoReps +$reps1\$"
	[ "${#lines[@]}" -ge 3 ]
	[ -z "$(printf '%s\n' "$output" | grep -E ' 0$')" ]
	# and without -z the zero counters are there
	run -0 anpctl stats
	[ -n "$(printf '%s\n' "$output" | grep -E ' 0$')" ]
}

@test "stats are per network namespace" {
	anp_link_up
	run -0 ip netns exec "$NS" ping -c 1 -W 5 10.77.0.2
	[ "$(anp_stat IcmpInEchos)" -ge 1 ]

	local other
	other=$(anp_ns_name other)
	anp_ns_create "$other"
	local n
	n=$(ANPCTL_NS=$other anp_stat IcmpInEchos)
	anp_ns_delete "$other"
	[ "$n" -eq 0 ]
}

# ---- dumps larger than one netlink message buffer ----------------------

@test "addr and route dumps of hundreds of entries come back whole" {
	# 250 addresses (and so 250 connected routes) and 250 static routes:
	# about 30 KiB of route dump, more than one netlink dump message
	# holds, so the dumps come in several parts.
	local i batch=$BATS_TEST_TMPDIR/batch
	for i in $(seq 1 250); do
		echo "addr add 10.$((100 + i / 200)).$((i % 200)).1/24 dev anp0"
	done >"$batch"
	for i in $(seq 1 250); do
		echo "route add 172.16.$i.0/24 via 10.100.1.2"
	done >>"$batch"
	run -0 --separate-stderr anpctl -b "$batch"
	[ -z "$stderr" ]

	run -0 anpctl addr show
	[ "${#lines[@]}" -eq 250 ]
	[ "$(printf '%s\n' "$output" | sort -u | wc -l)" -eq 250 ]
	printf '%s\n' "$output" | grep -q '^10\.100\.1\.1/24 dev anp0 lladdr '
	printf '%s\n' "$output" | grep -q '^10\.101\.50\.1/24 dev anp0 lladdr '
	printf '%s\n' "$output" | grep -q '^10\.101\.0\.1/24 dev anp0 lladdr '

	run -0 anpctl route show
	[ "${#lines[@]}" -eq 500 ]
	[ "$(printf '%s\n' "$output" | sort -u | wc -l)" -eq 500 ]
	assert_line_present "10.101.50.0/24 dev anp0 proto kernel scope link src 10.101.50.1"
	assert_line_present "172.16.250.0/24 via 10.100.1.2 dev anp0 proto static"
	assert_line_present "172.16.1.0/24 via 10.100.1.2 dev anp0 proto static"

	# The same through the dev filter.
	run -0 anpctl route show dev anp0
	[ "${#lines[@]}" -eq 500 ]
}

@test "neigh dump of hundreds of entries comes back whole" {
	anp_link_up
	local mac
	mac=$(anp_linux_mac anp0)
	# 400 ARP requests for the host's address from as many senders; the
	# host caches each sender (RFC 826 merge) and answers.  Each request
	# is sent until its reply comes back, so every entry exists.
	run -0 ip netns exec "$NS" python3 - "$mac" <<-'PY'
		import socket, struct, sys
		mac = bytes.fromhex(sys.argv[1].replace(":", ""))
		s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
				  socket.htons(0x0806))
		s.bind(("anp0", 0x0806))
		s.settimeout(2)
		tpa = socket.inet_aton("10.77.0.2")
		for i in range(400):
		    spa = socket.inet_aton("10.77.%d.%d" % (1 + i // 250, 1 + i % 250))
		    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1,
				      mac, spa, b"\0" * 6, tpa)
		    frame = b"\xff" * 6 + mac + b"\x08\x06" + arp
		    for attempt in range(3):
		        s.send(frame.ljust(60, b"\0"))
		        try:
		            while True:
		                r = s.recv(128)
		                # a reply (op 2) to us, for this sender
		                if r[20:22] == b"\0\x02" and r[38:42] == spa:
		                    break
		            break
		        except socket.timeout:
		            pass
		    else:
		        sys.exit("no ARP reply for sender %d" % i)
	PY
	# (REACHABLE turns STALE after 30 s: a slow VM may get there.)
	run -0 anpctl neigh show
	local re=" dev anp0 lladdr $mac (REACHABLE|STALE)\$"
	[ "$(printf '%s\n' "$output" | grep -Ec "^10\.77\.[12]\.[0-9]+$re")" -eq 400 ]
	[ "$(printf '%s\n' "$output" | sort -u | wc -l)" -eq "${#lines[@]}" ]
	printf '%s\n' "$output" | grep -Eq "^10\.77\.1\.1$re"
	printf '%s\n' "$output" | grep -Eq "^10\.77\.2\.150$re"
}

@test "-b runs a batch and stops at the first failing line" {
	local batch=$BATS_TEST_TMPDIR/batch
	cat >"$batch" <<-EOF
		# a comment

		addr add 10.77.0.2/24 dev anp0
		route add default via 10.77.0.1
		addr add 10.77.0.2/24 dev anp0
		addr add 10.77.0.3/24 dev anp0
	EOF
	run -1 --separate-stderr anpctl -b "$batch"
	assert_one_line_error "anpctl: $batch:5: Error: address already on this device (File exists)"
	run -0 anpctl addr show
	[ "${#lines[@]}" -eq 1 ]
	run -0 anpctl route show
	[ "${#lines[@]}" -eq 2 ]

	# From standard input, with output.
	run -0 --separate-stderr anpctl -b - <<-EOF
		addr show
		route show
	EOF
	[ "${#lines[@]}" -eq 3 ]

	printf 'addr frob\n' >"$batch"
	run -2 --separate-stderr anpctl -b "$batch"
	assert_one_line_error "anpctl: $batch:1: addr: unknown command \"frob\" (try \"anpctl help\")"
}

@test "-n with a namespace that does not exist" {
	run -1 --separate-stderr "$ANP_BIN/anpctl" -n nonexistent-ns addr show
	assert_one_line_error 'anpctl: network namespace "nonexistent-ns" does not exist (No such file or directory)'
}

@test "plain anpctl inside the namespace (ip netns exec)" {
	run -0 ip netns exec "$NS" "$ANP_BIN/anpctl" addr add 10.77.0.2/24 dev anp0
	run -0 ip netns exec "$NS" "$ANP_BIN/anpctl" addr show
	[[ "${lines[0]}" == "10.77.0.2/24 dev anp0 lladdr "* ]]
	run -0 anpctl addr show
	[[ "${lines[0]}" == "10.77.0.2/24 dev anp0 lladdr "* ]]
}

# ---- sockets ---------------------------------------------------------

# anp_hold [setpriv ARGS... --] ARGS...: anp-udp hold --family anp ARGS in
# $NS in the background (its fd 3 closed, as bats wants); returns once the
# socket is bound and set up (its ready file), with its pid in HOLD_PID
# and ADDR:PORT in HOLD_LOCAL.  The ready files live in a directory
# any user may write (the setpriv case).
anp_hold() {
	local ready i pre=()
	if [ -z "$HOLD_DIR" ]; then
		HOLD_DIR=$(mktemp -d /tmp/anp-hold.XXXXXX)
		chmod 1777 "$HOLD_DIR"
	fi
	ready=$HOLD_DIR/ready.${#HOLD_PIDS[@]}
	if [ "$1" = setpriv ]; then
		while [ "$1" != -- ]; do pre+=("$1"); shift; done
		shift
	fi
	ip netns exec "$NS" "${pre[@]}" "$ANP_BIN/anp-udp" hold --family anp \
		"$@" --ready "$ready" 3>&- &
	HOLD_PID=$!
	HOLD_PIDS+=("$HOLD_PID")
	for ((i = 0; i < 200; i++)); do
		if [ -s "$ready" ]; then
			HOLD_LOCAL=$(cat "$ready")
			return 0
		fi
		kill -0 "$HOLD_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "anp-udp hold $* did not get ready" >&2
	return 1
}

# The inode of the one socket anp-udp (pid $1) holds.
socket_inode_of() {
	local f l
	for f in /proc/"$1"/fd/*; do
		l=$(readlink "$f") || continue
		if [[ "$l" =~ ^socket:\[([0-9]+)\]$ ]]; then
			echo "${BASH_REMATCH[1]}"
			return 0
		fi
	done
	return 1
}

SOCK_HEADER_RE='^Netid +State +Recv-Q +Send-Q +Local Address:Port +Peer Address:Port +Owner$'

@test "sockets: an empty namespace shows the header only" {
	run -0 --separate-stderr anpctl sockets
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" =~ $SOCK_HEADER_RE ]]
	[ -z "$stderr" ]
	run -0 anpctl socks
	[ "${#lines[@]}" -eq 1 ]
}

@test "sockets: a bound AF_ANP UDP socket is UNCONN with its port, uid and inode" {
	anp_link_up
	anp_hold --bind 10.77.0.2:5000
	local ino
	ino=$(socket_inode_of "$HOLD_PID")
	[ -n "$ino" ]

	run -0 anpctl sockets
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" =~ $SOCK_HEADER_RE ]]
	[[ "${lines[1]}" =~ ^udp\ +UNCONN\ +0\ +0\ +10\.77\.0\.2:5000\ +0\.0\.0\.0:\*\ +uid:0\ ino:${ino}$ ]]

	# Port 0 and the any address: the port the kernel chose.
	anp_hold --bind 0.0.0.0:0
	local port=${HOLD_LOCAL##*:}
	[ "$port" -gt 0 ]
	run -0 anpctl sockets
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[2]}" =~ ^udp\ +UNCONN\ +0\ +0\ +0\.0\.0\.0:${port}\ +0\.0\.0\.0:\*\ +uid:0\ ino:[0-9]+$ ]]

	# Closed: gone at once.
	kill "$HOLD_PID"
	wait "$HOLD_PID" || true
	run -0 anpctl sockets
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == *" 10.77.0.2:5000 "* ]]
}

@test "sockets: a connected AF_ANP UDP socket is ESTAB with its peer" {
	anp_link_up
	anp_hold --bind 10.77.0.2:5001 --connect 10.77.0.1:6000
	run -0 anpctl sockets
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" =~ ^udp\ +ESTAB\ +0\ +0\ +10\.77\.0\.2:5001\ +10\.77\.0\.1:6000\ +uid:0\ ino:[0-9]+$ ]]

	# connect() alone binds a port and the source address.
	anp_hold --connect 10.77.0.1:6001
	run -0 anpctl sockets
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[2]}" =~ ^udp\ +ESTAB\ +0\ +0\ +10\.77\.0\.2:[1-9][0-9]*\ +10\.77\.0\.1:6001\ +uid:0\ ino:[0-9]+$ ]]
}

@test "sockets -p names the process as ss -p does; the owner's uid" {
	anp_link_up
	anp_hold --bind 10.77.0.2:5002
	local ino pid=$HOLD_PID fd
	ino=$(socket_inode_of "$pid")
	for fd in /proc/"$pid"/fd/*; do
		[ "$(readlink "$fd")" = "socket:[$ino]" ] && break
	done
	fd=${fd##*/}

	run -0 anpctl sockets -p
	[[ "${lines[0]}" =~ Owner\ +Process$ ]]
	[[ "${lines[1]}" =~ ^udp\ +UNCONN\ .*\ 10\.77\.0\.2:5002\ .*\ uid:0\ ino:${ino}\ +users:\(\(\"anp-udp\",pid=${pid},fd=${fd}\)\)$ ]]
	run -0 anpctl sockets --processes
	[[ "${lines[1]}" == *"users:((\"anp-udp\",pid=${pid},fd=${fd}))" ]]

	# A socket of another user, listed for an unprivileged reader too.
	anp_hold setpriv --reuid=65534 --regid=65534 --clear-groups -- \
		--bind 10.77.0.2:5003
	run -0 ip netns exec "$NS" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$ANP_BIN/anpctl" sockets
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[1]}" =~ \ 10\.77\.0\.2:5002\ .*\ uid:0\ ino: ]]
	[[ "${lines[2]}" =~ \ 10\.77\.0\.2:5003\ .*\ uid:65534\ ino: ]]
}

@test "sockets -n NETNS: each namespace lists its own sockets" {
	anp_link_up
	anp_hold --bind 10.77.0.2:5004
	local other
	other=$(anp_ns_name other)
	anp_ns_create "$other"
	run -0 "$ANP_BIN/anpctl" -n "$other" sockets
	local n=${#lines[@]}
	anp_ns_delete "$other"
	[ "$n" -eq 1 ]

	run -0 "$ANP_BIN/anpctl" -n "$NS" sockets
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == *" 10.77.0.2:5004 "* ]]
	# The same from inside the namespace.
	run -0 ip netns exec "$NS" "$ANP_BIN/anpctl" socks
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == *" 10.77.0.2:5004 "* ]]
}

@test "sockets: bad arguments exit 2 with one line" {
	run -2 --separate-stderr anpctl sockets -x
	assert_one_line_error 'anpctl: sockets: unexpected argument "-x" (try "anpctl help")'
	run -2 --separate-stderr anpctl socks show
	assert_one_line_error 'anpctl: sockets: unexpected argument "show" (try "anpctl help")'
	run -0 "$ANP_BIN/anpctl" help
	[[ "$output" == *"anpctl sockets [-p]"* ]]
}

# ---- usage -----------------------------------------------------------

@test "help, --help, -h and -V" {
	run -0 "$ANP_BIN/anpctl" help
	[[ "${lines[0]}" == "Usage: anpctl"* ]]
	[[ "$output" == *"Exit status"* ]]
	run -0 "$ANP_BIN/anpctl" --help
	[[ "${lines[0]}" == "Usage: anpctl"* ]]
	run -0 "$ANP_BIN/anpctl" -h
	[[ "${lines[0]}" == "Usage: anpctl"* ]]
	run -0 "$ANP_BIN/anpctl" -V
	[[ "$output" =~ ^anpctl\ [0-9] ]]
	run -0 "$ANP_BIN/anpctl" --version
}

@test "usage errors exit 2 with one line" {
	run -2 --separate-stderr anpctl
	assert_one_line_error 'anpctl: missing OBJECT (try "anpctl help")'
	run -2 --separate-stderr anpctl frob
	assert_one_line_error 'anpctl: unknown object "frob" (try "anpctl help")'
	run -2 --separate-stderr anpctl addr frob
	assert_one_line_error 'anpctl: addr: unknown command "frob" (try "anpctl help")'
	run -2 --separate-stderr anpctl addr add 10.77.0.2/24
	assert_one_line_error 'anpctl: addr add: missing "dev NAME" (try "anpctl help")'
	run -2 --separate-stderr anpctl addr add dev anp0
	assert_one_line_error 'anpctl: addr add: missing PREFIX (try "anpctl help")'
	run -2 --separate-stderr anpctl addr add 10.77.0.2/24 dev
	assert_one_line_error 'anpctl: addr add: "dev" needs an argument (try "anpctl help")'
	run -2 --separate-stderr anpctl addr add 10.77.0.2/24 10.77.0.3/24 dev anp0
	assert_one_line_error 'anpctl: addr add: unexpected argument "10.77.0.3/24" (try "anpctl help")'
	run -2 --separate-stderr anpctl addr show dev anp0 dev anp0
	assert_one_line_error 'anpctl: addr show: "dev" given twice (try "anpctl help")'
	run -2 --separate-stderr anpctl route add default
	assert_one_line_error 'anpctl: route add: missing "via GATEWAY" (try "anpctl help")'
	run -2 --separate-stderr anpctl route add via 10.77.0.1
	assert_one_line_error 'anpctl: route add: missing destination ("default" or PREFIX) (try "anpctl help")'
	run -2 --separate-stderr anpctl neigh flush
	assert_one_line_error 'anpctl: neigh: unknown command "flush" (try "anpctl help")'
	run -2 --separate-stderr anpctl stats -x
	assert_one_line_error 'anpctl: stats: unexpected argument "-x" (try "anpctl help")'
	run -2 --separate-stderr anpctl -q addr show
	assert_one_line_error 'anpctl: unknown option "-q" (try "anpctl help")'
	run -2 --separate-stderr "$ANP_BIN/anpctl" -n
	assert_one_line_error 'anpctl: option "-n" needs an argument (try "anpctl help")'

	# None of it reached the host.
	run -0 anpctl addr show
	[ -z "$output" ]
}
