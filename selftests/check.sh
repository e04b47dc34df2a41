#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: builds mcfw for every supported kernel, runs checkpatch and a
# DKMS build, then boots each kernel in QEMU and runs the selftests there.
# Every step and every KTAP result line counts; the last line is
# "N passed, N failed" and the exit status is non-zero on any failure.
#
# Usage: selftests/check.sh [KERNEL...]   (default: 6.1 6.12 6.12-rt debug)
# Sourced (". selftests/check.sh"), it only defines its steps, which can
# then be run one by one: install_check 6.12.118+deb12-amd64, dkms_build
# 6.1.0-57-amd64, deb_check.
# "debug" is the debug kernel (selftests/vm/debug-kernel.sh), built from
# Debian's linux-source-6.1 the first time and cached; "6.12-rt" is
# Debian's PREEMPT_RT build of 6.12.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
top=$PWD

kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(6.1 6.12 6.12-rt debug)

logdir=$top/build/logs
mkdir -p "$logdir"
passed=0
failed=0
skipped=0
n=0

pass() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n $1"; }
fail() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $1"; }

# host_counts LOG DONE: the background host checks' lines, counted and
# renumbered into this run's sequence; a failure if DONE (written when
# they have all run) is missing.
host_counts() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok "*"# SKIP"*) n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n ${line#ok * }" ;;
		"ok "*) pass "${line#ok * }" ;;
		"not ok "*) fail "${line#not ok * }" ;;
		*) echo "$line" ;;
		esac
	done <"$1"
	[ -s "$2" ] || fail "host checks: they did not finish (log: $1)"
}

# skip NAME WHY: a step that could not run here.
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n $1 # SKIP $2"; }

# step NAME CMD...: run CMD with its output in a log; show the log on failure.
step() {
	local name=$1 log
	shift
	log=$logdir/$(echo "$name" | tr -c 'A-Za-z0-9.\n' '_').log
	if "$@" >"$log" 2>&1; then
		pass "$name"
	else
		fail "$name"
		sed 's/^/# /' "$log" | tail -n 40
	fi
}

# dkms.conf and `make dkms-install` must work: the real make dkms-install
# KVER=ABI (dkms add, build and install, as a user's AUTOINSTALL would
# build it too) into a private source tree, DKMS tree and install tree,
# then make dkms-uninstall with the same options, which must leave
# nothing behind. --no-depmod: dkms would run depmod on the host's
# /lib/modules/ABI. The signing key DKMS makes when it has none is kept
# in the temporary directory too. Nothing in /lib/modules/ABI may change.
dkms_build() {
	local abi=$1 tmp rc=0 ver ko left
	local -a vars
	ver=$(make -s --no-print-directory version)
	tmp=$(mktemp -d)
	mkdir -p "$tmp/src" "$tmp/tree" "$tmp/install/$abi"
	touch "$tmp/stamp"
	vars=(KVER="$abi" DKMS_SRCTREE="$tmp/src"
	      DKMS_OPTS="--dkmstree $tmp/tree --installtree $tmp/install --no-depmod")
	mok_signing_key=$tmp/mok.key mok_certificate=$tmp/mok.pub \
		make dkms-install "${vars[@]}" || rc=1
	for ko in "$tmp/install/$abi/updates/dkms/mcfw.ko"* \
		  "$tmp/tree/mcfw/$ver/$abi/x86_64/module/mcfw.ko"*; do
		[ -f "$ko" ] || { echo "dkms: no ${ko#"$tmp"/}"; rc=1; continue; }
		[ "$(modinfo -F vermagic "$ko" | awk '{ print $1 }')" = "$abi" ] ||
			{ echo "dkms: ${ko#"$tmp"/} is not for $abi"; rc=1; }
	done
	make dkms-uninstall "${vars[@]}" || rc=1
	left=$(find "$tmp/src" "$tmp/tree" "$tmp/install" -mindepth 1 \
		! -path "$tmp/install/$abi")
	[ -z "$left" ] || { echo "dkms-uninstall left:"; echo "$left"; rc=1; }
	left=$(find "/lib/modules/$abi" -newer "$tmp/stamp")
	[ -z "$left" ] || { echo "dkms changed the host's modules:"; echo "$left"; rc=1; }
	rm -rf "$tmp"
	return $rc
}

# installed_tool_ok WHAT ROOT UNITDIR VERSION: mcfwctl under ROOT/usr/sbin
# is VERSION and ROOT/UNITDIR/mcfw.service runs it on /etc/mcfw/mcfw.conf.
installed_tool_ok() {
	local rc=0
	[ "$("$2/usr/sbin/mcfwctl" version | head -n 1)" = "mcfwctl $4" ] ||
		{ echo "$1: the installed mcfwctl is not version $4"; rc=1; }
	grep -qx 'ExecStart=/usr/sbin/mcfwctl restore /etc/mcfw/mcfw.conf' \
		"$2/$3/mcfw.service" ||
		{ echo "$1: the unit does not name the installed paths"; rc=1; }
	return $rc
}

# make deb must build both Debian packages and lintian must find no
# error in them (make deb fails on one; lintian.txt is checked too).
# Their contents, as dpkg-deb lists them: mcfw-dkms has the module's
# source with its dkms.conf (this version) in /usr/src/mcfw-VERSION,
# maintainer scripts that hand it to DKMS, mcfw(7) and the conffile
# /etc/modprobe.d/mcfw.conf; mcfwctl has the tool (of this version), its
# man pages, the unit (naming the installed paths, not enabled by the
# package), the bash completion and the conffile /etc/mcfw/mcfw.conf.
deb_check() {
	local ver rc=0 dir=build/deb dkms ctl f tmp
	ver=$(make -s --no-print-directory version)
	make deb || return 1
	dkms=$dir/mcfw-dkms_${ver}_all.deb
	ctl=$dir/mcfwctl_${ver}_$(dpkg --print-architecture).deb
	for f in "$dkms" "$ctl"; do
		[ -f "$f" ] || { echo "deb: no $f"; return 1; }
	done
	! grep '^E: ' "$dir/lintian.txt" || { echo "deb: lintian reports errors"; rc=1; }

	tmp=$(mktemp -d)
	dpkg-deb -c "$dkms" | awk '{ print $6 }' >"$tmp/dkms.list"
	dpkg-deb -c "$ctl" | awk '{ print $6 }' >"$tmp/ctl.list"
	for f in dkms.conf Kbuild Makefile kmod/main.c kmod/version.h \
		include/uapi/linux/mcfw.h; do
		grep -qx "./usr/src/mcfw-$ver/$f" "$tmp/dkms.list" ||
			{ echo "deb: mcfw-dkms has no /usr/src/mcfw-$ver/$f"; rc=1; }
	done
	for f in usr/share/man/man7/mcfw.7.gz etc/modprobe.d/mcfw.conf; do
		grep -qx "./$f" "$tmp/dkms.list" || { echo "deb: mcfw-dkms has no /$f"; rc=1; }
	done
	for f in usr/sbin/mcfwctl usr/share/man/man8/mcfwctl.8.gz \
		usr/share/man/man5/mcfw.conf.5.gz lib/systemd/system/mcfw.service \
		etc/mcfw/mcfw.conf usr/share/bash-completion/completions/mcfwctl; do
		grep -qx "./$f" "$tmp/ctl.list" || { echo "deb: mcfwctl has no /$f"; rc=1; }
	done
	grep -n 'mcfw\.7\|modprobe' "$tmp/ctl.list" && { echo "deb: mcfwctl ships the module's files"; rc=1; }
	[ "$(dpkg-deb -I "$dkms" conffiles | LC_ALL=C sort | tr '\n' ' ')" = \
		"/etc/kernel/header_postinst.d/mcfw-dkms /etc/kernel/postinst.d/mcfw-dkms /etc/modprobe.d/mcfw.conf " ] ||
		{ echo "deb: mcfw-dkms's conffiles are not its kernel hooks and /etc/modprobe.d/mcfw.conf"; rc=1; }
	[ "$(dpkg-deb -I "$ctl" conffiles)" = /etc/mcfw/mcfw.conf ] ||
		{ echo "deb: mcfwctl's conffiles are not /etc/mcfw/mcfw.conf"; rc=1; }
	dpkg-deb -f "$dkms" Depends | grep -q '^dkms\b' ||
		{ echo "deb: mcfw-dkms does not depend on dkms"; rc=1; }
	dpkg-deb -I "$dkms" postinst | grep -q "^DKMS_VERSION=$ver\$" &&
		dpkg-deb -I "$dkms" postinst | grep -q common.postinst &&
		dpkg-deb -I "$dkms" prerm | grep -q 'dkms remove' ||
		{ echo "deb: mcfw-dkms's maintainer scripts do not run DKMS for $ver"; rc=1; }
	# dh_installsystemd --no-enable: enabled again only where it was
	# installed and enabled before (debian-installed); --no-start.
	dpkg-deb -I "$ctl" postinst >"$tmp/postinst"
	grep -q "deb-systemd-helper debian-installed 'mcfw.service'" "$tmp/postinst" &&
		! grep -q 'deb-systemd-invoke' "$tmp/postinst" ||
		{ echo "deb: mcfwctl's postinst enables or starts mcfw.service"; rc=1; }
	dpkg-deb -x "$dkms" "$tmp/root"
	dpkg-deb -x "$ctl" "$tmp/root"
	grep -qx "PACKAGE_VERSION=\"$ver\"" "$tmp/root/usr/src/mcfw-$ver/dkms.conf" ||
		{ echo "deb: dkms.conf is not for version $ver"; rc=1; }
	# The package's kernel hooks build for kernels installed later, not
	# DKMS's autoinstall (debian/rules says why).
	! grep -q '^AUTOINSTALL=' "$tmp/root/usr/src/mcfw-$ver/dkms.conf" ||
		{ echo "deb: the package's dkms.conf sets AUTOINSTALL"; rc=1; }
	cmp -s "$tmp/root/etc/kernel/postinst.d/mcfw-dkms" debian/mcfw-dkms.kernel-hook &&
		cmp -s "$tmp/root/etc/kernel/header_postinst.d/mcfw-dkms" debian/mcfw-dkms.kernel-hook ||
		{ echo "deb: mcfw-dkms's kernel hooks are not debian/mcfw-dkms.kernel-hook"; rc=1; }
	installed_tool_ok deb "$tmp/root" lib/systemd/system "$ver" || rc=1
	rm -rf "$tmp"
	return $rc
}

# The packages as an operator installs them: into a fresh bookworm root
# (selftests/pkgroot.sh, cached) with the 6.1 and 6.12 headers, in
# build/pkgroot, where a guest finds it too. mcfw-dkms and mcfwctl from
# make deb (deb_check), installed with dpkg -i in a chroot: DKMS must
# build and install the module for both kernels then, and for the
# PREEMPT_RT kernel installed after them (its image and headers from
# the root's /root/later). The root's files before the install are kept
# in build/pkgroot.before for pkg_remove_check.
PKGROOT=$top/build/pkgroot

pkg_mount() {
	mount -t proc proc "$PKGROOT/proc" && mount --bind /dev "$PKGROOT/dev"
}

# Fails if either is still mounted: nothing may then remove the root
# (rm -rf would go into the host's /dev).
pkg_umount() {
	local m
	for m in dev proc; do
		! mountpoint -q "$PKGROOT/$m" || umount "$PKGROOT/$m" || umount -l "$PKGROOT/$m"
	done
	! mountpoint -q "$PKGROOT/dev" && ! mountpoint -q "$PKGROOT/proc"
}

pkg_rm() {
	pkg_umount || { echo "package: $PKGROOT/dev or /proc still mounted: not removed"; return 1; }
	rm -rf --one-file-system "$PKGROOT" "$PKGROOT.before"
}

# pkg_files: the root's files, but for what a package manager's own
# work changes (its database, logs, caches, the .debs in /root/later),
# DKMS's signing key, made at its first build and kept, as DKMS keeps
# it, for the modules it signs later, and the module indexes depmod
# (run by DKMS) writes for a kernel whose headers are installed.
pkg_files() {
	(cd "$PKGROOT" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev \
		-o -path ./run -o -path ./tmp -o -path ./var/log -o -path ./var/cache \
		-o -path ./var/lib/dpkg -o -path ./var/lib/apt -o -path ./root/later \
		-o -path './var/lib/dkms/mok.*' -o -path './usr/lib/modules/*/modules.*' \
		-o -path './lib/modules/*/modules.*' \) -prune -o ! -type d -print | LC_ALL=C sort)
}

# pkg_kos ABI: the mcfw modules DKMS installed for ABI in the root.
pkg_kos() {
	find "$PKGROOT/lib/modules/$1" -name 'mcfw.ko*' 2>/dev/null
}

pkg_install_check() {
	local tar ver dir=build/deb abi ko rc=0 src out
	local -a abis
	ver=$(make -s --no-print-directory version)
	abis=("$(selftests/vm/vm.sh abi 6.1)" "$(selftests/vm/vm.sh abi 6.12)")
	tar=$(selftests/pkgroot.sh) || return 1
	pkg_rm || return 1
	mkdir -p "$PKGROOT"
	tar -xf "$tar" -C "$PKGROOT" || return 1
	pkg_files >"$PKGROOT.before"
	cp "$dir/mcfw-dkms_${ver}_all.deb" "$dir/mcfwctl_${ver}_$(dpkg --print-architecture).deb" \
		"$PKGROOT/tmp/" || return 1
	pkg_mount || { pkg_umount; return 1; }
	chroot "$PKGROOT" dpkg -i "/tmp/mcfw-dkms_${ver}_all.deb" \
		"/tmp/mcfwctl_${ver}_$(dpkg --print-architecture).deb" || rc=1
	for abi in "${abis[@]}"; do
		ko=$(pkg_kos "$abi")
		[ -n "$ko" ] && [ "$(modinfo -F vermagic "$ko" | awk '{ print $1 }')" = "$abi" ] ||
			{ echo "package: DKMS installed no mcfw module for $abi"; rc=1; }
	done
	# A kernel installed later (no initramfs: nothing boots this root).
	abi=$(selftests/vm/vm.sh abi 6.12-rt)
	INITRD=No chroot "$PKGROOT" sh -c 'dpkg -i /root/later/*.deb' || rc=1
	ko=$(pkg_kos "$abi")
	[ -n "$ko" ] && [ "$(modinfo -F vermagic "$ko" | awk '{ print $1 }')" = "$abi" ] ||
		{ echo "package: DKMS built no mcfw module for $abi, installed later"; rc=1; }
	# A kernel mcfw cannot build for, simulated by a compile error for
	# PREEMPT_RT kernels added to the installed source: configuring the
	# RT kernel again (its postinst runs the kernel hooks) must succeed
	# and say that mcfw has no module for it, and why (DKMS's make.log).
	src=$PKGROOT/usr/src/mcfw-$ver/kmod/main.c
	chroot "$PKGROOT" dkms remove -m mcfw -v "$ver" -k "$abi" >/dev/null || rc=1
	cp "$src" "$PKGROOT.main.c"
	printf '#ifdef CONFIG_PREEMPT_RT\n#error "make check: a kernel mcfw cannot build for"\n#endif\n' >>"$src"
	out=$(INITRD=No chroot "$PKGROOT" "/var/lib/dpkg/info/linux-image-$abi.postinst" configure 2>&1) ||
		{ echo "$out"; echo "package: mcfw's failed build failed the RT kernel's configuration"; rc=1; }
	grep -q "mcfw-dkms: no mcfw module for kernel $abi: DKMS could not build it" <<<"$out" ||
		{ echo "$out"; echo "package: no word that mcfw was not built for $abi"; rc=1; }
	grep -q 'error: #error "make check: a kernel mcfw cannot build for"' \
		"$PKGROOT/var/lib/dkms/mcfw/$ver/build/make.log" ||
		{ echo "package: DKMS's make.log does not say why the build failed"; rc=1; }
	[ -z "$(pkg_kos "$abi")" ] || { echo "package: a module for $abi after a failed build"; rc=1; }
	mv "$PKGROOT.main.c" "$src"
	chroot "$PKGROOT" /etc/kernel/postinst.d/mcfw-dkms "$abi" || rc=1
	chroot "$PKGROOT" dkms status mcfw
	[ "$(chroot "$PKGROOT" dkms status mcfw | grep -c ': installed')" -eq 3 ] ||
		{ echo "package: dkms status does not show mcfw installed for 3 kernels"; rc=1; }
	pkg_umount
	return $rc
}

# The packaged module and tool forward in a guest of 6.12 (package.sh):
# its KTAP lines, and a failure if the guest fails without one.
pkg_guest_check() {
	local abi ko out rc
	abi=$(selftests/vm/vm.sh abi 6.12)
	ko=$(pkg_kos "$abi")
	if [ -z "$ko" ]; then
		echo "not ok 1 package: no module DKMS built for $abi to boot with"
		return 1
	fi
	out=$(MCFW_TESTS=package.sh selftests/vm/vm.sh run --cpus 1 --timeout 600 \
		--ko "$ko" 6.12 -- env MCFW_PKGROOT="$PKGROOT" selftests/run_tests.sh 2>&1)
	rc=$?
	echo "$out" | grep -E '^(not )?ok [0-9]+ |^# '
	# Both of package.sh's cases, or a failure.
	if [ "$(grep -cE '^ok [0-9]+ package: ' <<<"$out")" -ne 2 ] &&
		! grep -qE '^not ok ' <<<"$out"; then
		echo "$out" | tail -n 20 | sed 's/^/# /'
		echo "not ok 1 package: the guest ran no case, or failed (status $rc)"
		rc=1
	fi
	return $rc
}

# dpkg -r: the module gone from every kernel and from DKMS, the tool,
# unit, man pages and source gone, the conffile the operator changed
# kept. The later kernel's purge takes its DKMS build with it. Then
# dpkg -P: the conffiles go too, and the root has the files it had
# before the install, no more, no less.
pkg_remove_check() {
	local rc=0 left
	[ -f "$PKGROOT.before" ] || { echo "package: not installed"; return 1; }
	echo 'route add 239.9.9.9 iif eth0 oif eth1' >>"$PKGROOT/etc/mcfw/mcfw.conf"
	pkg_mount || { pkg_umount; return 1; }
	chroot "$PKGROOT" dpkg -r mcfwctl mcfw-dkms || rc=1
	left=$(find "$PKGROOT/lib/modules" -name 'mcfw.ko*'; ls -d "$PKGROOT/var/lib/dkms/mcfw" \
		"$PKGROOT"/usr/src/mcfw-* "$PKGROOT/usr/sbin/mcfwctl" \
		"$PKGROOT/lib/systemd/system/mcfw.service" \
		"$PKGROOT/usr/share/man/man8/mcfwctl.8.gz" 2>/dev/null)
	[ -z "$left" ] || { echo "package: dpkg -r left:"; echo "$left"; rc=1; }
	grep -qx 'route add 239.9.9.9 iif eth0 oif eth1' "$PKGROOT/etc/mcfw/mcfw.conf" ||
		{ echo "package: dpkg -r did not keep the changed /etc/mcfw/mcfw.conf"; rc=1; }
	chroot "$PKGROOT" dpkg -P mcfwctl mcfw-dkms || rc=1
	# The kernel installed later, with its headers: DKMS's build for it
	# goes with it.
	chroot "$PKGROOT" sh -c 'for f in /root/later/*.deb; do dpkg-deb -f "$f" Package; done | xargs dpkg -P' || rc=1
	[ ! -e "$PKGROOT/etc/mcfw" ] && [ ! -e "$PKGROOT/etc/modprobe.d/mcfw.conf" ] ||
		{ echo "package: dpkg -P left the conffiles"; rc=1; }
	pkg_files | diff -u "$PKGROOT.before" - || { echo "package: the purge did not leave the root as it was"; rc=1; }
	pkg_rm || rc=1
	return $rc
}

build_tests() {
	make -C tools/mcfwctl MCFW_VERSION="$(make -s --no-print-directory version)" &&
		make -C selftests &&
		# The YNL tools ynl.sh runs in a guest (and spec.sh here).
		selftests/lib/ksrc.sh 6.12 >/dev/null
}

# make install and make uninstall with DESTDIR, for kernel ABI, from the
# module build-module.sh left in build/ABI (W=1 as it built it, so
# nothing is built again). Into a package's staging tree: the module in
# lib/modules/ABI/updates with ABI's vermagic and no depmod there,
# mcfwctl, mcfwctl(8), mcfw.conf(5), mcfw(7), the bash completion,
# mcfw.service naming the installed paths, and the examples /etc/mcfw/mcfw.conf and
# /etc/modprobe.d/mcfw.conf, which a second install does not overwrite;
# make uninstall removes everything but an example the operator changed.
# Into a system image's root, which has a module index: depmod -b lists
# mcfw after install and not after uninstall. Nothing may change under
# the host's /lib/modules. Then the tree unit.sh runs the unit from
# (PREFIX=/usr, SYSCONFDIR=/etc, as a package installs it) in build/unit.
install_check() {
	local abi=$1 tmp f rc=0 ver kdir left dep ko
	local -a vars
	# The version the tool was built with: install must not rebuild it.
	ver=$(make -s --no-print-directory version)
	kdir=/lib/modules/$abi/build
	[ -d "$kdir" ] || kdir=${MCFW_CACHE:-$HOME/.cache/mcfw}/vm/$abi/root/lib/modules/$abi/build
	tmp=$(mktemp -d)
	touch "$tmp/stamp"
	vars=(KDIR="$kdir" BUILDDIR="build/$abi" W=1 PREFIX=/usr SYSCONFDIR=/etc)

	make -s install DESTDIR="$tmp/pkg" "${vars[@]}" || rc=1
	ko=$(find "$tmp/pkg/lib/modules/$abi/updates" -name 'mcfw.ko*' 2>/dev/null)
	[ -n "$ko" ] && [ "$(modinfo -F vermagic "$ko" | awk '{ print $1 }')" = "$abi" ] ||
		{ echo "install: no module for $abi in lib/modules/$abi/updates"; rc=1; }
	for f in usr/sbin/mcfwctl usr/share/man/man8/mcfwctl.8 \
		usr/share/man/man5/mcfw.conf.5 usr/share/man/man7/mcfw.7 \
		usr/lib/systemd/system/mcfw.service etc/mcfw/mcfw.conf \
		usr/share/bash-completion/completions/mcfwctl \
		etc/modprobe.d/mcfw.conf; do
		[ -f "$tmp/pkg/$f" ] || { echo "install: $f not installed"; rc=1; }
	done
	[ ! -e "$tmp/pkg/lib/modules/$abi/modules.dep" ] ||
		{ echo "install: depmod ran in a staging tree"; rc=1; }
	installed_tool_ok install "$tmp/pkg" usr/lib/systemd/system "$ver" || rc=1
	echo 'route add 239.1.1.1 iif eth0 oif eth1' >"$tmp/pkg/etc/mcfw/mcfw.conf"
	echo 'options mcfw firewall=N' >>"$tmp/pkg/etc/modprobe.d/mcfw.conf"
	make -s tools-install DESTDIR="$tmp/pkg" "${vars[@]}" || rc=1
	grep -qx 'route add 239.1.1.1 iif eth0 oif eth1' "$tmp/pkg/etc/mcfw/mcfw.conf" ||
		{ echo "install: a second install overwrote mcfw.conf"; rc=1; }
	grep -qx 'options mcfw firewall=N' "$tmp/pkg/etc/modprobe.d/mcfw.conf" ||
		{ echo "install: a second install overwrote modprobe.d/mcfw.conf"; rc=1; }
	# The operator's mcfw.conf stays; the modprobe.d example, back as
	# installed, goes.
	cp tools/mcfwctl/mcfw.modprobe.conf "$tmp/pkg/etc/modprobe.d/mcfw.conf"
	make -s uninstall DESTDIR="$tmp/pkg" "${vars[@]}" || rc=1
	left=$(cd "$tmp/pkg" && find . ! -type d ! -path ./etc/mcfw/mcfw.conf)
	[ -z "$left" ] || { echo "uninstall left:"; echo "$left"; rc=1; }
	grep -qx 'route add 239.1.1.1 iif eth0 oif eth1' "$tmp/pkg/etc/mcfw/mcfw.conf" ||
		{ echo "uninstall: the operator's mcfw.conf is gone"; rc=1; }

	dep=$tmp/image/lib/modules/$abi
	mkdir -p "$dep"
	touch "$dep/modules.dep" "$dep/modules.order" "$dep/modules.builtin" \
		"$dep/modules.builtin.modinfo"
	make -s module-install DESTDIR="$tmp/image" "${vars[@]}" || rc=1
	grep -q '^updates/mcfw\.ko' "$dep/modules.dep" ||
		{ echo "install: depmod -b did not list mcfw in the image"; rc=1; }
	make -s module-uninstall DESTDIR="$tmp/image" "${vars[@]}" || rc=1
	! grep -q mcfw "$dep/modules.dep" ||
		{ echo "uninstall: depmod -b still lists mcfw in the image"; rc=1; }

	left=$(find /lib/modules -newer "$tmp/stamp")
	[ -z "$left" ] || { echo "install changed the host's modules:"; echo "$left"; rc=1; }
	rm -rf "$tmp" "$top/build/unit"
	make -s -C tools/mcfwctl install MCFW_VERSION="$ver" DESTDIR="$top/build/unit" PREFIX=/usr SYSCONFDIR=/etc || rc=1
	return $rc
}

# Where each suite runs, to keep a warm make check under 30 minutes on
# two host cores. Guests run in two lanes (main()); the host's checks
# run beside them in a third.
#
# Every stock kernel's guest has one virtual CPU: under TCG, two guests
# of two vCPUs each on two host cores spend most of their time waiting
# for a descheduled vCPU (a lock holder, an IPI's target). Measured
# side by side, forwarding.sh took 183 s (6.1) and 190 s (6.12) with one
# vCPU each, against 318 s and 407 to 492 s with two in make check.
# The debug kernel keeps two: it is there to find races (KASAN, UBSAN,
# lockdep, kmemleak: selftests/vm/debug-kernel.sh), and an RCU reader
# that a free overtakes needs a second CPU to run on.
#
# The debug kernel, built from 6.1's source, runs the suites that
# exercise the module's lifecycle (module.sh: load/unload cycles,
# namespaces, abandoned dumps), its netlink family (genl_test) and
# hostile input to it (fuzz.sh), faults under a flood (faults.sh:
# interfaces, namespaces, rmmod and insmod under a flood) and hostile
# packets (packets.sh, and forwarding6.sh's hostile IPv6 extension
# headers). It is much slower than a stock kernel under emulation, so
# it runs nothing else ("MCFW_DEBUG_SUITES=..." runs others). KASAN
# replaces the harness's slab debugging there.
#
# The newest stock kernel (6.12) runs with the harness's memory
# debugging (slub_debug, page poisoning), the older ones without it:
# KASAN watches 6.1's source on the debug kernel. 6.1 runs the data
# path suites (SUITES_STOCK), which the debug build of its source does
# not; 6.12, the newest, runs those, the lifecycle and netlink suites
# the debug kernel runs for 6.1 (SUITES_LIFECYCLE), and the rest
# (SUITES_NEWEST): the tool's suites, this tool against an older module
# (upgrade.sh), limits and permissions, the family's contract as a
# client sees it, the fuzzer, the faults and the hostile packets. The
# PREEMPT_RT kernel (6.12-rt) runs the forwarding and fault suites
# (SUITES_RT): the data path in threaded interrupts and softirqs, with
# sleeping spinlocks and preemptible RCU readers, under a flood. Built
# from 6.12's source, it runs those two for it: 6.12's stock build
# leaves them out when the RT kernel is checked (each kernel source
# still runs every suite: 6.1's on its stock and debug builds, 6.12's
# on its stock and RT builds), which keeps the run within its budget.
# scale.sh, which reports times, runs last, in a guest of the newest
# stock kernel without the memory debugging, as the benchmark does
# (BENCH_KERNEL=6.1 make bench measures 6.1). The other lane's guest
# may still run beside it: its times are an indication (it fails only
# beyond a 180 s guard); make bench measures.
SUITES_TIMED="scale.sh"
SUITES_STOCK="forwarding.sh forwarding6.sh gateway.sh nic.sh"
SUITES_LIFECYCLE="module.sh genl_test"
SUITES_NEWEST="mcfwctl.sh upgrade.sh limits.sh packets.sh fuzz.sh faults.sh config.sh unit.sh ynl.sh"
# Of those, what the RT kernel, or else the oldest stock kernel, runs
# instead when there is one, to balance the lanes: the systemd unit and
# the YNL client, which do not depend on the kernel's version.
SUITES_TO_OLDEST="unit.sh ynl.sh"
SUITES_RT="forwarding.sh faults.sh"
NODEBUG_APPEND="slub_debug=- page_poison=0 init_on_free=0"
SUITES_ON_DEBUG=${MCFW_DEBUG_SUITES:-module.sh genl_test fuzz.sh faults.sh packets.sh forwarding6.sh}
DEBUG_KERNEL_APPEND=$NODEBUG_APPEND

is_debug() { [[ $1 == debug || $1 == *-mcfwdbg-* ]]; }
is_rt() { [[ $1 == *-rt || $1 == *-rt-amd64 ]]; }

# Whether the debug kernel's build is cached: "yes", or "no" (this run
# builds it; about 8 minutes on 2 cores).
debug_cache_state() {
	local rel
	rel=$(selftests/vm/vm.sh abi debug 2>/dev/null) || { echo no; return; }
	if [ -f "${MCFW_CACHE:-$HOME/.cache/mcfw}/debug-kernel/${rel##*-mcfwdbg-}/.complete" ]; then
		echo yes
	else
		echo no
	fi
}

# vm_run KERNEL ABI SUITES [vm.sh options]: the suites in a guest of
# KERNEL; the guest's output on stdout, its exit status returned.
vm_run() {
	local kernel=$1 abi=$2 suites=$3
	shift 3
	MCFW_TESTS=$suites selftests/vm/vm.sh run "$@" \
		--ko "build/$abi/mcfw.ko" "$kernel" -- selftests/run_tests.sh 2>&1
}

vm_run_debug() {
	MCFW_VM_APPEND="${MCFW_VM_APPEND:-} $DEBUG_KERNEL_APPEND" \
		vm_run "$1" "$2" "$SUITES_ON_DEBUG" --timeout 3600 --cpus 2
}

vm_run_rt() {
	MCFW_VM_APPEND="${MCFW_VM_APPEND:-} $NODEBUG_APPEND" \
		vm_run "$1" "$2" "$SUITES_RT $SUITES_TO_OLDEST" --timeout 2400 --cpus 1
}

# vm_run_timed KERNEL ABI: the timed suites, without memory debugging.
vm_run_timed() {
	MCFW_VM_APPEND="${MCFW_VM_APPEND:-} $NODEBUG_APPEND" \
		vm_run "$1" "$2" "$SUITES_TIMED" --timeout 1800 --nics none --cpus 1
}

# vm_count LOG RC WHAT: count the KTAP lines of a guest's output; a guest
# that fails without saying which test failed still counts as one failure.
vm_count() {
	local out=$1 rc=$2 p f s
	s=$(grep -cE '^ok [0-9]+ .*# SKIP' "$out")
	p=$(grep -E '^ok [0-9]+ ' "$out" | grep -vc '# SKIP')
	f=$(grep -cE '^not ok [0-9]+ ' "$out")
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	n=$((n + p + f + s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		fail "vm $3: guest exited with $rc (log: $out)"
	fi
}

# stock_suites KERNEL LAST DEBUG FIRST RT: what a stock kernel's guest
# runs. The newest (LAST) runs everything but the timed suites, but
# SUITES_TO_OLDEST when the RT kernel (RT) or an older one (FIRST, the
# oldest) runs them, and but SUITES_RT when the RT kernel (its source)
# runs those; the
# others, the data path suites, and the lifecycle and netlink ones too
# when there is no debug kernel to run them.
stock_suites() {
	local suites="" s
	if [ "$1" = "$2" ] || [ -z "$3" ]; then
		suites="$SUITES_LIFECYCLE"
	fi
	for s in $SUITES_STOCK; do
		[ "$1" = "$2" ] && [ -n "$5" ] && [[ " $SUITES_RT " == *" $s "* ]] ||
			suites+=" $s"
	done
	if [ "$1" = "$2" ]; then
		for s in $SUITES_NEWEST; do
			if { [ "$4" != "$2" ] || [ -n "$5" ]; } &&
				[[ " $SUITES_TO_OLDEST " == *" $s "* ]]; then
				continue
			fi
			if [ -n "$5" ] && [[ " $SUITES_RT " == *" $s "* ]]; then
				continue
			fi
			suites+=" $s"
		done
	elif [ "$1" = "$4" ] && [ -z "$5" ]; then
		suites+=" $SUITES_TO_OLDEST"
	fi
	echo "$suites"
}

# The whole run is one function, parsed before it starts: editing this
# file while a check runs cannot change what the running check does.
main()
{
	echo "# mcfw make check: kernels ${kernels[*]}"
	local -A abis
	local k abi
	for k in "${kernels[@]}"; do
		abis[$k]=$(selftests/vm/vm.sh abi "$k")
		# The debug kernel's headers are its build tree: build it first
		# (once; cached), then the module against it.
		if is_debug "$k"; then
			step "vm: debug kernel ${abis[$k]} built (cached: $(debug_cache_state))" \
				selftests/vm/vm.sh fetch "$k"
		fi
		step "build: mcfw.ko for ${abis[$k]}, no warnings (W=1)" \
			selftests/build-module.sh "${abis[$k]}"
	done
	step "build: mcfwctl and C selftests, -Werror; the YNL tools extracted" build_tests

	local -a stock=() fg=()
	local dbg="" rt="" bg_pid="" host_pid out rc last
	for k in "${kernels[@]}"; do
		abi=${abis[$k]}
		if [ ! -f "build/$abi/mcfw.ko" ]; then
			fail "vm $abi: no module was built, selftests not run"
			continue
		fi
		if is_debug "$k"; then
			dbg=$k
		elif is_rt "$k" || is_rt "$abi"; then
			rt=$k
		else
			stock+=("$k")
		fi
	done
	# Two lanes of guests. The background lane starts as soon as it
	# can: the debug kernel's guest, then the RT kernel's. The
	# foreground lane, after the kernels' fetch: the newest stock
	# kernel, which runs the most, then the older ones (the data path
	# suites), then scale.sh. The host's checks run beside both. A
	# lane's output is shown when it ends.
	last=""
	[ ${#stock[@]} -eq 0 ] || last=${stock[${#stock[@]} - 1]}
	# Before any guest: the install, which leaves the tree unit.sh runs
	# the unit from (build/unit), in whichever lane that runs; and the
	# older module upgrade.sh loads, for the newest kernel.
	k=${last:-${kernels[0]}}
	step "install: make install and uninstall into DESTDIR for ${abis[$k]}: module, mcfwctl, man pages, unit, bash completion, examples kept" \
		install_check "${abis[$k]}"
	if [ -n "$last" ]; then
		selftests/build-old-module.sh "${abis[$last]}" >"$logdir/old-module.log" 2>&1
		case $? in
		0) pass "build: an older mcfw.ko (before relays and IPv6) for ${abis[$last]}, for upgrade.sh" ;;
		4) skip "build: an older mcfw.ko for upgrade.sh" "$(tail -n 1 "$logdir/old-module.log")" ;;
		*) fail "build: an older mcfw.ko for upgrade.sh"
		   sed 's/^/# /' "$logdir/old-module.log" | tail -n 40 ;;
		esac
	fi
	rm -f "$logdir"/vm-*.rc "$logdir/host.counts"
	local -a bg=()
	[ -z "$dbg" ] || bg+=("$dbg")
	[ -z "$rt" ] || bg+=("$rt")
	if [ ${#bg[@]} -gt 0 ]; then
		for k in "${bg[@]}"; do
			echo "# selftests on ${abis[$k]}: running beside the rest"
		done
		{
			for k in "${bg[@]}"; do
				abi=${abis[$k]}
				if is_debug "$k"; then
					vm_run_debug "$k" "$abi" >"$logdir/vm-$abi.log"
				else
					vm_run_rt "$k" "$abi" >"$logdir/vm-$abi.log"
				fi
				echo $? >"$logdir/vm-$abi.rc"
			done
			# Then the timed suites, on the newest stock kernel.
			if [ -n "$last" ]; then
				abi=${abis[$last]}
				vm_run_timed "$last" "$abi" >"$logdir/vm-$abi-timed.log"
				echo $? >"$logdir/vm-$abi-timed.rc"
			fi
		} &
		bg_pid=$!
	fi

	# The host's checks run one after another beside the guests, in a
	# third lane (the guests leave CPU idle while they wait on timers),
	# but for the kernels' fetch, which the guests need. None of them
	# writes what a guest reads.
	for k in "${stock[@]}" ${rt:+"$rt"}; do
		step "vm: fetch Debian kernel ${abis[$k]}" selftests/vm/vm.sh fetch "$k"
	done
	(
		step "unit: mcfwctl's JSON writer, address parser and bash completion (make -C tools/mcfwctl check)" \
			make -C tools/mcfwctl check
		step "style: checkpatch.pl --strict" selftests/style.sh
		step "spec: Documentation/netlink/specs/mcfw.yaml is the uapi header's contract" \
			selftests/spec.sh
		# DKMS's path (dkms.conf, make dkms-install and -uninstall) is
		# the same for every kernel; the newest's build stands for it
		# (every kernel's own build is checked above, W=1).
		k=${last:-${kernels[0]}}
		step "dkms: make dkms-install for ${abis[$k]} from dkms.conf, then dkms-uninstall" \
			dkms_build "${abis[$k]}"
		step "deb: make deb builds mcfw-dkms and mcfwctl, lintian without errors" deb_check
		# The packages' test needs the three stock kernels: a run for
		# fewer kernels (make check-debug, check.sh 6.1) leaves it out.
		if [[ " ${kernels[*]} " == *" 6.1 "* && " ${kernels[*]} " == *" 6.12 "* &&
			" ${kernels[*]} " == *" 6.12-rt "* ]]; then
			step "package: mcfw-dkms and mcfwctl installed into a fresh bookworm root; DKMS builds for 6.1, 6.12, and 6.12-rt installed later" \
				pkg_install_check
			pkg_guest_check
			step "package: removed (the changed conffile kept), then purged (the root as before)" \
				pkg_remove_check
		fi
		echo "$passed $failed" >"$logdir/host.counts"
	) >"$logdir/host.log" 2>&1 &
	host_pid=$!
	# The newest stock kernel first, then the older ones.
	[ -z "$last" ] || fg+=("$last")
	for k in "${stock[@]}"; do
		[ "$k" = "$last" ] || fg+=("$k")
	done
	for k in "${fg[@]}"; do
		abi=${abis[$k]}
		out=$logdir/vm-$abi.log
		echo "# selftests on $abi"
		if [ "$k" = "$last" ]; then
			vm_run "$k" "$abi" "$(stock_suites "$k" "$last" "$dbg" "${stock[0]}" "$rt")" \
				--timeout 2400 --cpus 1 | tee "$out"
		else
			MCFW_VM_APPEND="${MCFW_VM_APPEND:-} $NODEBUG_APPEND" \
				vm_run "$k" "$abi" "$(stock_suites "$k" "$last" "$dbg" "${stock[0]}" "$rt")" \
				--timeout 2400 --cpus 1 | tee "$out"
		fi
		vm_count "$out" "${PIPESTATUS[0]}" "$abi"
	done
	if [ -n "$last" ] && [ -z "$bg_pid" ]; then
		abi=${abis[$last]}
		out=$logdir/vm-$abi-timed.log
		echo "# timed suites on $abi, without memory debugging: $SUITES_TIMED"
		vm_run_timed "$last" "$abi" | tee "$out"
		vm_count "$out" "${PIPESTATUS[0]}" "$abi"
	fi
	wait "$host_pid"
	echo "# the host's checks, run beside the guests"
	host_counts "$logdir/host.log" "$logdir/host.counts"
	if [ -n "$bg_pid" ]; then
		wait "$bg_pid"
		for k in "${bg[@]}"; do
			abi=${abis[$k]}
			out=$logdir/vm-$abi.log
			echo "# selftests on $abi"
			cat "$out"
			rc=$(cat "$logdir/vm-$abi.rc" 2>/dev/null)
			vm_count "$out" "${rc:-125}" "$abi"
		done
		if [ -n "$last" ]; then
			abi=${abis[$last]}
			out=$logdir/vm-$abi-timed.log
			echo "# timed suites on $abi, without memory debugging: $SUITES_TIMED"
			cat "$out"
			rc=$(cat "$logdir/vm-$abi-timed.rc" 2>/dev/null)
			vm_count "$out" "${rc:-125}" "$abi"
		fi
	fi

	if [ "$skipped" -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	[ "$failed" -eq 0 ]
}

[[ ${BASH_SOURCE[0]} != "$0" ]] || main
