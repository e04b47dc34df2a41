#!/bin/sh
# /init of the mcfw test VM.  Runs under busybox sh in the initramfs that
# vm.sh builds; vm.sh appends this file to the cached initramfs on every run.
#
# 9p shares (mount tags) set up by vm.sh:
#   hostroot  the host's / (read-only)        -> /newroot
#   modules   staged /lib/modules (read-only) -> /newroot/lib/modules
#   vmrun     per-run host dir (read-write)   -> /vmrun
#             in:  cmd.sh (the command, run by bash in the chroot), bind
#             out: booted (the command is starting), rc, dmesg
# The command's stdout/stderr go to ttyS1 (the caller's terminal); the
# kernel console is ttyS0 (a log file on the host).
export PATH=/bin:/sbin
NEWROOT=/newroot
P9='trans=virtio,version=9p2000.L,msize=512000'

fail() {
	echo "vm-init: $*" >/dev/console
	echo "vm-init: $*" >/dev/ttyS1 2>/dev/null
	sync
	reboot -f
	sleep 60
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

while read -r m; do
	insmod "/lib/mcfw/$m" || fail "insmod $m failed"
done </lib/mcfw/modules

mount -t 9p -o "$P9,ro,cache=loose" hostroot "$NEWROOT" || fail "cannot mount hostroot"
mount -t 9p -o "$P9" vmrun /vmrun || fail "cannot mount vmrun"

# A working directory under /tmp, /var/tmp or /run on the host would be
# hidden by the tmpfs mounts below: keep it visible with a bind mount.
bind=$(cat /vmrun/bind 2>/dev/null)
if [ -n "$bind" ]; then
	mkdir -p /bind
	mount --bind "$NEWROOT$bind" /bind || fail "cannot bind $bind"
fi

mount -t 9p -o "$P9,ro,cache=loose" modules "$NEWROOT/lib/modules" ||
	fail "cannot mount modules"
mount -t proc proc "$NEWROOT/proc"
mount -t sysfs sysfs "$NEWROOT/sys"
mount -t devtmpfs devtmpfs "$NEWROOT/dev"
mkdir -p "$NEWROOT/dev/pts" "$NEWROOT/dev/shm"
mount -t devpts -o mode=620,ptmxmode=666 devpts "$NEWROOT/dev/pts"
mount -t tmpfs -o mode=1777 shm "$NEWROOT/dev/shm"
ln -sf /proc/self/fd "$NEWROOT/dev/fd"
ln -sf /proc/self/fd/0 "$NEWROOT/dev/stdin"
ln -sf /proc/self/fd/1 "$NEWROOT/dev/stdout"
ln -sf /proc/self/fd/2 "$NEWROOT/dev/stderr"
mount -t tmpfs -o mode=1777 tmpfs "$NEWROOT/tmp"
mount -t tmpfs -o mode=1777 tmpfs "$NEWROOT/var/tmp"
mount -t tmpfs -o mode=755 tmpfs "$NEWROOT/run"
mount -t debugfs debugfs "$NEWROOT/sys/kernel/debug" 2>/dev/null
mount -t cgroup2 cgroup2 "$NEWROOT/sys/fs/cgroup" 2>/dev/null
mkdir -p "$NEWROOT/run/netns" "$NEWROOT/run/lock" "$NEWROOT/run/mcfw-vm"
if [ -n "$bind" ]; then
	mkdir -p "$NEWROOT$bind"
	mount --bind /bind "$NEWROOT$bind" || fail "cannot bind $bind"
fi

hostname mcfw-vm
ip link set lo up

# request_module() runs the usermode helper in this initramfs, not in the
# command's root: send it to the host's modprobe through a view of that
# root, which sees the staged modules.
mkdir -p /hostview
mount --rbind "$NEWROOT" /hostview || fail "cannot bind the root for modprobe"
cat >/sbin/mcfw-modprobe <<'EOF'
#!/bin/sh
exec /bin/chroot /hostview /sbin/modprobe "$@"
EOF
chmod 755 /sbin/mcfw-modprobe
echo /sbin/mcfw-modprobe >/proc/sys/kernel/modprobe

cp /vmrun/cmd.sh "$NEWROOT/run/mcfw-vm/cmd.sh" || fail "no cmd.sh"

exec 3<>/dev/ttyS1
stty raw -echo <&3
# The kernel logged its whole boot on the console; from here on only
# errors and worse (console level 4, what "quiet" gives), as tests add and
# remove devices by the thousand. dmesg keeps everything.
dmesg -n 4
echo "mcfw-vm: running command" >/dev/kmsg
# vm.sh's boot watchdog: the guest booted.
: >/vmrun/booted || fail "cannot write to vmrun"
# Make the host's root the root of the mount namespace, as switch_root
# does: a plain chroot would leave the command "chrooted", and the kernel
# refuses new user namespaces (unshare -U) to chrooted processes. This
# shell keeps the initramfs as its own root for what follows the command.
cd "$NEWROOT" || fail "cannot enter $NEWROOT"
mount --move . / || fail "cannot move $NEWROOT to /"
chroot . /usr/bin/env -i \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root TERM=dumb USER=root LOGNAME=root SHELL=/bin/bash \
	/bin/bash /run/mcfw-vm/cmd.sh </dev/null >&3 2>&3 3>&-
rc=$?
cd /
echo "mcfw-vm: command exited with $rc" >/dev/kmsg
# Last close of ttyS1 waits until its output has been sent.
exec 3>&-

dmesg >/vmrun/dmesg
echo "$rc" >/vmrun/rc.tmp
mv /vmrun/rc.tmp /vmrun/rc
sync
reboot -f
sleep 60
