#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kmemleak around a selftest run, on kernels built with it (the debug
# kernel of make check); elsewhere both commands do nothing.
#
#   kmemleak.sh clear   forget every object allocated so far (boot,
#                       earlier runs), so that only what the tests
#                       allocate can be reported
#   kmemleak.sh check   unload mcfw, scan, and print one KTAP result:
#                       "not ok" if a suspected leak's backtrace names
#                       mcfw or a module address that no longer resolves
#                       (mcfw's code after its unload); other reports
#                       (the kernel's own, from the tests' tools) are
#                       printed as diagnostics
#
# kmemleak reports an object only when it has been unreferenced for
# min_age (5 s) and its contents did not change between two scans, so
# "check" waits and scans twice.
set -u

KL=/sys/kernel/debug/kmemleak

available() {
	[ -e "$KL" ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
	[ -w "$KL" ]
}

# Print the reports of FILE whose backtrace names mcfw, or holds a bare
# address (%pS of code that is gone: an unloaded module), to stdout.
mcfw_reports() {
	awk '
	function flush() {
		if (blk != "" && hit)
			printf "%s", blk
		blk = ""; hit = 0
	}
	/^unreferenced object/ { flush() }
	{
		blk = blk $0 "\n"
		if ($0 ~ /\[mcfw\]|mcfw_/ ||
		    $0 ~ /\[<[^>]*>\] 0x[0-9a-f]+$/)
			hit = 1
	}
	END { flush() }' "$1"
}

case ${1:-} in
clear)
	available || exit 0
	echo clear >"$KL"
	;;
check)
	available || exit 0
	echo "# === kmemleak"
	echo "TAP version 13"
	echo "1..1"
	modprobe -r mcfw 2>/dev/null
	out=$(mktemp)
	sleep 6
	echo scan >"$KL"
	sleep 1
	echo scan >"$KL"
	cat "$KL" >"$out"
	total=$(grep -c '^unreferenced object' "$out")
	mine=$(mcfw_reports "$out")
	if [ -n "$mine" ]; then
		echo "$mine" | sed 's/^/# /'
		echo "not ok 1 kmemleak: no leak from mcfw ($total suspected in all)"
		rc=1
	else
		[ "$total" -eq 0 ] || sed 's/^/# not mcfw: /' "$out" | head -n 200
		echo "ok 1 kmemleak: no leak from mcfw ($total suspected elsewhere)"
		rc=0
	fi
	rm -f "$out"
	exit $rc
	;;
*)
	echo "usage: kmemleak.sh clear|check" >&2
	exit 2
	;;
esac
