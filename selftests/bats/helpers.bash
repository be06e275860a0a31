# SPDX-License-Identifier: GPL-2.0
# Shared setup for the anpctl and lifecycle bats tests.
#
# Run as root inside the test VM with
#   ANP_KO   path of anp.ko built for the running kernel
#   ANP_BIN  directory holding anpctl (build/bin)
# Every test gets its own network namespace ($NS) with one anp device,
# anp0, and the ANP host of that namespace; teardown removes them.

bats_require_minimum_version 1.5.0

# A name no other test (or run) uses.
anp_ns_name() {
	echo "anpb$$-${BATS_SUITE_TEST_NUMBER}-$1"
}

anp_require_env() {
	[ "$(id -u)" = 0 ] || { echo "# must run as root" >&2; return 1; }
	[ -n "${ANP_KO:-}" ] && [ -r "$ANP_KO" ] ||
		{ echo "# ANP_KO must name anp.ko (got '${ANP_KO:-}')" >&2; return 1; }
	[ -x "${ANP_BIN:-}/anpctl" ] ||
		{ echo "# ANP_BIN must hold anpctl (got '${ANP_BIN:-}')" >&2; return 1; }
}

anp_module_loaded() {
	[ -d /sys/module/anp ]
}

anp_load_module() {
	anp_module_loaded || insmod "$ANP_KO"
}

# anp_ns_create NAME: a namespace with lo up and one anp device, anp0.
anp_ns_create() {
	ip netns add "$1"
	ip -n "$1" link set lo up
	ip -n "$1" link add anp0 type anp
}

anp_ns_delete() {
	ip netns del "$1" 2>/dev/null || true
}

# The default per-test setup: module loaded, $NS with anp0.
anp_setup() {
	anp_require_env
	anp_load_module
	NS=$(anp_ns_name main)
	anp_ns_create "$NS"
}

anp_teardown() {
	[ -z "${NS:-}" ] || anp_ns_delete "$NS"
}

# anpctl acting in $NS (or ANPCTL_NS when set).  -n enters the netns
# in-process: under TCG every exec costs a few hundred milliseconds, and
# `ip netns exec` adds another.  Tests of running plainly inside a netns
# use `ip netns exec` themselves.
anpctl() {
	"$ANP_BIN/anpctl" -n "${ANPCTL_NS:-$NS}" "$@"
}

# Linux's end of the wire: 10.77.0.1/24 on anp0, the device up; the ANP
# host gets 10.77.0.2/24.
anp_link_up() {
	ip -n "$NS" addr add 10.77.0.1/24 dev anp0
	ip -n "$NS" link set anp0 up
	anpctl addr add 10.77.0.2/24 dev anp0
}

# anp_stat NAME: one counter of the ANP host of $NS.
anp_stat() {
	anpctl stats | awk -v n="$1" '$1 == n { print $2; f = 1 } END { exit !f }'
}

# Linux's MAC address of device $1 in $NS.
anp_linux_mac() {
	ip -n "$NS" -o link show "$1" | sed -n 's/.*link\/ether \([0-9a-f:]*\) .*/\1/p'
}

# Asserts that $stderr is exactly one line equal to $1 and stdout is
# empty (errors go to stderr, one line).
assert_one_line_error() {
	if [ "$stderr" != "$1" ] || [ -n "$output" ]; then
		echo "expected stderr: $1" >&2
		echo "got stderr:      $stderr" >&2
		echo "got stdout:      $output" >&2
		return 1
	fi
}

# Asserts that $stderr is one line matching the extended regex $1.
assert_error_matches() {
	if [ "${#stderr_lines[@]}" -ne 1 ] || [ -n "$output" ] ||
	   ! [[ "$stderr" =~ $1 ]]; then
		echo "expected stderr matching: $1" >&2
		echo "got stderr: $stderr" >&2
		echo "got stdout: $output" >&2
		return 1
	fi
}

# Asserts that $output has a line equal to $1.
assert_line_present() {
	local l
	for l in "${lines[@]}"; do
		[ "$l" = "$1" ] && return 0
	done
	echo "no line '$1' in:" >&2
	printf '%s\n' "$output" >&2
	return 1
}

assert_line_absent() {
	local l
	for l in "${lines[@]}"; do
		if [ "$l" = "$1" ]; then
			echo "unexpected line '$1' in:" >&2
			printf '%s\n' "$output" >&2
			return 1
		fi
	done
}

