# SPDX-License-Identifier: GPL-2.0
#
#   make            module/anp.ko (stock kernel) and build/bin/*
#   make test       every test on the stock and the debug kernel, in QEMU
#   make run        demo: boot the stock kernel, create anp0, arping, ping
#   make check      checkpatch --strict on the kernel code
#   make bench      AF_ANP vs AF_INET/AF_UNIX benchmark in the VM (build/bench/)
#   make deps       install every Debian package the project needs
#
# KDIR overrides the kernel build tree for the module.

STOCK_KVER := $(shell scripts/stock-kver.sh 2>/dev/null)
KDIR ?= /lib/modules/$(STOCK_KVER)/build

CXX ?= g++
CXXFLAGS ?= -O2 -g
CXXFLAGS += -std=c++20 -Wall -Wextra -Werror -I$(CURDIR)/uapi
NL_CFLAGS = $(shell pkg-config --cflags libnl-genl-3.0)
NL_LIBS = $(shell pkg-config --libs libnl-genl-3.0)

# Every tools/<name>/ directory with .cpp files builds build/bin/<name>;
# tools/common/ holds headers they share.
TOOLS := $(patsubst tools/%/,%,$(sort $(dir $(wildcard tools/*/*.cpp))))
BINS := $(addprefix build/bin/,$(TOOLS)) build/bin/anp_conformance

.PHONY: all module userspace test run check deps clean bench
all: module userspace

module:
	@test -d "$(KDIR)" || { echo "no kernel build tree at $(KDIR): run 'make deps'" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace: $(BINS)

.SECONDEXPANSION:
build/bin/%: $$(wildcard tools/%/*.cpp tools/%/*.hpp) $(wildcard tools/common/*.hpp) uapi/linux/anp.h
	@mkdir -p build/bin
	$(CXX) $(CXXFLAGS) $(NL_CFLAGS) $(filter %.cpp,$^) -o $@ $(NL_LIBS)

build/bin/anp_conformance: $(wildcard userspace-tests/*.cpp userspace-tests/*.hpp) uapi/linux/anp.h
	@mkdir -p build/bin
	$(CXX) $(CXXFLAGS) $(filter %.cpp,$^) -o $@

deps:
	scripts/install-deps.sh

test:
	scripts/install-deps.sh
	scripts/test.sh

run:
	scripts/install-deps.sh
	$(MAKE) all
	scripts/run-demo.sh

check:
	scripts/checkpatch.sh

bench:
	scripts/install-deps.sh
	$(MAKE) all
	scripts/bench.sh

clean:
	rm -rf build
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
