#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module lifetime: load/unload cycles, the oif_max parameter, namespaces
# created and destroyed under a loaded module, the per-namespace netfilter
# hook, autoload through the generic netlink family alias, and the tool's
# message when the module is absent.
#
#   +-------------------- VM --------------------+
#   | init netns      mcfw-m-<pid>-{1..16} netns |
#   |  mcfw.ko  ----  one PRE_ROUTING hook each  |
#   +--------------------------------------------+

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	load_unload_cycles
	oif_max_param
	netns_churn
	hook_per_netns
	genl_autoload
	not_loaded_message
	abandoned_dumps
"

NSP=mcfw-m-$$

load_unload_cycles()
{
	local i v cycles=10

	# faults.sh unloads and loads it 40 times, under a flood.
	is_debug_kernel && cycles=5
	modprobe -r mcfw 2>/dev/null
	for ((i = 1; i <= cycles; i++)); do
		modprobe mcfw
		check_err $? "modprobe failed on cycle $i"
		grep -q '^mcfw ' /proc/modules
		check_err $? "mcfw not in /proc/modules on cycle $i"
		modprobe -r mcfw
		check_err $? "modprobe -r failed on cycle $i"
		[ "$RET" -eq 0 ] || break
	done
	grep -q '^mcfw ' /proc/modules
	check_fail $? "mcfw still loaded after the last unload"

	modinfo mcfw | grep -q '^alias: *net-pf-16-proto-16-family-mcfw$'
	check_err $? "no generic netlink family alias in modinfo"

	mcfw_load
	v=$(cat /sys/module/mcfw/parameters/oif_max)
	[ "$v" = 256 ]
	check_err $? "default oif_max is '$v', expected 256"
	log_test "module: $cycles load/unload cycles, alias, default oif_max"
}

oif_max_param()
{
	local bad

	modprobe -r mcfw 2>/dev/null
	for bad in 0 1025 -1 abc; do
		modprobe mcfw oif_max="$bad" 2>/dev/null
		check_fail $? "oif_max=$bad was accepted"
		modprobe -r mcfw 2>/dev/null
	done

	mcfw_load oif_max=64
	check_err $? "oif_max=64 refused"
	run_cmd mcfwctl info
	check_err "$RC" "mcfwctl info failed: $ERR"
	grep -qx 'oif_max 64' <<<"$OUT"
	check_err $? "mcfwctl info does not report oif_max 64: $OUT"
	log_test "module: oif_max is range checked (1-1024) and reported"
}

netns_churn()
{
	local i n=16

	# The debug kernel does the same with 8 (it is slow at making
	# namespaces: 3 minutes for 16).
	is_debug_kernel && n=8
	mcfw_load
	for i in $(seq 1 $n); do
		ip netns add "$NSP-$i" || check_err 1 "ip netns add failed"
	done
	for i in $(seq 1 $n); do
		run_cmd mcfwctl -n "$NSP-$i" info
		check_err "$RC" "mcfwctl -n $NSP-$i info failed: $ERR"
	done
	for i in $(seq 1 $n); do
		ip netns del "$NSP-$i"
	done

	# Unload with namespaces alive, then reload: they must get state again.
	for i in $(seq 1 4); do
		ip netns add "$NSP-$i"
		defer ip netns del "$NSP-$i"
	done
	modprobe -r mcfw
	check_err $? "unload with live namespaces failed"
	modprobe mcfw
	check_err $? "reload failed"
	for i in $(seq 1 4); do
		run_cmd mcfwctl -n "$NSP-$i" route flush
		check_err "$RC" "flush in $NSP-$i after reload failed: $ERR"
	done
	log_test "module: namespaces created and destroyed while loaded"
}

hook_names()
{
	ip netns exec "$1" nft list hooks ip 2>/dev/null
}

hook_per_netns()
{
	local ns=$NSP-hook

	modprobe -r mcfw 2>/dev/null
	ns_create "$ns"
	# Listing hooks needs nfnetlink_hook, which Debian's 6.1 lacks.
	if ! modprobe -q nfnetlink_hook &&
	   ! grep -q '/nfnetlink_hook.ko' "/lib/modules/$(uname -r)/modules.builtin"; then
		log_skip "module: netfilter hook in every namespace" \
			"kernel has no nfnetlink_hook to list hooks"
		return
	fi
	hook_names "$ns" | grep -q mcfw
	check_fail $? "mcfw hook present before load"

	mcfw_load
	hook_names "$ns" | grep -q 'mcfw_hook_v4'
	check_err $? "no mcfw hook in a namespace that existed before load"
	hook_names "$ns" | grep -B1 -A3 'prerouting' | grep -q 'mcfw_hook_v4'
	check_err $? "mcfw hook is not in prerouting"
	ns_create "$ns-new"
	hook_names "$ns-new" | grep -q 'mcfw_hook_v4'
	check_err $? "no mcfw hook in a namespace created after load"
	nft list hooks ip | grep -q 'mcfw_hook_v4'
	check_err $? "no mcfw hook in the initial namespace"

	modprobe -r mcfw
	hook_names "$ns" | grep -q mcfw
	check_fail $? "mcfw hook left behind after unload"
	log_test "module: netfilter hook in every namespace, gone after unload"
}

genl_autoload()
{
	modprobe -r mcfw 2>/dev/null
	defer modprobe -r mcfw
	run_cmd mcfwctl version
	check_err "$RC" "mcfwctl version did not autoload the module: $ERR"
	grep -q '^mcfw ' /proc/modules
	check_err $? "resolving the family did not load mcfw"
	log_test "module: resolving genl family \"mcfw\" autoloads the module"
}

not_loaded_message()
{
	local saved want

	want='mcfwctl: the mcfw kernel module is not loaded (load it with: modprobe mcfw)'
	modprobe -r mcfw 2>/dev/null
	saved=$(cat /proc/sys/kernel/modprobe)
	defer sh -c "echo '$saved' > /proc/sys/kernel/modprobe"
	echo /nonexistent/modprobe > /proc/sys/kernel/modprobe

	for cmd in "info" "route flush"; do
		run_cmd mcfwctl $cmd
		[ "$RC" -eq 1 ]
		check_err $? "mcfwctl $cmd exited $RC without the module"
		[ "$ERR" = "$want" ]
		check_err $? "mcfwctl $cmd said '$ERR'"
	done
	# The tool's version is an answer even without the module.
	run_cmd mcfwctl version
	[ "$RC" -eq 0 ] && [ -z "$ERR" ] &&
		[ "$(sed -n 2p <<<"$OUT")" = "mcfw module not loaded" ]
	check_err $? "mcfwctl version without the module: $RC '$OUT' '$ERR'"
	run_cmd mcfwctl -j version
	[ "$RC" -eq 0 ] && [ "$(json .module <<<"$OUT")" = null ]
	check_err $? "mcfwctl -j version without the module: $RC '$OUT'"
	log_test "mcfwctl: one-line hint when the module is not loaded; version still answers"
}

# A dump of @1's routes over a raw socket, left after its first part:
# closed, or (@2 = hold) held open until the process is killed.
dump_and_leave()
{
	exec ip netns exec "$1" python3 - "${2:-close}" <<'PY'
import socket, struct, sys, time
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
s.bind((0, 0))
def req(typ, flags, cmd, attrs=b''):
    s.send(struct.pack('=IHHII', 20 + len(attrs), typ, flags, 1, 0) +
           struct.pack('=BBH', cmd, 1, 0) + attrs)
name = b'mcfw\0'
req(0x10, 1, 3, struct.pack('=HH', 4 + len(name), 2) + name + b'\0' * 3)
msg = s.recv(65536)
off = 20
while off < len(msg):
    alen, atype = struct.unpack_from('=HH', msg, off)
    if atype == 1:
        family = struct.unpack_from('=H', msg, off + 4)[0]
    off += (alen + 3) & ~3
req(family, 0x301, 5)		# MCFW_CMD_ROUTE_GET, NLM_F_REQUEST | NLM_F_DUMP
print('first part', len(s.recv(65536)), 'bytes', flush=True)
if sys.argv[1] == 'hold':
    time.sleep(600)
s.close()
PY
}

# Whether mcfw can be unloaded within @1 seconds.
unloads_within()
{
	local i

	for ((i = 0; i < $1 * 10; i++)); do
		modprobe -r mcfw 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

abandoned_dumps()
{
	local ns=$NSP-dump conf out pid i

	mcfw_load
	ip netns add "$ns" || check_err 1 "ip netns add failed"
	defer ip netns del "$ns"
	ip -n "$ns" link add d0 up type dummy && ip -n "$ns" link add d1 up type dummy
	conf=$(mktemp)
	out=$(mktemp)
	defer rm -f "$conf" "$out"
	for ((i = 0; i < 1000; i++)); do
		echo "route add 239.12.$((i / 250)).$((i % 250 + 1)) iif d0 oif d1"
	done >"$conf"
	mcfwctl -n "$ns" restore "$conf"
	check_err $? "restore of 1000 routes failed"

	# A socket closed after the first part of a dump.
	run_cmd dump_and_leave "$ns"
	[ "$RC" -eq 0 ] && grep -q '^first part [1-9]' <<<"$OUT"
	check_err $? "the raw dump failed: $OUT $ERR"

	# A process killed half-way through a dump, whose namespace is
	# deleted before it dies.
	dump_and_leave "$ns" hold >"$out" 2>&1 &
	pid=$!
	for ((i = 0; i < 300; i++)); do
		grep -q '^first part' "$out" && break
		sleep 0.1
	done
	grep -q '^first part [1-9]' "$out"
	check_err $? "the held dump sent nothing: $(cat "$out")"
	# The dump under way holds the module (the netlink core's reference).
	modprobe -r mcfw 2>/dev/null
	check_fail $? "mcfw unloaded while a dump was under way"
	ip netns del "$ns"
	check_err $? "ip netns del during the dump failed"
	kill -9 "$pid"
	wait "$pid" 2>/dev/null

	# Neither holds the module, nor the namespace's state.
	unloads_within 10
	check_err $? "mcfw could not be unloaded within 10 s of the abandoned dumps"
	modprobe mcfw
	check_err $? "mcfw could not be loaded again"
	log_test "module: dumps abandoned half-way (socket closed, process killed) block neither netns deletion nor unload"
}

require_root
run_tests
