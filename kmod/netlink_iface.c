// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw - in-kernel IP multicast forwarder: the interface object of the
 * "mcfw" generic netlink family (dump; set, for boundaries).
 */

#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "mcfw.h"
#include "netlink.h"

static const u16 mcfw_iface_stat_attrs[MCFW_C_NR] = {
	[MCFW_C_PACKETS]	= MCFW_STATS_A_PACKETS,
	[MCFW_C_BYTES]		= MCFW_STATS_A_BYTES,
	[MCFW_C_SCOPE_DROP]	= MCFW_STATS_A_SCOPE_DROP,
	[MCFW_C_MTU_DROP]	= MCFW_STATS_A_MTU_DROP,
	[MCFW_C_DOWN_DROP]	= MCFW_STATS_A_DOWN_DROP,
	[MCFW_C_FILTER_DROP]	= MCFW_STATS_A_FILTER_DROP,
	[MCFW_C_XMIT_DROP]	= MCFW_STATS_A_XMIT_DROP,
	[MCFW_C_TTL_DROP]	= MCFW_STATS_A_TTL_DROP,
	[MCFW_C_MARTIAN_DROP]	= MCFW_STATS_A_MARTIAN_DROP,
	[MCFW_C_RATE_DROP]	= MCFW_STATS_A_RATE_DROP,
	[MCFW_C_RA_DROP]	= MCFW_STATS_A_RA_DROP,
	[MCFW_C_SRR_DROP]	= MCFW_STATS_A_SRR_DROP,
	[MCFW_C_RECORD_DROP]	= MCFW_STATS_A_RECORD_DROP,
	[MCFW_C_BADOPT_DROP]	= MCFW_STATS_A_BADOPT_DROP,
	[MCFW_C_BOUNDARY_DROP]	= MCFW_STATS_A_BOUNDARY_DROP,
	[MCFW_C_OUT_PACKETS]	= MCFW_STATS_A_OUT_PACKETS,
	[MCFW_C_OUT_BYTES]	= MCFW_STATS_A_OUT_BYTES,
};

static const struct nla_policy mcfw_prefix_policy[MCFW_PREFIX_A_MAX + 1] = {
	[MCFW_PREFIX_A_ADDR]	= { .type = NLA_BE32 },
	[MCFW_PREFIX_A_LEN]	= NLA_POLICY_RANGE(NLA_U8, 4, 128),
	[MCFW_PREFIX_A_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
};

static const struct nla_policy mcfw_boundaries_policy[MCFW_A_MAX + 1] = {
	[MCFW_A_PREFIX]		= NLA_POLICY_NESTED(mcfw_prefix_policy),
};

const struct nla_policy mcfw_iface_set_policy[MCFW_A_MAX + 1] = {
	[MCFW_A_IFNAME]		= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[MCFW_A_BOUNDARIES]	= NLA_POLICY_NESTED(mcfw_boundaries_policy),
	[MCFW_A_BOUNDARY_SCOPE]	= NLA_POLICY_MAX(NLA_U8, 15),
};

/* Called with mcfw_net.lock held. */
static int mcfw_put_boundary(struct sk_buff *skb,
			     const struct mcfw_boundary *b)
{
	struct nlattr *nest, *p;
	unsigned int i;

	nest = nla_nest_start(skb, MCFW_A_BOUNDARIES);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < b->n; i++) {
		p = nla_nest_start(skb, MCFW_A_PREFIX);
		if (!p ||
		    (b->p[i].family == AF_INET ?
		     nla_put_in_addr(skb, MCFW_PREFIX_A_ADDR, b->p[i].addr.ip) :
		     nla_put_in6_addr(skb, MCFW_PREFIX_A_ADDR6,
				      &b->p[i].addr.in6)) ||
		    nla_put_u8(skb, MCFW_PREFIX_A_LEN, b->p[i].len)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
		nla_nest_end(skb, p);
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Called with mcfw_net.lock held. */
static int mcfw_fill_iface(struct sk_buff *skb, const struct mcfw_iface *iface,
			   struct netlink_callback *cb)
{
	struct mcfw_net *mn = mcfw_pernet(sock_net(cb->skb->sk));
	int ifindex = READ_ONCE(iface->ifindex);
	const struct mcfw_boundary *b;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &mcfw_genl_family, NLM_F_MULTI, MCFW_CMD_IFACE_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	b = mcfw_dereference(iface->boundary, mn);
	if ((ifindex && nla_put_u32(skb, MCFW_A_IFINDEX, ifindex)) ||
	    (b && b->n && mcfw_put_boundary(skb, b)) ||
	    (b && b->scope6 &&
	     nla_put_u8(skb, MCFW_A_BOUNDARY_SCOPE, b->scope6)) ||
	    nla_put_string(skb, MCFW_A_IFNAME, iface->name) ||
	    (!ifindex && nla_put_flag(skb, MCFW_A_WAITING)) ||
	    (iface->allmulti && nla_put_flag(skb, MCFW_A_ALLMULTI)) ||
	    mcfw_put_stats(skb, MCFW_A_STATS, iface->stats, MCFW_C_NR,
			   iface->base, mcfw_iface_stat_attrs,
			   ARRAY_SIZE(mcfw_iface_stat_attrs), true)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Called in process context. Interfaces are sorted by name: a dump
 * resumes after the name it sent last (kept in cb->ctx).
 */
int mcfw_nl_iface_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mcfw_net *mn = mcfw_pernet(sock_net(skb->sk));
	char *last = (char *)cb->ctx;
	struct mcfw_iface *iface;

	BUILD_BUG_ON(sizeof(cb->ctx) < IFNAMSIZ);
	mutex_lock(&mn->lock);
	cb->seq = READ_ONCE(mn->gen) + 1;
	list_for_each_entry(iface, &mn->iface_list, list) {
		/* Unused ones wait for the work to release them. */
		if (!iface->users || (last[0] && strcmp(iface->name, last) <= 0))
			continue;
		if (mcfw_fill_iface(skb, iface, cb))
			break;
		memcpy(last, iface->name, IFNAMSIZ);
	}
	mutex_unlock(&mn->lock);
	return skb->len;
}

/* Sets the mask of @len bits of @m (@family's). */
static void mcfw_prefix_mask(union nf_inet_addr *m, u8 family, u8 len)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	if (family == AF_INET) {
		m->ip = inet_make_mask(len);
		return;
	}
	for (i = 0; i < 4; i++, len -= min_t(u8, len, 32))
		m->ip6[i] = len >= 32 ? htonl(~0U) :
			    len ? htonl(~0U << (32 - len)) : 0;
}

/* One prefix of a boundary, checked; 0 or -EINVAL with a reason. */
static int mcfw_parse_prefix(const struct nlattr *a, struct mcfw_boundary *b,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MCFW_PREFIX_A_MAX + 1], *at;
	union nf_inet_addr addr = {}, mask;
	unsigned int i;
	u8 len, family;
	int err;

	err = nla_parse_nested(tb, MCFW_PREFIX_A_MAX, a, mcfw_prefix_policy,
			       extack);
	if (err)
		return err;
	at = tb[MCFW_PREFIX_A_ADDR] ?: tb[MCFW_PREFIX_A_ADDR6];
	if (!at || !tb[MCFW_PREFIX_A_LEN]) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "A prefix needs an address and a length");
		return -EINVAL;
	}
	if (tb[MCFW_PREFIX_A_ADDR] && tb[MCFW_PREFIX_A_ADDR6]) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "A prefix has one address, IPv4 or IPv6");
		return -EINVAL;
	}
	len = nla_get_u8(tb[MCFW_PREFIX_A_LEN]);
	if (tb[MCFW_PREFIX_A_ADDR]) {
		family = AF_INET;
		addr.ip = nla_get_in_addr(at);
		if (len > 32) {
			NL_SET_ERR_MSG_ATTR(extack, tb[MCFW_PREFIX_A_LEN],
					    "An IPv4 prefix is 4 to 32 bits long");
			return -EINVAL;
		}
		if (!ipv4_is_multicast(addr.ip)) {
			NL_SET_ERR_MSG_ATTR(extack, at,
					    "A boundary is a prefix of multicast groups (in 224.0.0.0/4)");
			return -EINVAL;
		}
	} else {
		family = AF_INET6;
		addr.in6 = nla_get_in6_addr(at);
		if (len < 8) {
			NL_SET_ERR_MSG_ATTR(extack, tb[MCFW_PREFIX_A_LEN],
					    "An IPv6 prefix is 8 to 128 bits long");
			return -EINVAL;
		}
		if (!ipv6_addr_is_multicast(&addr.in6)) {
			NL_SET_ERR_MSG_ATTR(extack, at,
					    "A boundary is a prefix of multicast groups (in ff00::/8)");
			return -EINVAL;
		}
	}
	mcfw_prefix_mask(&mask, family, len);
	for (i = 0; i < 4; i++) {
		if (addr.all[i] & ~mask.all[i]) {
			NL_SET_ERR_MSG_ATTR(extack, at,
					    "The prefix has host bits set");
			return -EINVAL;
		}
	}
	for (i = 0; i < b->n; i++) {
		if (b->p[i].family == family && b->p[i].len == len &&
		    nf_inet_addr_cmp(&b->p[i].addr, &addr)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "A prefix is listed twice");
			return -EINVAL;
		}
	}
	b->p[b->n].addr = addr;
	b->p[b->n].mask = mask;
	b->p[b->n].family = family;
	b->p[b->n].len = len;
	b->n++;
	return 0;
}

/* Called in process context. */
int mcfw_nl_iface_set(struct sk_buff *skb, struct genl_info *info)
{
	struct mcfw_net *mn = mcfw_pernet(genl_info_net(info));
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **tb = info->attrs;
	struct mcfw_boundary *b = NULL;
	const struct nlattr *a, *bnd;
	unsigned int n = 0;
	const char *name;
	int rem, err;
	u8 scope;

	if (GENL_REQ_ATTR_CHECK(info, MCFW_A_IFNAME)) {
		NL_SET_ERR_MSG(extack, "Missing interface name");
		return -EINVAL;
	}
	name = nla_data(tb[MCFW_A_IFNAME]);
	if (!dev_valid_name(name)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MCFW_A_IFNAME],
				    "Invalid interface name");
		return -EINVAL;
	}
	/* Absent or empty (libnl drops empty nests): no boundary. */
	bnd = tb[MCFW_A_BOUNDARIES];
	if (bnd) {
		nla_for_each_nested(a, bnd, rem) {
			if (nla_type(a) != MCFW_A_PREFIX) {
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "A boundary holds prefixes only");
				return -EINVAL;
			}
			n++;
		}
	}
	if (n > MCFW_BOUNDARY_MAX) {
		BUILD_BUG_ON(MCFW_BOUNDARY_MAX != 32);
		NL_SET_ERR_MSG_ATTR(extack, bnd,
				    "Too many prefixes in a boundary (at most 32)");
		return -EINVAL;
	}
	scope = tb[MCFW_A_BOUNDARY_SCOPE] ?
		nla_get_u8(tb[MCFW_A_BOUNDARY_SCOPE]) : 0;
	if (n || scope) {
		b = kzalloc(struct_size(b, p, n), GFP_KERNEL_ACCOUNT);
		if (!b) {
			NL_SET_ERR_MSG(extack, "Out of memory for the boundary");
			return -ENOMEM;
		}
		b->scope6 = scope;
	}
	/* A scope alone is a boundary without prefixes. */
	if (n) {
		nla_for_each_nested(a, bnd, rem) {
			err = mcfw_parse_prefix(a, b, extack);
			if (err) {
				kfree(b);
				return err;
			}
		}
	}

	mutex_lock(&mn->lock);
	err = mcfw_iface_set_boundary(mn, name, b);
	if (!err)
		mcfw_table_changed(mn, false);
	mutex_unlock(&mn->lock);
	/* An iface without routes or boundary may wait for the work. */
	mcfw_iface_sync(mn);
	if (err == -ENOMEM)
		NL_SET_ERR_MSG(extack, "Out of memory for the boundary");
	else if (err)
		NL_SET_ERR_MSG(extack, "Cannot track the interface name");
	return err;
}
