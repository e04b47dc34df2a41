#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The family's YNL spec, Documentation/netlink/specs/mcfw.yaml, against
# the contract it describes, on the host:
#  - it is valid under the kernel's genetlink-legacy schema;
#  - the kernel's ynl-gen-c.py renders from it a uapi header with exactly
#    the names of include/uapi/linux/mcfw.h, each of the same value
#    (both headers are compiled and every name printed).
# selftests/ynl.sh, in the VM, then drives the module from it with the
# kernel's YNL CLI. Tools come from Debian's linux-source-6.12.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
spec=$top/Documentation/netlink/specs/mcfw.yaml
ynl=$(selftests/lib/ksrc.sh 6.12)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$spec" "$ynl/Documentation/netlink/genetlink-legacy.yaml" <<'PY'
import sys, yaml, jsonschema
spec = yaml.safe_load(open(sys.argv[1]))
schema = yaml.safe_load(open(sys.argv[2]))
jsonschema.validate(spec, schema)
print("spec: valid under genetlink-legacy.yaml")
PY

# ynl-gen-c.py wants the spec inside a kernel tree.
mkdir -p "$ynl/Documentation/netlink/specs"
cp "$spec" "$ynl/Documentation/netlink/specs/mcfw.yaml"
mkdir -p "$tmp/gen/linux"
python3 "$ynl/tools/net/ynl/ynl-gen-c.py" --mode uapi --header \
	--spec "$ynl/Documentation/netlink/specs/mcfw.yaml" -o "$tmp/gen/linux/mcfw.h"

# Every enumerator and define of a header, but its include guard.
names() {
	sed -n -e 's/^#define \([A-Z_][A-Z0-9_]*\)[ \t].*/\1/p' \
		-e 's/^\t\([A-Z_][A-Z0-9_]*\)\([ \t]*=[^,]*\)\{0,1\},\{0,1\}$/\1/p' "$1" |
		grep -v '^_UAPI_LINUX_MCFW_H$' | sort -u
}
names include/uapi/linux/mcfw.h >"$tmp/ours"
names "$tmp/gen/linux/mcfw.h" >"$tmp/theirs"
if ! diff -u "$tmp/ours" "$tmp/theirs" >"$tmp/diff"; then
	echo "spec: names differ (- the uapi header, + rendered from the spec):" >&2
	cat "$tmp/diff" >&2
	exit 1
fi

# The value of each name, printed by a program built against each header.
{
	echo '#include <stdio.h>'
	echo '#include <linux/mcfw.h>'
	echo 'static void s(const char *n, const char *v) { printf("%s=\"%s\"\n", n, v); }'
	echo 'static void i(const char *n, long long v) { printf("%s=%lld\n", n, v); }'
	echo '#define P(x) _Generic((x), char *: s, default: i)(#x, x)'
	echo 'int main(void) {'
	sed 's/.*/\tP(&);/' "$tmp/ours"
	echo '	return 0;'
	echo '}'
} >"$tmp/values.c"
gcc -Wall -Werror -Iinclude/uapi -o "$tmp/ours.bin" "$tmp/values.c"
gcc -Wall -Werror -I"$tmp/gen" -o "$tmp/theirs.bin" "$tmp/values.c"
if ! diff -u <("$tmp/ours.bin") <("$tmp/theirs.bin") >"$tmp/diff"; then
	echo "spec: values differ (- the uapi header, + rendered from the spec):" >&2
	cat "$tmp/diff" >&2
	exit 1
fi
echo "spec: $(wc -l <"$tmp/ours") names of include/uapi/linux/mcfw.h, each the same in the spec"
