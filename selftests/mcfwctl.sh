#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mcfwctl against the real module: versions, counts, JSON, -n NETNS,
# permissions (CAP_NET_ADMIN in the initial user namespace for changes),
# usage errors and exit codes, and the man page.
#
#   init netns (root, uid 65534)        mcfw-c-<pid> netns
#   unshare -Urn (userns root, not init-ns admin)

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	version_matches_module
	info_counts
	route_flush_root
	flush_needs_init_ns_admin
	flush_refused_in_own_userns
	netns_option
	usage_errors
	man_page
"

NS=mcfw-c-$$

json_get()
{
	json ".$1"
}

version_matches_module()
{
	local modver tool

	mcfw_load
	modver=$(modinfo -F version mcfw)
	run_cmd mcfwctl version
	check_err "$RC" "mcfwctl version failed: $ERR"
	tool=$(sed -n 's/^#define MCFW_VERSION "\(.*\)"/\1/p' "$TOPDIR/kmod/version.h")
	[ "$(sed -n 1p <<<"$OUT")" = "mcfwctl $tool" ]
	check_err $? "tool line is '$(sed -n 1p <<<"$OUT")'"
	[ "$(sed -n 2p <<<"$OUT")" = "mcfw module $modver" ]
	check_err $? "module line is '$(sed -n 2p <<<"$OUT")', modinfo says $modver"

	run_cmd mcfwctl -j version
	check_err "$RC" "mcfwctl -j version failed: $ERR"
	[ "$(json_get module <<<"$OUT")" = "$modver" ]
	check_err $? "JSON module version wrong: $OUT"
	[ "$(json_get tool <<<"$OUT")" = "$tool" ]
	check_err $? "JSON tool version wrong: $OUT"
	log_test "mcfwctl version: tool and module versions, text and JSON"
}

info_counts()
{
	mcfw_load oif_max=300
	run_cmd mcfwctl info
	check_err "$RC" "mcfwctl info failed: $ERR"
	grep -qx 'routes 0' <<<"$OUT" && grep -qx 'interfaces 0' <<<"$OUT" &&
		grep -qx 'oif_max 300' <<<"$OUT"
	check_err $? "unexpected info output: $OUT"

	run_cmd mcfwctl -j info
	check_err "$RC" "mcfwctl -j info failed: $ERR"
	[ "$(json_get routes <<<"$OUT")" = 0 ] &&
		[ "$(json_get interfaces <<<"$OUT")" = 0 ] &&
		[ "$(json_get oif_max <<<"$OUT")" = 300 ]
	check_err $? "unexpected JSON info: $OUT"
	log_test "mcfwctl info: route and interface counts, oif_max"
}

route_flush_root()
{
	mcfw_load
	run_cmd mcfwctl route flush
	check_err "$RC" "route flush as root failed: $ERR"
	[ -z "$OUT$ERR" ]
	check_err $? "route flush printed '$OUT$ERR'"
	run_cmd mcfwctl -j route flush
	check_err "$RC" "-j route flush failed: $ERR"
	[ "$(json_get flushed <<<"$OUT")" = 0 ]
	check_err $? "unexpected JSON flush reply: $OUT"
	log_test "mcfwctl route flush: succeeds for root, silent, JSON count"
}

flush_needs_init_ns_admin()
{
	local nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)

	mcfw_load
	run_cmd "${nobody[@]}" "$MCFWCTL" route flush
	[ "$RC" -eq 1 ]
	check_err $? "unprivileged route flush exited $RC"
	grep -q 'Operation not permitted' <<<"$ERR"
	check_err $? "unprivileged route flush said '$ERR'"

	run_cmd "${nobody[@]}" "$MCFWCTL" info
	check_err "$RC" "unprivileged info (read-only) failed: $ERR"
	run_cmd "${nobody[@]}" "$MCFWCTL" version
	check_err "$RC" "unprivileged version failed: $ERR"
	log_test "permissions: unprivileged user may read, not flush"
}

flush_refused_in_own_userns()
{
	mcfw_load
	# Root of a fresh user namespace owns its netns, but is not
	# CAP_NET_ADMIN in the initial user namespace: GENL_ADMIN_PERM says no.
	setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn true
	check_err $? "an unprivileged user cannot create a user namespace here"
	run_cmd setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare -Urn "$MCFWCTL" route flush
	[ "$RC" -eq 1 ]
	check_err $? "route flush in an own user namespace exited $RC: $ERR"
	grep -qx 'mcfwctl: route flush: Operation not permitted' <<<"$ERR"
	check_err $? "route flush in an own user namespace said '$ERR'"

	run_cmd setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare -Urn "$MCFWCTL" info
	check_err "$RC" "info in an own user namespace failed: $ERR"
	log_test "permissions: root of an unprivileged userns cannot flush"
}

netns_option()
{
	mcfw_load
	ns_create "$NS"
	run_cmd mcfwctl -n "$NS" route flush
	check_err "$RC" "-n $NS route flush failed: $ERR"
	run_cmd mcfwctl --netns "$NS" -j info
	check_err "$RC" "--netns $NS -j info failed: $ERR"
	[ "$(json_get routes <<<"$OUT")" = 0 ]
	check_err $? "unexpected info in $NS: $OUT"

	run_cmd mcfwctl -n "$NS-nosuch" info
	[ "$RC" -eq 1 ]
	check_err $? "-n with a missing namespace exited $RC"
	grep -q "$NS-nosuch" <<<"$ERR"
	check_err $? "missing namespace error does not name it: '$ERR'"
	log_test "mcfwctl -n NETNS: works, missing namespace is an error"
}

usage_errors()
{
	local args

	mcfw_load
	for args in "bogus" "route bogus" "route flush extra" "-x version" \
		    "-n" "-jx info" "--json=1 info" "sa" "res"; do
		# shellcheck disable=SC2086
		run_cmd mcfwctl $args
		[ "$RC" -eq 2 ]
		check_err $? "'mcfwctl $args' exited $RC, expected 2"
		[ -n "$ERR" ] && [ -z "$OUT" ]
		check_err $? "'mcfwctl $args': error must be on stderr only"
	done
	# "route" alone lists, like ip route.
	run_cmd mcfwctl route
	check_err "$RC" "'mcfwctl route' exited $RC: $ERR"
	run_cmd mcfwctl --help
	check_err "$RC" "--help exited $RC"
	grep -q 'route' <<<"$OUT"
	check_err $? "--help does not mention route"
	log_test "mcfwctl usage: errors exit 2 on stderr, --help exits 0"
}

man_page()
{
	local warn

	warn=$(groff -man -ww -z "$TOPDIR/tools/mcfwctl/mcfwctl.8" 2>&1)
	[ -z "$warn" ]
	check_err $? "groff warnings: $warn"
	for word in version info "route flush" "-n" "-j" "EXIT STATUS"; do
		man -l "$TOPDIR/tools/mcfwctl/mcfwctl.8" 2>/dev/null | grep -q -- "$word"
		check_err $? "man page does not mention '$word'"
	done
	log_test "mcfwctl.8 renders without warnings and documents the commands"
}

require_root
run_tests
