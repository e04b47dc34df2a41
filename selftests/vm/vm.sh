#!/bin/bash
# QEMU (TCG) test harness for mcfw: boots Debian's own kernels with the
# host's root file system shared read-only over 9p and runs one command.
#
#   vm.sh abi   6.1|6.12|6.12-rt|debug|ABI
#   vm.sh fetch [6.1|6.12|6.12-rt|debug|ABI ...]
#   vm.sh run   [--ko FILE.ko]... [--timeout SECONDS] [--nics MODEL|none]
#               [--cpus N]
#               KERNEL -- CMD [ARGS...]
#   vm.sh deps
#
# "6.12-rt" is Debian's PREEMPT_RT build of 6.12 (linux-image-6.12-rt-amd64).
# "debug" is the debug kernel built from Debian's linux-source-6.1 by
# debug-kernel.sh (KASAN, UBSAN, lockdep, kmemleak); fetching it builds it.
#
# Exit status of "run": CMD's status; 3 for a kernel splat in dmesg (when
# CMD succeeded) or a guest crash; 124 on timeout; 125 on harness errors.
# A guest that hangs while booting (CMD not started MCFW_VM_BOOT_TIMEOUT
# seconds, default 300, after QEMU started) or dies before CMD started is
# booted once more.
set -euo pipefail

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE_ROOT="${MCFW_CACHE:-$HOME/.cache/mcfw}/vm"
QBOOT=/usr/share/qemu/qboot.rom
# Modules the initramfs needs to mount 9p over virtio (absent ones skipped).
INITRD_MODULES=(virtio virtio_ring virtio_pci_legacy_dev virtio_pci_modern_dev
	virtio_pci netfs fscache 9pnet 9pnet_virtio 9p)
# Two emulated NICs on one QEMU hub (what one sends, the other receives),
# with a real multicast filter, for selftests/nic.sh, which loads their
# driver (nothing else does).
NIC_MODEL_DEFAULT=e1000
NIC_MACS=(52:54:00:6d:63:0a 52:54:00:6d:63:0b)
# dmesg lines that make "run" fail.
SPLAT_RE='(^|[^A-Za-z_])BUG([^A-Za-z_]|$)|WARNING:|KASAN|UBSAN|leak|RCU stall|rcu_sched self-detected stall|rcu: INFO|possible circular locking|lockdep|Oops|Call Trace|general protection|[Kk]ernel panic|hung_task|blocked for more than|unregister_netdevice: waiting for'
# Boot-time CPU vulnerability reports that happen to contain those words.
SPLAT_IGNORE_RE='RETBleed:|Spectre V[0-9]|MDS:|TAA:|MMIO Stale Data:|GDS:|SRBDS:|L1TF:|ITS:|VMSCAPE:|Speculative Store Bypass'
# kmemleak's own status lines (debug kernel): run_tests.sh reads its
# reports and fails those that name mcfw.
SPLAT_IGNORE_RE+='|kmemleak: Kernel memory leak detector initiali[sz]ed|kmemleak: [0-9]+ new suspected memory leaks'
# Its boot banners.
SPLAT_IGNORE_RE+='|RCU lockdep checking is enabled'

die() {
	echo "vm: $*" >&2
	exit 125
}

usage() {
	sed -n '5,9s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 125
}

cmd_deps() {
	printf '%s\n' qemu-system-x86 busybox-static kmod cpio xz-utils zstd \
		iproute2 util-linux coreutils
}

# resolve_abi 6.1|6.12|ABI -> Debian ABI name, e.g. 6.1.0-56-amd64
# apt-cache takes ~1 s here (no pkgcache.bin), so the answer is remembered
# for as long as apt's package lists stay the same.
resolve_abi() {
	local want=$1 meta abi key memo k
	case $want in
	6.1) meta=linux-image-amd64 ;;
	6.12) meta=linux-image-6.12-amd64 ;;
	6.12-rt) meta=linux-image-6.12-rt-amd64 ;;
	debug)
		"$VM_DIR/debug-kernel.sh" release || die "cannot name the debug kernel"
		return
		;;
	*-*)
		echo "$want"
		return
		;;
	*) die "unknown kernel '$want' (use 6.1, 6.12, 6.12-rt or an ABI name)" ;;
	esac
	key=$(apt_lists_key)
	memo=$CACHE_ROOT/.abi-$meta
	if [[ -f $memo ]] && read -r k abi <"$memo" && [[ $k == "$key" && -n $abi ]]; then
		echo "$abi"
		return
	fi
	abi=$(apt_depends_abi "$meta")
	if [[ -z $abi ]]; then
		apt-get update -qq >&2 || true
		abi=$(apt_depends_abi "$meta")
		key=$(apt_lists_key)
	fi
	[[ -n $abi ]] || die "cannot resolve the ABI of $meta with apt-cache"
	mkdir -p "$CACHE_ROOT"
	echo "$key $abi" >"$memo.$$" && mv -f "$memo.$$" "$memo"
	echo "$abi"
}

apt_lists_key() {
	find /var/lib/apt/lists/ -maxdepth 1 -printf '%f %s %T@\n' 2>/dev/null |
		LC_ALL=C sort | md5sum | cut -d' ' -f1
}

apt_depends_abi() {
	apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\(.*-amd64\)\(-unsigned\)\{0,1\}$/\1/p' |
		head -n 1
}

cmd_abi() {
	[[ $# -eq 1 ]] || usage
	resolve_abi "$1"
}

# Bump when the derived files (vmlinux, initramfs) change.
CACHE_FORMAT=4

# fetch_one ABI: download, extract, depmod and build the initramfs once.
# Layout of $CACHE_ROOT/ABI/: root/ (the extracted package), vmlinux (the
# uncompressed kernel, booted via PVH: decompressing under TCG costs ~5 s),
# initramfs.cpio, .complete (holds CACHE_FORMAT).
fetch_one() {
	local abi=$1 dir tmp pkg deb p
	dir=$CACHE_ROOT/$abi
	[[ $(cat "$dir/.complete" 2>/dev/null) == "$CACHE_FORMAT" ]] && return 0
	mkdir -p "$CACHE_ROOT"
	exec 9>"$CACHE_ROOT/.$abi.lock"
	flock 9
	if [[ $(cat "$dir/.complete" 2>/dev/null) == "$CACHE_FORMAT" ]]; then
		exec 9>&-
		return 0
	fi
	# Leftovers of a killed fetch (we hold the lock, so none is running).
	rm -rf "$CACHE_ROOT/.fetch.$abi".*
	tmp=$(mktemp -d "$CACHE_ROOT/.fetch.$abi.XXXXXX")
	# shellcheck disable=SC2064 # expand now: tmp is local
	trap "rm -rf '$tmp'" EXIT
	if [[ ! -f $dir/.extracted && $abi == *-mcfwdbg-* ]]; then
		echo "vm: installing the debug kernel $abi into $dir" >&2
		rm -rf "$dir"
		"$VM_DIR/debug-kernel.sh" install "$tmp/root" ||
			die "the debug kernel $abi could not be built"
		echo "debug-kernel.sh" >"$tmp/package"
		touch "$tmp/.extracted"
		mv "$tmp" "$dir"
		tmp=$(mktemp -d "$CACHE_ROOT/.fetch.$abi.XXXXXX")
		# shellcheck disable=SC2064
		trap "rm -rf '$tmp'" EXIT
	fi
	if [[ ! -f $dir/.extracted ]]; then
		echo "vm: fetching kernel $abi into $dir" >&2
		rm -rf "$dir"
		pkg=$(find_image_package "$abi")
		if [[ -z $pkg ]]; then
			apt-get update -qq >&2 || true
			pkg=$(find_image_package "$abi")
		fi
		[[ -n $pkg ]] || die "apt knows neither linux-image-$abi-unsigned nor linux-image-$abi"
		if ! (cd "$tmp" && apt-get download -q "$pkg") >"$tmp/apt.log" 2>&1; then
			cat "$tmp/apt.log" >&2
			die "apt-get download $pkg failed"
		fi
		grep -v 'unsandboxed as root' "$tmp/apt.log" >&2 || true
		rm -f "$tmp/apt.log"
		deb=$(find "$tmp" -maxdepth 1 -name '*.deb' | head -n 1)
		[[ -n $deb ]] || die "apt-get download $pkg failed"
		mkdir -p "$tmp/root"
		dpkg -x "$deb" "$tmp/root"
		rm -f "$deb"
		if [[ ! -e $tmp/root/lib/modules && -d $tmp/root/usr/lib/modules ]]; then
			ln -s usr/lib "$tmp/root/lib"
		fi
		[[ -f $tmp/root/boot/vmlinuz-$abi ]] || die "$pkg has no /boot/vmlinuz-$abi"
		[[ -d $tmp/root/lib/modules/$abi ]] || die "$pkg has no /lib/modules/$abi"
		# Keep the headers link, as on the host.
		if [[ -e /lib/modules/$abi/build && ! -e $tmp/root/lib/modules/$abi/build ]]; then
			ln -s "$(readlink -f "/lib/modules/$abi/build")" "$tmp/root/lib/modules/$abi/build"
		fi
		depmod -b "$tmp/root" "$abi"
		echo "$pkg" >"$tmp/package"
		touch "$tmp/.extracted"
		mv "$tmp" "$dir"
		tmp=$(mktemp -d "$CACHE_ROOT/.fetch.$abi.XXXXXX")
		# shellcheck disable=SC2064
		trap "rm -rf '$tmp'" EXIT
	fi
	# Uncompressed modules make the per-run depmod of --ko ~15x faster.
	decompress_modules "$dir/root/lib/modules/$abi"
	# The debug kernel does not come up from its PVH entry (QEMU resets
	# before the kernel prints anything; not investigated): it boots from
	# its bzImage.
	if [[ $abi != *-mcfwdbg-* ]]; then
		extract_vmlinux "$dir/root/boot/vmlinuz-$abi" "$tmp/vmlinux" || rm -f "$tmp/vmlinux"
	fi
	build_initramfs "$abi" "$dir/root" "$tmp/initramfs.cpio"
	rm -f "$dir/vmlinux"
	[[ -f $tmp/vmlinux ]] && mv "$tmp/vmlinux" "$dir/vmlinux"
	mv "$tmp/initramfs.cpio" "$dir/initramfs.cpio"
	echo "$CACHE_FORMAT" >"$dir/.complete"
	rm -rf "$tmp"
	trap - EXIT
	exec 9>&-
	echo "vm: kernel $abi ready in $dir" >&2
}

decompress_modules() {
	local mods=$1
	[[ -n $(find "$mods" -name '*.ko.*' -print -quit) ]] || return 0
	# Not "xz -d": it skips files with several links (staged copies).
	# shellcheck disable=SC2016 # $f is for the inner sh
	find "$mods" \( -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz' \) -print0 |
		xargs -0 -r -n 64 -P "$(nproc)" sh -ec '
			for f; do
				case $f in
				*.xz) xz -dc "$f" >"${f%.*}.tmp" ;;
				*.zst) zstd -qdc "$f" >"${f%.*}.tmp" ;;
				*.gz) gzip -dc "$f" >"${f%.*}.tmp" ;;
				esac
				mv -f "${f%.*}.tmp" "${f%.*}"
				rm -f "$f"
			done' sh
	depmod -b "${mods%/lib/modules/*}" "$(basename "$mods")"
}

find_image_package() {
	local p
	for p in "linux-image-$1-unsigned" "linux-image-$1"; do
		if apt_has "$p"; then
			echo "$p"
			return
		fi
	done
}

# extract_vmlinux BZIMAGE OUT: decompress the kernel payload of a bzImage
# (boot protocol: setup_sects at 0x1f1, payload_offset/length at 0x248).
extract_vmlinux() {
	local img=$1 out=$2 ss po pl off magic dec
	ss=$(od -An -tu1 -j 497 -N1 "$img" | tr -d ' ')
	[[ $ss -ne 0 ]] || ss=4
	read -r po pl < <(od -An -tu4 -j 584 -N8 "$img")
	off=$(((ss + 1) * 512 + po))
	magic=$(od -An -tx1 -j "$off" -N4 "$img" | tr -d ' ')
	case $magic in
	fd377a58) dec=(xz -dc --single-stream) ;;
	28b52ffd) dec=(zstd -qdc) ;;
	1f8b*) dec=(gzip -dc) ;;
	*) return 1 ;;
	esac
	# The payload ends with the 4-byte uncompressed size: leave it out.
	dd if="$img" iflag=skip_bytes,count_bytes skip="$off" count=$((pl - 4)) bs=1M status=none |
		"${dec[@]}" >"$out" || return 1
	[[ $(od -An -c -N4 "$out" | tr -d ' ') == 177ELF ]]
}

apt_has() {
	[[ -n $(apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n 's/^Package: //p') ]]
}

# build_initramfs ABI ROOT OUT: busybox plus the 9p/virtio modules, in load
# order (listed in /lib/mcfw/modules).  /init is appended per run.
build_initramfs() {
	local abi=$1 root=$2 out=$3 ird m line path name seen=" " applet
	ird=$(mktemp -d "$(dirname "$out")/initramfs.XXXXXX")
	mkdir -p "$ird"/{bin,sbin,dev,proc,sys,tmp,newroot,vmrun,lib/mcfw}
	cp /bin/busybox "$ird/bin/busybox"
	for applet in $("$ird/bin/busybox" --list); do
		[[ -e $ird/bin/$applet ]] || ln -s busybox "$ird/bin/$applet"
	done
	: >"$ird/lib/mcfw/modules"
	for m in "${INITRD_MODULES[@]}"; do
		while read -r line; do
			[[ $line == insmod\ * ]] || continue
			path=${line#insmod }
			path=${path%% *}
			name=$(basename "$path")
			name=${name%.xz}
			name=${name%.zst}
			name=${name%.gz}
			[[ $seen == *" $name "* ]] && continue
			seen+="$name "
			case $path in
			*.xz) xz -dc "$path" >"$ird/lib/mcfw/$name" ;;
			*.zst) zstd -qdc "$path" >"$ird/lib/mcfw/$name" ;;
			*.gz) gzip -dc "$path" >"$ird/lib/mcfw/$name" ;;
			*) cp "$path" "$ird/lib/mcfw/$name" ;;
			esac
			echo "$name" >>"$ird/lib/mcfw/modules"
		done < <(modprobe -d "$root" -S "$abi" --show-depends "$m" 2>/dev/null || true)
	done
	grep -q '^9p\.ko$' "$ird/lib/mcfw/modules" ||
		grep -q '^CONFIG_9P_FS=y' "$root/boot/config-$abi" ||
		die "kernel $abi: no 9p module found"
	(cd "$ird" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$out"
	rm -rf "$ird"
}

cmd_fetch() {
	local k
	[[ $# -gt 0 ]] || set -- 6.1 6.12
	for k in "$@"; do
		fetch_one "$(resolve_abi "$k")"
	done
}

RUN_DIR=""
QEMU_PID=""
QEMU_SECONDS=0

run_cleanup() {
	if [[ -n $QEMU_PID ]]; then
		kill "$QEMU_PID" 2>/dev/null || true
		wait "$QEMU_PID" 2>/dev/null || true
	fi
	[[ -n $RUN_DIR ]] && rm -rf "$RUN_DIR"
	return 0
}

# save_log ABI: keep the serial logs of a failed run; print the path.
save_log() {
	local log
	log=$(mktemp "${TMPDIR:-/tmp}/mcfw-vm-$1.XXXXXX.log")
	{
		echo "==== kernel console (ttyS0) ===="
		cat "$RUN_DIR/console.log" 2>/dev/null || true
		echo "==== command output (ttyS1) ===="
		cat "$RUN_DIR/output.log" 2>/dev/null || true
		echo "==== qemu stderr ===="
		cat "$RUN_DIR/qemu.err" 2>/dev/null || true
		if [[ -f $RUN_DIR/io/dmesg ]]; then
			echo "==== guest dmesg ===="
			cat "$RUN_DIR/io/dmesg"
		fi
	} >"$log"
	echo "vm: full serial log: $log" >&2
}

# nic_args MODEL default|chosen: the QEMU options for the NICs (none for
# "none") in NIC_ARGS, their MACs in NIC_MAC_LIST. romfile= because
# Debian ships the NICs' boot ROMs in ipxe-qemu, which the harness does
# not need (qboot would not run them); without it QEMU refuses to start.
NIC_ARGS=()
NIC_MAC_LIST=""
nic_args() {
	local model=$1 i
	[[ $model == none ]] && return 0
	[[ $model =~ ^[A-Za-z0-9_-]+$ ]] || die "--nics: bad device model '$model'"
	if ! qemu-system-x86_64 -device help 2>/dev/null |
		grep -q "^name \"$model\", bus PCI"; then
		# A QEMU without the default model runs with no NICs (nic.sh
		# then skips); a model asked for must be there.
		[[ $2 == default ]] || die "--nics: QEMU has no PCI device '$model'"
		echo "vm: QEMU has no $model device: no NICs in this VM" >&2
		return 0
	fi
	for i in "${!NIC_MACS[@]}"; do
		NIC_ARGS+=(-netdev "hubport,id=nic$i,hubid=0"
			-device "$model,netdev=nic$i,mac=${NIC_MACS[$i]},romfile=")
	done
	NIC_MAC_LIST=${NIC_MACS[*]}
}

# run_qemu TIMEOUT BOOT_TIMEOUT: run QEMU with qemu_args; its exit status,
# 200 when the guest had not reached its command (init.sh creates
# io/booted) BOOT_TIMEOUT seconds after QEMU started, in which case QEMU
# is killed, or 201 when the guest died (panicked) before it reached its
# command. QEMU_SECONDS is how long QEMU ran.
run_qemu() {
	local timeout=$1 boot_timeout=$2 t0=$SECONDS rc=0
	timeout -k 10 "$timeout" qemu-system-x86_64 "${qemu_args[@]}" \
		</dev/null 2>"$RUN_DIR/qemu.err" &
	QEMU_PID=$!
	while [[ ! -f $RUN_DIR/io/booted ]] && kill -0 "$QEMU_PID" 2>/dev/null; do
		# Checked again: a guest that booted just now keeps running.
		if ((SECONDS - t0 >= boot_timeout)) && [[ ! -f $RUN_DIR/io/booted ]]; then
			kill "$QEMU_PID" 2>/dev/null || true
			wait "$QEMU_PID" 2>/dev/null || true
			QEMU_PID=""
			QEMU_SECONDS=$((SECONDS - t0))
			return 200
		fi
		sleep 1
	done
	wait "$QEMU_PID" || rc=$?
	QEMU_PID=""
	QEMU_SECONDS=$((SECONDS - t0))
	# A kernel that printed something and stopped before init.sh ran
	# the command: nothing of ours had run in it. (QEMU that failed to
	# start prints nothing: that is reported below, not retried.)
	if [[ ! -f $RUN_DIR/io/booted && -s $RUN_DIR/console.log && $rc -ne 124 && $rc -ne 137 ]] &&
		grep -q 'Linux version' "$RUN_DIR/console.log"; then
		return 201
	fi
	return "$rc"
}

cmd_run() {
	local kos=() timeout=600 kernel abi dir moddir ko var bind="" append
	local cpus=${MCFW_VM_CPUS:-2}
	local rc qrc=0 splats line f boot qrun qmod qemu_args attempt left
	local boot_timeout=${MCFW_VM_BOOT_TIMEOUT:-300}
	[[ $boot_timeout =~ ^[0-9]+$ && $boot_timeout -gt 0 ]] ||
		die "MCFW_VM_BOOT_TIMEOUT must be a positive number of seconds"
	local nics=${MCFW_VM_NICS:-$NIC_MODEL_DEFAULT} nics_from=default
	[[ -n ${MCFW_VM_NICS:-} ]] && nics_from=chosen
	while [[ $# -gt 0 ]]; do
		case $1 in
		--nics)
			[[ $# -ge 2 && -n $2 ]] || die "--nics needs a device model or 'none'"
			nics=$2
			nics_from=chosen
			shift 2
			;;
		--ko)
			[[ $# -ge 2 ]] || usage
			[[ -f $2 ]] || die "--ko: no such file: $2"
			kos+=("$(readlink -f "$2")")
			shift 2
			;;
		--timeout)
			[[ $# -ge 2 && $2 =~ ^[0-9]+$ && $2 -gt 0 ]] || die "--timeout needs a positive number of seconds"
			timeout=$2
			shift 2
			;;
		--cpus)
			[[ $# -ge 2 && $2 =~ ^[1-8]$ ]] || die "--cpus needs a number of virtual CPUs, 1 to 8"
			cpus=$2
			shift 2
			;;
		--) die "missing KERNEL before --" ;;
		-*) die "unknown option $1" ;;
		*) break ;;
		esac
	done
	[[ $# -ge 3 && $2 == -- ]] || usage
	kernel=$1
	shift 2
	nic_args "$nics" "$nics_from"
	abi=$(resolve_abi "$kernel")
	fetch_one "$abi"
	dir=$CACHE_ROOT/$abi
	# Shared: a "fetch" that rebuilds this kernel's cache waits for us.
	exec 8>>"$CACHE_ROOT/.$abi.lock"
	flock -s 8

	trap run_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	# Leftovers of runs that were killed with SIGKILL.
	for f in "$CACHE_ROOT"/.run.*/pid; do
		if [[ -f $f ]] && ! kill -0 "$(<"$f")" 2>/dev/null; then
			rm -rf "${f%/pid}"
		fi
	done
	RUN_DIR=$(mktemp -d "$CACHE_ROOT/.run.XXXXXX")
	echo $$ >"$RUN_DIR/pid"
	mkdir "$RUN_DIR/io" "$RUN_DIR/initrd"

	moddir=$(readlink -f "$dir/root/lib/modules")
	if [[ ${#kos[@]} -gt 0 ]]; then
		# Stage a hard-linked copy so the cache stays pristine.
		mkdir -p "$RUN_DIR/stage/lib"
		cp -al "$moddir" "$RUN_DIR/stage/lib/modules" 2>/dev/null ||
			cp -a "$moddir" "$RUN_DIR/stage/lib/modules"
		moddir=$RUN_DIR/stage/lib/modules
		# depmod replaces its outputs, but unlink them anyway.
		for f in "$moddir/$abi"/modules.*; do
			cp "$f" "$f.tmp" && mv -f "$f.tmp" "$f"
		done
		mkdir -p "$moddir/$abi/updates"
		for ko in "${kos[@]}"; do
			cp -- "$ko" "$moddir/$abi/updates/"
		done
		depmod -b "$RUN_DIR/stage" "$abi"
	fi

	# The command, run by the guest's (the host's) bash in the chroot.
	{
		for var in $(compgen -e); do
			case $var in
			MCFW_VM_NIC_MACS) ;;
			MCFW_* | KSFT_*) printf 'export %s=%q\n' "$var" "${!var}" ;;
			esac
		done
		printf 'export MCFW_VM_NIC_MACS=%q\n' "$NIC_MAC_LIST"
		printf 'cd %q || exit 125\n' "$PWD"
		printf 'exec'
		printf ' %q' "$@"
		printf '\n'
	} >"$RUN_DIR/io/cmd.sh"
	# The guest mounts tmpfs on these: keep the caller's tree visible.
	case $PWD/ in
	/tmp/* | /var/tmp/* | /run/*)
		bind=$(git -C "$PWD" rev-parse --show-toplevel 2>/dev/null || echo "$PWD")
		case $bind/ in
		/tmp/?* | /var/tmp/?* | /run/?*) ;;
		*) bind=$PWD ;;
		esac
		echo "$bind" >"$RUN_DIR/io/bind"
		;;
	esac

	install -m 755 "$VM_DIR/init.sh" "$RUN_DIR/initrd/init"
	{
		cat "$dir/initramfs.cpio"
		(cd "$RUN_DIR/initrd" && echo init | cpio --quiet -o -H newc -R 0:0)
	} >"$RUN_DIR/initrd.cpio"

	# The whole boot log goes to the console log (kept when a run fails);
	# init.sh lowers the console to errors (level 4) once the command starts.
	append="console=ttyS0 panic=-1 slub_debug=FZPU page_poison=1 init_on_free=1"
	append+=" panic_on_warn=1 oops=panic log_buf_len=8M rdinit=/init"
	append+=" ${MCFW_VM_APPEND:-}"
	# PVH boot of the uncompressed kernel, with qboot if there is one: both
	# are much faster than decompressing a bzImage behind SeaBIOS.
	boot=(-kernel "$dir/root/boot/vmlinuz-$abi")
	[[ -f $dir/vmlinux ]] && boot=(-kernel "$dir/vmlinux")
	# qboot never hands over to the kernel with the NICs' PCI devices
	# present (seen with QEMU 7.2): SeaBIOS boots those VMs.
	[[ -f $dir/vmlinux && -f $QBOOT && ${#NIC_ARGS[@]} -eq 0 ]] &&
		boot+=(-bios "$QBOOT")
	# QEMU option values escape "," as ",,".
	qrun=${RUN_DIR//,/,,}
	qmod=${moddir//,/,,}
	qemu_args=(-nodefaults -no-user-config -nographic -no-reboot
		-machine q35,accel=tcg -cpu max -smp "$cpus" -m 2048
		"${boot[@]}" -initrd "$RUN_DIR/initrd.cpio" -append "$append"
		-chardev "file,id=con,path=$qrun/console.log" -serial chardev:con
		-chardev "stdio,id=out,signal=off,logfile=$qrun/output.log" -serial chardev:out
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
		-virtfs "local,path=$qmod,mount_tag=modules,security_model=none,readonly=on,multidevs=remap"
		-virtfs "local,path=$qrun/io,mount_tag=vmrun,security_model=none"
		"${NIC_ARGS[@]}")

	# A guest that has not reached its command after boot_timeout seconds
	# hung while booting, and one that died before it reached it crashed
	# while booting (no test has run, no module of ours is loaded; both
	# seen under TCG: an RCU self-test hang, an "Oops: int3" at a jump
	# label the kernel was patching). Keep its log and boot it once
	# more, in the time that is left. The watchdog is off when it would
	# not fire before the timeout.
	left=$timeout
	for attempt in 1 2; do
		qrc=0
		if [[ $boot_timeout -lt $left ]]; then
			run_qemu "$left" "$boot_timeout" || qrc=$?
		else
			run_qemu "$left" $((left + 60)) || qrc=$?
		fi
		case $qrc in
		200) echo "vm: the guest did not reach its command within $boot_timeout s: a boot hang (attempt $attempt of 2)" >&2 ;;
		201) echo "vm: the guest died before it reached its command: a boot crash (attempt $attempt of 2)" >&2 ;;
		*) break ;;
		esac
		echo "vm: ---- tail of the kernel console ----" >&2
		tail -n $((qrc == 200 ? 5 : 40)) "$RUN_DIR/console.log" 2>/dev/null | tr -d '\r' >&2 || true
		save_log "$abi"
		left=$((left - QEMU_SECONDS))
		if [[ $attempt -eq 2 || $left -le 0 ]]; then
			if [[ $qrc -eq 201 ]]; then
				echo "vm: the guest crashed while booting, twice" >&2
				exit 3
			fi
			echo "vm: timeout: the guest did not boot within $timeout s" >&2
			exit 124
		fi
		rm -f "$RUN_DIR/console.log" "$RUN_DIR/output.log" "$RUN_DIR/qemu.err" "$RUN_DIR/io/booted"
	done

	if [[ $qrc -eq 124 || $qrc -eq 137 ]]; then
		echo "vm: timeout: command did not finish within $timeout s, QEMU killed" >&2
		save_log "$abi"
		exit 124
	fi
	if [[ ! -s $RUN_DIR/console.log && ! -f $RUN_DIR/io/rc ]]; then
		sed 's/^/vm: qemu: /' "$RUN_DIR/qemu.err" >&2
		die "QEMU did not start (exit $qrc)"
	fi
	if [[ ! -f $RUN_DIR/io/rc ]]; then
		echo "vm: the guest did not report an exit status (kernel panic/oops?; qemu exit $qrc)" >&2
		echo "vm: ---- tail of the kernel console ----" >&2
		tail -n 60 "$RUN_DIR/console.log" >&2 2>/dev/null || true
		sed 's/^/vm: qemu: /' "$RUN_DIR/qemu.err" >&2
		save_log "$abi"
		exit 3
	fi
	rc=$(<"$RUN_DIR/io/rc")
	[[ $rc =~ ^[0-9]+$ ]] || rc=3
	splats=$(grep -E -- "$SPLAT_RE" "$RUN_DIR/io/dmesg" | grep -Ev -- "$SPLAT_IGNORE_RE" || true)
	if [[ -n $splats ]]; then
		while IFS= read -r line; do echo "vm: kernel log: $line"; done <<<"$splats" >&2
		[[ $rc -ne 0 ]] || rc=3
	fi
	[[ $rc -eq 0 ]] || save_log "$abi"
	exit "$rc"
}

case ${1:-} in
abi) shift; cmd_abi "$@" ;;
fetch) shift; cmd_fetch "$@" ;;
deps) shift; cmd_deps ;;
run) shift; cmd_run "$@" ;;
*) usage ;;
esac
