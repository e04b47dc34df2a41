#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug kernel of make check: Debian's linux-source-6.1 built with
# "make tinyconfig" plus selftests/vm/debug.config (KASAN, UBSAN, lockdep,
# kmemleak, reference trackers; everything the suites use built in).
#
#   debug-kernel.sh release        the kernel release (= the ABI name vm.sh
#                                  and build-module.sh use); builds nothing
#   debug-kernel.sh install ROOT   build it (once: cached) and install the
#                                  kernel in ROOT/boot and its modules tree
#                                  in ROOT/lib/modules/RELEASE (build ->
#                                  the object tree, for building mcfw.ko)
#
# vm.sh calls "install" from "vm.sh fetch debug", so the VM cache holds the
# installed kernel like any Debian one. The build is cached in
# $MCFW_CACHE/debug-kernel/KEY, KEY a hash of what decides the result:
# RECIPE (bump it when the build steps below change), debug.config, the
# linux-source-6.1 package version and the compiler. The release carries KEY, so a changed input is a new kernel and
# a stale one is never used; builds of other keys are removed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${MCFW_CACHE:-$HOME/.cache/mcfw}/debug-kernel
FRAGMENT=$HERE/debug.config
TARBALL=/usr/src/linux-source-6.1.tar.xz
SRCPKG=linux-source-6.1
RECIPE=1

die() {
	echo "debug-kernel: $*" >&2
	exit 1
}

srcver() {
	dpkg-query -W -f='${Version}' "$SRCPKG" 2>/dev/null ||
		die "$SRCPKG is not installed; run 'make deps'"
}

key() {
	{
		echo "recipe $RECIPE"
		cat "$FRAGMENT"
		srcver
		echo
		gcc --version | head -n 1
	} | sha256sum | cut -c1-12
}

# 6.1.192-3 -> 6.1.192-mcfwdbg-KEY
release() {
	local v
	v=$(srcver)
	echo "${v%%-*}-mcfwdbg-$(key)"
}

build() {
	local key=$1 rel=$2 dir=$CACHE/$1 t0 jobs
	[[ -f $dir/.complete ]] && return 0
	[[ -f $TARBALL ]] || die "$TARBALL is missing; run 'make deps'"
	mkdir -p "$CACHE"
	exec 7>"$CACHE/.lock"
	flock 7
	if [[ -f $dir/.complete ]]; then
		exec 7>&-
		return 0
	fi
	# Builds of other keys are stale: nothing uses them again.
	find "$CACHE" -mindepth 1 -maxdepth 1 -type d ! -name "$key" -exec rm -rf {} +
	# Built where it stays: the object tree records the source tree's
	# path (its Makefile, "source"), so it cannot be moved afterwards.
	# .complete, written last, marks a finished build.
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir/obj"
	t0=$(date +%s)
	echo "debug-kernel: building $rel (once; cached in $dir)" >&2
	tar -xf "$TARBALL" -C "$dir"
	mv "$dir/linux-source-6.1" "$dir/src"
	jobs=$(nproc)
	local mk=(make -s -C "$dir/src" O="$dir/obj" ARCH=x86_64 -j"$jobs")
	"${mk[@]}" tinyconfig >/dev/null
	{
		cat "$FRAGMENT"
		echo "CONFIG_LOCALVERSION=\"-mcfwdbg-$key\""
		echo "# CONFIG_LOCALVERSION_AUTO is not set"
	} >"$dir/fragment.config"
	(cd "$dir/src" && scripts/kconfig/merge_config.sh -m -O "$dir/obj" \
		"$dir/obj/.config" "$dir/fragment.config") >"$dir/merge.log" 2>&1 ||
		{ cat "$dir/merge.log" >&2; die "merge_config failed"; }
	"${mk[@]}" olddefconfig >/dev/null
	check_config "$dir/obj/.config" "$dir/fragment.config"
	"${mk[@]}" bzImage modules >"$dir/build.log" 2>&1 ||
		{ tail -n 40 "$dir/build.log" >&2; die "kernel build failed"; }
	[[ $("${mk[@]}" kernelrelease) == "$rel" ]] ||
		die "built release $("${mk[@]}" kernelrelease), expected $rel"
	echo "$(($(date +%s) - t0))" >"$dir/build-seconds"
	# The object tree keeps what an external module build needs; the
	# object files themselves are not.
	find "$dir/obj" -name '*.o' ! -path '*/scripts/*' ! -path '*/tools/*' -delete
	touch "$dir/.complete"
	echo "debug-kernel: built $rel in $(<"$dir/build-seconds") s" >&2
	exec 7>&-
}

# check_config CONFIG FRAGMENT: every option the fragment sets took effect
# (Kconfig silently drops an option whose dependencies are not met).
check_config() {
	local cfg=$1 frag=$2 line opt bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			opt=${line%%=*}
			grep -qxF -- "$line" "$cfg" || { echo "debug-kernel: $line did not apply ($(grep -E "^(# )?${opt}[= ]" "$cfg" || echo unset))" >&2; bad=1; }
			;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }
			opt=${opt%% *}
			! grep -q "^$opt=" "$cfg" || { echo "debug-kernel: $opt should be unset" >&2; bad=1; }
			;;
		esac
	done <"$frag"
	[[ $bad -eq 0 ]] || die "debug.config does not apply to this kernel"
}

install_root() {
	local root=$1 key rel dir
	key=$(key)
	rel=$(release)
	build "$key" "$rel"
	dir=$CACHE/$key
	mkdir -p "$root/boot"
	cp "$dir/obj/arch/x86/boot/bzImage" "$root/boot/vmlinuz-$rel"
	cp "$dir/obj/.config" "$root/boot/config-$rel"
	cp "$dir/obj/System.map" "$root/boot/System.map-$rel"
	make -s -C "$dir/src" O="$dir/obj" ARCH=x86_64 INSTALL_MOD_PATH="$root" \
		DEPMOD=/sbin/depmod modules_install >/dev/null
	rm -f "$root/lib/modules/$rel/build" "$root/lib/modules/$rel/source"
	ln -s "$dir/obj" "$root/lib/modules/$rel/build"
	depmod -b "$root" "$rel"
}

case ${1:-} in
release) release ;;
install)
	[[ $# -eq 2 ]] || die "usage: debug-kernel.sh install ROOT"
	install_root "$2"
	;;
*) sed -n '8,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac
