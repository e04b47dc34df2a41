/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mcfw - in-kernel IP multicast forwarder: the generic netlink contract
 * shared by the mcfw module and mcfwctl.
 *
 * Family "mcfw", version MCFW_GENL_VERSION. Every command and attribute
 * below is ABI: new ones are only ever appended before the __MAX entries.
 *
 * Commands that change state require CAP_NET_ADMIN in the initial user
 * namespace (GENL_ADMIN_PERM), or, if the module was loaded with
 * userns_admin=1, in the user namespace that owns the network namespace
 * (GENL_UNS_ADMIN_PERM); commands that only read are open to all. A
 * namespace holds at most route_max routes (module parameter): adding
 * more fails with -ENOSPC.
 *
 * A route is named by its group, its source (or any source) and the name
 * of its input interface. Interfaces are named, not numbered: a route
 * whose interface does not exist (deleted, moved away, renamed, or not
 * created yet) stays and waits for an interface of that name. While its
 * input is absent a route forwards nothing; an absent output is skipped.
 */
#ifndef _UAPI_LINUX_MCFW_H
#define _UAPI_LINUX_MCFW_H

#include <linux/types.h>

#define MCFW_GENL_NAME		"mcfw"
#define MCFW_GENL_VERSION	1

/* Multicast group announcing every change to routes. */
#define MCFW_GENL_MCGRP_CONFIG	"config"

/* Longest owner name, without its terminating NUL. */
#define MCFW_OWNER_MAX		15
/* The owner of routes that name none. */
#define MCFW_OWNER_DEFAULT	"static"
/* Most prefixes of an interface's boundary. */
#define MCFW_BOUNDARY_MAX	32
/* A relay's TTL when it names none; most relays of a namespace. */
#define MCFW_RELAY_TTL_DEFAULT	16
#define MCFW_RELAY_MAX		4096
/* Rate limits: packets per second, bits per second. */
#define MCFW_RATE_PKTS_MAX	10000000ULL
#define MCFW_RATE_BITS_MIN	8ULL
#define MCFW_RATE_BITS_MAX	10000000000ULL

/**
 * enum mcfw_cmd - generic netlink commands of the mcfw family
 * @MCFW_CMD_UNSPEC: unused
 * @MCFW_CMD_INFO_GET: do: reply with %MCFW_A_VERSION, %MCFW_A_ROUTE_COUNT,
 *	%MCFW_A_IFACE_COUNT, %MCFW_A_OIF_MAX, %MCFW_A_WAITING_COUNT,
 *	%MCFW_A_OIF_WAITING_COUNT, %MCFW_A_JOIN_COUNT, %MCFW_A_JOIN_MAX and,
 *	while a batch is staged, %MCFW_A_BATCH_PORTID. Takes no attributes.
 * @MCFW_CMD_ROUTE_FLUSH: do (admin): remove the routes of %MCFW_A_OWNER,
 *	or every route when it is absent. The reply carries
 *	%MCFW_A_ROUTE_COUNT, the number removed. Announced (when it removed
 *	any) with the same command and attributes.
 * @MCFW_CMD_ROUTE_NEW: do (admin): add the route %MCFW_A_GROUP,
 *	%MCFW_A_SOURCE (absent: any source), input %MCFW_A_IIF_NAME (or
 *	%MCFW_A_IIF, an ifindex) with outputs %MCFW_A_OIFS, %MCFW_A_OWNER
 *	(default "static"), %MCFW_A_NOJOIN and a rate limit,
 *	%MCFW_A_RATE_PKTS or %MCFW_A_RATE_BITS. Outside a batch every
 *	interface must exist. Fails with -EEXIST when the route exists,
 *	unless %MCFW_A_REPLACE is set: then its outputs, owner, flags and
 *	rate limit are replaced atomically (or it is created). Replies with
 *	the route (outside a batch); announced with the same command.
 * @MCFW_CMD_ROUTE_DEL: do (admin): delete the route %MCFW_A_GROUP,
 *	%MCFW_A_SOURCE (absent: the any-source route) on input
 *	%MCFW_A_IIF_NAME (or %MCFW_A_IIF), or on every input when neither is
 *	given. -ENOENT if none. Each deleted route is announced.
 * @MCFW_CMD_ROUTE_GET: do: the route %MCFW_A_GROUP, %MCFW_A_SOURCE,
 *	%MCFW_A_IIF_NAME (or %MCFW_A_IIF). dump: every route, in order of
 *	group, source (any source first) and input name, or those matching
 *	%MCFW_A_GROUP, %MCFW_A_SOURCE, %MCFW_A_IIF_NAME and %MCFW_A_OWNER
 *	when given. A dump resumes after the last route it sent, so a route
 *	present from its start to its end is sent exactly once; one that a
 *	change interrupted is flagged NLM_F_DUMP_INTR. A route message may
 *	hold several %MCFW_A_OIFS nests (each under 64 KiB): its outputs are
 *	all of theirs, in order.
 * @MCFW_CMD_IFACE_GET: dump: every interface named by a route or with a
 *	boundary, with %MCFW_A_IFNAME, %MCFW_A_IFINDEX (absent while it
 *	waits), %MCFW_A_WAITING, %MCFW_A_ALLMULTI, %MCFW_A_BOUNDARIES (if it
 *	has one) and %MCFW_A_STATS.
 * @MCFW_CMD_BATCH_BEGIN: do (admin): stage a batch on the sending
 *	socket: from now on its %MCFW_CMD_ROUTE_NEW, %MCFW_CMD_ROUTE_DEL,
 *	%MCFW_CMD_ROUTE_FLUSH and %MCFW_CMD_ROUTE_ZERO are checked against
 *	the table as the batch has changed it so far, but change nothing
 *	until %MCFW_CMD_BATCH_COMMIT. %MCFW_A_BATCH_FLAGS: see
 *	&enum mcfw_batch_flags; %MCFW_A_OWNER names the owner that
 *	%MCFW_BATCH_F_REPLACE_OWNER replaces (absent: every owner). One batch
 *	per namespace: -EBUSY while another socket has one. The batch is
 *	dropped when its socket closes.
 * @MCFW_CMD_BATCH_COMMIT: do (admin): apply the sender's batch as one
 *	transaction: a packet is forwarded by the table as it was before or
 *	as it is after, never by a mix; routes the batch did not change keep
 *	their counters and never stop forwarding; changed routes keep the
 *	counters of the route and of the outputs they keep. -EAGAIN, and
 *	nothing changes, when another command changed routes since the batch
 *	began. The reply carries %MCFW_A_ADDED, %MCFW_A_REPLACED,
 *	%MCFW_A_REMOVED and %MCFW_A_UNCHANGED. Each change is announced.
 * @MCFW_CMD_BATCH_ABORT: do (admin): drop the sender's batch.
 * @MCFW_CMD_ROUTE_ZERO: do (admin): zero the counters of the routes
 *	matching %MCFW_A_GROUP, %MCFW_A_SOURCE and %MCFW_A_IIF_NAME (each
 *	optional; none: every route) and of their outputs. Routes are not
 *	changed. The reply carries %MCFW_A_ROUTE_COUNT, the number zeroed.
 * @MCFW_CMD_IFACE_SET: do (admin): set the administrative scope boundary
 *	(RFC 2365) of the interface named %MCFW_A_IFNAME, which need not
 *	exist nor be used by a route: %MCFW_A_BOUNDARIES, a nest of at most
 *	%MCFW_BOUNDARY_MAX %MCFW_A_PREFIX (each a multicast prefix without
 *	host bits), replaces its list; without it (or empty) the interface
 *	has no boundary. Copies whose
 *	group is in one of the prefixes never leave through the interface,
 *	and packets of such groups arriving on it are not forwarded: both
 *	counted as %MCFW_STATS_A_BOUNDARY_DROP. The boundary belongs to the
 *	name: a device of that name created later has it.
 * @MCFW_CMD_RELAY_NEW: do (admin): add (with %MCFW_A_REPLACE: add or
 *	replace) the relay %MCFW_A_RELAY_ADDR, %MCFW_A_RELAY_PORT and
 *	%MCFW_A_IIF_NAME (optional: any input): UDP datagrams to that local
 *	address and port (from %MCFW_A_SOURCE only, if given; arriving on
 *	the interface, if given) are consumed and sent as multicast
 *	%MCFW_A_GROUP (to UDP port %MCFW_A_RELAY_GROUP_PORT, if given) out
 *	of %MCFW_A_OIFS, with TTL the smaller of %MCFW_A_RELAY_TTL (default
 *	%MCFW_RELAY_TTL_DEFAULT) and the arriving TTL minus one. The
 *	address must be local (-EADDRNOTAVAIL) unless %MCFW_A_RELAY_WAIT is
 *	given: then the relay waits for it. The reply is the relay.
 * @MCFW_CMD_RELAY_DEL: do (admin): delete the relay %MCFW_A_RELAY_ADDR,
 *	%MCFW_A_RELAY_PORT and %MCFW_A_IIF_NAME (absent: the one on any
 *	input).
 * @MCFW_CMD_RELAY_GET: dump: every relay, with %MCFW_A_STATS unless
 *	%MCFW_A_NO_STATS; %MCFW_A_WAITING when its address is not local.
 */
enum mcfw_cmd {
	MCFW_CMD_UNSPEC,
	MCFW_CMD_INFO_GET,
	MCFW_CMD_ROUTE_FLUSH,
	MCFW_CMD_ROUTE_NEW,
	MCFW_CMD_ROUTE_DEL,
	MCFW_CMD_ROUTE_GET,
	MCFW_CMD_IFACE_GET,
	MCFW_CMD_BATCH_BEGIN,
	MCFW_CMD_BATCH_COMMIT,
	MCFW_CMD_BATCH_ABORT,
	MCFW_CMD_ROUTE_ZERO,
	MCFW_CMD_IFACE_SET,
	MCFW_CMD_RELAY_NEW,
	MCFW_CMD_RELAY_DEL,
	MCFW_CMD_RELAY_GET,

	/* private: */
	__MCFW_CMD_MAX,
};

#define MCFW_CMD_MAX (__MCFW_CMD_MAX - 1)

/**
 * enum mcfw_batch_flags - flags of %MCFW_A_BATCH_FLAGS
 * @MCFW_BATCH_F_REPLACE_OWNER: the batch starts from a table without the
 *	routes of %MCFW_A_OWNER (of every owner if absent): what it adds is
 *	that owner's whole configuration (a restore)
 * @MCFW_BATCH_F_WAIT: routes may name interfaces that do not exist; they
 *	wait for them
 */
enum mcfw_batch_flags {
	MCFW_BATCH_F_REPLACE_OWNER	= 1 << 0,
	MCFW_BATCH_F_WAIT		= 1 << 1,
};

#define MCFW_BATCH_F_ALL	(MCFW_BATCH_F_REPLACE_OWNER | MCFW_BATCH_F_WAIT)

/**
 * enum mcfw_event - what a route announcement (%MCFW_A_EVENT) reports
 * @MCFW_EV_UNSPEC: unused
 * @MCFW_EV_ADD: the route was added
 * @MCFW_EV_REPLACE: its outputs, owner or flags were replaced
 * @MCFW_EV_DEL: it was deleted
 * @MCFW_EV_WAIT: one of its interfaces went away (it waits for it)
 * @MCFW_EV_RESUME: an interface it waited for appeared
 */
enum mcfw_event {
	MCFW_EV_UNSPEC,
	MCFW_EV_ADD,
	MCFW_EV_REPLACE,
	MCFW_EV_DEL,
	MCFW_EV_WAIT,
	MCFW_EV_RESUME,
};

/**
 * enum mcfw_attr - top-level attributes of the mcfw family
 * @MCFW_A_UNSPEC: unused
 * @MCFW_A_PAD: padding for 64-bit attributes
 * @MCFW_A_VERSION: string, the module's version
 * @MCFW_A_ROUTE_COUNT: u32, number of routes in the namespace (info); the
 *	number of routes flushed or zeroed (flush, zero)
 * @MCFW_A_IFACE_COUNT: u32, number of interfaces routes name or that
 *	have a boundary
 * @MCFW_A_OIF_MAX: u32, the most output interfaces one route may have
 *	(module parameter oif_max)
 * @MCFW_A_GROUP: be32, IPv4 multicast group, not in 224.0.0.0/24
 * @MCFW_A_SOURCE: be32, IPv4 unicast source; absent for any source (*,G)
 * @MCFW_A_IIF: u32, ifindex of the route's input interface (requests:
 *	resolved to its name; replies: absent while the input waits)
 * @MCFW_A_OIFS: nested, one %MCFW_A_OIF per output interface
 * @MCFW_A_OIF: nested &enum mcfw_oif_attr, an output interface
 * @MCFW_A_REPLACE: flag, %MCFW_CMD_ROUTE_NEW replaces an existing route
 * @MCFW_A_STATS: nested &enum mcfw_stats_attr, counters
 * @MCFW_A_IFINDEX: u32, an interface's ifindex
 * @MCFW_A_IFNAME: string, an interface's name
 * @MCFW_A_IIF_NAME: string, the name of the route's input interface
 * @MCFW_A_OWNER: string of 1 to %MCFW_OWNER_MAX letters, digits, '.',
 *	'_' or '-': who installed the route (default "static"; "all" is
 *	reserved)
 * @MCFW_A_NOJOIN: flag, the route does not join its group on its input
 * @MCFW_A_WAITING: flag, the route's (or interface's) input is absent
 * @MCFW_A_LASTUSE: u64, milliseconds since the route last forwarded or
 *	counted a packet; absent if it never did
 * @MCFW_A_EVENT: u8 &enum mcfw_event, in announcements of routes
 * @MCFW_A_BATCH_FLAGS: u32, &enum mcfw_batch_flags
 * @MCFW_A_BATCH_PORTID: u32, netlink port of the socket staging a batch
 * @MCFW_A_ADDED: u32, routes a commit added
 * @MCFW_A_REPLACED: u32, routes a commit replaced
 * @MCFW_A_REMOVED: u32, routes a commit removed
 * @MCFW_A_UNCHANGED: u32, routes of the batch a commit found unchanged
 * @MCFW_A_WAITING_COUNT: u32, routes whose input is absent
 * @MCFW_A_OIF_WAITING_COUNT: u32, outputs of routes that are absent
 * @MCFW_A_JOINED: flag, the route holds a membership of its group on its
 *	input (a source-specific one for an (S,G) route)
 * @MCFW_A_JOIN_COUNT: u32, memberships held by the namespace's routes
 * @MCFW_A_JOIN_MAX: u32, the most memberships a namespace's routes may
 *	hold (module parameter join_max)
 * @MCFW_A_ALLMULTI: flag, mcfw holds the interface in ALLMULTI
 * @MCFW_A_NO_STATS: flag, in a %MCFW_CMD_ROUTE_GET request: leave the
 *	counters (%MCFW_A_STATS, %MCFW_OIF_A_STATS) out of the replies
 * @MCFW_A_BATCH_COUNT: u32, in %MCFW_CMD_BATCH_COMMIT: how many commands
 *	the sender sent in the batch; the commit is refused unless that
 *	many were staged (a command the netlink core refused, by policy or
 *	permission, never reaches the batch to fail it)
 * @MCFW_A_RATE_PKTS: u64, the route forwards at most this many packets
 *	per second (1 to %MCFW_RATE_PKTS_MAX); the excess is counted as
 *	%MCFW_STATS_A_RATE_DROP. A burst of 10 ms at the rate (at least one
 *	packet) passes at once. A GRO packet counts as its segments. A
 *	packet's cost is whole nanoseconds, hence the maxima: at most 1 %
 *	off at the highest packet rate, 2 % for 64-byte packets at the
 *	highest bit rate. Not with %MCFW_A_RATE_BITS (-EINVAL).
 * @MCFW_A_RATE_BITS: u64, likewise in bits per second
 *	(%MCFW_RATE_BITS_MIN to %MCFW_RATE_BITS_MAX), of the IP packets as
 *	%MCFW_STATS_A_BYTES counts them, enforced in whole bytes per second
 * @MCFW_A_BOUNDARIES: nested, an interface's boundary: one %MCFW_A_PREFIX
 *	per prefix (%MCFW_CMD_IFACE_SET, %MCFW_CMD_IFACE_GET)
 * @MCFW_A_PREFIX: nested &enum mcfw_prefix_attr, a prefix of groups
 * @MCFW_A_RELAY_ADDR: be32, a relay's local unicast address
 * @MCFW_A_RELAY_PORT: be16, a relay's UDP port, 1 to 65535
 * @MCFW_A_RELAY_GROUP_PORT: be16, the UDP destination port of a relay's
 *	copies, 1 to 65535 (absent: the datagram's own)
 * @MCFW_A_RELAY_TTL: u8, a relay's TTL for its copies, 1 to 255
 * @MCFW_A_RELAY_WAIT: flag, add a relay whose address is not local yet
 * @MCFW_A_SNAT: flag, a route's or relay's multicast copies leave with
 *	their output interface's primary address as their source (unicast
 *	copies always have the address the routing table chooses)
 * @MCFW_A_GROUP6: binary, 16 bytes: an IPv6 multicast group of scope 3
 *	or more (RFC 4291 and 7346: groups of interface-local, link-local
 *	or reserved scope, 0 to 2, are never forwarded), in place of
 *	%MCFW_A_GROUP: the route (its key, outputs, match) is IPv6
 * @MCFW_A_SOURCE6: binary, 16 bytes: an IPv6 unicast source (not
 *	unspecified, loopback, link-local or multicast), with
 *	%MCFW_A_GROUP6 only; absent for any source
 * @MCFW_A_RELAY_ADDR6: binary, 16 bytes: an IPv6 relay's local unicast
 *	address, in place of %MCFW_A_RELAY_ADDR (its group is then
 *	%MCFW_A_GROUP6 and its filter %MCFW_A_SOURCE6)
 * @MCFW_A_BOUNDARY_SCOPE: u8, 1 to 15, in %MCFW_CMD_IFACE_SET and
 *	%MCFW_CMD_IFACE_GET: the interface is a zone boundary (RFC 4007) for
 *	IPv6 groups of this scope or less, whatever their flags (absent or
 *	0: none)
 */
enum mcfw_attr {
	MCFW_A_UNSPEC,
	MCFW_A_PAD,
	MCFW_A_VERSION,
	MCFW_A_ROUTE_COUNT,
	MCFW_A_IFACE_COUNT,
	MCFW_A_OIF_MAX,
	MCFW_A_GROUP,
	MCFW_A_SOURCE,
	MCFW_A_IIF,
	MCFW_A_OIFS,
	MCFW_A_OIF,
	MCFW_A_REPLACE,
	MCFW_A_STATS,
	MCFW_A_IFINDEX,
	MCFW_A_IFNAME,
	MCFW_A_IIF_NAME,
	MCFW_A_OWNER,
	MCFW_A_NOJOIN,
	MCFW_A_WAITING,
	MCFW_A_LASTUSE,
	MCFW_A_EVENT,
	MCFW_A_BATCH_FLAGS,
	MCFW_A_BATCH_PORTID,
	MCFW_A_ADDED,
	MCFW_A_REPLACED,
	MCFW_A_REMOVED,
	MCFW_A_UNCHANGED,
	MCFW_A_WAITING_COUNT,
	MCFW_A_OIF_WAITING_COUNT,
	MCFW_A_JOINED,
	MCFW_A_JOIN_COUNT,
	MCFW_A_JOIN_MAX,
	MCFW_A_ALLMULTI,
	MCFW_A_NO_STATS,
	MCFW_A_BATCH_COUNT,
	MCFW_A_RATE_PKTS,
	MCFW_A_RATE_BITS,
	MCFW_A_BOUNDARIES,
	MCFW_A_PREFIX,
	MCFW_A_RELAY_ADDR,
	MCFW_A_RELAY_PORT,
	MCFW_A_RELAY_GROUP_PORT,
	MCFW_A_RELAY_TTL,
	MCFW_A_RELAY_WAIT,
	MCFW_A_SNAT,
	MCFW_A_GROUP6,
	MCFW_A_SOURCE6,
	MCFW_A_RELAY_ADDR6,
	MCFW_A_BOUNDARY_SCOPE,

	/* private: */
	__MCFW_A_MAX,
};

#define MCFW_A_MAX (__MCFW_A_MAX - 1)

/**
 * enum mcfw_oif_attr - attributes of one output interface (%MCFW_A_OIF)
 * @MCFW_OIF_A_UNSPEC: unused
 * @MCFW_OIF_A_PAD: padding for 64-bit attributes
 * @MCFW_OIF_A_IFINDEX: u32, the output interface (requests: resolved to
 *	its name; replies: absent while it waits)
 * @MCFW_OIF_A_TTL: u8, TTL threshold: a packet is copied to this output
 *	only if its TTL is greater than the threshold (default 1, the
 *	least; 255 sends nothing)
 * @MCFW_OIF_A_STATS: nested &enum mcfw_stats_attr, this output's counters
 * @MCFW_OIF_A_IFNAME: string, the output interface's name
 * @MCFW_OIF_A_WAITING: flag, the output interface is absent
 * @MCFW_OIF_A_GROUP: be32, the group this output's copies carry instead
 *	of the route's: an IPv4 multicast address outside 224.0.0.0/24
 *	(absent: the route's group; the route's own group is the same as
 *	absent). The IP and UDP checksums are updated; a fragment that is
 *	not the first gets the new address only
 * @MCFW_OIF_A_PORT: be16, the UDP destination port this output's copies
 *	carry, 1 to 65535 (absent: the datagram's own). Only UDP datagrams,
 *	and only their first fragment, which holds the UDP header
 * @MCFW_OIF_A_UNICAST: be32, a unicast output: copies are sent to this
 *	unicast address, routed by the routing table of the route's input
 *	(its VRF), with the source address the routing table chooses and
 *	the TTL decremented; with %MCFW_OIF_A_PORT, to that UDP port. Such
 *	an output has no interface (%MCFW_OIF_A_IFNAME, %MCFW_OIF_A_IFINDEX)
 *	and no %MCFW_OIF_A_GROUP
 * @MCFW_OIF_A_GROUP6: binary, 16 bytes: %MCFW_OIF_A_GROUP of an IPv6
 *	route, an IPv6 multicast group of scope 3 or more
 * @MCFW_OIF_A_UNICAST6: binary, 16 bytes: %MCFW_OIF_A_UNICAST of an IPv6
 *	route, a routable unicast IPv6 address (not unspecified, loopback,
 *	link-local, IPv4-mapped or multicast); the hop limit decremented,
 *	the source the one chosen for it on the route's device
 */
enum mcfw_oif_attr {
	MCFW_OIF_A_UNSPEC,
	MCFW_OIF_A_PAD,
	MCFW_OIF_A_IFINDEX,
	MCFW_OIF_A_TTL,
	MCFW_OIF_A_STATS,
	MCFW_OIF_A_IFNAME,
	MCFW_OIF_A_WAITING,
	MCFW_OIF_A_GROUP,
	MCFW_OIF_A_PORT,
	MCFW_OIF_A_UNICAST,
	MCFW_OIF_A_GROUP6,
	MCFW_OIF_A_UNICAST6,

	/* private: */
	__MCFW_OIF_A_MAX,
};

#define MCFW_OIF_A_MAX (__MCFW_OIF_A_MAX - 1)

/**
 * enum mcfw_prefix_attr - a prefix of multicast groups (%MCFW_A_PREFIX)
 * @MCFW_PREFIX_A_UNSPEC: unused
 * @MCFW_PREFIX_A_ADDR: be32, its address, in 224.0.0.0/4, no host bits
 * @MCFW_PREFIX_A_LEN: u8, its length: 4 to 32 (IPv4), 8 to 128 (IPv6)
 * @MCFW_PREFIX_A_ADDR6: binary, 16 bytes: an IPv6 prefix's address, in
 *	ff00::/8, no host bits, in place of %MCFW_PREFIX_A_ADDR
 */
enum mcfw_prefix_attr {
	MCFW_PREFIX_A_UNSPEC,
	MCFW_PREFIX_A_ADDR,
	MCFW_PREFIX_A_LEN,
	MCFW_PREFIX_A_ADDR6,

	/* private: */
	__MCFW_PREFIX_A_MAX,
};

#define MCFW_PREFIX_A_MAX (__MCFW_PREFIX_A_MAX - 1)

/**
 * enum mcfw_stats_attr - counters, each a u64 (%MCFW_A_STATS)
 *
 * A route reports @PACKETS/@BYTES it accepted, @RPF_FAIL, @TTL_DROP,
 * @MARTIAN_DROP, @RATE_DROP and the options drops (@RA_DROP ...
 * @BADOPT_DROP).
 * An output reports the copies it sent as @PACKETS/@BYTES and copies it
 * did not send as @DROPS, split by reason (@SCOPE_DROP ... @XMIT_DROP).
 * An interface reports packets in (@PACKETS/@BYTES), copies out
 * (@OUT_PACKETS/@OUT_BYTES) and every drop reason.
 *
 * @MCFW_STATS_A_UNSPEC: unused
 * @MCFW_STATS_A_PAD: padding
 * @MCFW_STATS_A_PACKETS: packets (routes, interfaces: in; outputs: out)
 * @MCFW_STATS_A_BYTES: bytes, likewise
 * @MCFW_STATS_A_RPF_FAIL: packets of a route's group and source that
 *	arrived on an interface no route of theirs has as input
 * @MCFW_STATS_A_TTL_DROP: packets not forwarded: TTL 1 or less
 * @MCFW_STATS_A_SCOPE_DROP: copies not sent: TTL not above the output's
 *	threshold
 * @MCFW_STATS_A_MTU_DROP: copies not sent: larger than the output's MTU
 *	with DF set
 * @MCFW_STATS_A_DOWN_DROP: copies not sent: output absent, down or
 *	without carrier
 * @MCFW_STATS_A_XMIT_DROP: copies not sent: no memory, or the device
 *	refused them
 * @MCFW_STATS_A_DROPS: the sum of the copies not sent (@SCOPE_DROP to
 *	@XMIT_DROP and @FILTER_DROP): of an output, or out of an interface
 * @MCFW_STATS_A_OUT_PACKETS: copies sent out of an interface
 * @MCFW_STATS_A_OUT_BYTES: bytes of those copies
 * @MCFW_STATS_A_MARTIAN_DROP: packets not forwarded: their source is one
 *	no router forwards from (0.0.0.0/8, 127.0.0.0/8, multicast,
 *	255.255.255.255); not counted in @PACKETS
 * @MCFW_STATS_A_RATE_DROP: packets not forwarded: over the route's rate
 *	limit (%MCFW_A_RATE_PKTS, %MCFW_A_RATE_BITS); counted in @PACKETS
 * @MCFW_STATS_A_RA_DROP: packets not forwarded: a Router Alert option
 *	(they are for the local stack); not counted in @PACKETS, nor are
 *	the three below
 * @MCFW_STATS_A_SRR_DROP: packets not forwarded: source routed (LSRR or
 *	SSRR) and the input's accept_source_route does not allow it
 * @MCFW_STATS_A_RECORD_DROP: packets not forwarded: a Record Route or
 *	Timestamp option, which mcfw does not fill in for each copy
 * @MCFW_STATS_A_BADOPT_DROP: packets not forwarded: malformed options
 * @MCFW_STATS_A_BOUNDARY_DROP: packets not forwarded: their group is
 *	inside a boundary of their input (not counted in @PACKETS); of an
 *	interface, also copies not sent out of it for its boundary (an
 *	output counts those in @DROPS)
 * @MCFW_STATS_A_FILTER_DROP: copies not sent: a FORWARD or POST_ROUTING
 *	netfilter hook (the router's firewall) dropped them; in @DROPS
 */
enum mcfw_stats_attr {
	MCFW_STATS_A_UNSPEC,
	MCFW_STATS_A_PAD,
	MCFW_STATS_A_PACKETS,
	MCFW_STATS_A_BYTES,
	MCFW_STATS_A_RPF_FAIL,
	MCFW_STATS_A_TTL_DROP,
	MCFW_STATS_A_SCOPE_DROP,
	MCFW_STATS_A_MTU_DROP,
	MCFW_STATS_A_DOWN_DROP,
	MCFW_STATS_A_XMIT_DROP,
	MCFW_STATS_A_DROPS,
	MCFW_STATS_A_OUT_PACKETS,
	MCFW_STATS_A_OUT_BYTES,
	MCFW_STATS_A_MARTIAN_DROP,
	MCFW_STATS_A_RATE_DROP,
	MCFW_STATS_A_RA_DROP,
	MCFW_STATS_A_SRR_DROP,
	MCFW_STATS_A_RECORD_DROP,
	MCFW_STATS_A_BADOPT_DROP,
	MCFW_STATS_A_BOUNDARY_DROP,
	MCFW_STATS_A_FILTER_DROP,

	/* private: */
	__MCFW_STATS_A_MAX,
};

#define MCFW_STATS_A_MAX (__MCFW_STATS_A_MAX - 1)

#endif /* _UAPI_LINUX_MCFW_H */
