# SPDX-License-Identifier: GPL-2.0
#
# mcfw: in-kernel IP multicast forwarder and its command-line tool.
#
#   make                 build mcfw.ko (for KDIR) and tools/mcfwctl/mcfwctl
#   make install         install the module (then depmod), mcfwctl, its man
#                        pages, the unit and the example configurations;
#                        DESTDIR=, PREFIX= (default /usr/local), KDIR= or
#                        KVER= (the kernel), BUILDDIR= (see below)
#   make uninstall       remove what make install installed (the same
#                        variables); a configuration the operator changed
#                        stays
#   make dkms-install    copy the module's source to /usr/src/mcfw-VERSION,
#                        then dkms add, build and install it for the running
#                        kernel, or for KVER=; DKMS_OPTS= adds dkms options
#                        (--dkmstree, --installtree, --no-depmod...),
#                        DKMS_SRCTREE= moves the source (dkms --sourcetree)
#   make dkms-uninstall  dkms remove it from every kernel, delete the source
#   make dkms-source     only copy the source and its dkms.conf (DESTDIR=
#                        honoured: for a package, whose postinst runs dkms)
#   make version         print the version (kmod/version.h, its only copy)
#   make deb             the Debian packages mcfw-dkms and mcfwctl (debian/),
#                        built in a copy of the tree by dpkg-buildpackage,
#                        then checked by lintian; all in build/deb/
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

# The version, from its only copy: kmod/version.h, which travels with the
# module's source wherever it is built (DKMS, a copy for another kernel).
# The tool is given it (MCFW_VERSION) and dkms.conf is made with it.
VERSION := $(shell sed -n 's/^\#define MCFW_VERSION "\(.*\)"/\1/p' kmod/version.h)

# The kernel to build and install for: KVER, a release as "uname -r"
# prints it (its headers in /lib/modules/KVER/build), or KDIR, a kernel
# headers or build tree. Default: the running kernel's headers, or else
# the newest Debian linux-headers-*-amd64 installed.
ifneq ($(KVER),)
KDIR ?= /lib/modules/$(KVER)/build
endif
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	  $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1))
# KDIR's release, as the module's vermagic has it: the directory under
# /lib/modules it goes to (Debian's 6.1 headers answer "make
# kernelrelease" with 6.1.N, not 6.1.0-N-amd64), else KVER.
KRELEASE := $(or $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
		$(KDIR)/include/generated/utsrelease.h 2>/dev/null),$(KVER))

# Where the module is built (kbuild's M=): here by default. Any other
# directory gets a copy of the module's source first, as
# selftests/build-module.sh makes build/<release>/ for each kernel, and
# "make install BUILDDIR=build/<release> W=1" installs that build
# without building it again (kbuild rebuilds what other flags built).
BUILDDIR ?= .
MODDIR := $(abspath $(BUILDDIR))
# The module's source: what a build, here or elsewhere, needs.
MODULE_SRC := Kbuild $(wildcard kmod/*.c kmod/*.h) include/uapi/linux/mcfw.h

DEPMOD ?= depmod
DESTDIR ?=
PREFIX ?= /usr/local
# DESTDIR as an absolute path: kbuild's modules_install runs in KDIR.
DEST := $(if $(DESTDIR),$(abspath $(DESTDIR)))
MODLIB = $(DEST)/lib/modules/$(KRELEASE)
MCFW_CACHE ?= $(HOME)/.cache/mcfw
export MCFW_CACHE

# The Debian kernels mcfw supports: bookworm's 6.1 and 6.12 series, and
# 6.12's PREEMPT_RT build; "debug" is 6.1 with KASAN, lockdep and kmemleak.
KERNELS ?= 6.1 6.12 6.12-rt debug

all: module tools

module:
	@test -d "$(KDIR)" || { echo "make: no kernel headers (KDIR=$(KDIR)); run 'make deps' or set KDIR or KVER" >&2; exit 1; }
ifneq ($(MODDIR),$(CURDIR))
	@mkdir -p $(MODDIR)
	cp -pu --parents $(MODULE_SRC) $(MODDIR)/
endif
	$(MAKE) -C $(KDIR) M=$(MODDIR) modules

tools:
	$(MAKE) -C tools/mcfwctl MCFW_VERSION=$(VERSION)

# depmod for the kernel installed to. DESTDIR empty: the running system's
# index. With DESTDIR, only when DESTDIR/lib/modules/KRELEASE has an
# index already, as the root of a system image being built has (depmod
# -b DESTDIR); a package's staging tree has none and must ship none (its
# postinst runs depmod). The live /lib/modules is never touched then.
define depmod
	@if [ -z "$(DEST)" ]; then \
		echo "$(DEPMOD) -a $(KRELEASE)"; \
		$(DEPMOD) -a $(KRELEASE); \
	elif [ -e "$(MODLIB)/modules.dep" ]; then \
		echo "$(DEPMOD) -a -b $(DEST) $(KRELEASE)"; \
		$(DEPMOD) -a -b "$(DEST)" $(KRELEASE); \
	else \
		echo "depmod: not run, $(MODLIB) has no modules.dep (run depmod $(KRELEASE) on the system it is for)"; \
	fi
endef
need_release = @test -n "$(KRELEASE)" || { echo "make: which kernel? no headers at KDIR=$(KDIR); set KVER" >&2; exit 1; }

# The module goes to DESTDIR/lib/modules/KRELEASE/updates/ by kbuild's
# modules_install, compressed as the kernel's configuration says (6.12:
# mcfw.ko.xz). Debian's headers carry no signing key: the kernel says
# it cannot sign, and goes on.
module-install: module
	$(need_release)
	$(MAKE) -C $(KDIR) M=$(MODDIR) INSTALL_MOD_PATH=$(DEST) \
		INSTALL_MOD_DIR=updates modules_install
	$(depmod)

module-uninstall:
	$(need_release)
	$(RM) $(foreach s,.ko .ko.gz .ko.xz .ko.zst,$(MODLIB)/updates/mcfw$(s))
	$(depmod)

tools-install: tools
	$(MAKE) -C tools/mcfwctl install MCFW_VERSION=$(VERSION) DESTDIR=$(DEST) PREFIX=$(PREFIX)

tools-uninstall:
	$(MAKE) -C tools/mcfwctl uninstall DESTDIR=$(DEST) PREFIX=$(PREFIX)

install: module-install tools-install

uninstall: module-uninstall tools-uninstall

version:
	@echo $(VERSION)

dkms.conf: dkms.conf.in kmod/version.h
	@test -n "$(VERSION)" || { echo "make: no MCFW_VERSION in kmod/version.h" >&2; exit 1; }
	sed 's/@VERSION@/$(VERSION)/g' dkms.conf.in > $@.tmp
	mv -f $@.tmp $@

# The module's source (no build outputs) and the Makefile, as DKMS builds
# it, with its dkms.conf, in DKMS_SRCTREE/mcfw-VERSION.
DKMS_FILES := Makefile $(MODULE_SRC)
DKMS_SRCTREE ?= /usr/src
DKMS_SOURCE = $(DEST)$(DKMS_SRCTREE)/mcfw-$(VERSION)

define copy_dkms_source
	rm -rf $(DKMS_SOURCE)
	install -d $(DKMS_SOURCE)
	cp -p --parents $(DKMS_FILES) dkms.conf $(DKMS_SOURCE)/
endef

dkms-source: dkms.conf
	$(copy_dkms_source)

# make dkms-install registers the source with this system's DKMS, then
# builds and installs it for KVER (default: the running kernel); a rerun
# for the same kernel replaces that kernel's build with one of this
# source. DKMS_OPTS goes to every dkms command: "--dkmstree DIR
# --installtree DIR --no-depmod", with DKMS_SRCTREE=DIR, keeps it all in
# DIRs (selftests/check.sh's dkms step). dkms-uninstall removes this
# version from every kernel, then its source.
DKMS ?= dkms
DKMS_OPTS ?=
DKMS_KVER = $(or $(KVER),$(shell uname -r))
dkms = $(DKMS) $(1) -m mcfw -v $(VERSION) --sourcetree $(DKMS_SRCTREE) $(DKMS_OPTS)
no_destdir = @test -z "$(DESTDIR)" || { echo "make: $@ runs this system's DKMS: no DESTDIR (make dkms-source DESTDIR=... stages the source)" >&2; exit 1; }

dkms-install: dkms.conf
	$(no_destdir)
	$(copy_dkms_source)
	@if $(call dkms,status) -k $(DKMS_KVER) | grep -qF ', $(DKMS_KVER),'; then \
		echo '$(call dkms,remove) -k $(DKMS_KVER)'; \
		$(call dkms,remove) -k $(DKMS_KVER); \
	fi
	@if ! $(call dkms,status) | grep -q .; then \
		echo '$(call dkms,add)'; \
		$(call dkms,add); \
	fi
	$(call dkms,build) -k $(DKMS_KVER)
	$(call dkms,install) -k $(DKMS_KVER)

dkms-uninstall:
	$(no_destdir)
	@if $(call dkms,status) | grep -q .; then \
		echo '$(call dkms,remove) --all'; \
		$(call dkms,remove) --all; \
	fi
	rm -rf $(DKMS_SOURCE)

# make deb: Debian's tools build the packages from debian/ (source
# format 3.0 (native): debian/README.source), in a copy of the tree in
# build/deb/mcfw-VERSION, since dpkg-buildpackage writes its results to
# the parent of the tree it builds: build/deb/ gets the .deb files (and
# mcfwctl's -dbgsym), the source package, .buildinfo and .changes. The
# copy is what git would commit (tracked files as they are now, and new
# files that .gitignore does not exclude), or, outside a git checkout,
# the whole tree but build/. debian/changelog must name the version of
# kmod/version.h; lintian's report is kept in build/deb/lintian.txt, and
# any error (E:) fails make deb.
DEB_DIR := build/deb
DEB_SRC = $(DEB_DIR)/mcfw-$(VERSION)

deb:
	@cv=$$(dpkg-parsechangelog -l debian/changelog -S Version) || exit 1; \
	if [ "$$cv" != "$(VERSION)" ]; then \
		echo "make deb: debian/changelog's version is $$cv, kmod/version.h's is $(VERSION):" >&2; \
		echo "  add a debian/changelog entry for $(VERSION) (dch -v $(VERSION), or by hand)" >&2; \
		exit 1; \
	fi
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z --cached --others --exclude-standard; \
	else \
		find . -path ./build -prune -o ! -type d -print0; \
	fi | tar --null -T - --ignore-failed-read -cf - | tar -xf - -C $(DEB_SRC)
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc
	rm -rf $(DEB_SRC)
	@echo "lintian $(DEB_DIR)/mcfw_$(VERSION)_*.changes"; \
	lintian --fail-on error $(DEB_DIR)/mcfw_$(VERSION)_*.changes >$(DEB_DIR)/lintian.txt 2>&1; \
		rc=$$?; cat $(DEB_DIR)/lintian.txt; exit $$rc
	@ls -1 $(DEB_DIR)

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

.PHONY: all module tools module-install module-uninstall tools-install \
	tools-uninstall install uninstall version dkms-source dkms-install \
	dkms-uninstall deb style deps check check-debug demo bench clean
