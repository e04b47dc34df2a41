// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw - in-kernel IP multicast forwarder: the "mcfw" generic netlink family.
 *
 * This file has the family, what its objects share (policies, parsers,
 * counters, the route message, announcements) and the info command; each
 * object's commands are in netlink_<object>.c.
 *
 * Every operation has its own policy (or none, which makes the core reject
 * any attribute), validation is strict, and resv_start_op is 0 so the core
 * also checks the reserved header fields and netlink flags. Every
 * rejection says why in the extended ack.
 *
 * Who may change state: by default CAP_NET_ADMIN in the initial user
 * namespace (GENL_ADMIN_PERM), not merely in a user namespace the caller
 * created: Debian lets every user create one, and the module's
 * configuration code should not be every local user's to reach. Loaded
 * with userns_admin=1, root of a user namespace may manage the routes
 * of the network namespaces it owns (GENL_UNS_ADMIN_PERM), for
 * containers that route multicast: the routes, outputs, counters and
 * batches it adds are charged to its memory cgroup (GFP_KERNEL_ACCOUNT;
 * not the tables' hash buckets, nor a commit's transient arrays), they
 * are bounded by route_max, oif_max and join_max, and its packets are
 * those of its own namespace. It can still make the netdevice notifier,
 * which runs under RTNL, walk its routes and wait for its commits; one
 * device event announces at most MCFW_NTF_RTNL_MAX routes. Reading is
 * open to everyone; a dump does work linear in the table, with resched
 * points.
 *
 * Operations run in parallel (parallel_ops): mcfw_net.lock serialises
 * what needs it, dumps included. Reply buffers are allocated before the
 * lock is taken where their size is known, and sent after it is released.
 * Every change is announced on the "config" multicast group, under the
 * lock, so listeners see the changes to a route in the order they
 * happened; a listener that lost announcements is told so (ENOBUFS).
 */

#include <linux/ctype.h>
#include <linux/inetdevice.h>
#include <linux/jiffies.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "mcfw.h"
#include "netlink.h"
#include "version.h"

static const struct genl_multicast_group mcfw_mcgrps[] = {
	[MCFW_MCGRP_CONFIG_IDX] = { .name = MCFW_GENL_MCGRP_CONFIG },
};

/*
 * An ifindex is a positive int: the policy refuses 0 and values above
 * INT_MAX (which the device lookups would take as negative) with the
 * core's extack message. NLA_POLICY_RANGE's s16 bounds cannot say that.
 * Not const: 6.1's policy points to it without the qualifier.
 */
static struct netlink_range_validation mcfw_ifindex_range __ro_after_init = {
	.min = 1,
	.max = INT_MAX,
};

#define MCFW_POLICY_IFINDEX NLA_POLICY_FULL_RANGE(NLA_U32, &mcfw_ifindex_range)

const struct nla_policy mcfw_oif_policy[MCFW_OIF_A_MAX + 1] = {
	[MCFW_OIF_A_IFINDEX]	= MCFW_POLICY_IFINDEX,
	[MCFW_OIF_A_TTL]	= NLA_POLICY_MIN(NLA_U8, 1),
	[MCFW_OIF_A_IFNAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	/* Values are checked by mcfw_parse_oif_rewrite(), with messages. */
	[MCFW_OIF_A_GROUP]	= { .type = NLA_BE32 },
	[MCFW_OIF_A_PORT]	= { .type = NLA_BE16 },
	[MCFW_OIF_A_UNICAST]	= { .type = NLA_BE32 },
	[MCFW_OIF_A_GROUP6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[MCFW_OIF_A_UNICAST6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
};

static const struct nla_policy mcfw_oifs_policy[MCFW_A_MAX + 1] = {
	[MCFW_A_OIF]		= NLA_POLICY_NESTED(mcfw_oif_policy),
};

const struct nla_policy mcfw_route_new_policy[MCFW_A_MAX + 1] = {
	[MCFW_A_GROUP]		= { .type = NLA_BE32 },
	[MCFW_A_SOURCE]		= { .type = NLA_BE32 },
	[MCFW_A_GROUP6]		= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[MCFW_A_SOURCE6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[MCFW_A_IIF]		= MCFW_POLICY_IFINDEX,
	[MCFW_A_IIF_NAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[MCFW_A_OIFS]		= NLA_POLICY_NESTED(mcfw_oifs_policy),
	[MCFW_A_REPLACE]	= { .type = NLA_FLAG },
	[MCFW_A_OWNER]		= { .type = NLA_NUL_STRING, .len = MCFW_OWNER_MAX },
	[MCFW_A_NOJOIN]		= { .type = NLA_FLAG },
	[MCFW_A_RATE_PKTS]	= { .type = NLA_U64 },
	[MCFW_A_RATE_BITS]	= { .type = NLA_U64 },
	[MCFW_A_SNAT]		= { .type = NLA_FLAG },
};

/* Delete, get, zero and dump filters name routes by key (and owner). */
const struct nla_policy mcfw_route_key_policy[MCFW_A_MAX + 1] = {
	[MCFW_A_GROUP]		= { .type = NLA_BE32 },
	[MCFW_A_SOURCE]		= { .type = NLA_BE32 },
	[MCFW_A_GROUP6]		= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[MCFW_A_SOURCE6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[MCFW_A_IIF]		= MCFW_POLICY_IFINDEX,
	[MCFW_A_IIF_NAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[MCFW_A_OWNER]		= { .type = NLA_NUL_STRING, .len = MCFW_OWNER_MAX },
};

const struct nla_policy mcfw_route_get_policy[MCFW_A_MAX + 1] = {
	[MCFW_A_GROUP]		= { .type = NLA_BE32 },
	[MCFW_A_SOURCE]		= { .type = NLA_BE32 },
	[MCFW_A_GROUP6]		= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[MCFW_A_SOURCE6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[MCFW_A_IIF]		= MCFW_POLICY_IFINDEX,
	[MCFW_A_IIF_NAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[MCFW_A_OWNER]		= { .type = NLA_NUL_STRING, .len = MCFW_OWNER_MAX },
	[MCFW_A_NO_STATS]	= { .type = NLA_FLAG },
};

static const struct nla_policy mcfw_relay_new_policy[MCFW_A_MAX + 1] = {
	[MCFW_A_RELAY_ADDR]	= { .type = NLA_BE32 },
	[MCFW_A_RELAY_PORT]	= { .type = NLA_BE16 },
	[MCFW_A_IIF_NAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[MCFW_A_SOURCE]		= { .type = NLA_BE32 },
	[MCFW_A_GROUP]		= { .type = NLA_BE32 },
	[MCFW_A_RELAY_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[MCFW_A_SOURCE6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[MCFW_A_GROUP6]		= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[MCFW_A_RELAY_GROUP_PORT] = { .type = NLA_BE16 },
	[MCFW_A_RELAY_TTL]	= NLA_POLICY_MIN(NLA_U8, 1),
	[MCFW_A_OIFS]		= NLA_POLICY_NESTED(mcfw_oifs_policy),
	[MCFW_A_REPLACE]	= { .type = NLA_FLAG },
	[MCFW_A_RELAY_WAIT]	= { .type = NLA_FLAG },
	[MCFW_A_SNAT]		= { .type = NLA_FLAG },
};

static const struct nla_policy mcfw_relay_key_policy[MCFW_A_MAX + 1] = {
	[MCFW_A_RELAY_ADDR]	= { .type = NLA_BE32 },
	[MCFW_A_RELAY_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[MCFW_A_RELAY_PORT]	= { .type = NLA_BE16 },
	[MCFW_A_IIF_NAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
};

static const struct nla_policy mcfw_relay_get_policy[MCFW_A_MAX + 1] = {
	[MCFW_A_NO_STATS]	= { .type = NLA_FLAG },
};

static const struct nla_policy mcfw_batch_commit_policy[MCFW_A_MAX + 1] = {
	[MCFW_A_BATCH_COUNT]	= { .type = NLA_U32 },
};

const struct nla_policy mcfw_route_flush_policy[MCFW_A_MAX + 1] = {
	[MCFW_A_OWNER]		= { .type = NLA_NUL_STRING, .len = MCFW_OWNER_MAX },
};

const struct nla_policy mcfw_batch_begin_policy[MCFW_A_MAX + 1] = {
	[MCFW_A_BATCH_FLAGS]	= NLA_POLICY_MASK(NLA_U32, MCFW_BATCH_F_ALL),
	[MCFW_A_OWNER]		= { .type = NLA_NUL_STRING, .len = MCFW_OWNER_MAX },
};

/* @a, the attribute @grp came from, may be NULL. */
int mcfw_check_group(__be32 grp, const struct nlattr *a,
		     struct netlink_ext_ack *extack)
{
	if (!ipv4_is_multicast(grp)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "Group is not an IPv4 multicast address");
		return -EINVAL;
	}
	if (ipv4_is_local_multicast(grp)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "Group is in 224.0.0.0/24, which is link-local and never forwarded");
		return -EINVAL;
	}
	return 0;
}

/* Likewise for IPv6: groups of scope 0 to 2 stay on their link. */
int mcfw_check_group6(const struct in6_addr *grp, const struct nlattr *a,
		      struct netlink_ext_ack *extack)
{
	if (!ipv6_addr_is_multicast(grp)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "Group is not an IPv6 multicast address");
		return -EINVAL;
	}
	if (IPV6_ADDR_MC_SCOPE(grp) <= IPV6_ADDR_SCOPE_LINKLOCAL) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "Group is of interface-local, link-local or reserved scope (0 to 2), which is never forwarded");
		return -EINVAL;
	}
	return 0;
}

/* @a, the attribute @src came from, may be NULL. 0 is "any source". */
int mcfw_check_source(__be32 src, const struct nlattr *a,
		      struct netlink_ext_ack *extack)
{
	if (!src && !a)
		return 0;
	if (ipv4_is_multicast(src)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "Source is a multicast address");
		return -EINVAL;
	}
	if (ipv4_is_lbcast(src)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "Source is the broadcast address");
		return -EINVAL;
	}
	if (mcfw_is_zeronet(src)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "Source is in 0.0.0.0/8 (leave it out for any source)");
		return -EINVAL;
	}
	if (ipv4_is_loopback(src)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "Source is a loopback address");
		return -EINVAL;
	}
	return 0;
}

/*
 * An IPv6 source no router forwards from (see mcfw_martian6()); @a, the
 * attribute it came from, may be NULL.
 */
int mcfw_check_source6(const struct in6_addr *src, const struct nlattr *a,
		       struct netlink_ext_ack *extack)
{
	int type = ipv6_addr_type(src);

	if (type == IPV6_ADDR_ANY) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "Source is the unspecified address (leave it out for any source)");
		return -EINVAL;
	}
	if (type & IPV6_ADDR_MULTICAST) {
		NL_SET_ERR_MSG_ATTR(extack, a, "Source is a multicast address");
		return -EINVAL;
	}
	if (type & IPV6_ADDR_LOOPBACK) {
		NL_SET_ERR_MSG_ATTR(extack, a, "Source is a loopback address");
		return -EINVAL;
	}
	if (type & IPV6_ADDR_LINKLOCAL) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "Source is link-local: its packets never leave their link");
		return -EINVAL;
	}
	if (type & IPV6_ADDR_MAPPED) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "Source is an IPv4-mapped address: give the IPv4 address");
		return -EINVAL;
	}
	return 0;
}

/**
 * mcfw_parse_group - the family and group a request gives
 * @tb: its attributes
 * @k: where to store them (@k->family, @k->grp)
 * @extack: where to say why it failed
 *
 * %MCFW_A_GROUP (IPv4) or %MCFW_A_GROUP6 (IPv6), exactly one.
 *
 * Return: 0 or a negative errno.
 */
int mcfw_parse_group(struct nlattr **tb, struct mcfw_key *k,
		     struct netlink_ext_ack *extack)
{
	memset(&k->grp, 0, sizeof(k->grp));
	if (tb[MCFW_A_GROUP] && tb[MCFW_A_GROUP6]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MCFW_A_GROUP6],
				    "Both an IPv4 and an IPv6 group");
		return -EINVAL;
	}
	if (tb[MCFW_A_GROUP6]) {
		k->family = AF_INET6;
		k->grp.in6 = nla_get_in6_addr(tb[MCFW_A_GROUP6]);
		return mcfw_check_group6(&k->grp.in6, tb[MCFW_A_GROUP6],
					 extack);
	}
	if (NL_REQ_ATTR_CHECK(extack, NULL, tb, MCFW_A_GROUP)) {
		NL_SET_ERR_MSG(extack, "Missing group");
		return -EINVAL;
	}
	k->family = AF_INET;
	k->grp.ip = nla_get_in_addr(tb[MCFW_A_GROUP]);
	return mcfw_check_group(k->grp.ip, tb[MCFW_A_GROUP], extack);
}

/**
 * mcfw_parse_source - the source a request gives
 * @tb: its attributes
 * @k: where to store it (@k->src: zero for any source); @k->family is
 *	the group's, or 0 when the request names no group (then the
 *	source's attribute sets it)
 * @extack: where to say why it failed
 *
 * Return: 1 if a source was given, 0 if not, or a negative errno.
 */
int mcfw_parse_source(struct nlattr **tb, struct mcfw_key *k,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *a4 = tb[MCFW_A_SOURCE], *a6 = tb[MCFW_A_SOURCE6];
	int err;

	memset(&k->src, 0, sizeof(k->src));
	if (a4 && a6) {
		NL_SET_ERR_MSG_ATTR(extack, a6,
				    "Both an IPv4 and an IPv6 source");
		return -EINVAL;
	}
	if (!a4 && !a6)
		return 0;
	if (!k->family)
		k->family = a4 ? AF_INET : AF_INET6;
	if ((k->family == AF_INET && a6) || (k->family == AF_INET6 && a4)) {
		NL_SET_ERR_MSG_ATTR(extack, a4 ?: a6,
				    "Source and group are of different families");
		return -EINVAL;
	}
	if (a4) {
		k->src.ip = nla_get_in_addr(a4);
		err = mcfw_check_source(k->src.ip, a4, extack);
	} else {
		k->src.in6 = nla_get_in6_addr(a6);
		err = mcfw_check_source6(&k->src.in6, a6, extack);
	}
	return err ?: 1;
}

/* A route's family, group and source (absent: any). */
int mcfw_put_key(struct sk_buff *skb, const struct mcfw_key *k)
{
	bool any = mcfw_addr_any(&k->src);

	if (k->family == AF_INET)
		return nla_put_in_addr(skb, MCFW_A_GROUP, k->grp.ip) ||
		       (!any && nla_put_in_addr(skb, MCFW_A_SOURCE, k->src.ip)) ?
		       -EMSGSIZE : 0;
	return nla_put_in6_addr(skb, MCFW_A_GROUP6, &k->grp.in6) ||
	       (!any && nla_put_in6_addr(skb, MCFW_A_SOURCE6, &k->src.in6)) ?
	       -EMSGSIZE : 0;
}

/**
 * mcfw_parse_iif - the input interface name a request gives
 * @net: the request's namespace
 * @tb: its attributes
 * @name: where to store the name (IFNAMSIZ bytes, NUL padded)
 * @extack: where to say why it failed
 *
 * %MCFW_A_IIF_NAME is taken as it is; %MCFW_A_IIF, an ifindex, must be a
 * device of @net and gives its name.
 *
 * Return: 1 if given, 0 if not, or a negative errno.
 */
int mcfw_parse_iif(struct net *net, struct nlattr **tb, char *name,
		   struct netlink_ext_ack *extack)
{
	struct net_device *dev;

	memset(name, 0, IFNAMSIZ);
	if (tb[MCFW_A_IIF_NAME] && tb[MCFW_A_IIF]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MCFW_A_IIF],
				    "Give the input interface by name or by ifindex, not both");
		return -EINVAL;
	}
	if (tb[MCFW_A_IIF_NAME]) {
		nla_strscpy(name, tb[MCFW_A_IIF_NAME], IFNAMSIZ);
		if (!dev_valid_name(name)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[MCFW_A_IIF_NAME],
					    "Invalid input interface name");
			return -EINVAL;
		}
		return 1;
	}
	if (!tb[MCFW_A_IIF])
		return 0;
	rcu_read_lock();
	dev = dev_get_by_index_rcu(net, nla_get_u32(tb[MCFW_A_IIF]));
	if (dev)
		strscpy(name, dev->name, IFNAMSIZ);
	rcu_read_unlock();
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MCFW_A_IIF],
				    "Input interface does not exist in this namespace");
		return -ENODEV;
	}
	return 1;
}

/**
 * mcfw_parse_owner - an owner name, or the default
 * @a: %MCFW_A_OWNER, or NULL for the default
 * @owner: where to store it (%MCFW_OWNER_MAX + 1 bytes, NUL padded)
 * @extack: where to say why it failed
 *
 * Return: 0 or -EINVAL.
 */
int mcfw_parse_owner(const struct nlattr *a, char *owner,
		     struct netlink_ext_ack *extack)
{
	unsigned int i;

	memset(owner, 0, MCFW_OWNER_MAX + 1);
	if (!a) {
		strscpy(owner, MCFW_OWNER_DEFAULT, MCFW_OWNER_MAX + 1);
		return 0;
	}
	nla_strscpy(owner, a, MCFW_OWNER_MAX + 1);
	for (i = 0; owner[i]; i++)
		if (!isalnum(owner[i]) && !strchr("._-", owner[i]))
			break;
	if (!i || owner[i]) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "An owner is a word of letters, digits, '.', '_' and '-'");
		return -EINVAL;
	}
	if (!strcmp(owner, "all")) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "The owner name \"all\" is reserved (it means every owner)");
		return -EINVAL;
	}
	return 0;
}

/* Counters as a route, an output and an interface report them. */
static const u16 mcfw_route_stat_attrs[MCFW_C_ROUTE_NR] = {
	[MCFW_C_PACKETS]	= MCFW_STATS_A_PACKETS,
	[MCFW_C_BYTES]		= MCFW_STATS_A_BYTES,
	[MCFW_C_RPF_FAIL]	= MCFW_STATS_A_RPF_FAIL,
	[MCFW_C_TTL_DROP]	= MCFW_STATS_A_TTL_DROP,
	[MCFW_C_MARTIAN_DROP]	= MCFW_STATS_A_MARTIAN_DROP,
	[MCFW_C_RATE_DROP]	= MCFW_STATS_A_RATE_DROP,
	[MCFW_C_RA_DROP]	= MCFW_STATS_A_RA_DROP,
	[MCFW_C_SRR_DROP]	= MCFW_STATS_A_SRR_DROP,
	[MCFW_C_RECORD_DROP]	= MCFW_STATS_A_RECORD_DROP,
	[MCFW_C_BADOPT_DROP]	= MCFW_STATS_A_BADOPT_DROP,
	[MCFW_C_BOUNDARY_DROP]	= MCFW_STATS_A_BOUNDARY_DROP,
};

/* An output reports its copies sent, their bytes and its drops. */
static const u16 mcfw_oif_stat_attrs[] = {
	MCFW_STATS_A_PACKETS, MCFW_STATS_A_BYTES, MCFW_STATS_A_DROPS,
};

#define MCFW_OIF_NR_STATS	ARRAY_SIZE(mcfw_oif_stat_attrs)
#define MCFW_ROUTE_NR_STATS	MCFW_C_ROUTE_NR

size_t mcfw_stats_size(unsigned int n)
{
	return nla_total_size(0) + n * nla_total_size_64bit(sizeof(u64));
}

/**
 * mcfw_put_stats - put a nest of counters
 * @skb: the message
 * @type: the nest's type
 * @pcpu: the per-CPU counters
 * @n: how many @pcpu has
 * @base: values at the last zeroing, @n of them
 * @attrs: the attribute of each counter (0: not reported), @n_attrs of them
 * @n_attrs: how many
 * @drops: also put %MCFW_STATS_A_DROPS, the sum of the drop reasons
 *
 * Return: 0 or -EMSGSIZE.
 */
int mcfw_put_stats(struct sk_buff *skb, int type,
		   struct mcfw_pcpu __percpu *pcpu, unsigned int n,
		   const u64 *base, const u16 *attrs, unsigned int n_attrs,
		   bool drops)
{
	u64 c[MCFW_C_NR] = {};
	struct nlattr *nest;
	unsigned int i;
	u64 sum = 0;

	mcfw_stats_read(pcpu, n, c);
	for (i = 0; i < n; i++)
		c[i] -= base[i];
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < n_attrs; i++)
		if (attrs[i] && nla_put_u64_64bit(skb, attrs[i], c[i],
						  MCFW_STATS_A_PAD))
			goto cancel;
	if (drops) {
		for (i = MCFW_C_SCOPE_DROP; i <= MCFW_C_XMIT_DROP && i < n; i++)
			sum += c[i];
		if (nla_put_u64_64bit(skb, MCFW_STATS_A_DROPS, sum,
				      MCFW_STATS_A_PAD))
			goto cancel;
	}
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/**
 * mcfw_route_msg_size - room for a route message
 * @n_oifs: how many outputs it has
 *
 * Return: the payload size, enough for any route of @n_oifs outputs.
 */
size_t mcfw_route_msg_size(unsigned int n_oifs)
{
	size_t oif = nla_total_size(0) +			/* MCFW_A_OIF */
		     nla_total_size(sizeof(u32)) +		/* IFINDEX */
		     nla_total_size(IFNAMSIZ) +			/* IFNAME */
		     nla_total_size(sizeof(u8)) +		/* TTL */
		     nla_total_size(0) +			/* WAITING */
		     nla_total_size(sizeof(struct in6_addr)) +	/* GROUP* */
		     nla_total_size(sizeof(__be16)) +		/* PORT */
		     nla_total_size(sizeof(__be32)) +		/* UNICAST */
		     mcfw_stats_size(MCFW_OIF_NR_STATS);	/* STATS */
	size_t nests = DIV_ROUND_UP(n_oifs, MCFW_OIFS_PER_NEST) ?: 1;

	return nla_total_size(sizeof(struct in6_addr)) +	/* MCFW_A_GROUP* */
	       nla_total_size(sizeof(struct in6_addr)) +	/* MCFW_A_SOURCE* */
	       nla_total_size(sizeof(u32)) +		/* MCFW_A_IIF */
	       nla_total_size(IFNAMSIZ) +		/* MCFW_A_IIF_NAME */
	       nla_total_size(MCFW_OWNER_MAX + 1) +	/* MCFW_A_OWNER */
	       4 * nla_total_size(0) +	/* NOJOIN, WAITING, JOINED, SNAT */
	       nla_total_size_64bit(sizeof(u64)) +	/* MCFW_A_RATE_* */
	       nla_total_size_64bit(sizeof(u64)) +	/* MCFW_A_LASTUSE */
	       nla_total_size(sizeof(u8)) +		/* MCFW_A_EVENT */
	       mcfw_stats_size(MCFW_ROUTE_NR_STATS) +
	       nests * nla_total_size(0) + n_oifs * oif;	/* MCFW_A_OIFS */
}

/* An output's counts, as mcfw_oif_read() has them, less its base. */
static int mcfw_put_oif_stats(struct sk_buff *skb,
			      const struct mcfw_oifs *oifs,
			      const struct mcfw_oif *oif)
{
	struct nlattr *nest;
	unsigned int i;
	u64 v[3];

	mcfw_oif_read(oifs, oif, v);
	nest = nla_nest_start(skb, MCFW_OIF_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		/* See mcfw_oif_read(): never less than at the zeroing. */
		v[i] = max(v[i], oif->stats->base[i]) - oif->stats->base[i];
		if (nla_put_u64_64bit(skb, mcfw_oif_stat_attrs[i], v[i],
				      MCFW_STATS_A_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The group an output's copies carry instead of the route's, if any. */
static int mcfw_put_oif_group(struct sk_buff *skb, const struct mcfw_oifs *oifs,
			      const struct mcfw_oif *oif)
{
	if (mcfw_addr_any(&oif->grp))
		return 0;
	if (oifs->family == AF_INET6)
		return nla_put_in6_addr(skb, MCFW_OIF_A_GROUP6, &oif->grp.in6);
	return nla_put_in_addr(skb, MCFW_OIF_A_GROUP, oif->grp.ip);
}

/* What an output is: its interface, or its unicast destination. */
static int mcfw_put_oif_target(struct sk_buff *skb,
			       const struct mcfw_oifs *oifs,
			       const struct mcfw_oif *oif)
{
	int ifindex;

	if (oif->unicast && oifs->family == AF_INET6)
		return nla_put_in6_addr(skb, MCFW_OIF_A_UNICAST6,
					&oif->ucast.in6);
	if (oif->unicast)
		return nla_put_in_addr(skb, MCFW_OIF_A_UNICAST, oif->ucast.ip);
	ifindex = READ_ONCE(oif->iface->ifindex);
	if ((ifindex && nla_put_u32(skb, MCFW_OIF_A_IFINDEX, ifindex)) ||
	    nla_put_string(skb, MCFW_OIF_A_IFNAME, oif->iface->name) ||
	    mcfw_put_oif_group(skb, oifs, oif) ||
	    (!mcfw_iface_present(oif->iface) &&
	     nla_put_flag(skb, MCFW_OIF_A_WAITING)))
		return -EMSGSIZE;
	return 0;
}

int mcfw_fill_oif(struct sk_buff *skb, const struct mcfw_oifs *oifs,
		  const struct mcfw_oif *oif, bool stats)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, MCFW_A_OIF);
	if (!nest ||
	    mcfw_put_oif_target(skb, oifs, oif) ||
	    nla_put_u8(skb, MCFW_OIF_A_TTL, oif->ttl) ||
	    (oif->port && nla_put_be16(skb, MCFW_OIF_A_PORT, oif->port)) ||
	    (stats && mcfw_put_oif_stats(skb, oifs, oif)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * mcfw_fill_route - put a route message
 * @skb: the message buffer
 * @mn: the namespace's state
 * @rt: the route
 * @portid: destination port
 * @seq: sequence number
 * @flags: netlink flags
 * @cmd: the command
 * @ev: the event announced, or %MCFW_EV_UNSPEC in replies
 * @cb: the dump it is part of, or NULL
 * @stats: put the route's and its outputs' counters
 *
 * Context: @mn->lock held.
 * Return: 0 or -EMSGSIZE (then nothing was put).
 */
int mcfw_fill_route(struct sk_buff *skb, struct mcfw_net *mn,
		    const struct mcfw_route *rt, u32 portid, u32 seq,
		    int flags, u8 cmd, enum mcfw_event ev,
		    struct netlink_callback *cb, bool stats)
{
	int ifindex = READ_ONCE(rt->iif->ifindex);
	unsigned long lastuse = READ_ONCE(rt->lastuse);
	const struct mcfw_oifs *oifs;
	struct nlattr *nest = NULL;
	unsigned int i;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &mcfw_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);

	if (mcfw_put_key(skb, &rt->entry->key) ||
	    (ifindex && nla_put_u32(skb, MCFW_A_IIF, ifindex)) ||
	    nla_put_string(skb, MCFW_A_IIF_NAME, rt->iif->name) ||
	    nla_put_string(skb, MCFW_A_OWNER, rt->owner) ||
	    ((rt->flags & MCFW_RF_NOJOIN) &&
	     nla_put_flag(skb, MCFW_A_NOJOIN)) ||
	    ((rt->flags & MCFW_RF_SNAT) && nla_put_flag(skb, MCFW_A_SNAT)) ||
	    (!ifindex && nla_put_flag(skb, MCFW_A_WAITING)) ||
	    (mcfw_join_held(rt) && nla_put_flag(skb, MCFW_A_JOINED)) ||
	    (lastuse &&
	     nla_put_u64_64bit(skb, MCFW_A_LASTUSE,
			       jiffies_to_msecs(jiffies - lastuse),
			       MCFW_A_PAD)) ||
	    (ev && nla_put_u8(skb, MCFW_A_EVENT, ev)) ||
	    (stats &&
	     mcfw_put_stats(skb, MCFW_A_STATS, rt->stats, MCFW_C_ROUTE_NR,
			    rt->base, mcfw_route_stat_attrs,
			    ARRAY_SIZE(mcfw_route_stat_attrs), false)))
		goto cancel;

	oifs = mcfw_dereference(rt->oifs[mn->gencursor], mn);
	if ((oifs->rate.pkts &&
	     nla_put_u64_64bit(skb, MCFW_A_RATE_PKTS, oifs->rate.pkts,
			       MCFW_A_PAD)) ||
	    (oifs->rate.bits &&
	     nla_put_u64_64bit(skb, MCFW_A_RATE_BITS, oifs->rate.bits,
			       MCFW_A_PAD)))
		goto cancel;
	for (i = 0; i < oifs->n || !i; i++) {
		if (!(i % MCFW_OIFS_PER_NEST)) {
			if (nest)
				nla_nest_end(skb, nest);
			nest = nla_nest_start(skb, MCFW_A_OIFS);
			if (!nest)
				goto cancel;
		}
		if (i < oifs->n && mcfw_fill_oif(skb, oifs, &oifs->oif[i], stats))
			goto cancel;
	}
	nla_nest_end(skb, nest);

	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

bool mcfw_has_listeners(struct net *net)
{
	return genl_has_listeners(&mcfw_genl_family, net,
				  MCFW_MCGRP_CONFIG_IDX);
}

/* Listeners must know they missed a change, and resynchronise. */
void mcfw_ntf_lost(struct mcfw_net *mn)
{
	genl_set_err(&mcfw_genl_family, mn->net, 0, MCFW_MCGRP_CONFIG_IDX,
		     -ENOBUFS);
}

/**
 * mcfw_ntf_send - announce a message on the config group
 * @mn: the namespace's state
 * @skb: the message, consumed; NULL: nothing
 *
 * Context: @mn->lock held.
 */
void mcfw_ntf_send(struct mcfw_net *mn, struct sk_buff *skb)
{
	lockdep_assert_held(&mn->lock);
	if (skb)
		genlmsg_multicast_netns(&mcfw_genl_family, mn->net, skb, 0,
					MCFW_MCGRP_CONFIG_IDX, GFP_KERNEL);
}

/* Returns false if listeners were told they lost it. */
static bool __mcfw_ntf_route(struct mcfw_net *mn, const struct mcfw_route *rt,
			     enum mcfw_event ev, bool rtnl)
{
	unsigned int n = mcfw_dereference(rt->oifs[mn->gencursor], mn)->n;
	u8 cmd = ev == MCFW_EV_DEL ? MCFW_CMD_ROUTE_DEL : MCFW_CMD_ROUTE_NEW;
	size_t size = mcfw_route_msg_size(n);
	gfp_t gfp = GFP_KERNEL;
	struct sk_buff *skb;

	if (!mcfw_has_listeners(mn->net))
		return true;
	/*
	 * Under RTNL, wait for no memory of more than a page: a large route's
	 * announcement that cannot be had at once is reported lost, and
	 * listeners resynchronise with a dump, which does not hold RTNL.
	 */
	if (rtnl && nlmsg_total_size(GENL_HDRLEN + size) >
		    SKB_WITH_OVERHEAD(PAGE_SIZE))
		gfp = GFP_NOWAIT | __GFP_NOWARN;
	skb = genlmsg_new(size, gfp);
	if (skb && mcfw_fill_route(skb, mn, rt, 0, 0, 0, cmd, ev, NULL, true)) {
		nlmsg_free(skb);
		skb = NULL;
	}
	if (!skb) {
		mcfw_ntf_lost(mn);
		return false;
	}
	mcfw_ntf_send(mn, skb);
	return true;
}

/**
 * mcfw_ntf_route - announce a change to a route
 * @mn: the namespace's state
 * @rt: the route, as it is now (before it goes, for %MCFW_EV_DEL)
 * @ev: what happened
 *
 * Context: process context, @mn->lock held, RTNL not held.
 */
void mcfw_ntf_route(struct mcfw_net *mn, const struct mcfw_route *rt,
		    enum mcfw_event ev)
{
	__mcfw_ntf_route(mn, rt, ev, false);
}

/**
 * mcfw_ntf_route_rtnl - announce a change to a route, from under RTNL
 * @mn: the namespace's state
 * @rt: the route, as it is now
 * @ev: what happened
 * @lost: set once listeners were told they lost an announcement; then
 *	nothing more is announced (they resynchronise anyway)
 *
 * As mcfw_ntf_route(), without waiting for memory of high order.
 *
 * Context: the netdevice notifier: RTNL and @mn->lock held.
 */
void mcfw_ntf_route_rtnl(struct mcfw_net *mn, const struct mcfw_route *rt,
			 enum mcfw_event ev, bool *lost)
{
	ASSERT_RTNL();
	if (!*lost)
		*lost = !__mcfw_ntf_route(mn, rt, ev, true);
}

/**
 * mcfw_ntf_flush - announce that routes were flushed
 * @mn: the namespace's state
 * @owner: whose, or NULL for every owner's
 * @removed: how many
 *
 * Context: process context, @mn->lock held.
 */
void mcfw_ntf_flush(struct mcfw_net *mn, const char *owner, u32 removed)
{
	struct sk_buff *skb;
	void *hdr;

	if (!removed || !mcfw_has_listeners(mn->net))
		return;
	skb = genlmsg_new(nla_total_size(sizeof(u32)) +
			  nla_total_size(MCFW_OWNER_MAX + 1), GFP_KERNEL);
	if (!skb)
		goto lost;
	hdr = genlmsg_put(skb, 0, 0, &mcfw_genl_family, 0,
			  MCFW_CMD_ROUTE_FLUSH);
	if (!hdr || nla_put_u32(skb, MCFW_A_ROUTE_COUNT, removed) ||
	    (owner && nla_put_string(skb, MCFW_A_OWNER, owner))) {
		nlmsg_free(skb);
		goto lost;
	}
	genlmsg_end(skb, hdr);
	mcfw_ntf_send(mn, skb);
	return;
lost:
	mcfw_ntf_lost(mn);
}

static size_t mcfw_info_msg_size(void)
{
	return nla_total_size(sizeof(MCFW_VERSION)) +	/* MCFW_A_VERSION */
	       9 * nla_total_size(sizeof(u32));		/* the counts */
}

/* Called in process context. */
static int mcfw_nl_info_get(struct sk_buff *skb, struct genl_info *info)
{
	struct mcfw_net *mn = mcfw_pernet(genl_info_net(info));
	struct sk_buff *msg;
	bool batch;
	u32 portid;
	void *hdr;

	msg = genlmsg_new(mcfw_info_msg_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &mcfw_genl_family, 0,
				MCFW_CMD_INFO_GET);
	if (!hdr)
		goto free_msg;

	mutex_lock(&mn->lock);
	batch = mcfw_batch_owned_by(mn->batch, &portid);
	mutex_unlock(&mn->lock);

	if (nla_put_string(msg, MCFW_A_VERSION, MCFW_VERSION) ||
	    nla_put_u32(msg, MCFW_A_ROUTE_COUNT, READ_ONCE(mn->nr_routes)) ||
	    nla_put_u32(msg, MCFW_A_IFACE_COUNT, READ_ONCE(mn->nr_ifaces)) ||
	    nla_put_u32(msg, MCFW_A_OIF_MAX, mcfw_oif_max) ||
	    nla_put_u32(msg, MCFW_A_WAITING_COUNT, READ_ONCE(mn->nr_waiting)) ||
	    nla_put_u32(msg, MCFW_A_OIF_WAITING_COUNT,
			READ_ONCE(mn->nr_oif_waiting)) ||
	    nla_put_u32(msg, MCFW_A_JOIN_COUNT, READ_ONCE(mn->nr_joined)) ||
	    nla_put_u32(msg, MCFW_A_JOIN_MAX, READ_ONCE(mcfw_join_max)) ||
	    (batch && nla_put_u32(msg, MCFW_A_BATCH_PORTID, portid)))
		goto free_msg;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

free_msg:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static bool mcfw_userns_admin;
module_param_named(userns_admin, mcfw_userns_admin, bool, 0444);
MODULE_PARM_DESC(userns_admin,
		 "Root of a user namespace may change the routes of the network namespaces it owns (default no)");

/* Flags as the table below has them; mcfw_genl_register() may relax them. */
static struct genl_ops mcfw_genl_ops[] __ro_after_init = {
	{
		.cmd	= MCFW_CMD_INFO_GET,
		.doit	= mcfw_nl_info_get,
	},
	{
		.cmd	= MCFW_CMD_ROUTE_FLUSH,
		.doit	= mcfw_nl_route_flush,
		.policy	= mcfw_route_flush_policy,
		.maxattr = ARRAY_SIZE(mcfw_route_flush_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= MCFW_CMD_ROUTE_NEW,
		.doit	= mcfw_nl_route_new,
		.policy	= mcfw_route_new_policy,
		.maxattr = ARRAY_SIZE(mcfw_route_new_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= MCFW_CMD_ROUTE_DEL,
		.doit	= mcfw_nl_route_del,
		.policy	= mcfw_route_key_policy,
		.maxattr = ARRAY_SIZE(mcfw_route_key_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= MCFW_CMD_ROUTE_GET,
		.doit	= mcfw_nl_route_get,
		.start	= mcfw_nl_route_dump_start,
		.dumpit	= mcfw_nl_route_dump,
		.done	= mcfw_nl_route_dump_done,
		.policy	= mcfw_route_get_policy,
		.maxattr = ARRAY_SIZE(mcfw_route_get_policy) - 1,
	},
	{
		.cmd	= MCFW_CMD_IFACE_GET,
		.dumpit	= mcfw_nl_iface_dump,
	},
	{
		.cmd	= MCFW_CMD_BATCH_BEGIN,
		.doit	= mcfw_nl_batch_begin,
		.policy	= mcfw_batch_begin_policy,
		.maxattr = ARRAY_SIZE(mcfw_batch_begin_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= MCFW_CMD_BATCH_COMMIT,
		.doit	= mcfw_nl_batch_commit,
		.policy	= mcfw_batch_commit_policy,
		.maxattr = ARRAY_SIZE(mcfw_batch_commit_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= MCFW_CMD_BATCH_ABORT,
		.doit	= mcfw_nl_batch_abort,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= MCFW_CMD_ROUTE_ZERO,
		.doit	= mcfw_nl_route_zero,
		.policy	= mcfw_route_key_policy,
		.maxattr = ARRAY_SIZE(mcfw_route_key_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= MCFW_CMD_IFACE_SET,
		.doit	= mcfw_nl_iface_set,
		.policy	= mcfw_iface_set_policy,
		.maxattr = ARRAY_SIZE(mcfw_iface_set_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= MCFW_CMD_RELAY_NEW,
		.doit	= mcfw_nl_relay_new,
		.policy	= mcfw_relay_new_policy,
		.maxattr = ARRAY_SIZE(mcfw_relay_new_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= MCFW_CMD_RELAY_DEL,
		.doit	= mcfw_nl_relay_del,
		.policy	= mcfw_relay_key_policy,
		.maxattr = ARRAY_SIZE(mcfw_relay_key_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= MCFW_CMD_RELAY_GET,
		.start	= mcfw_nl_relay_dump_start,
		.dumpit	= mcfw_nl_relay_dump,
		.policy	= mcfw_relay_get_policy,
		.maxattr = ARRAY_SIZE(mcfw_relay_get_policy) - 1,
	},
};

struct genl_family mcfw_genl_family __ro_after_init = {
	.name		= MCFW_GENL_NAME,
	.version	= MCFW_GENL_VERSION,
	.maxattr	= MCFW_A_MAX,
	.netnsok	= true,
	.parallel_ops	= true,
	.resv_start_op	= 0,
	.module		= THIS_MODULE,
	.ops		= mcfw_genl_ops,
	.n_ops		= ARRAY_SIZE(mcfw_genl_ops),
	.mcgrps		= mcfw_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(mcfw_mcgrps),
};

/**
 * mcfw_genl_register - register the family and its release notifier
 *
 * Context: module init.
 * Return: 0 or a negative errno.
 */
int __init mcfw_genl_register(void)
{
	unsigned int i;
	int err;

	for (i = 0; mcfw_userns_admin && i < ARRAY_SIZE(mcfw_genl_ops); i++)
		if (mcfw_genl_ops[i].flags & GENL_ADMIN_PERM)
			mcfw_genl_ops[i].flags ^= GENL_ADMIN_PERM |
						  GENL_UNS_ADMIN_PERM;

	err = mcfw_batch_notifier_register();
	if (err)
		return err;
	err = genl_register_family(&mcfw_genl_family);
	if (err)
		mcfw_batch_notifier_unregister();
	return err;
}

void mcfw_genl_unregister(void)
{
	genl_unregister_family(&mcfw_genl_family);
	mcfw_batch_notifier_unregister();
}
