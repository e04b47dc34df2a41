#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The "mcfw" family driven by the kernel's own YNL CLI (tools/net/ynl/
# cli.py, from Debian's linux-source-6.12) with nothing but the family's
# spec, Documentation/netlink/specs/mcfw.yaml: what any tool that reads
# the spec can do without mcfwctl. mcfwctl checks what it did.
#
#   mcfw-y-<pid> netns: d0 d1 d2 (dummy)
#     cli.py --spec mcfw.yaml --do/--dump/--multi/--subscribe ...

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	ynl_info
	ynl_route_lifecycle
	ynl_batch
	ynl_refusal_has_extack
	ynl_notifications
"

NS=mcfw-y-$$
SPEC=$TOPDIR/Documentation/netlink/specs/mcfw.yaml
KSRC=$("$TOPDIR/selftests/lib/ksrc.sh" 6.12 2>/dev/null)
# 239.1.1.1 as the u32 the spec's ipv4 hint takes on input.
G=$(( (239 << 24) | (1 << 16) | (1 << 8) | 1 ))

# The spec is checked against the schema on the host (spec.sh): here
# that would only cost seconds of emulated Python per call.
ynl()
{
	ip netns exec "$NS" python3 "$KSRC/tools/net/ynl/cli.py" --spec "$SPEC" \
		--no-schema --output-json "$@"
}

setup()
{
	mcfw_load
	ns_create "$NS"
	ip -n "$NS" link add d0 up type dummy &&
		ip -n "$NS" link add d1 up type dummy &&
		ip -n "$NS" link add d2 up type dummy
}

ynl_info()
{
	setup
	run_cmd ynl --do info-get
	check_err "$RC" "info-get failed: $OUT $ERR"
	[ "$(json -c '[.version, ."route-count", ."oif-max"]' <<<"$OUT")" = \
	  "[\"$(modinfo -F version mcfw)\",0,256]" ]
	check_err $? "info-get said: $OUT"
	log_test "ynl: info-get from the spec: version, route count, oif_max"
}

ynl_route_lifecycle()
{
	setup
	run_cmd ynl --do route-new --json \
		"{\"group\": $G, \"iif-name\": \"d0\", \"owner\": \"ynl\",
		  \"oifs\": {\"oif\": [{\"ifname\": \"d1\"}, {\"ifname\": \"d2\", \"ttl\": 5}]}}"
	check_err "$RC" "route-new failed: $OUT $ERR"
	[ "$(json -c '[.group, ."iif-name", .owner, [.oifs.oif[] | .ifname, .ttl]]' <<<"$OUT")" = \
	  '["239.1.1.1","d0","ynl",["d1",1,"d2",5]]' ]
	check_err $? "route-new replied: $OUT"

	run_cmd ip netns exec "$NS" mcfwctl route show
	[ "$OUT" = '(*, 239.1.1.1) iif d0 oif d1 d2:5 owner ynl' ]
	check_err $? "mcfwctl sees: $OUT"

	run_cmd ynl --dump route-get
	[ "$(json -c '[.[] | [.group, ."iif-name", (.oifs.oif | length)]]' <<<"$OUT")" = \
	  '[["239.1.1.1","d0",2]]' ]
	check_err $? "route-get dump: $OUT"

	run_cmd ynl --do route-del --json "{\"group\": $G, \"iif-name\": \"d0\"}"
	check_err "$RC" "route-del failed: $OUT $ERR"
	run_cmd ip netns exec "$NS" mcfwctl route show
	[ -z "$OUT" ]
	check_err $? "route left after route-del: $OUT"
	log_test "ynl: route-new, route-get dump and route-del from the spec"
}

ynl_batch()
{
	setup
	run_cmd ynl --multi batch-begin '{}' \
		--multi route-new "{\"group\": $G, \"iif-name\": \"d0\", \"oifs\": {\"oif\": [{\"ifname\": \"d1\"}]}}" \
		--multi route-new "{\"group\": $((G + 1)), \"iif-name\": \"d0\", \"oifs\": {\"oif\": [{\"ifname\": \"d2\"}]}}" \
		--multi batch-commit '{"batch-count": 2}'
	check_err "$RC" "batch failed: $OUT $ERR"
	[ "$(json -c '.[3] | [.added, .replaced, .removed, .unchanged]' <<<"$OUT")" = '[2,0,0,0]' ]
	check_err $? "batch-commit replied: $OUT"
	run_cmd ip netns exec "$NS" mcfwctl route show
	[ "$(wc -l <<<"$OUT")" = 2 ]
	check_err $? "after the batch: $OUT"
	log_test "ynl: a batch (begin, two route-new, commit) from the spec"
}

ynl_refusal_has_extack()
{
	setup
	run_cmd ynl --do route-new --json \
		"{\"group\": $(( (224 << 24) | 5 )), \"iif-name\": \"d0\", \"oifs\": {\"oif\": [{\"ifname\": \"d1\"}]}}"
	[ "$RC" -ne 0 ]
	check_err $? "a group in 224.0.0.0/24 was accepted: $OUT"
	grep -q 'link-local and never forwarded' <<<"$OUT$ERR"
	check_err $? "no extack message: $OUT $ERR"
	log_test "ynl: a refused route-new carries its extack message"
}

# Subscribes to "config" with YNL's library for @1 seconds, then prints
# the announcements as JSON. They reuse the ids of the commands that make
# the changes, which the spec cannot declare as notifications (see its
# doc): the client adds them to the ids it takes as such.
ynl_subscribe()
{
	ip netns exec "$NS" python3 - "$KSRC/tools/net/ynl" "$SPEC" "$1" <<'PY'
import json, sys, time
sys.path.insert(0, sys.argv[1])
from lib import YnlFamily
ynl = YnlFamily(sys.argv[2], '')
ynl.ntf_subscribe('config')
for op in ('route-new', 'route-del', 'route-flush'):
    ynl.async_msg_ids.add(ynl.ops[op].rsp_value)
print('subscribed', flush=True)
# Until the flush, the last change, is announced (or a deadline far
# beyond any load): a fixed wait loses the tail on a slow machine.
# Then a second more, for anything announced after it.
deadline = time.monotonic() + float(sys.argv[3])
while time.monotonic() < deadline:
    ynl.check_ntf()
    if any(m['name'] == 'route-flush' for m in ynl.async_msg_queue):
        deadline = min(deadline, time.monotonic() + 1)
    time.sleep(0.1)
print(json.dumps(ynl.async_msg_queue))
PY
}

ynl_notifications()
{
	local out pid i

	setup
	out=$(mktemp)
	defer rm -f "$out"
	ynl_subscribe 120 >"$out" 2>&1 &
	pid=$!
	defer kill $pid
	for i in $(seq 1 300); do
		grep -q '^subscribed' "$out" && break
		sleep 0.1
	done
	ip netns exec "$NS" mcfwctl route add 239.1.2.1 iif d0 oif d1 &&
		ip netns exec "$NS" mcfwctl route add 239.1.2.2 iif d0 oif d2 &&
		ip netns exec "$NS" mcfwctl route del 239.1.2.1 iif d0 &&
		ip netns exec "$NS" mcfwctl route flush
	check_err $? "mcfwctl failed"
	[ "$RET" -eq 0 ] || kill $pid
	wait $pid
	check_err $? "the subscriber failed: $(cat "$out")"
	[ "$(sed 1d "$out" | json -c '[.[] | [.name, .msg.group, .msg.event, .msg."route-count"]]')" = \
	  '[["route-new","239.1.2.1","add",null],["route-new","239.1.2.2","add",null],["route-del","239.1.2.1","del",null],["route-flush",null,null,1]]' ]
	check_err $? "announcements: $(cat "$out")"
	log_test "ynl: the config group's announcements, decoded from the spec"
}

require_root
if [ -z "$KSRC" ] || [ ! -f "$KSRC/tools/net/ynl/cli.py" ]; then
	echo "1..0 # SKIP no YNL CLI (linux-source-6.12; run make deps)"
	exit $KSFT_SKIP
fi
run_tests
