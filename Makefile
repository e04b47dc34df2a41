# SPDX-License-Identifier: GPL-2.0
#
# mcfw: in-kernel IP multicast forwarder and its command-line tool.
#
#   make                 build mcfw.ko (for KDIR) and tools/mcfwctl/mcfwctl
#   make install         install the module (then depmod) and mcfwctl
#   make dkms-install    register the module's source with DKMS
#   make dkms-source     copy it to DKMS_SRCTREE (/usr/src), with dkms.conf
#   make version         print the version (kmod/version.h, its only copy)
#   make style           checkpatch.pl --strict over the module and the tool
#   make deps            install the Debian packages the build and tests need
#   make check           deps, builds for every supported kernel, style, DKMS,
#                        and the selftests in QEMU on each supported kernel
#                        and on a debug kernel (KASAN, UBSAN, lockdep,
#                        kmemleak) built once from linux-source-6.1
#   make check-debug     the same on the debug kernel only
#   make demo            a market-data feed through two mcfw gateways and a
#                        GRE tunnel, in a VM (DEMO_KERNEL=6.1|6.12)
#   make bench           mcfw against ipmr, a userspace relay and a tc floor,
#                        in a VM (BENCH_KERNEL=6.1|6.12, BENCH_QUICK=1);
#                        results in results/

PWD := $(shell pwd)

# The version, from its only copy: kmod/version.h, which travels with the
# module's source wherever it is built (DKMS, a copy for another kernel).
# The tool is given it (MCFW_VERSION) and dkms.conf is made with it.
VERSION := $(shell sed -n 's/^\#define MCFW_VERSION "\(.*\)"/\1/p' kmod/version.h)

# The kernel to build for: the running one's headers, or else the newest
# Debian linux-headers-*-amd64 installed.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	  $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1))

DEPMOD ?= depmod
DESTDIR ?=
PREFIX ?= /usr/local
MCFW_CACHE ?= $(HOME)/.cache/mcfw
export MCFW_CACHE

# The Debian kernels mcfw supports: bookworm's 6.1 and 6.12 series.
KERNELS ?= 6.1 6.12 debug

all: module tools

module:
	@test -d "$(KDIR)" || { echo "make: no kernel headers (KDIR=$(KDIR)); run 'make deps' or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(PWD) modules

tools:
	$(MAKE) -C tools/mcfwctl MCFW_VERSION=$(VERSION)

module-install: module
	$(MAKE) -C $(KDIR) M=$(PWD) INSTALL_MOD_DIR=updates modules_install
	$(DEPMOD) -a $(shell $(MAKE) -s -C $(KDIR) kernelrelease 2>/dev/null)

tools-install: tools
	$(MAKE) -C tools/mcfwctl install MCFW_VERSION=$(VERSION) DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)

install: module-install tools-install

version:
	@echo $(VERSION)

dkms.conf: dkms.conf.in kmod/version.h
	@test -n "$(VERSION)" || { echo "make: no MCFW_VERSION in kmod/version.h" >&2; exit 1; }
	sed 's/@VERSION@/$(VERSION)/g' dkms.conf.in > $@.tmp
	mv -f $@.tmp $@

# The module's source (no build outputs) and the Makefile, as DKMS builds
# it, with its dkms.conf, in DKMS_SRCTREE/mcfw-VERSION.
DKMS_FILES := Kbuild Makefile $(wildcard kmod/*.c kmod/*.h) include/uapi/linux/mcfw.h
DKMS_SRCTREE ?= /usr/src
DKMS_SOURCE = $(DESTDIR)$(DKMS_SRCTREE)/mcfw-$(VERSION)

dkms-source: dkms.conf
	rm -rf $(DKMS_SOURCE)
	install -d $(DKMS_SOURCE)
	cp -p --parents $(DKMS_FILES) dkms.conf $(DKMS_SOURCE)/

dkms-install: dkms-source
	dkms add -m mcfw -v $(VERSION)

dkms-uninstall:
	dkms remove -m mcfw -v $(VERSION) --all
	rm -rf $(DKMS_SOURCE)

style:
	selftests/style.sh

deps:
	selftests/deps.sh

check:
	selftests/deps.sh
	selftests/check.sh $(KERNELS)

check-debug:
	selftests/deps.sh
	selftests/check.sh debug

DEMO_KERNEL ?= 6.12

demo:
	@selftests/deps.sh >/dev/null
	@selftests/build-module.sh $(DEMO_KERNEL)
	@$(MAKE) -s tools
	@$(MAKE) -s -C selftests mcast
	@selftests/vm/vm.sh run \
		--ko build/$$(selftests/vm/vm.sh abi $(DEMO_KERNEL))/mcfw.ko \
		$(DEMO_KERNEL) -- demo/market-data.sh

BENCH_KERNEL ?= 6.12

bench:
	@selftests/deps.sh >/dev/null
	@bench/deps.sh
	@selftests/build-module.sh $(BENCH_KERNEL)
	@$(MAKE) -s tools
	@$(MAKE) -s -C bench
	@BENCH_KERNEL=$(BENCH_KERNEL) bench/run.sh

clean:
	$(MAKE) -C tools/mcfwctl clean
	$(MAKE) -C bench clean
	rm -rf build
	rm -f *.o *.ko *.mod *.mod.c .*.cmd Module.symvers modules.order
	rm -f kmod/*.o kmod/.*.cmd
	rm -f dkms.conf dkms.conf.tmp

.PHONY: all module tools module-install tools-install install version \
	dkms-source dkms-install dkms-uninstall style deps check check-debug demo bench clean
