#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# anpctl without the module, and module removal with devices present.

load helpers

setup() {
	anp_setup
	NS2=$(anp_ns_name two)
}

teardown() {
	anp_ns_delete "$NS2"
	anp_teardown
	# Leave the module loaded for whatever runs next.
	anp_load_module
}

@test "rmmod with devices in several netns; anpctl then says the family is absent" {
	anp_ns_create "$NS2"
	anpctl addr add 10.77.0.2/24 dev anp0
	ANPCTL_NS=$NS2 anpctl addr add 10.77.0.2/24 dev anp0
	ip -n "$NS" link set anp0 up

	run -0 rmmod anp
	run -1 anp_module_loaded
	# The devices went with the module.
	run -1 ip -n "$NS" link show anp0
	run -1 ip -n "$NS2" link show anp0

	# Inside the VM the module is not installed, so resolving the
	# family cannot autoload it.
	local msg="anpctl: the anp generic netlink family is not available: is the anp module loaded?"
	run -1 --separate-stderr anpctl addr show
	assert_one_line_error "$msg"
	run -1 --separate-stderr anpctl addr add 10.77.0.2/24 dev lo
	assert_one_line_error "$msg"
	run -1 --separate-stderr anpctl stats
	assert_one_line_error "$msg"
	run -1 --separate-stderr anpctl route show
	assert_one_line_error "$msg"
	run -1 --separate-stderr anpctl neigh show
	assert_one_line_error "$msg"

	# Load it again: a fresh host with nothing configured.
	insmod "$ANP_KO"
	ip -n "$NS" link add anp0 type anp
	run -0 anpctl addr show
	[ -z "$output" ]
	[ "$(anp_stat IpInReceives)" -eq 0 ]
}
