#!/bin/sh
# Prints the version of the Debian stock kernel to build and test against:
# the running kernel when its headers are installed (a real Debian 12
# machine), else the one linux-headers-amd64 depends on (a build host
# running some other kernel).
set -eu
if [ -d "/lib/modules/$(uname -r)/build" ]; then
	uname -r
	exit 0
fi
dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) || {
	echo "stock-kver: linux-headers-amd64 is not installed (run scripts/install-deps.sh)" >&2
	exit 1
}
echo "$dep" | sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p'
