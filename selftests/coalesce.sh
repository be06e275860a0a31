#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Emulated interrupt moderation (ethtool -c/-C).  Only lower bounds on
# time are asserted (a moderation timer cannot fire early); the rest is
# asserted through the device's ethtool -S counters, which say which rule
# scheduled each NAPI poll.
source "$(dirname "$0")/lib.sh"

anp_setup_common
anp_require_cmd ethtool ping awk

LIN=10.77.0.1
HOST=10.77.0.2

coal()
{
	# coal NS DEV FIELD: a value of ethtool -c ("rx-usecs", ...)
	nsx "$1" ethtool -c "$2" | sed -n "s/^$3:[[:space:]]*//p"
}

# rtt_ms NS ADDR: the RTT of one ping, in ms (empty when unanswered).
rtt_ms()
{
	nsx "$1" ping -n -c 1 -W 5 "$2" 2>/dev/null |
		sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p'
}

ge_ms()
{
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 >= b + 0) }'
}

setup_warm()
{
	anp_host_setup "$1" anp0 $LIN/24 $HOST/24 || return 1
	# Resolve ARP both ways first, so that the timed pings carry only
	# the echo request and reply.
	ping_ok "$1" $HOST || { fail "warm-up ping"; return 1; }
}

t_defaults()
{
	local a

	anp_ns_create a || return 1
	anp_dev_add "$a" anp0 || { fail "ip link add"; return 1; }
	# dev.h: usecs 0 (NAPI at once, like veth), frames 1.
	expect_eq "default rx-usecs" "$(coal "$a" anp0 rx-usecs)" 0
	expect_eq "default rx-frames" "$(coal "$a" anp0 rx-frames)" 1
	expect_eq "default tx-usecs" "$(coal "$a" anp0 tx-usecs)" 0
	expect_eq "default tx-frames" "$(coal "$a" anp0 tx-frames)" 1
}

# coalesced_dir DIR: DIR-usecs 200000 DIR-frames 64 delays one ping by at
# least 200 ms and fires DIR's moderation timer; back at the defaults the
# timer does not fire.
coalesced_dir()
{
	local dir=$1 a f0 f1 now0 now1 t

	anp_ns_create a || return 1
	setup_warm "$a" || return 1

	f0=$(ethtool_stat "$a" anp0 ${dir}_coalesce_timer_fires) ||
		{ fail "no ${dir}_coalesce_timer_fires in ethtool -S"; return 1; }
	expect "ethtool -C $dir-usecs 200000 $dir-frames 64" \
		nsx "$a" ethtool -C anp0 $dir-usecs 200000 $dir-frames 64
	expect_eq "$dir-usecs after -C" "$(coal "$a" anp0 $dir-usecs)" 200000
	expect_eq "$dir-frames after -C" "$(coal "$a" anp0 $dir-frames)" 64

	t=$(rtt_ms "$a" $HOST)
	diag "RTT with $dir-usecs 200000: ${t:-none} ms"
	expect "ping answered with $dir coalescing" test -n "$t"
	expect "RTT $t ms >= 200 ms with $dir-usecs 200000" ge_ms "$t" 200
	f1=$(ethtool_stat "$a" anp0 ${dir}_coalesce_timer_fires)
	expect_ge "${dir}_coalesce_timer_fires delta in the coalesced phase" \
		$((f1 - f0)) 1

	# Back to the defaults: NAPI at once, the timer never fires.
	expect "ethtool -C back to the defaults" \
		nsx "$a" ethtool -C anp0 $dir-usecs 0 $dir-frames 1
	expect_eq "$dir-usecs after reset" "$(coal "$a" anp0 $dir-usecs)" 0
	f0=$(ethtool_stat "$a" anp0 ${dir}_coalesce_timer_fires)
	now0=$(ethtool_stat "$a" anp0 ${dir}_sched_now)
	expect "3 pings with the defaults" \
		nsx "$a" ping -n -q -c 3 -i 0.2 -W 5 $HOST > /dev/null
	f1=$(ethtool_stat "$a" anp0 ${dir}_coalesce_timer_fires)
	now1=$(ethtool_stat "$a" anp0 ${dir}_sched_now)
	expect_eq "${dir}_coalesce_timer_fires delta with the defaults" \
		$((f1 - f0)) 0
	expect_ge "${dir}_sched_now delta with the defaults" $((now1 - now0)) 3
}

t_rx_coalesce()
{
	coalesced_dir rx
}

t_tx_coalesce()
{
	coalesced_dir tx
}

# A frame threshold of 1 schedules NAPI at the first frame, however long
# rx-usecs is: a 1 s timer must never fire.
t_frame_threshold()
{
	local a f0 f1 s0 s1 dir

	anp_ns_create a || return 1
	setup_warm "$a" || return 1
	expect "ethtool -C rx/tx-usecs 1000000 frames 1" \
		nsx "$a" ethtool -C anp0 rx-usecs 1000000 rx-frames 1 \
		tx-usecs 1000000 tx-frames 1
	for dir in rx tx; do
		eval "f0_$dir=\$(ethtool_stat \"\$a\" anp0 ${dir}_coalesce_timer_fires)"
		eval "s0_$dir=\$(ethtool_stat \"\$a\" anp0 ${dir}_sched_frames)"
	done
	expect "3 pings" nsx "$a" ping -n -q -c 3 -i 0.2 -W 5 $HOST > /dev/null
	for dir in rx tx; do
		f0=$(eval echo "\$f0_$dir")
		s0=$(eval echo "\$s0_$dir")
		f1=$(ethtool_stat "$a" anp0 ${dir}_coalesce_timer_fires)
		s1=$(ethtool_stat "$a" anp0 ${dir}_sched_frames)
		expect_ge "${dir}_sched_frames delta" $((s1 - s0)) 3
		expect_eq "${dir}_coalesce_timer_fires delta" $((f1 - f0)) 0
	done
}

t_bad_values_rejected()
{
	local a arg

	anp_ns_create a || return 1
	anp_dev_add "$a" anp0 || { fail "ip link add"; return 1; }
	nsx "$a" ethtool -C anp0 rx-usecs 1000 rx-frames 8 tx-usecs 2000 \
		tx-frames 16 || { fail "ethtool -C with good values"; return 1; }
	# Limits (dev.h): usecs <= 1000000, frames <= 256 (the ring).
	for arg in "rx-usecs 1000001" "tx-usecs 1000001" "rx-frames 257" \
		   "tx-frames 257" "rx-usecs 4294967295" \
		   "rx-usecs 5 rx-frames 300" \
		   "adaptive-rx on" "rx-usecs-irq 5" "tx-frames-irq 5" \
		   "stats-block-usecs 10" "pkt-rate-low 100"; do
		expect_fail "ethtool -C anp0 $arg must fail" \
			nsx "$a" ethtool -C anp0 $arg 2>/dev/null
	done
	# Nothing half-applied.
	expect_eq "rx-usecs unchanged" "$(coal "$a" anp0 rx-usecs)" 1000
	expect_eq "rx-frames unchanged" "$(coal "$a" anp0 rx-frames)" 8
	expect_eq "tx-usecs unchanged" "$(coal "$a" anp0 tx-usecs)" 2000
	expect_eq "tx-frames unchanged" "$(coal "$a" anp0 tx-frames)" 16
	# The limits themselves are accepted.
	expect "ethtool -C at the limits" \
		nsx "$a" ethtool -C anp0 rx-usecs 1000000 rx-frames 256
	expect_eq "rx-usecs at the limit" "$(coal "$a" anp0 rx-usecs)" 1000000
	expect_eq "rx-frames at the limit" "$(coal "$a" anp0 rx-frames)" 256
}

anp_run_tests \
	t_defaults \
	t_rx_coalesce \
	t_tx_coalesce \
	t_frame_threshold \
	t_bad_values_rejected
