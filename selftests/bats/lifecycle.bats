#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Lifecycle of anp devices and of the per-namespace ANP hosts, observed
# through ip(8) and anpctl.

load helpers

setup() {
	anp_setup
	NS2=$(anp_ns_name two)
	NS3=$(anp_ns_name three)
}

teardown() {
	anp_ns_delete "$NS2"
	anp_ns_delete "$NS3"
	anp_teardown
}

@test "anp devices in several netns: each netns has its own host" {
	anp_ns_create "$NS2"
	anp_ns_create "$NS3"
	ip -n "$NS3" link add anp1 type anp

	# The same address in every namespace: they are different hosts.
	anpctl addr add 10.77.0.2/24 dev anp0
	ANPCTL_NS=$NS2 anpctl addr add 10.77.0.2/24 dev anp0
	ANPCTL_NS=$NS3 anpctl addr add 10.88.0.2/24 dev anp1

	run -0 anpctl addr show
	[ "${#lines[@]}" -eq 1 ] && [[ "${lines[0]}" == "10.77.0.2/24 dev anp0 "* ]]
	local mac1=${lines[0]##* }
	ANPCTL_NS=$NS2 run -0 anpctl addr show
	[ "${#lines[@]}" -eq 1 ] && [[ "${lines[0]}" == "10.77.0.2/24 dev anp0 "* ]]
	# every device has a random MAC of its own
	[ "${lines[0]##* }" != "$mac1" ]
	ANPCTL_NS=$NS3 run -0 anpctl addr show
	[ "${#lines[@]}" -eq 1 ] && [[ "${lines[0]}" == "10.88.0.2/24 dev anp1 "* ]]

	# Deleting NS2's device leaves the other hosts alone.
	ip -n "$NS2" link del anp0
	ANPCTL_NS=$NS2 run -0 anpctl addr show
	[ -z "$output" ]
	run -0 anpctl addr show
	[ "${#lines[@]}" -eq 1 ]
	ANPCTL_NS=$NS3 run -0 anpctl addr show
	[ "${#lines[@]}" -eq 1 ]
}

@test "addresses and routes are gone after the device is deleted" {
	anpctl addr add 10.77.0.2/24 dev anp0
	anpctl route add default via 10.77.0.1
	run -0 anpctl route show
	[ "${#lines[@]}" -eq 2 ]

	ip -n "$NS" link del anp0
	run -0 anpctl addr show
	[ -z "$output" ]
	run -0 anpctl route show
	[ -z "$output" ]

	# A new device starts empty and takes the address again.
	ip -n "$NS" link add anp0 type anp
	run -0 anpctl addr show
	[ -z "$output" ]
	run -0 anpctl addr add 10.77.0.2/24 dev anp0
	run -0 anpctl addr show
	[ "${#lines[@]}" -eq 1 ]
}

@test "deleting one of several devices removes only its addresses" {
	local i
	for i in 1 2 3 4 5 6 7; do
		ip -n "$NS" link add "anp$i" type anp
	done
	for i in 0 1 2 3 4 5 6 7; do
		anpctl addr add "10.77.$i.2/24" dev "anp$i"
	done
	run -0 anpctl addr show
	[ "${#lines[@]}" -eq 8 ]

	for i in 1 3 5 7; do
		ip -n "$NS" link del "anp$i"
	done
	run -0 anpctl addr show
	[ "${#lines[@]}" -eq 4 ]
	for i in 0 2 4 6; do
		printf '%s\n' "$output" | grep -q "^10\.77\.$i\.2/24 dev anp$i lladdr "
	done
	run -0 anpctl route show
	[ "${#lines[@]}" -eq 4 ]
}

@test "a renamed device shows under its new name" {
	anpctl addr add 10.77.0.2/24 dev anp0
	ip -n "$NS" link set anp0 name wan0
	run -0 anpctl addr show
	[[ "${lines[0]}" == "10.77.0.2/24 dev wan0 lladdr "* ]]
	run -0 anpctl addr del 10.77.0.2/24 dev wan0
}

@test "a deleted netns leaves nothing behind for a new one of the same name" {
	anp_link_up
	anpctl route add default via 10.77.0.1
	run -0 ip netns exec "$NS" ping -c 2 -i 0.2 -W 5 10.77.0.2
	[ "$(anp_stat IcmpInEchos)" -ge 2 ]

	ip netns del "$NS"
	anp_ns_create "$NS"
	run -0 anpctl addr show
	[ -z "$output" ]
	run -0 anpctl route show
	[ -z "$output" ]
	run -0 anpctl neigh show
	[ -z "$output" ]
	[ "$(anp_stat IcmpInEchos)" -eq 0 ]
	[ "$(anp_stat IpInReceives)" -eq 0 ]
}
