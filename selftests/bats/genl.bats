#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# The anp generic netlink family itself: strict validation, mandatory
# attributes, permissions, with hand-built requests (genl_raw.py) that
# anpctl would never send.

load helpers

# uapi/linux/anp.h
ADDR_NEW=1 ADDR_DEL=2 ADDR_GET=3 ROUTE_NEW=4 ROUTE_DEL=5 ROUTE_GET=6
NEIGH_GET=7 STATS_GET=8
A_IFINDEX=2 A_ADDR=3 A_PREFIXLEN=4 A_DST=5 A_GATEWAY=6 A_STATS=10

setup() {
	anp_setup
	IFINDEX=$(ip -n "$NS" -o link show anp0 | cut -d: -f1)
}

teardown() {
	anp_teardown
}

genl() {
	ip netns exec "$NS" python3 "$BATS_TEST_DIRNAME/genl_raw.py" "$@"
}

@test "a well-formed ADDR_NEW succeeds and shows" {
	run -0 genl $ADDR_NEW $A_IFINDEX:u32:$IFINDEX $A_ADDR:in:10.77.0.2 \
		$A_PREFIXLEN:u8:24
	[ "$output" = "OK" ]
	run -0 anpctl addr show
	[[ "${lines[0]}" == "10.77.0.2/24 dev anp0 "* ]]
}

@test "missing mandatory attributes are named" {
	run -0 genl $ADDR_NEW
	[ "$output" = "EINVAL missing attribute: ifindex miss=$A_IFINDEX" ]
	run -0 genl $ADDR_NEW $A_IFINDEX:u32:$IFINDEX
	[ "$output" = "EINVAL missing attribute: address miss=$A_ADDR" ]
	run -0 genl $ADDR_DEL $A_IFINDEX:u32:$IFINDEX $A_ADDR:in:10.77.0.2
	[ "$output" = "EINVAL missing attribute: prefix length miss=$A_PREFIXLEN" ]
	run -0 genl $ROUTE_NEW $A_PREFIXLEN:u8:0 $A_GATEWAY:in:10.77.0.1
	[ "$output" = "EINVAL missing attribute: destination miss=$A_DST" ]
	run -0 genl $ROUTE_NEW $A_DST:in:0.0.0.0 $A_PREFIXLEN:u8:0
	[ "$output" = "EINVAL missing attribute: gateway miss=$A_GATEWAY" ]
	run -0 genl $ROUTE_DEL $A_DST:in:0.0.0.0
	[ "$output" = "EINVAL missing attribute: prefix length miss=$A_PREFIXLEN" ]
}

@test "policies: ranges, lengths, unknown and unexpected attributes" {
	run -0 genl $ADDR_NEW $A_IFINDEX:u32:$IFINDEX $A_ADDR:in:10.77.0.2 \
		$A_PREFIXLEN:u8:33
	[ "$output" = "ERANGE integer out of range" ]
	run -0 genl $ADDR_NEW $A_IFINDEX:u32:$IFINDEX $A_ADDR:hex:0a4d \
		$A_PREFIXLEN:u8:24
	[ "$output" = "EINVAL invalid attribute length" ]
	run -0 genl $ADDR_NEW $A_IFINDEX:u32:$IFINDEX $A_ADDR:in:10.77.0.2 \
		$A_PREFIXLEN:u8:24 60:u32:1
	[ "$output" = "EINVAL Unknown attribute type" ]
	# An attribute of the family that this command does not take.
	run -0 genl $ADDR_NEW $A_IFINDEX:u32:$IFINDEX $A_ADDR:in:10.77.0.2 \
		$A_PREFIXLEN:u8:24 $A_GATEWAY:in:10.77.0.1
	[ "$output" = "EINVAL Unsupported attribute" ]
	# STATS_GET takes no attribute at all.
	run -0 genl $STATS_GET $A_IFINDEX:u32:$IFINDEX
	[ "$output" = "EINVAL Unknown attribute type" ]
	# Nothing was added.
	run -0 anpctl addr show
	[ -z "$output" ]
}

@test "flags other than REQUEST, ACK, ECHO and DUMP are refused" {
	# NLM_F_CREATE | NLM_F_EXCL
	run -0 genl --flags 0x600 $ADDR_NEW $A_IFINDEX:u32:$IFINDEX \
		$A_ADDR:in:10.77.0.2 $A_PREFIXLEN:u8:24
	[ "$output" = "EINVAL ambiguous or reserved bits set in nlmsg_flags" ]
	run -0 anpctl addr show
	[ -z "$output" ]
}

@test "an ifindex that is not an anp device, or not in this netns" {
	run -0 genl $ADDR_NEW $A_IFINDEX:u32:1 $A_ADDR:in:10.77.0.2 \
		$A_PREFIXLEN:u8:24
	[ "$output" = "ENODEV device is not an anp device in this network namespace" ]
	run -0 genl $ADDR_NEW $A_IFINDEX:u32:4294967295 $A_ADDR:in:10.77.0.2 \
		$A_PREFIXLEN:u8:24
	[ "$output" = "ENODEV device is not an anp device in this network namespace" ]
	run -0 genl $ROUTE_NEW $A_DST:in:0.0.0.0 $A_PREFIXLEN:u8:0 \
		$A_GATEWAY:in:10.77.0.1 $A_IFINDEX:u32:1
	[ "$output" = "ENODEV device is not an anp device in this network namespace" ]

	# The ifindex of an anp device of another netns names nothing here.
	local other other_ifindex
	other=$(anp_ns_name other)
	anp_ns_create "$other"
	ip -n "$other" link add anp9 type anp
	other_ifindex=$(ip -n "$other" -o link show anp9 | cut -d: -f1)
	ip -n "$NS" link show | grep -q "^$other_ifindex:" && {
		anp_ns_delete "$other"
		skip "ifindex $other_ifindex exists in both namespaces"
	}
	run -0 genl $ADDR_NEW $A_IFINDEX:u32:$other_ifindex \
		$A_ADDR:in:10.77.0.2 $A_PREFIXLEN:u8:24
	anp_ns_delete "$other"
	[ "$output" = "ENODEV device is not an anp device in this network namespace" ]
}

@test "NEW and DEL need CAP_NET_ADMIN, GETs do not" {
	local nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
	local cmd
	for cmd in $ADDR_NEW $ADDR_DEL $ROUTE_NEW $ROUTE_DEL; do
		run -0 ip netns exec "$NS" $nobody python3 \
			"$BATS_TEST_DIRNAME/genl_raw.py" $cmd
		[ "$output" = "EPERM" ]
	done
	run -0 ip netns exec "$NS" $nobody python3 \
		"$BATS_TEST_DIRNAME/genl_raw.py" $STATS_GET
	[ "$output" = "OK" ]
}

@test "unknown command" {
	# (Python names EOPNOTSUPP by its alias ENOTSUP)
	run -0 genl 99
	[ "$output" = "ENOTSUP" ]
	# a dump-only command sent as a do request
	run -0 genl $ADDR_GET
	[ "$output" = "ENOTSUP" ]
}
