#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# This mcfwctl against an older mcfw module, as a router runs them after
# a package upgrade and before the module is reloaded. The older module
# is mcfw.ko built from OLD_REV (before IPv6, relays and unicast
# outputs) by selftests/build-old-module.sh, into build/old/<abi>/.
#
#   what the older module has works as before;
#   what it lacks is refused with a message that names what is missing,
#   says the module is older than the tool, and how to reload it.

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	older_module_still_serves
	older_module_lacks_attribute
	older_module_lacks_command
	older_module_restore_and_save
"

OLD_KO=$TOPDIR/build/old/$(uname -r)/mcfw.ko
NS=mcfw-u-$$

cleanup()
{
	rm -rf "$TMPD"
	ip netns del "$NS" 2>/dev/null
	rmmod mcfw 2>/dev/null
}

# Load the older module (insmod: modprobe would find this tree's).
old_load()
{
	modprobe -r mcfw 2>/dev/null
	insmod "$OLD_KO" || return 1
	defer rmmod mcfw
}

older_module_still_serves()
{
	old_load
	check_err $? "cannot load the older module $OLD_KO"
	run_cmd mcfwctl -n "$NS" route add 239.1.2.3 source 10.0.0.1 iif u0 oif u1
	check_err "$RC" "route add against the older module failed: $ERR"
	run_cmd mcfwctl -n "$NS" -j route show
	check_err "$RC" "route show against the older module failed: $ERR"
	[ "$(json '.[0].group' <<<"$OUT")" = 239.1.2.3 ] &&
		[ "$(json '.[0].oifs[0].dev' <<<"$OUT")" = u1 ]
	check_err $? "route show against the older module: $OUT"
	run_cmd mcfwctl -n "$NS" route del 239.1.2.3 source 10.0.0.1 iif u0
	check_err "$RC" "route del against the older module failed: $ERR"
	log_test "upgrade: this mcfwctl programs and shows IPv4 routes on an older module"
}

# expect_older WHAT LACKS: the command failed, saying the module lacks
# LACKS and how to reload it, and changed nothing.
expect_older()
{
	[ "$RC" -ne 0 ]
	check_err $? "$1 succeeded against a module that lacks it"
	grep -Eq "does not know $2: it is older than this mcfwctl" <<<"$ERR"
	check_err $? "$1: no word that the module is older (lacks $2): $ERR"
	grep -q "modprobe -r mcfw" <<<"$ERR"
	check_err $? "$1: no word on how to reload the module: $ERR"
	[ "$(mcfwctl -n "$NS" info | sed -n 's/^routes //p')" = 0 ]
	check_err $? "$1 changed the table"
}

older_module_lacks_attribute()
{
	old_load
	check_err $? "cannot load the older module $OLD_KO"
	run_cmd mcfwctl -n "$NS" route add ff3e::1:2 iif u0 oif u1
	expect_older "an IPv6 route" MCFW_A_GROUP6
	run_cmd mcfwctl -n "$NS" route add 239.1.2.3 iif u0 oif unicast 10.9.0.1
	expect_older "a unicast output" "an attribute inside MCFW_A_OIFS"
	log_test "upgrade: an attribute the older module lacks is named, with how to reload it"
}

older_module_lacks_command()
{
	old_load
	check_err $? "cannot load the older module $OLD_KO"
	run_cmd mcfwctl -n "$NS" relay add 10.9.0.1:5000 group 239.1.2.3 oif u1
	expect_older "relay add" "the relay-new command"
	run_cmd mcfwctl -n "$NS" relay show
	expect_older "relay show" "the relay-get command"
	log_test "upgrade: a command the older module lacks is named, with how to reload it"
}

# restore (a batch, as mcfw.service applies mcfw.conf) names the older
# module too; save, which an operator runs before that reload, works.
older_module_restore_and_save()
{
	local f=$TMPD/mcfw.conf

	old_load
	check_err $? "cannot load the older module $OLD_KO"
	printf '%s\n' 'route add 239.1.2.3 iif u0 oif u1' \
		'route add ff3e::1:2 iif u0 oif u1' >"$f"
	run_cmd mcfwctl -n "$NS" restore "$f"
	expect_older "restore of an IPv6 route" "(MCFW_A_GROUP6|an attribute of this request)"
	printf '%s\n' 'route add 239.1.2.3 source 10.0.0.1 iif u0 oif u1' >"$f"
	run_cmd mcfwctl -n "$NS" restore "$f"
	check_err "$RC" "restore of an IPv4 route failed: $ERR"
	run_cmd mcfwctl -n "$NS" save
	check_err "$RC" "save against the older module failed: $ERR"
	grep -q '^route add 239.1.2.3 source 10.0.0.1 iif u0 oif u1' <<<"$OUT"
	check_err $? "save did not print the route: $OUT"
	log_test "upgrade: restore names what the older module lacks; save works on it"
}

require_root
if [ ! -f "$OLD_KO" ]; then
	# Every case skipped, counted as such.
	echo "TAP version 13"
	echo "1..$(echo $ALL_TESTS | wc -w)"
	i=0
	for t in $ALL_TESTS; do
		i=$((i + 1))
		echo "ok $i upgrade: $t # SKIP no older module at $OLD_KO (selftests/build-old-module.sh builds it)"
	done
	exit 0
fi
TMPD=$(mktemp -d)
ip netns add "$NS" &&
	ip -n "$NS" link add u0 type veth peer name u1 &&
	ip -n "$NS" link set u0 up && ip -n "$NS" link set u1 up || exit 1
run_tests
