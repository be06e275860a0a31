#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make run`: boots the stock kernel in the VM, loads module/anp.ko, creates
# anp0, gives Linux 10.77.0.1/24 and the ANP host 10.77.0.2/24 on it, and
# shows the ANP host answering arping and ping, then its counters and the
# device's ethtool statistics.  Each command is printed before its output.
# Exits non-zero if any command fails.  Needs `make all` first (make run
# does it).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
for f in module/anp.ko build/bin/anpctl; do
	[ -f "$f" ] || { echo "run-demo: $f is missing: run 'make all'" >&2; exit 1; }
done

exec scripts/vm-run.sh --kernel stock -- '
set -e
run() {
	echo
	echo "\$ $*"
	"$@"
}
echo "AF_ANP demo: Linux is 10.77.0.1 on anp0, the ANP host behind it is 10.77.0.2"
echo "(kernel $(uname -r), in QEMU)"
run insmod module/anp.ko
run ip link add anp0 type anp
run ip link set anp0 up
run ip addr add 10.77.0.1/24 dev anp0
run build/bin/anpctl addr add 10.77.0.2/24 dev anp0
run arping -c 3 -I anp0 10.77.0.2
run ping -c 3 10.77.0.2
run build/bin/anpctl stats
run ethtool -S anp0
run ip -s link show anp0
'
