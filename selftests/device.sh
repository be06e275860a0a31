#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The anp virtual NIC as Linux's tools see it: ip link add/del in several
# netns, netns moves refused, MTU limits, ip -s link counters, ethtool
# -i/-g/-k/-K.
source "$(dirname "$0")/lib.sh"

anp_setup_common
anp_require_cmd ethtool ping

anp_link_count()
{
	ip -n "$1" -o link show type anp 2>/dev/null | wc -l
}

t_create_delete_several_netns()
{
	local a b c ns i

	anp_ns_create a || return 1
	anp_ns_create b || return 1
	anp_ns_create c || return 1
	for ns in "$a" "$b" "$c"; do
		for i in 0 1 2; do
			expect "ip link add anp$i type anp in $ns" \
				ip -n "$ns" link add "anp$i" type anp
		done
		expect_eq "anp devices in $ns" "$(anp_link_count "$ns")" 3
	done
	# Each device is an Ethernet device of kind anp with its own MAC.
	expect "ip -d link shows kind anp" \
		eval "ip -n '$a' -d link show anp1 | grep -qw anp"
	expect "link/ether" eval "ip -n '$a' link show anp1 | grep -q link/ether"
	local m0 m1
	m0=$(anp_dev_mac "$a" anp0)
	m1=$(anp_dev_mac "$a" anp1)
	expect "distinct MACs ($m0, $m1)" test "$m0" != "$m1"

	# The same name again in one netns is refused.
	expect_fail "second anp1 in $a" ip -n "$a" link add anp1 type anp 2>/dev/null
	# A custom name, and a kernel-chosen one (anp%d).
	expect "ip link add with a custom name" \
		ip -n "$b" link add wire-to-host type anp
	expect "ip link add with no name" ip -n "$c" link add type anp
	expect "kernel-chosen name is anpN" \
		eval "ip -n '$c' -o link show type anp | grep -qE '^[0-9]+: anp3[:@]'"

	# Delete one device: only it goes.
	expect "ip link del anp1 in $b" ip -n "$b" link del anp1
	expect_fail "anp1 gone from $b" ip -n "$b" link show anp1 2>/dev/null
	expect "anp1 still in $a" ip -n "$a" link show anp1 > /dev/null
	expect "anp1 still in $c" ip -n "$c" link show anp1 > /dev/null
	expect_eq "anp devices in $b" "$(anp_link_count "$b")" 3

	# Delete all; then create again.
	for ns in "$a" "$b" "$c"; do
		for i in $(ip -n "$ns" -o link show type anp | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
			expect "ip link del $i in $ns" ip -n "$ns" link del "$i"
		done
		expect_eq "anp devices left in $ns" "$(anp_link_count "$ns")" 0
	done
	expect "create again after delete" ip -n "$a" link add anp0 type anp
}

t_many_devices()
{
	local a i n=32

	anp_ns_create a || return 1
	for ((i = 0; i < n; i++)); do
		ip -n "$a" link add "anp$i" type anp ||
			{ fail "ip link add anp$i"; return 1; }
		ip -n "$a" link set "anp$i" up
	done
	expect_eq "anp devices" "$(anp_link_count "$a")" $n
	for ((i = 0; i < n; i += 2)); do
		ip -n "$a" link del "anp$i" || fail "ip link del anp$i"
	done
	expect_eq "anp devices after deleting half" "$(anp_link_count "$a")" $((n / 2))
	# The rest go with the netns (anp_test_cleanup).
}

t_set_netns_refused()
{
	local a b

	anp_ns_create a || return 1
	anp_ns_create b || return 1
	anp_dev_add "$a" anp0 || { fail "ip link add"; return 1; }
	expect_fail "ip link set anp0 netns (must be refused)" \
		ip -n "$a" link set anp0 netns "$b" 2>/dev/null
	expect "anp0 still in its netns" ip -n "$a" link show anp0 > /dev/null
	expect_fail "anp0 did not appear in the target netns" \
		ip -n "$b" link show anp0 2>/dev/null
	expect "ethtool -k says netns-local: on [fixed]" \
		eval "ip netns exec '$a' ethtool -k anp0 | grep -q 'netns-local: on \\[fixed\\]'"
	# Creating it directly in another netns from here is refused too:
	# the host is the one of the netns the device is created in, so
	# `ip link add ... netns X` must either work in X or fail cleanly.
	if ip -n "$a" link add anp9 netns "$b" type anp 2>/dev/null; then
		expect "anp9 created in $b" ip -n "$b" link show anp9 > /dev/null
		expect_fail "anp9 not in $a" ip -n "$a" link show anp9 2>/dev/null
	fi
}

mtu_of()
{
	ip -n "$1" -o link show "$2" | sed -n 's/.* mtu \([0-9]*\) .*/\1/p'
}

t_mtu_limits()
{
	local a min max

	anp_ns_create a || return 1
	anp_dev_add "$a" anp0 || { fail "ip link add"; return 1; }
	min=$(ip -n "$a" -d link show anp0 | sed -n 's/.*minmtu \([0-9]*\).*/\1/p')
	max=$(ip -n "$a" -d link show anp0 | sed -n 's/.*maxmtu \([0-9]*\).*/\1/p')
	# The limits dev.h documents: 68 (RFC 791) .. 9000.
	expect_eq "minmtu" "$min" 68
	expect_eq "maxmtu" "$max" 9000
	expect_eq "default mtu" "$(mtu_of "$a" anp0)" 1500

	for m in 68 576 1280 9000 1500; do
		expect "mtu $m accepted" ip -n "$a" link set anp0 mtu $m
		expect_eq "mtu after set $m" "$(mtu_of "$a" anp0)" $m
	done
	for m in 67 0 9001 65535; do
		expect_fail "mtu $m rejected" ip -n "$a" link set anp0 mtu $m 2>/dev/null
		expect_eq "mtu unchanged after rejected $m" "$(mtu_of "$a" anp0)" 1500
	done

	# A frame of the MTU goes through, one byte more does not leave
	# Linux (DF set, no fragmentation): the host answers 1400-byte MTU
	# sized pings.
	ip -n "$a" addr add 10.77.0.1/24 dev anp0
	nsx "$a" "$ANPCTL" addr add 10.77.0.2/24 dev anp0 ||
		{ fail "anpctl addr add"; return 1; }
	ip -n "$a" link set anp0 mtu 1400
	expect "ping of a full 1400-byte MTU frame" \
		ping_ok "$a" 10.77.0.2 -s 1372 -M do
	ip -n "$a" link set anp0 mtu 9000
	expect "ping of a full 9000-byte MTU frame" \
		ping_ok "$a" 10.77.0.2 -s 8972 -M do
}

t_ip_s_link_counters()
{
	local a tx0 rx0 tx1 rx1 txb0 txb1

	anp_ns_create a || return 1
	anp_host_setup "$a" anp0 10.77.0.1/24 10.77.0.2/24 || return 1
	tx0=$(ip_link_stat "$a" anp0 tx packets)
	rx0=$(ip_link_stat "$a" anp0 rx packets)
	txb0=$(ip_link_stat "$a" anp0 tx bytes)
	expect "5 pings answered" \
		nsx "$a" ping -n -q -c 5 -i 0.2 -W 5 10.77.0.2 > /dev/null
	tx1=$(ip_link_stat "$a" anp0 tx packets)
	rx1=$(ip_link_stat "$a" anp0 rx packets)
	txb1=$(ip_link_stat "$a" anp0 tx bytes)
	# At least 5 echo requests out and 5 replies in (plus ARP).
	expect_ge "ip -s link TX packets delta" $((tx1 - tx0)) 5
	expect_ge "ip -s link RX packets delta" $((rx1 - rx0)) 5
	expect_ge "ip -s link TX bytes delta" $((txb1 - txb0)) $((5 * 98))
	expect_eq "ip -s link TX errors" "$(ip_link_stat "$a" anp0 tx errors)" 0
	expect_eq "ip -s link RX errors" "$(ip_link_stat "$a" anp0 rx errors)" 0
}

t_ethtool_info()
{
	local a out

	anp_ns_create a || return 1
	anp_dev_add "$a" anp0 || { fail "ip link add"; return 1; }

	out=$(nsx "$a" ethtool -i anp0) || { fail "ethtool -i"; return 1; }
	expect "ethtool -i driver: anp" grep -qx "driver: anp" <<< "$out"
	expect "ethtool -i has a version" grep -qE "^version: .+" <<< "$out"

	out=$(nsx "$a" ethtool -g anp0) || { fail "ethtool -g"; return 1; }
	expect "ethtool -g: RX 256 (max and current)" \
		test "$(grep -c '^RX:[[:space:]]*256$' <<< "$out")" -eq 2
	expect "ethtool -g: TX 256 (max and current)" \
		test "$(grep -c '^TX:[[:space:]]*256$' <<< "$out")" -eq 2
	expect_fail "ethtool -G refused (fixed rings)" \
		nsx "$a" ethtool -G anp0 rx 128 2>/dev/null
}

feature()
{
	# feature NS DEV NAME: prints e.g. "off [fixed]"
	nsx "$1" ethtool -k "$2" | sed -n "s/^[[:space:]]*$3: //p"
}

t_ethtool_features()
{
	local a

	anp_ns_create a || return 1
	anp_dev_add "$a" anp0 || { fail "ip link add"; return 1; }

	# Honest features (dev.c): no checksum offload, hence no TSO; SG on
	# and switchable.
	expect_eq "tx-checksumming" "$(feature "$a" anp0 tx-checksumming)" "off"
	expect_eq "tx-checksum-ip-generic" \
		"$(feature "$a" anp0 tx-checksum-ip-generic)" "off [fixed]"
	expect_eq "rx-checksumming" "$(feature "$a" anp0 rx-checksumming)" "off [fixed]"
	expect_eq "tx-tcp-segmentation" \
		"$(feature "$a" anp0 tx-tcp-segmentation)" "off [fixed]"
	expect_eq "tcp-segmentation-offload" \
		"$(feature "$a" anp0 tcp-segmentation-offload)" "off"
	expect_eq "scatter-gather" "$(feature "$a" anp0 scatter-gather)" "on"
	expect_eq "netns-local" "$(feature "$a" anp0 netns-local)" "on [fixed]"

	expect_fail "ethtool -K tx-checksum-ip-generic on refused" \
		nsx "$a" ethtool -K anp0 tx-checksum-ip-generic on > /dev/null 2>&1
	expect_eq "tx-checksum-ip-generic after refused -K" \
		"$(feature "$a" anp0 tx-checksum-ip-generic)" "off [fixed]"
	expect "ethtool -K sg off" nsx "$a" ethtool -K anp0 sg off > /dev/null
	expect_eq "scatter-gather after sg off" "$(feature "$a" anp0 scatter-gather)" "off"

	# With SG off the host still answers (linear frames only).
	ip -n "$a" addr add 10.77.0.1/24 dev anp0
	nsx "$a" "$ANPCTL" addr add 10.77.0.2/24 dev anp0 ||
		{ fail "anpctl addr add"; return 1; }
	expect "ping with sg off" ping_ok "$a" 10.77.0.2 -s 1400
	expect "ethtool -K sg on" nsx "$a" ethtool -K anp0 sg on > /dev/null
	expect "ping with sg on" ping_ok "$a" 10.77.0.2 -s 1400
}

t_ethtool_stats_names()
{
	local a out n

	anp_ns_create a || return 1
	anp_dev_add "$a" anp0 || { fail "ip link add"; return 1; }
	out=$(nsx "$a" ethtool -S anp0) || { fail "ethtool -S"; return 1; }
	for d in tx rx; do
		for n in packets bytes drops napi_polls packets_per_poll \
			 coalesce_timer_fires; do
			expect "ethtool -S has ${d}_$n" \
				grep -qE "^[[:space:]]*${d}_$n: [0-9]+$" <<< "$out"
		done
	done
}

t_link_down_up()
{
	local a

	anp_ns_create a || return 1
	anp_host_setup "$a" anp0 10.77.0.1/24 10.77.0.2/24 || return 1
	expect "ping while up" ping_ok "$a" 10.77.0.2
	ip -n "$a" link set anp0 down
	expect_fail "ping while down" ping_ok "$a" 10.77.0.2 -W 1
	ip -n "$a" link set anp0 up
	# Linux re-adds its connected route on up; the host kept its address.
	expect "ping after down/up" wait_until 5 ping_ok "$a" 10.77.0.2 -W 1
}

anp_run_tests \
	t_create_delete_several_netns \
	t_many_devices \
	t_set_netns_refused \
	t_mtu_limits \
	t_ip_s_link_counters \
	t_ethtool_info \
	t_ethtool_features \
	t_ethtool_stats_names \
	t_link_down_up
