#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mcfw.service, as "make install" installs it (check.sh installs it into
# build/unit with PREFIX=/usr SYSCONFDIR=/etc): systemd-analyze verify
# passes, and its ExecStart, ExecReload and ExecStop lines, run as
# written, load the module, apply /etc/mcfw/mcfw.conf, apply it again
# hitlessly, and remove its routes. The VM's root is the host's, read-only:
# a private mount namespace puts the installed tree over /usr/sbin (read
# only) and a writable layer over /etc, so the unit's own paths work.
#
# The router is the VM's initial namespace, where systemd would run the
# unit:
#
#   ut-src: us0 10.9.0.2 --- utin 10.9.0.1 [mcfw] utout1 10.9.1.1 --- uh1 (ut-h1)
#                                                utout2 10.9.2.1 --- uh2 (ut-h2)

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	unit_verifies
	unit_start_reload_stop
	unit_reload_bad_file_keeps_running_config
"

INST=${MCFW_UNIT_ROOT:-$TOPDIR/build/unit}
UNIT=$INST/usr/lib/systemd/system/mcfw.service
CONF=/etc/mcfw/mcfw.conf
MCAST=$TOPDIR/selftests/mcast
SRC=ut-src-$$
H1=ut-h1-$$
H2=ut-h2-$$
TMPD=$(mktemp -d)

cleanup()
{
	ip netns del "$SRC" 2>/dev/null
	ip netns del "$H1" 2>/dev/null
	ip netns del "$H2" 2>/dev/null
	ip link del utin 2>/dev/null
	ip link del utlate 2>/dev/null
	mcfwctl -o all route flush 2>/dev/null
	modprobe -r mcfw 2>/dev/null
	rm -rf "$TMPD"
}

# unit_lines KEY: the unit's KEY= lines, one command a line.
unit_lines()
{
	sed -n "s/^$1=//p" "$UNIT"
}

# unit_run KEY: run every KEY= line of the unit as written (these lines
# use no quoting or specifiers, so words split at spaces as systemd
# splits them), in order, stopping at the first that fails, as systemd
# does. Standard error in $TMPD/err.
unit_run()
{
	local line words

	: >"$TMPD/err"
	while read -r line; do
		read -ra words <<<"$line"
		"${words[@]}" >/dev/null 2>>"$TMPD/err" || return 1
	done < <(unit_lines "$1")
}

# Packets of the route of GROUP, as mcfwctl -j -s reports them.
route_packets()
{
	mcfwctl -o all -j -s route show "$1" | json '.[0].stats.packets'
}

send()
{
	ip netns exec "$SRC" "$MCAST" send "$1" 5001 -i us0 -n "$2" >/dev/null
}

unit_verifies()
{
	local key

	MANPATH=$INST/usr/share/man systemd-analyze verify "$UNIT" >"$TMPD/verify" 2>&1
	check_err $? "systemd-analyze verify: $(cat "$TMPD/verify")"
	for key in ExecStart ExecReload ExecStop; do
		[ -n "$(unit_lines "$key")" ]
		check_err $? "the unit has no $key="
	done
	unit_lines ExecStart | grep -q 'modprobe mcfw'
	check_err $? "ExecStart does not load the module"
	unit_lines ExecStart | grep -q "restore $CONF\$"
	check_err $? "ExecStart does not restore $CONF"
	unit_lines ExecReload | grep -q "restore $CONF\$"
	check_err $? "ExecReload does not restore $CONF"
	unit_lines ExecStop | grep -q 'route flush$'
	check_err $? "ExecStop does not flush"
	! grep -Eq '^(After|Wants|Requires)=.*network-online' "$UNIT"
	check_err $? "the unit waits for network-online"
	log_test "unit: systemd-analyze verify passes, Exec lines load, restore, flush"
}

unit_start_reload_stop()
{
	local p

	modprobe -r mcfw 2>/dev/null
	# The installed example has no route: a first start applies it.
	unit_run ExecStart
	check_err $? "ExecStart with the example file: $(cat "$TMPD/err")"
	grep -q '^mcfw ' /proc/modules
	check_err $? "ExecStart did not load the module"
	[ "$(mcfwctl -o all save)" = "" ]
	check_err $? "the example file installed routes"

	printf '%s\n' "# routes of this gateway" \
		"route add 239.50.0.1 iif utin oif utout1 nojoin" \
		"route add 239.50.0.2 source 10.9.0.2 iif utin oif utout1 nojoin" \
		"route add 239.50.0.3 iif utlate oif utout1 nojoin   # not there yet" \
		>"$CONF"
	modprobe -r mcfw
	unit_run ExecStart
	check_err $? "ExecStart: $(cat "$TMPD/err")"
	grep -q 'line 4: warning: interface "utlate" does not exist' "$TMPD/err"
	check_err $? "the waiting route was not reported: $(cat "$TMPD/err")"
	[ "$(mcfwctl save)" = "$(grep -o '^route[^#]*[^ #]' "$CONF" | sort -V)" ]
	check_err $? "after start, save is not the file: $(mcfwctl save)"
	mcfwctl route add 239.50.0.9 iif utin oif utout2 owner pimd
	check_err $? "route add owner pimd failed"

	send 239.50.0.1 20
	send 239.50.0.2 20
	p=$(route_packets 239.50.0.1)
	[ "$p" = 20 ]
	check_err $? "239.50.0.1 forwarded $p packets, expected 20"

	# Reload: 239.50.0.1 unchanged (keeps its counters), 239.50.0.2
	# changed, 239.50.0.3 removed, 239.50.0.4 added.
	printf '%s\n' "route add 239.50.0.1 iif utin oif utout1 nojoin" \
		"route add 239.50.0.2 source 10.9.0.2 iif utin oif utout1 utout2 nojoin" \
		"route add 239.50.0.4 iif utin oif utout2 nojoin" >"$CONF"
	unit_run ExecReload
	check_err $? "ExecReload: $(cat "$TMPD/err")"
	[ "$(mcfwctl save)" = "$(sort -V "$CONF")" ]
	check_err $? "after reload, save is not the file: $(mcfwctl save)"
	p=$(route_packets 239.50.0.1)
	[ "$p" = 20 ]
	check_err $? "reload reset the unchanged route's counters ($p)"
	[ "$(mcfwctl -o pimd save)" = "route add 239.50.0.9 iif utin oif utout2 owner pimd" ]
	check_err $? "reload touched another owner's route"
	send 239.50.0.4 10
	p=$(route_packets 239.50.0.4)
	[ "$p" = 10 ]
	check_err $? "the added route forwarded $p packets, expected 10"

	unit_run ExecStop
	check_err $? "ExecStop: $(cat "$TMPD/err")"
	[ "$(mcfwctl save)" = "" ]
	check_err $? "stop left the file's routes: $(mcfwctl save)"
	[ "$(mcfwctl -o all save)" = "route add 239.50.0.9 iif utin oif utout2 owner pimd" ]
	check_err $? "stop removed another owner's route"
	mcfwctl -o all route flush >/dev/null
	log_test "unit: start loads and applies the file, reload is hitless, stop flushes its routes"
}

unit_reload_bad_file_keeps_running_config()
{
	local before

	printf '%s\n' "route add 239.51.0.1 iif utin oif utout1 nojoin" >"$CONF"
	unit_run ExecStart
	check_err $? "ExecStart: $(cat "$TMPD/err")"
	before=$(mcfwctl save)
	printf '%s\n' "route add 239.51.0.2 iif utin oif utout1 nojoin" \
		"route add 239.51.0.3 iif utin oif utout1:256" >"$CONF"
	unit_run ExecReload
	check_fail $? "ExecReload of a bad file succeeded"
	grep -q 'line 2' "$TMPD/err"
	check_err $? "the error does not name line 2: $(cat "$TMPD/err")"
	[ "$(mcfwctl save)" = "$before" ]
	check_err $? "a failed reload changed routes: $(mcfwctl save)"
	unit_run ExecStop
	log_test "unit: a reload of a bad file fails, names the line, keeps the running routes"
}

setup()
{
	local ns

	for ns in "$SRC" "$H1" "$H2"; do
		ip netns add "$ns" && ip -n "$ns" link set lo up || return 1
	done
	ip link add utin type veth peer name us0 netns "$SRC" &&
		ip link add utout1 type veth peer name uh1 netns "$H1" &&
		ip link add utout2 type veth peer name uh2 netns "$H2" || return 1
	ip addr add 10.9.0.1/24 dev utin
	ip addr add 10.9.1.1/24 dev utout1
	ip addr add 10.9.2.1/24 dev utout2
	ip -n "$SRC" addr add 10.9.0.2/24 dev us0
	ip -n "$H1" addr add 10.9.1.2/24 dev uh1
	ip -n "$H2" addr add 10.9.2.2/24 dev uh2
	sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.utin.rp_filter=0
	ip link set utin up && ip link set utout1 up && ip link set utout2 up &&
		ip -n "$SRC" link set us0 up && ip -n "$H1" link set uh1 up &&
		ip -n "$H2" link set uh2 up || return 1
	ip -n "$SRC" route add default via 10.9.0.1
}

require_root
if [ ! -f "$UNIT" ]; then
	echo "1..0 # SKIP $UNIT not installed (selftests/check.sh installs it)"
	exit $KSFT_SKIP
fi
if ! command -v systemd-analyze >/dev/null; then
	echo "1..0 # SKIP systemd-analyze not installed (make deps)"
	exit $KSFT_SKIP
fi
# The installed tree over the host's read-only root, in a private mount
# namespace: the unit's /usr/sbin/mcfwctl and a writable /etc.
if [ -z "${MCFW_UNIT_NS:-}" ]; then
	mkdir -p "$TMPD/etc-up" "$TMPD/etc-work"
	exec env MCFW_UNIT_NS=1 MCFW_UNIT_TMP="$TMPD" unshare -m --propagation private \
		bash -c 'mount -t overlay overlay -o "lowerdir=$1/usr/sbin:/usr/sbin" /usr/sbin &&
			mount -t overlay overlay -o "lowerdir=/etc,upperdir=$2/etc-up,workdir=$2/etc-work" /etc &&
			mkdir -p /etc/mcfw && cp "$1/etc/mcfw/mcfw.conf" /etc/mcfw/mcfw.conf &&
			exec "$3"' unit "$INST" "$TMPD" "$0"
fi
rmdir "$TMPD" && TMPD=$MCFW_UNIT_TMP
if ! setup; then
	echo "not ok 1 unit: topology could not be set up"
	exit 1
fi
run_tests
