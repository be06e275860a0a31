#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs every Debian 12 package the project needs (build, VM, tests,
# demo).  Idempotent: when everything is present it prints nothing and
# runs no apt command; otherwise it runs `apt-get update` once and installs
# only what is missing.  Needs root (or sudo).
set -euo pipefail

PACKAGES=(
	# the stock kernel to test against, its headers, and the source of
	# the debug kernel (scripts/debug-kernel.sh)
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	# kernel and module build
	build-essential bc bison flex libelf-dev libssl-dev dwarves kmod cpio
	xz-utils rsync python3 perl
	# userspace build (anpctl, anp_conformance)
	g++ make pkg-config libnl-3-dev libnl-genl-3-dev
	# the VM (scripts/vm-run.sh)
	qemu-system-x86 busybox-static coreutils
	# tests and demo
	bats iproute2 iputils-ping iputils-arping ethtool tcpdump tshark
	util-linux procps gnuplot-nox netcat-openbsd
)

installed=" $(dpkg-query -W -f='${Package}:${db:Status-Status} ' "${PACKAGES[@]}" 2>/dev/null || true) "
missing=()
for p in "${PACKAGES[@]}"; do
	case "$installed" in *" $p:installed "*) ;; *) missing+=("$p") ;; esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
if [ "$(id -u)" != 0 ]; then
	command -v sudo > /dev/null || {
		echo "install-deps: need root to install: ${missing[*]}" >&2
		exit 1
	}
	SUDO=sudo
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture: answer no, quietly.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	$SUDO debconf-set-selections 2>/dev/null || true
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
