#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# completion_test.sh - the bash completion of mcfwctl (mcfwctl.bash-completion)
# against the tool's grammar: COMP_WORDS, COMP_CWORD, COMP_LINE and
# COMP_POINT set as bash sets them for a command line, then what _mcfwctl
# offers. Plain bash, without the bash-completion package; `ip` is a
# function here, so that no network namespace is needed. One line per
# failure; the exit status is 1 if any.

set -u

here=$(cd "$(dirname "$0")" && pwd)
# The default of bash 5: how it cuts COMP_WORDS.
COMP_WORDBREAKS=$' \t\n"\'@><=;|&(:'
# shellcheck source-path=SCRIPTDIR source=mcfwctl.bash-completion
. "$here/mcfwctl.bash-completion"

checks=0
failed=0

fail()
{
	echo "FAIL: $*"
	((failed++))
}

# Namespaces blue and red; blue has lo, veth-b (with a peer) and gre-b,
# names the host does not have.
ip()
{
	case "$*" in
	"netns list")
		printf 'blue (id: 0)\nred\n'
		;;
	"-n blue -o link show")
		printf '%s\n' \
			'1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00' \
			'2: veth-b@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff link-netns red' \
			'3: gre-b@NONE: <POINTOPOINT,NOARP> mtu 1476 qdisc noop state DOWN mode DEFAULT group default qlen 1000\    link/gre 0.0.0.0 brd 0.0.0.0'
		;;
	"-n red -o link show")
		printf '%s\n' '1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00'
		;;
	*)
		echo "ip: unexpected call: ip $*" >&2
		return 1
		;;
	esac
}

# Run the completion for the line $1, the cursor at its '|' (removed) or
# at its end, with the words cut as bash cuts them: at blanks, and around
# each run of COMP_WORDBREAKS characters, a word of its own ("--netns",
# "=", "blue"). The candidates go into got, sorted.
complete_line()
{
	local line=$1 point i k start c
	local -a w=() s=() e=()
	if [[ $line == *"|"* ]]; then
		point=${line%%"|"*}
		point=${#point}
		line=${line/"|"/}
	else
		point=${#line}
	fi
	i=0
	while ((i < ${#line})); do
		c=${line:i:1}
		if [[ $c == [[:space:]] ]]; then
			((i++))
			continue
		fi
		start=$i
		if [[ $COMP_WORDBREAKS == *"$c"* ]]; then
			while ((i < ${#line})); do
				c=${line:i:1}
				[[ $c != [[:space:]] && $COMP_WORDBREAKS == *"$c"* ]] ||
					break
				((i++))
			done
		else
			while ((i < ${#line})); do
				[[ $COMP_WORDBREAKS != *"${line:i:1}"* ]] || break
				((i++))
			done
		fi
		w+=("${line:start:i-start}")
		s+=("$start")
		e+=("$i")
	done
	# The word the cursor is in or right after; else a new, empty one.
	COMP_CWORD=-1
	for k in "${!w[@]}"; do
		((s[k] <= point && point <= e[k])) && COMP_CWORD=$k
	done
	if ((COMP_CWORD < 0)); then
		COMP_CWORD=0
		for k in "${!w[@]}"; do
			((e[k] < point)) && COMP_CWORD=$((k + 1))
		done
		w=("${w[@]:0:COMP_CWORD}" "" "${w[@]:COMP_CWORD}")
	fi
	COMP_WORDS=("${w[@]}")
	COMP_LINE=$line
	COMP_POINT=$point
	COMPREPLY=()
	_mcfwctl mcfwctl "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]:-}"
	got=()
	((${#COMPREPLY[@]})) &&
		mapfile -t got < <(printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort)
}

show()
{
	local IFS=' '
	echo "[$*]"
}

# is LINE WORD...: the candidates are exactly WORD... (in any order).
is()
{
	local line=$1
	local -a want
	shift
	((checks++))
	complete_line "$line"
	want=()
	(($#)) && mapfile -t want < <(printf '%s\n' "$@" | LC_ALL=C sort)
	[[ "${got[*]}" == "${want[*]}" ]] ||
		fail "'$line': expected $(show "${want[@]}"), got $(show "${got[@]}")"
}

# none LINE: nothing is offered.
none()
{
	is "$1"
}

# has LINE WORD...: WORD... are among the candidates.
has()
{
	local line=$1 x
	shift
	((checks++))
	complete_line "$line"
	for x; do
		[[ " ${got[*]} " == *" $x "* ]] ||
			fail "'$line': '$x' missing from $(show "${got[@]}")"
	done
}

# lacks LINE WORD...: none of WORD... is a candidate.
lacks()
{
	local line=$1 x
	shift
	((checks++))
	complete_line "$line"
	for x; do
		[[ " ${got[*]} " != *" $x "* ]] ||
			fail "'$line': '$x' offered: $(show "${got[@]}")"
	done
}

# How it is loaded: bash-completion's loader sources the file named
# mcfwctl and wants this; nothing of that package may be needed.
((checks++))
[[ $(complete -p mcfwctl 2>&1) == "complete -F _mcfwctl mcfwctl" ]] ||
	fail "complete -p mcfwctl: $(complete -p mcfwctl 2>&1)"
((checks++))
! declare -F _init_completion _get_comp_words_by_ref >/dev/null ||
	fail "the test runs with bash-completion's helpers loaded"

objects=(route info iface monitor version save restore relay help)
options=(-j -p -s -n -b -o -t -h -V -json -pretty -stats -statistics
	 -netns -batch -owner -timestamp -help -version)

# Objects, and the options before them.
is 'mcfwctl ' "${objects[@]}"
is 'mcfwctl r' route restore relay
is 'mcfwctl i' info iface
is 'mcfwctl s' save
is 'mcfwctl -j -s ' "${objects[@]}"
is 'mcfwctl -sj ' "${objects[@]}"
is 'mcfwctl -o all ' "${objects[@]}"
is 'mcfwctl -' "${options[@]}"
is 'mcfwctl -st' -statistics -stats
is 'mcfwctl --' --json --pretty --stats --statistics --netns --batch \
	--owner --timestamp --help --version
is 'mcfwctl --ne' --netns
is 'mcfwctl -j -' "${options[@]}"
none 'mcfwctl -- -'
is 'mcfwctl -- ' "${objects[@]}"
none 'mcfwctl -V '
none 'mcfwctl -h '
none 'mcfwctl -sV '
none 'mcfwctl --version '
is 'mcfwctl -o ' all static
is 'mcfwctl --owner=s' static
none 'mcfwctl bogus '

# Commands.
is 'mcfwctl route ' add replace del delete show list ls flush zero help
is 'mcfwctl route d' del delete
is 'mcfwctl iface ' show list ls set help
is 'mcfwctl relay ' add replace del delete show list ls help
is 'mcfwctl help ' "${objects[@]}"
is 'mcfwctl help r' route restore relay
none 'mcfwctl help route '
is 'mcfwctl info ' help
is 'mcfwctl version ' help
is 'mcfwctl monitor ' help
is 'mcfwctl save ' help
none 'mcfwctl save help '
is 'mcfwctl iface show ' help
is 'mcfwctl relay ls ' help
none 'mcfwctl iface show help '
# Objects and commands are found by a prefix, save and restore whole.
is 'mcfwctl rou sh ' source iif owner
is 'mcfwctl r a 239.1.1.1 ' source iif oif owner nojoin rate snat
none 'mcfwctl sav '
is 'mcfwctl ifa se lo ' boundary
is 'mcfwctl i ' help	# info, the first object i begins

# route add and replace: GROUP first, then every keyword once.
route_add=(source iif oif owner nojoin rate snat)
none 'mcfwctl route add '
none 'mcfwctl route add 239'
is 'mcfwctl route add 239.1.1.1 ' "${route_add[@]}"
is 'mcfwctl route replace 239.1.1.1 ' "${route_add[@]}"
is 'mcfwctl route add ff3e::8000:1 ' "${route_add[@]}"
is 'mcfwctl route add 239.1.1.1 s' source snat
is 'mcfwctl route add 239.1.1.1 n' nojoin
is 'mcfwctl route add 239.1.1.1 nojoin snat ' source iif oif owner rate
is 'mcfwctl route add ff3e::1 source 2001:db8::2 ' iif oif owner nojoin rate snat
none 'mcfwctl route add 239.1.1.1 source '
none 'mcfwctl route add 239.1.1.1 239.1.1.2 '
is 'mcfwctl route add 239.1.1.1 owner ' static
is 'mcfwctl route add 239.1.1.1 rate 10' 10pps 10kpps 10mpps 10bit 10kbit \
	10mbit 10gbit
is 'mcfwctl route add 239.1.1.1 rate 1.5m' 1.5mpps 1.5mbit
none 'mcfwctl route add 239.1.1.1 rate '
is 'mcfwctl route add 239.1.1.1 rate 10kpps ' source iif oif owner nojoin snat
# Interfaces, the host's: lo is on every Linux host.
has 'mcfwctl route add 239.1.1.1 iif ' lo
lacks 'mcfwctl route add 239.1.1.1 iif ' veth-b gre-b "${route_add[@]}"
is 'mcfwctl route add 239.1.1.1 iif l' lo
is 'mcfwctl route add 239.1.1.1 iif lo ' source oif owner nojoin rate snat
# oif: outputs up to the next keyword; at least one first.
has 'mcfwctl route add 239.1.1.1 iif lo oif ' lo unicast
lacks 'mcfwctl route add 239.1.1.1 iif lo oif ' "${route_add[@]}"
has 'mcfwctl route add 239.1.1.1 iif lo oif lo ' lo unicast source owner \
	nojoin rate snat
lacks 'mcfwctl route add 239.1.1.1 iif lo oif lo ' iif oif
is 'mcfwctl route add 239.1.1.1 iif lo oif lo:16 s' source snat
is 'mcfwctl route add 239.1.1.1 iif lo oif lo@239.2.2.2:5000 n' nojoin
is 'mcfwctl route add ff3e::1 iif lo oif lo@[ff3e::2]:5000 o' owner
none 'mcfwctl route add 239.1.1.1 iif lo oif lo:'
none 'mcfwctl route add 239.1.1.1 iif lo oif unicast '
has 'mcfwctl route add 239.1.1.1 iif lo oif unicast 10.0.0.1:5000 ' unicast \
	lo source
is 'mcfwctl route add 239.1.1.1 iif lo oif lo u' unicast
is 'mcfwctl route add 239.1.1.1 oif lo iif lo ' source owner nojoin rate snat
none 'mcfwctl route add 239.1.1.1 iif lo bogus '
# The other route commands.
none 'mcfwctl route del '
is 'mcfwctl route del 239.1.1.1 ' source iif
is 'mcfwctl route delete 239.1.1.1 source 10.0.0.1 ' iif
has 'mcfwctl route del 239.1.1.1 iif ' lo
is 'mcfwctl route show ' source iif owner
is 'mcfwctl route ls 239.1.1.1 ' source iif owner
none 'mcfwctl route show 239.1.1.1 239.1.1.2 '
is 'mcfwctl route show owner ' all static
has 'mcfwctl route list iif ' lo
is 'mcfwctl route flush ' owner
is 'mcfwctl route flush owner ' all static
none 'mcfwctl route flush owner all '
none 'mcfwctl route flush 239.1.1.1 '
is 'mcfwctl route zero ' source iif
is 'mcfwctl route zero 239.1.1.1 239.1.1.2 ff3e::1 ' source iif
none 'mcfwctl route help '

# iface set DEV boundary { PREFIX... [scope SCOPE] | none }
has 'mcfwctl iface set ' lo
lacks 'mcfwctl iface set ' veth-b
is 'mcfwctl iface set lo ' boundary
is 'mcfwctl iface set lo boundary ' none scope
none 'mcfwctl iface set lo boundary none '
is 'mcfwctl iface set lo boundary 239.0.0.0/8 ' scope
is 'mcfwctl iface set lo boundary 239.0.0.0/8 ff05::/16 ' scope
none 'mcfwctl iface set lo boundary scope '
none 'mcfwctl iface set lo boundary scope 5 '
none 'mcfwctl iface set lo boundary 239.0.0.0/8 scope 5 '
none 'mcfwctl iface set lo bogus '

# relay: KEY first; "port" only for a KEY without one.
relay_add=(from iif group oif ttl snat)
none 'mcfwctl relay add '
is 'mcfwctl relay add 10.0.0.1:5000 ' "${relay_add[@]}"
is 'mcfwctl relay replace [2001:db8::1]:5000 ' "${relay_add[@]}"
is 'mcfwctl relay add 10.0.0.1 ' "${relay_add[@]}" port
is 'mcfwctl relay add 2001:db8::1 ' "${relay_add[@]}" port
is 'mcfwctl relay add [2001:db8::1] ' "${relay_add[@]}" port
is 'mcfwctl relay add 10.0.0.1 port 5000 ' "${relay_add[@]}"
has 'mcfwctl relay add 10.0.0.1:5000 iif ' lo
none 'mcfwctl relay add 10.0.0.1:5000 group '
none 'mcfwctl relay add 10.0.0.1:5000 ttl '
has 'mcfwctl relay add 10.0.0.1:5000 group 239.1.1.1 oif ' lo unicast
lacks 'mcfwctl relay add 10.0.0.1:5000 group 239.1.1.1 oif ' from ttl
has 'mcfwctl relay add 10.0.0.1:5000 group 239.1.1.1 oif lo ' lo unicast \
	from iif ttl snat
lacks 'mcfwctl relay add 10.0.0.1:5000 group 239.1.1.1 oif lo ' group oif port
none 'mcfwctl relay add 10.0.0.1:5000 group 239.1.1.1 oif unicast '
is 'mcfwctl relay del 10.0.0.1:5000 ' iif
is 'mcfwctl relay delete 10.0.0.1 ' iif port
none 'mcfwctl relay del 10.0.0.1:5000 group '
# Abbreviated as the tool takes them: "a" is add, "rep" replace, "d" del.
is 'mcfwctl relay a 10.0.0.1:5000 ' "${relay_add[@]}"
is 'mcfwctl relay rep 10.0.0.1:5000 ' "${relay_add[@]}"
is 'mcfwctl relay d 10.0.0.1:5000 ' iif

# Namespaces after -n (ip netns list), and then their interfaces.
is 'mcfwctl -n ' blue red
is 'mcfwctl -n b' blue
is 'mcfwctl -netns r' red
is 'mcfwctl --netns=' blue red
is 'mcfwctl --netns=b' blue
is 'mcfwctl -nb' -nblue
is 'mcfwctl -sn ' blue red
is 'mcfwctl -n blue ' "${objects[@]}"
is 'mcfwctl -n blue route add 239.1.1.1 iif ' gre-b lo veth-b
is 'mcfwctl -j -n blue -s route add 239.1.1.1 iif lo oif ' gre-b lo veth-b \
	unicast
is 'mcfwctl --netns=blue route add 239.1.1.1 iif ' gre-b lo veth-b
is 'mcfwctl --netns blue route add 239.1.1.1 iif ' gre-b lo veth-b
is 'mcfwctl -nblue route add 239.1.1.1 iif ' gre-b lo veth-b
is 'mcfwctl -sn blue route add 239.1.1.1 iif ' gre-b lo veth-b
is 'mcfwctl -n blue iface set ' gre-b lo veth-b
is 'mcfwctl -n blue relay add 10.0.0.1:5000 iif v' veth-b
is 'mcfwctl -n red route del 239.1.1.1 iif ' lo
is 'mcfwctl -n blue -n red route del 239.1.1.1 iif ' lo

# Files after -b and restore.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/sub"
touch "$tmp/batch-a.conf" "$tmp/batch-b.conf" "$tmp/sub/routes.conf"
cd "$tmp" || exit 1
is 'mcfwctl -b ' batch-a.conf batch-b.conf sub
is 'mcfwctl -b batch-' batch-a.conf batch-b.conf
is 'mcfwctl -b batch-a' batch-a.conf
is 'mcfwctl -b sub/' sub/routes.conf
is 'mcfwctl -batch s' sub
is 'mcfwctl -s -b batch-b' batch-b.conf
is 'mcfwctl -sb batch-b' batch-b.conf
is 'mcfwctl --batch=batch-b' batch-b.conf
is 'mcfwctl -bbatch-b' -bbatch-b.conf
none 'mcfwctl -b batch-a.conf '
none 'mcfwctl -b - '
is 'mcfwctl restore ' batch-a.conf batch-b.conf sub
is 'mcfwctl -o all restore batch' batch-a.conf batch-b.conf
none 'mcfwctl restore batch-a.conf '
is 'mcfwctl -n ./s' ./sub

# The cursor inside the line: the word up to it.
is 'mcfwctl route a| 239.1.1.1' add
is 'mcfwctl route add 239.1.1.1 i| oif lo' iif
is 'mcfwctl -n b|lue route' blue

# Nothing leaks out of the function.
((checks++))
[[ -z ${words+x}${cword+x}${cur+x}${netns+x} ]] ||
	fail "_mcfwctl leaves variables behind"

echo "completion_test: $checks checks, $failed failed"
((failed == 0))
