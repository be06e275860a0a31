#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: boots the stock kernel in the VM, loads module/anp.ko, sets
# up the topologies below and runs build/bin/anp-bench once over five
# configurations:
#
#   inet-lo    AF_INET <-> AF_INET over lo (127.0.0.1)         the baseline
#   unix       AF_UNIX stream (abstract name)
#   inet-veth  AF_INET across a veth pair: client in anpbench-v1
#              (10.78.0.1), server in anpbench-v2 (10.78.0.2)
#   anp-local  AF_ANP <-> AF_ANP inside one ANP host (127.0.0.1 of the
#              ANP host of anpbench-anp)
#   anp-linux  AF_ANP client -> Linux AF_INET server over anp0, in
#              anpbench-anp: Linux is 10.77.0.1, the ANP host 10.77.0.2
#
# and copies its results to build/bench/: anp-bench.json (every number,
# percentile and round-trip sample, the date, kernel, CPU and VM), table.txt,
# rtt-cdf.png (the round-trip time distributions) with rtt-cdf.gp and
# rtt-*.dat, and bench.log (this script's output).  The VM's own files
# (dmesg.txt, console.log) stay in build/bench/vm/.
#
# A configuration that cannot run is n/a in the table; the exit status is
# anp-bench's: 0 when the Linux-only rows (inet-lo, unix, inet-veth) ran.
# Needs `make all` first (make bench does it).
#
# Environment: ANP_BENCH_* (anp-bench --help: SECONDS, ROUNDS, ... e.g.
# ANP_BENCH_SECONDS=2 ANP_BENCH_ROUNDS=5000 for a quick run) are passed
# into the VM; ANP_BENCH_SMP (2) and ANP_BENCH_MEM (1024, MiB) size it.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

if [ "${1:-}" = --in-vm ]; then
	BIN=$ROOT/build/bin
	OUT=/out/results
	warn() { echo "bench: $*" >&2; }

	# Setup of the AF_ANP side may fail (the rows then show why, as
	# n/a); the Linux-only topology must work.
	insmod module/anp.ko || warn "insmod module/anp.ko failed: the AF_ANP rows will be n/a"
	for ns in anpbench-anp anpbench-v1 anpbench-v2; do
		ip netns add $ns
		ip -n $ns link set lo up
		# No IPv6: no router solicitations or MLD reports on the links.
		ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done
	ip link add veth-b1 netns anpbench-v1 type veth peer name veth-b2 netns anpbench-v2
	ip -n anpbench-v1 addr add 10.78.0.1/24 dev veth-b1
	ip -n anpbench-v2 addr add 10.78.0.2/24 dev veth-b2
	ip -n anpbench-v1 link set veth-b1 up
	ip -n anpbench-v2 link set veth-b2 up
	{
		ip -n anpbench-anp link add anp0 type anp &&
		ip -n anpbench-anp link set anp0 up &&
		ip -n anpbench-anp addr add 10.77.0.1/24 dev anp0 &&
		ip netns exec anpbench-anp "$BIN/anpctl" addr add 10.77.0.2/24 dev anp0 &&
		ip netns exec anpbench-anp ping -n -q -c 1 -W 5 10.77.0.2 > /dev/null
	} || warn "anp0 setup failed: the AF_ANP rows may be n/a"

	if dmesg | grep -q 'Hypervisor detected: KVM'; then
		accel=kvm
	else
		accel=tcg
	fi
	mkdir -p "$OUT"
	set +e
	"$BIN/anp-bench" --out "$OUT" \
		--meta "vm_accel=$accel" --meta "vm_smp=$(nproc)" \
		--meta "vm_mem_mb=${ANP_BENCH_VM_MEM:-}" \
		--meta "vm_kernel=$ANP_KERNEL" \
		--meta "host_cpu=${ANP_BENCH_HOST_CPU:-}" \
		--meta "host_cpus=${ANP_BENCH_HOST_CPUS:-}" \
		--meta "host_loadavg=${ANP_BENCH_HOST_LOAD:-}" \
		--meta "git=${ANP_BENCH_GIT:-}" \
		--config 'name=inet-lo,label=AF_INET over lo,family=inet,addr=127.0.0.1,port=5201' \
		--config 'name=unix,label=AF_UNIX stream,family=unix,addr=anp-bench' \
		--config 'name=inet-veth,label=AF_INET over veth (2 netns),family=inet,addr=10.78.0.2,port=5211,client-ns=anpbench-v1,server-ns=anpbench-v2' \
		--config 'name=anp-local,label=AF_ANP in one ANP host (127.0.0.1),family=anp,addr=127.0.0.1,port=5221,ns=anpbench-anp' \
		--config 'name=anp-linux,label=AF_ANP -> Linux AF_INET over anp0,client=anp,server=inet,addr=10.77.0.1,port=5231,ns=anpbench-anp'
	rc=$?
	set -e
	for ns in anpbench-anp anpbench-v1 anpbench-v2; do
		ip netns del $ns
	done
	exit $rc
fi

for f in module/anp.ko build/bin/anp-bench build/bin/anpctl; do
	[ -f "$f" ] || { echo "bench: $f is missing: run 'make all'" >&2; exit 1; }
done
smp=${ANP_BENCH_SMP:-2}
mem=${ANP_BENCH_MEM:-1024}
out=build/bench
mkdir -p "$out"
rm -rf "$out/vm" "$out"/anp-bench.json "$out"/table.txt "$out"/rtt-*

# The VM only gets ANP_KERNEL from vm-run.sh: pass the knobs and what
# only the host knows (its CPU, the tree) on the command line.
vars=(
	"ANP_BENCH_HOST_CPU=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
	"ANP_BENCH_HOST_CPUS=$(nproc)"
	"ANP_BENCH_GIT=$(git describe --always --dirty 2>/dev/null || echo unknown)"
	"ANP_BENCH_VM_MEM=$mem"
	# Other work on the host slows the VM: say how busy it was.
	"ANP_BENCH_HOST_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)"
)
while IFS= read -r v; do
	vars+=("$v=${!v}")
done < <(compgen -e | grep '^ANP_BENCH_' | grep -v '^ANP_BENCH_\(HOST_CPUS\?\|HOST_LOAD\|GIT\|VM_MEM\)$' || true)
cmd="env"
for v in "${vars[@]}"; do
	cmd+=" $(printf '%q' "$v")"
done
cmd+=" scripts/bench.sh --in-vm"

start=$(date +%s)
set +e
scripts/vm-run.sh --kernel stock --smp "$smp" --mem "$mem" --timeout 3600 \
	--out "$out/vm" -- "$cmd" 2>&1 | tee "$out/bench.log"
rc=${PIPESTATUS[0]}
set -e
if [ -d "$out/vm/results" ]; then
	cp -r "$out/vm/results/." "$out/"
fi
echo "bench: $(( $(date +%s) - start )) s; host load average now $(cut -d' ' -f1-3 /proc/loadavg); results in $out/ (exit $rc)" |
	tee -a "$out/bench.log"
exit "$rc"
