/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mcfw - in-kernel IP multicast forwarder: the generic netlink contract
 * shared by the mcfw module and mcfwctl.
 *
 * Family "mcfw", version MCFW_GENL_VERSION. Every command and attribute
 * below is ABI: new ones are only ever appended before the __MAX entries.
 *
 * Commands that change state require CAP_NET_ADMIN in the initial user
 * namespace (GENL_ADMIN_PERM); commands that only read are open to all.
 */
#ifndef _UAPI_LINUX_MCFW_H
#define _UAPI_LINUX_MCFW_H

#include <linux/types.h>

#define MCFW_GENL_NAME		"mcfw"
#define MCFW_GENL_VERSION	1

/* Multicast group announcing every change to routes. */
#define MCFW_GENL_MCGRP_CONFIG	"config"

/**
 * enum mcfw_cmd - generic netlink commands of the mcfw family
 * @MCFW_CMD_UNSPEC: unused
 * @MCFW_CMD_INFO_GET: do: reply with %MCFW_A_VERSION, %MCFW_A_ROUTE_COUNT,
 *	%MCFW_A_IFACE_COUNT and %MCFW_A_OIF_MAX for the caller's namespace.
 *	Takes no attributes.
 * @MCFW_CMD_ROUTE_FLUSH: do (admin): remove every route of the caller's
 *	namespace. Takes no attributes; the reply carries
 *	%MCFW_A_ROUTE_COUNT, the number of routes removed. Announced (when
 *	it removed any) with the same command and attribute.
 * @MCFW_CMD_ROUTE_NEW: do (admin): add the route given by %MCFW_A_GROUP,
 *	%MCFW_A_SOURCE (absent: any source), %MCFW_A_IIF and %MCFW_A_OIFS.
 *	Fails with -EEXIST when it exists, unless %MCFW_A_REPLACE is set:
 *	then its outputs are replaced atomically (or it is created).
 *	Replies with the route; announced with the same command.
 * @MCFW_CMD_ROUTE_DEL: do (admin): delete the route %MCFW_A_GROUP,
 *	%MCFW_A_SOURCE (absent: the any-source route) on %MCFW_A_IIF, or on
 *	every input interface when %MCFW_A_IIF is absent. -ENOENT if none.
 *	Each deleted route is announced with this command.
 * @MCFW_CMD_ROUTE_GET: do: the route %MCFW_A_GROUP, %MCFW_A_SOURCE,
 *	%MCFW_A_IIF. dump: every route, or those matching %MCFW_A_GROUP,
 *	%MCFW_A_SOURCE and %MCFW_A_IIF when given. A dump interrupted by a
 *	change is flagged NLM_F_DUMP_INTR. Each dump message holds one
 *	route whole: a reader needs a receive buffer as large as the
 *	largest route (about 60 bytes an output; 64 KiB always suffices).
 * @MCFW_CMD_IFACE_GET: dump: every interface in use by a route, with
 *	%MCFW_A_IFINDEX, %MCFW_A_IFNAME and %MCFW_A_STATS.
 */
enum mcfw_cmd {
	MCFW_CMD_UNSPEC,
	MCFW_CMD_INFO_GET,
	MCFW_CMD_ROUTE_FLUSH,
	MCFW_CMD_ROUTE_NEW,
	MCFW_CMD_ROUTE_DEL,
	MCFW_CMD_ROUTE_GET,
	MCFW_CMD_IFACE_GET,

	/* private: */
	__MCFW_CMD_MAX,
};

#define MCFW_CMD_MAX (__MCFW_CMD_MAX - 1)

/**
 * enum mcfw_attr - top-level attributes of the mcfw family
 * @MCFW_A_UNSPEC: unused
 * @MCFW_A_PAD: padding for 64-bit attributes
 * @MCFW_A_VERSION: string, the module's version
 * @MCFW_A_ROUTE_COUNT: u32, number of routes in the namespace
 * @MCFW_A_IFACE_COUNT: u32, number of interfaces mcfw tracks in the
 *	namespace (inputs and outputs of routes)
 * @MCFW_A_OIF_MAX: u32, the most output interfaces one route may have
 *	(module parameter oif_max)
 * @MCFW_A_GROUP: be32, IPv4 multicast group, not in 224.0.0.0/24
 * @MCFW_A_SOURCE: be32, IPv4 unicast source; absent for any source (*,G)
 * @MCFW_A_IIF: u32, ifindex of the route's input interface
 * @MCFW_A_OIFS: nested, one %MCFW_A_OIF per output interface; a route
 *	whose outputs all went away reports an empty nest
 * @MCFW_A_OIF: nested &enum mcfw_oif_attr, an output interface
 * @MCFW_A_REPLACE: flag, %MCFW_CMD_ROUTE_NEW replaces an existing route
 * @MCFW_A_STATS: nested &enum mcfw_stats_attr, counters
 * @MCFW_A_IFINDEX: u32, an interface's ifindex
 * @MCFW_A_IFNAME: string, an interface's name
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

	/* private: */
	__MCFW_A_MAX,
};

#define MCFW_A_MAX (__MCFW_A_MAX - 1)

/**
 * enum mcfw_oif_attr - attributes of one output interface (%MCFW_A_OIF)
 * @MCFW_OIF_A_UNSPEC: unused
 * @MCFW_OIF_A_PAD: padding for 64-bit attributes
 * @MCFW_OIF_A_IFINDEX: u32, the output interface
 * @MCFW_OIF_A_TTL: u8, TTL threshold: a packet is copied to this output
 *	only if its TTL is greater than the threshold (default 1, the
 *	least; 255 sends nothing)
 * @MCFW_OIF_A_STATS: nested &enum mcfw_stats_attr, this output's counters
 */
enum mcfw_oif_attr {
	MCFW_OIF_A_UNSPEC,
	MCFW_OIF_A_PAD,
	MCFW_OIF_A_IFINDEX,
	MCFW_OIF_A_TTL,
	MCFW_OIF_A_STATS,

	/* private: */
	__MCFW_OIF_A_MAX,
};

#define MCFW_OIF_A_MAX (__MCFW_OIF_A_MAX - 1)

/**
 * enum mcfw_stats_attr - counters, each a u64 (%MCFW_A_STATS)
 *
 * A route reports @PACKETS/@BYTES it accepted, @RPF_FAIL and @TTL_DROP.
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
 * @MCFW_STATS_A_DOWN_DROP: copies not sent: output down or without carrier
 * @MCFW_STATS_A_XMIT_DROP: copies not sent: no memory, or the device
 *	refused them
 * @MCFW_STATS_A_DROPS: the sum of the drops above (outputs: copies not
 *	sent; interfaces: every drop reason)
 * @MCFW_STATS_A_OUT_PACKETS: copies sent out of an interface
 * @MCFW_STATS_A_OUT_BYTES: bytes of those copies
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

	/* private: */
	__MCFW_STATS_A_MAX,
};

#define MCFW_STATS_A_MAX (__MCFW_STATS_A_MAX - 1)

#endif /* _UAPI_LINUX_MCFW_H */
