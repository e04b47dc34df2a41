#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The manual pages render with man -l, and groff -ww (every warning)
# has nothing to say about any of them; each has the sections a reader
# looks for. Run by "make check" here (make check at the top runs it).
cd "$(dirname "$0")" || exit 1
failed=0

# page SECTION...: PAGE renders without warnings and has each SECTION.
page()
{
	local p=$1 warn out s
	shift
	warn=$(groff -man -ww -z "$p" 2>&1)
	[ -z "$warn" ] || { echo "man_test: $p: groff -ww: $warn"; failed=1; }
	warn=$(MANWIDTH=80 man -l "$p" 2>&1 >/dev/null)
	[ -z "$warn" ] || { echo "man_test: $p: man -l: $warn"; failed=1; }
	out=$(MANWIDTH=80 man -l "$p" 2>/dev/null)
	for s in "$@"; do
		grep -qx "$s" <<<"$out" || { echo "man_test: $p has no $s section"; failed=1; }
	done
}

page mcfwctl.8 NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" DIAGNOSTICS EXAMPLES FILES "SEE ALSO"
page mcfw.conf.5 NAME SYNOPSIS DESCRIPTION FORMAT EXAMPLES FILES "SEE ALSO"
page mcfw.7 NAME DESCRIPTION "WHAT IS NEVER FORWARDED" FIREWALL "MODULE PARAMETERS" CAVEATS "SEE ALSO"
[ "$failed" -eq 0 ] && echo "man_test: mcfwctl.8 mcfw.conf.5 mcfw.7 render without warnings"
exit $failed
