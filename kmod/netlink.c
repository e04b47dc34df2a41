// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw - in-kernel IP multicast forwarder: the "mcfw" generic netlink family.
 *
 * Every operation has its own policy (or none, which makes the core reject
 * any attribute), validation is strict, and resv_start_op is 0 so the core
 * also checks the reserved header fields and netlink flags. Commands that
 * change state carry GENL_ADMIN_PERM: CAP_NET_ADMIN in the initial user
 * namespace, not merely in the namespace the caller owns. Every rejection
 * says why in the extended ack.
 *
 * Reply buffers are allocated before mcfw_net.lock is taken where their
 * size is known, and sent after it is released. Every change is announced
 * on the "config" multicast group, under the lock, so listeners see the
 * changes to a route in the order they happened.
 */

#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include <linux/mcfw.h>

#include "mcfw.h"
#include "version.h"

static struct genl_family mcfw_genl_family;

enum mcfw_mcgrp {
	MCFW_MCGRP_CONFIG_IDX,
};

static const struct genl_multicast_group mcfw_mcgrps[] = {
	[MCFW_MCGRP_CONFIG_IDX] = { .name = MCFW_GENL_MCGRP_CONFIG },
};

static const struct nla_policy mcfw_oif_policy[MCFW_OIF_A_MAX + 1] = {
	[MCFW_OIF_A_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[MCFW_OIF_A_TTL]	= NLA_POLICY_MIN(NLA_U8, 1),
};

static const struct nla_policy mcfw_oifs_policy[MCFW_A_MAX + 1] = {
	[MCFW_A_OIF]		= NLA_POLICY_NESTED(mcfw_oif_policy),
};

static const struct nla_policy mcfw_route_new_policy[MCFW_A_MAX + 1] = {
	[MCFW_A_GROUP]		= { .type = NLA_BE32 },
	[MCFW_A_SOURCE]		= { .type = NLA_BE32 },
	[MCFW_A_IIF]		= NLA_POLICY_MIN(NLA_U32, 1),
	[MCFW_A_OIFS]		= NLA_POLICY_NESTED(mcfw_oifs_policy),
	[MCFW_A_REPLACE]	= { .type = NLA_FLAG },
};

/* Delete, get and dump filters name routes by key only. */
static const struct nla_policy mcfw_route_key_policy[MCFW_A_MAX + 1] = {
	[MCFW_A_GROUP]		= { .type = NLA_BE32 },
	[MCFW_A_SOURCE]		= { .type = NLA_BE32 },
	[MCFW_A_IIF]		= NLA_POLICY_MIN(NLA_U32, 1),
};

/* Counters as a route, an output and an interface report them. */
struct mcfw_stat_map {
	u16 attr;
	u8 counter;
};

static const struct mcfw_stat_map mcfw_route_stats[] = {
	{ MCFW_STATS_A_PACKETS,		MCFW_C_PACKETS },
	{ MCFW_STATS_A_BYTES,		MCFW_C_BYTES },
	{ MCFW_STATS_A_RPF_FAIL,	MCFW_C_RPF_FAIL },
	{ MCFW_STATS_A_TTL_DROP,	MCFW_C_TTL_DROP },
};

static const struct mcfw_stat_map mcfw_iface_stats[] = {
	{ MCFW_STATS_A_PACKETS,		MCFW_C_PACKETS },
	{ MCFW_STATS_A_BYTES,		MCFW_C_BYTES },
	{ MCFW_STATS_A_OUT_PACKETS,	MCFW_C_OUT_PACKETS },
	{ MCFW_STATS_A_OUT_BYTES,	MCFW_C_OUT_BYTES },
	{ MCFW_STATS_A_TTL_DROP,	MCFW_C_TTL_DROP },
	{ MCFW_STATS_A_SCOPE_DROP,	MCFW_C_SCOPE_DROP },
	{ MCFW_STATS_A_MTU_DROP,	MCFW_C_MTU_DROP },
	{ MCFW_STATS_A_DOWN_DROP,	MCFW_C_DOWN_DROP },
	{ MCFW_STATS_A_XMIT_DROP,	MCFW_C_XMIT_DROP },
};

/* An output reports these and the sum of its drop reasons. */
static const struct mcfw_stat_map mcfw_oif_stats[] = {
	{ MCFW_STATS_A_PACKETS,		MCFW_C_PACKETS },
	{ MCFW_STATS_A_BYTES,		MCFW_C_BYTES },
};

#define MCFW_OIF_NR_STATS	(ARRAY_SIZE(mcfw_oif_stats) + 1)

static u64 mcfw_oif_drops(const u64 *c)
{
	return c[MCFW_C_SCOPE_DROP] + c[MCFW_C_MTU_DROP] +
	       c[MCFW_C_DOWN_DROP] + c[MCFW_C_XMIT_DROP];
}

static int mcfw_put_stats(struct sk_buff *skb, int type,
			  struct mcfw_pcpu __percpu *pcpu, unsigned int n,
			  const struct mcfw_stat_map *map, unsigned int n_map,
			  bool drops)
{
	u64 c[MCFW_C_NR] = {};
	struct nlattr *nest;
	unsigned int i;

	mcfw_stats_read(pcpu, n, c);
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < n_map; i++)
		if (nla_put_u64_64bit(skb, map[i].attr, c[map[i].counter],
				      MCFW_STATS_A_PAD))
			goto cancel;
	if (drops && nla_put_u64_64bit(skb, MCFW_STATS_A_DROPS,
				       mcfw_oif_drops(c), MCFW_STATS_A_PAD))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static size_t mcfw_stats_size(unsigned int n)
{
	return nla_total_size(0) + n * nla_total_size_64bit(sizeof(u64));
}

static size_t mcfw_route_msg_size(unsigned int n_oifs)
{
	size_t oif = nla_total_size(0) +			/* MCFW_A_OIF */
		     nla_total_size(sizeof(u32)) +		/* IFINDEX */
		     nla_total_size(sizeof(u8)) +		/* TTL */
		     mcfw_stats_size(MCFW_OIF_NR_STATS);	/* STATS */

	return nla_total_size(sizeof(__be32)) +		/* MCFW_A_GROUP */
	       nla_total_size(sizeof(__be32)) +		/* MCFW_A_SOURCE */
	       nla_total_size(sizeof(u32)) +		/* MCFW_A_IIF */
	       mcfw_stats_size(ARRAY_SIZE(mcfw_route_stats)) +
	       nla_total_size(0) + n_oifs * oif;	/* MCFW_A_OIFS */
}

/* Called under RCU or with mcfw_net.lock held. */
static int mcfw_fill_route(struct sk_buff *skb, struct mcfw_net *mn,
			   const struct mcfw_route *rt, u32 portid, u32 seq,
			   int flags, u8 cmd, struct netlink_callback *cb)
{
	const struct mcfw_oifs *oifs;
	struct nlattr *nest, *onest;
	unsigned int i;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &mcfw_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);

	if (nla_put_in_addr(skb, MCFW_A_GROUP, rt->key.grp) ||
	    (rt->key.src && nla_put_in_addr(skb, MCFW_A_SOURCE, rt->key.src)) ||
	    nla_put_u32(skb, MCFW_A_IIF, rt->key.iif) ||
	    mcfw_put_stats(skb, MCFW_A_STATS, rt->stats, MCFW_C_NR,
			   mcfw_route_stats, ARRAY_SIZE(mcfw_route_stats),
			   false))
		goto cancel;

	oifs = rcu_dereference_check(rt->oifs, lockdep_is_held(&mn->lock));
	nest = nla_nest_start(skb, MCFW_A_OIFS);
	if (!nest)
		goto cancel;
	for (i = 0; i < oifs->n; i++) {
		const struct mcfw_oif *oif = &oifs->oif[i];

		onest = nla_nest_start(skb, MCFW_A_OIF);
		if (!onest ||
		    nla_put_u32(skb, MCFW_OIF_A_IFINDEX, oif->iface->ifindex) ||
		    nla_put_u8(skb, MCFW_OIF_A_TTL, oif->ttl) ||
		    mcfw_put_stats(skb, MCFW_OIF_A_STATS, oif->stats,
				   MCFW_C_OIF_NR, mcfw_oif_stats,
				   ARRAY_SIZE(mcfw_oif_stats), true))
			goto cancel;
		nla_nest_end(skb, onest);
	}
	nla_nest_end(skb, nest);

	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static bool mcfw_has_listeners(struct net *net)
{
	return genl_has_listeners(&mcfw_genl_family, net,
				  MCFW_MCGRP_CONFIG_IDX);
}

/* A route message for the config group; NULL if nobody listens or on
 * failure (then listeners are told they lost a message).
 */
static struct sk_buff *mcfw_route_ntf(struct mcfw_net *mn,
				      const struct mcfw_route *rt, u8 cmd,
				      gfp_t gfp)
{
	unsigned int n = mcfw_dereference(rt->oifs, mn)->n;
	struct sk_buff *skb;

	if (!mcfw_has_listeners(mn->net))
		return NULL;
	skb = genlmsg_new(mcfw_route_msg_size(n), gfp);
	if (skb && mcfw_fill_route(skb, mn, rt, 0, 0, 0, cmd, NULL)) {
		nlmsg_free(skb);
		skb = NULL;
	}
	/* Listeners must know they missed a change, and resynchronise. */
	if (!skb)
		genl_set_err(&mcfw_genl_family, mn->net, 0,
			     MCFW_MCGRP_CONFIG_IDX, -ENOBUFS);
	return skb;
}

/* Announces a change; called with mcfw_net.lock held, consumes @skb. */
static void mcfw_ntf_send(struct mcfw_net *mn, struct sk_buff *skb)
{
	lockdep_assert_held(&mn->lock);
	if (skb)
		genlmsg_multicast_netns(&mcfw_genl_family, mn->net, skb, 0,
					MCFW_MCGRP_CONFIG_IDX, GFP_KERNEL);
}

static size_t mcfw_info_msg_size(void)
{
	return nla_total_size(sizeof(MCFW_VERSION)) +	/* MCFW_A_VERSION */
	       nla_total_size(sizeof(u32)) +		/* MCFW_A_ROUTE_COUNT */
	       nla_total_size(sizeof(u32)) +		/* MCFW_A_IFACE_COUNT */
	       nla_total_size(sizeof(u32));		/* MCFW_A_OIF_MAX */
}

/* Called with genl_mutex held, in process context. */
static int mcfw_nl_info_get(struct sk_buff *skb, struct genl_info *info)
{
	struct mcfw_net *mn = mcfw_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(mcfw_info_msg_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &mcfw_genl_family, 0,
				MCFW_CMD_INFO_GET);
	if (!hdr)
		goto free_msg;

	if (nla_put_string(msg, MCFW_A_VERSION, MCFW_VERSION) ||
	    nla_put_u32(msg, MCFW_A_ROUTE_COUNT, READ_ONCE(mn->nr_routes)) ||
	    nla_put_u32(msg, MCFW_A_IFACE_COUNT, READ_ONCE(mn->nr_ifaces)) ||
	    nla_put_u32(msg, MCFW_A_OIF_MAX, mcfw_oif_max))
		goto free_msg;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

free_msg:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* Called with genl_mutex held, in process context. */
static int mcfw_nl_route_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct mcfw_net *mn = mcfw_pernet(genl_info_net(info));
	struct sk_buff *msg, *ntf;
	unsigned int removed;
	void *hdr;

	msg = genlmsg_new(nla_total_size(sizeof(u32)), GFP_KERNEL);
	ntf = genlmsg_new(nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!msg || !ntf)
		goto nomem;

	mutex_lock(&mn->lock);
	removed = mcfw_routes_flush(mn);
	/* Four bytes always fit in the buffers sized for them above. */
	hdr = genlmsg_put(ntf, 0, 0, &mcfw_genl_family, 0,
			  MCFW_CMD_ROUTE_FLUSH);
	if (removed && hdr &&
	    !nla_put_u32(ntf, MCFW_A_ROUTE_COUNT, removed)) {
		genlmsg_end(ntf, hdr);
		mcfw_ntf_send(mn, ntf);
	} else {
		nlmsg_free(ntf);
	}
	mutex_unlock(&mn->lock);

	hdr = genlmsg_put_reply(msg, info, &mcfw_genl_family, 0,
				MCFW_CMD_ROUTE_FLUSH);
	if (!hdr || nla_put_u32(msg, MCFW_A_ROUTE_COUNT, removed)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nomem:
	nlmsg_free(ntf);
	nlmsg_free(msg);
	return -ENOMEM;
}

/* A missing attribute: point at it, and say which in words. */
#define MCFW_REQUIRE(info, type, msg) ({				\
	struct genl_info *__info = (info);				\
	bool __missing = !__info->attrs[type];				\
									\
	if (__missing) {						\
		NL_SET_ERR_ATTR_MISS(__info->extack, NULL, type);	\
		NL_SET_ERR_MSG(__info->extack, msg);			\
	}								\
	__missing;							\
})

/* @a, the attribute @grp came from, may be NULL. */
static int mcfw_check_group(__be32 grp, const struct nlattr *a,
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

/* @a, the attribute @src came from, may be NULL. 0 is "any source". */
static int mcfw_check_source(__be32 src, const struct nlattr *a,
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
	if (ipv4_is_zeronet(src)) {
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

static int mcfw_parse_group(struct nlattr **tb, __be32 *grp,
			    struct netlink_ext_ack *extack)
{
	if (!tb[MCFW_A_GROUP]) {
		NL_SET_ERR_ATTR_MISS(extack, NULL, MCFW_A_GROUP);
		NL_SET_ERR_MSG(extack, "Missing group");
		return -EINVAL;
	}
	*grp = nla_get_in_addr(tb[MCFW_A_GROUP]);
	return mcfw_check_group(*grp, tb[MCFW_A_GROUP], extack);
}

static int mcfw_parse_source(struct nlattr **tb, __be32 *src,
			     struct netlink_ext_ack *extack)
{
	*src = tb[MCFW_A_SOURCE] ? nla_get_in_addr(tb[MCFW_A_SOURCE]) : 0;
	return mcfw_check_source(*src, tb[MCFW_A_SOURCE], extack);
}

static int mcfw_cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/* Fills cfg's outputs from MCFW_A_OIFS; the caller frees the arrays. */
static int mcfw_parse_oifs(struct nlattr *oifs, struct mcfw_route_cfg *cfg,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MCFW_OIF_A_MAX + 1];
	unsigned int n = 0, i;
	struct nlattr *a;
	int *sorted;
	int rem, err;

	nla_for_each_nested(a, oifs, rem)
		n++;
	if (!n) {
		NL_SET_ERR_MSG_ATTR(extack, oifs,
				    "At least one output interface is required");
		return -EINVAL;
	}
	if (n > mcfw_oif_max) {
		NL_SET_ERR_MSG_ATTR(extack, oifs,
				    "More output interfaces than the module parameter oif_max allows");
		return -E2BIG;
	}

	cfg->oif_index = kcalloc(n, sizeof(*cfg->oif_index), GFP_KERNEL);
	cfg->oif_ttl = kcalloc(n, sizeof(*cfg->oif_ttl), GFP_KERNEL);
	sorted = kcalloc(n, sizeof(*sorted), GFP_KERNEL);
	if (!cfg->oif_index || !cfg->oif_ttl || !sorted) {
		err = -ENOMEM;
		goto out;
	}

	nla_for_each_nested(a, oifs, rem) {
		err = nla_parse_nested(tb, MCFW_OIF_A_MAX, a, mcfw_oif_policy,
				       extack);
		if (err)
			goto out;
		if (!tb[MCFW_OIF_A_IFINDEX]) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "Output interface without an ifindex");
			err = -EINVAL;
			goto out;
		}
		cfg->oif_index[cfg->n_oifs] = nla_get_u32(tb[MCFW_OIF_A_IFINDEX]);
		cfg->oif_ttl[cfg->n_oifs] = tb[MCFW_OIF_A_TTL] ?
					    nla_get_u8(tb[MCFW_OIF_A_TTL]) : 1;
		if (cfg->oif_index[cfg->n_oifs] == cfg->key.iif) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "The input interface cannot also be an output");
			err = -EINVAL;
			goto out;
		}
		cfg->n_oifs++;
	}

	memcpy(sorted, cfg->oif_index, n * sizeof(*sorted));
	sort(sorted, n, sizeof(*sorted), mcfw_cmp_int, NULL);
	for (i = 1; i < n; i++) {
		if (sorted[i] == sorted[i - 1]) {
			NL_SET_ERR_MSG_ATTR(extack, oifs,
					    "An output interface is listed twice");
			err = -EINVAL;
			goto out;
		}
	}
	err = 0;
out:
	kfree(sorted);
	return err;
}

/* Called with genl_mutex held, in process context. */
static int mcfw_nl_route_new(struct sk_buff *skb, struct genl_info *info)
{
	struct mcfw_net *mn = mcfw_pernet(genl_info_net(info));
	struct netlink_ext_ack *extack = info->extack;
	struct mcfw_route_cfg cfg = {};
	struct mcfw_route *rt;
	struct sk_buff *msg;
	int err;

	if (MCFW_REQUIRE(info, MCFW_A_IIF, "Missing input interface") ||
	    MCFW_REQUIRE(info, MCFW_A_OIFS, "Missing output interfaces"))
		return -EINVAL;
	err = mcfw_parse_group(info->attrs, &cfg.key.grp, extack);
	if (err)
		return err;
	err = mcfw_parse_source(info->attrs, &cfg.key.src, extack);
	if (err)
		return err;
	cfg.key.iif = nla_get_u32(info->attrs[MCFW_A_IIF]);
	cfg.replace = nla_get_flag(info->attrs[MCFW_A_REPLACE]);
	err = mcfw_parse_oifs(info->attrs[MCFW_A_OIFS], &cfg, extack);
	if (err)
		goto free_cfg;

	err = -ENOMEM;
	msg = genlmsg_new(mcfw_route_msg_size(cfg.n_oifs), GFP_KERNEL);
	if (!msg)
		goto free_cfg;

	mutex_lock(&mn->lock);
	rt = mcfw_route_set(mn, &cfg, extack);
	if (IS_ERR(rt)) {
		mutex_unlock(&mn->lock);
		err = PTR_ERR(rt);
		nlmsg_free(msg);
		goto free_cfg;
	}
	err = mcfw_fill_route(msg, mn, rt, info->snd_portid, info->snd_seq,
			      0, MCFW_CMD_ROUTE_NEW, NULL);
	mcfw_ntf_send(mn, mcfw_route_ntf(mn, rt, MCFW_CMD_ROUTE_NEW,
					 GFP_KERNEL));
	mutex_unlock(&mn->lock);

	if (err) {
		/* The route is in place; only the reply did not fit. */
		nlmsg_free(msg);
		err = 0;
	} else {
		err = genlmsg_reply(msg, info);
	}

free_cfg:
	kfree(cfg.oif_index);
	kfree(cfg.oif_ttl);
	return err;
}

/* Called with genl_mutex held, in process context. */
static int mcfw_nl_route_del(struct sk_buff *skb, struct genl_info *info)
{
	struct mcfw_net *mn = mcfw_pernet(genl_info_net(info));
	struct netlink_ext_ack *extack = info->extack;
	struct mcfw_route *rt, *tmp;
	struct mcfw_key key = {};
	unsigned int n = 0;
	int err;

	err = mcfw_parse_group(info->attrs, &key.grp, extack);
	if (err)
		return err;
	err = mcfw_parse_source(info->attrs, &key.src, extack);
	if (err)
		return err;
	if (info->attrs[MCFW_A_IIF])
		key.iif = nla_get_u32(info->attrs[MCFW_A_IIF]);

	mutex_lock(&mn->lock);
	list_for_each_entry_safe(rt, tmp, &mn->route_list, list) {
		if (rt->key.grp != key.grp || rt->key.src != key.src ||
		    (key.iif && rt->key.iif != key.iif))
			continue;
		mcfw_ntf_send(mn, mcfw_route_ntf(mn, rt, MCFW_CMD_ROUTE_DEL,
						 GFP_KERNEL));
		mcfw_route_unlink(mn, rt);
		n++;
	}
	mutex_unlock(&mn->lock);

	if (!n) {
		NL_SET_ERR_MSG(extack, "No such route");
		return -ENOENT;
	}
	return 0;
}

/* Called with genl_mutex held, in process context. */
static int mcfw_nl_route_get(struct sk_buff *skb, struct genl_info *info)
{
	struct mcfw_net *mn = mcfw_pernet(genl_info_net(info));
	struct netlink_ext_ack *extack = info->extack;
	struct mcfw_key key = {};
	struct mcfw_route *rt;
	struct sk_buff *msg;
	int err;

	if (MCFW_REQUIRE(info, MCFW_A_IIF, "Missing input interface"))
		return -EINVAL;
	err = mcfw_parse_group(info->attrs, &key.grp, extack);
	if (err)
		return err;
	err = mcfw_parse_source(info->attrs, &key.src, extack);
	if (err)
		return err;
	key.iif = nla_get_u32(info->attrs[MCFW_A_IIF]);

	/*
	 * Sized under the lock: the route's outputs may change meanwhile.
	 * The lock keeps the route; the hash walk itself needs RCU.
	 */
	mutex_lock(&mn->lock);
	rcu_read_lock();
	rt = mcfw_route_lookup(mn, key.src, key.grp, key.iif);
	rcu_read_unlock();
	if (!rt || rt->key.src != key.src) {
		mutex_unlock(&mn->lock);
		NL_SET_ERR_MSG(extack, "No such route");
		return -ENOENT;
	}
	msg = genlmsg_new(mcfw_route_msg_size(mcfw_dereference(rt->oifs, mn)->n),
			  GFP_KERNEL);
	if (!msg) {
		mutex_unlock(&mn->lock);
		return -ENOMEM;
	}
	err = mcfw_fill_route(msg, mn, rt, info->snd_portid, info->snd_seq,
			      0, MCFW_CMD_ROUTE_GET, NULL);
	mutex_unlock(&mn->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Dumps keep their place as a count of entries already sent in
 * cb->args[0], and compare mcfw_net.gen across calls so a dump that a
 * change interrupted is flagged NLM_F_DUMP_INTR. The filters are checked
 * in the first call, not in .start: 6.1 gives .start no extack.
 */
enum {
	MCFW_DUMP_POS,
	MCFW_DUMP_GRP,
	MCFW_DUMP_SRC,
	MCFW_DUMP_IIF,
	MCFW_DUMP_CHECKED,
};

static int mcfw_nl_route_dump_start(struct netlink_callback *cb)
{
	struct mcfw_net *mn = mcfw_pernet(sock_net(cb->skb->sk));
	struct nlattr *tb[MCFW_A_MAX + 1];
	const struct mcfw_route *rt;
	unsigned int most = 0;
	int err;

	/* The core validated them; where it keeps them differs by version. */
	err = nlmsg_parse(cb->nlh, GENL_HDRLEN, tb, MCFW_A_MAX,
			  mcfw_route_key_policy, NULL);
	if (err)
		return err;
	if (tb[MCFW_A_GROUP])
		cb->args[MCFW_DUMP_GRP] = (__force u32)nla_get_in_addr(tb[MCFW_A_GROUP]);
	if (tb[MCFW_A_SOURCE])
		cb->args[MCFW_DUMP_SRC] = (__force u32)nla_get_in_addr(tb[MCFW_A_SOURCE]);
	if (tb[MCFW_A_IIF])
		cb->args[MCFW_DUMP_IIF] = nla_get_u32(tb[MCFW_A_IIF]);

	/* Every message must hold the largest route there is. */
	rcu_read_lock();
	list_for_each_entry_rcu(rt, &mn->route_list, list)
		most = max(most, rcu_dereference(rt->oifs)->n);
	rcu_read_unlock();
	cb->min_dump_alloc = NLMSG_ALIGN(NLMSG_HDRLEN + GENL_HDRLEN +
					 mcfw_route_msg_size(most));
	return 0;
}

/* Called under genl's dump lock, in process context. */
static int mcfw_nl_route_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mcfw_net *mn = mcfw_pernet(sock_net(skb->sk));
	__be32 grp = (__force __be32)(u32)cb->args[MCFW_DUMP_GRP];
	__be32 src = (__force __be32)(u32)cb->args[MCFW_DUMP_SRC];
	int iif = cb->args[MCFW_DUMP_IIF];
	struct mcfw_route *rt;
	long idx = 0;
	int err = 0;

	if (!cb->args[MCFW_DUMP_CHECKED]) {
		if (grp)
			err = mcfw_check_group(grp, NULL, cb->extack);
		if (!err)
			err = mcfw_check_source(src, NULL, cb->extack);
		if (err)
			return err;
		cb->args[MCFW_DUMP_CHECKED] = 1;
	}

	rcu_read_lock();
	cb->seq = READ_ONCE(mn->gen) + 1;
	list_for_each_entry_rcu(rt, &mn->route_list, list) {
		if ((grp && rt->key.grp != grp) ||
		    (src && rt->key.src != src) ||
		    (iif && rt->key.iif != iif))
			continue;
		if (idx++ < cb->args[MCFW_DUMP_POS])
			continue;
		err = mcfw_fill_route(skb, mn, rt, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI,
				      MCFW_CMD_ROUTE_GET, cb);
		if (err) {
			idx--;
			break;
		}
	}
	rcu_read_unlock();
	cb->args[MCFW_DUMP_POS] = idx;

	/* A full message means: call again. Nothing sent means: too big. */
	if (err && !skb->len)
		return err;
	return skb->len;
}

static int mcfw_fill_iface(struct sk_buff *skb, const struct mcfw_iface *iface,
			   struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &mcfw_genl_family, NLM_F_MULTI, MCFW_CMD_IFACE_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, MCFW_A_IFINDEX, iface->ifindex) ||
	    nla_put_string(skb, MCFW_A_IFNAME, iface->dev->name) ||
	    mcfw_put_stats(skb, MCFW_A_STATS, iface->stats, MCFW_C_NR,
			   mcfw_iface_stats, ARRAY_SIZE(mcfw_iface_stats),
			   true)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Called under genl's dump lock, in process context. */
static int mcfw_nl_iface_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mcfw_net *mn = mcfw_pernet(sock_net(skb->sk));
	struct mcfw_iface *iface;
	long idx = 0;

	rcu_read_lock();
	cb->seq = READ_ONCE(mn->gen) + 1;
	list_for_each_entry_rcu(iface, &mn->ifaces, list) {
		if (idx++ < cb->args[0])
			continue;
		if (mcfw_fill_iface(skb, iface, cb)) {
			idx--;
			break;
		}
	}
	rcu_read_unlock();
	cb->args[0] = idx;
	return skb->len;
}

/**
 * mcfw_dev_gone - take a device that leaves a namespace out of its routes
 * @mn: the namespace's state
 * @dev: the device being unregistered or moved away
 *
 * Routes with @dev as input are removed; routes with it as an output lose
 * that output. Each change is announced.
 *
 * Context: process context, RTNL held (netdevice notifier).
 */
void mcfw_dev_gone(struct mcfw_net *mn, struct net_device *dev)
{
	struct mcfw_route *rt, *tmp;
	struct sk_buff *ntf;

	mutex_lock(&mn->lock);
	/* Most devices that go away were never used by a route. */
	if (!mcfw_dev_in_use(mn, dev))
		goto unlock;
	list_for_each_entry_safe(rt, tmp, &mn->route_list, list) {
		if (mcfw_route_uses_dev(mn, rt, dev)) {
			ntf = mcfw_route_ntf(mn, rt, MCFW_CMD_ROUTE_DEL,
					     GFP_KERNEL);
			mcfw_route_unlink(mn, rt);
		} else if (mcfw_route_drop_oif(mn, rt, dev)) {
			ntf = mcfw_route_ntf(mn, rt, MCFW_CMD_ROUTE_NEW,
					     GFP_KERNEL);
		} else {
			continue;
		}
		mcfw_ntf_send(mn, ntf);
	}
unlock:
	mutex_unlock(&mn->lock);
}

static const struct genl_ops mcfw_genl_ops[] = {
	{
		.cmd	= MCFW_CMD_INFO_GET,
		.doit	= mcfw_nl_info_get,
	},
	{
		.cmd	= MCFW_CMD_ROUTE_FLUSH,
		.doit	= mcfw_nl_route_flush,
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
		.policy	= mcfw_route_key_policy,
		.maxattr = ARRAY_SIZE(mcfw_route_key_policy) - 1,
	},
	{
		.cmd	= MCFW_CMD_IFACE_GET,
		.dumpit	= mcfw_nl_iface_dump,
	},
};

static struct genl_family mcfw_genl_family __ro_after_init = {
	.name		= MCFW_GENL_NAME,
	.version	= MCFW_GENL_VERSION,
	.maxattr	= MCFW_A_MAX,
	.netnsok	= true,
	.resv_start_op	= 0,
	.module		= THIS_MODULE,
	.ops		= mcfw_genl_ops,
	.n_ops		= ARRAY_SIZE(mcfw_genl_ops),
	.mcgrps		= mcfw_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(mcfw_mcgrps),
};

int __init mcfw_genl_register(void)
{
	return genl_register_family(&mcfw_genl_family);
}

void mcfw_genl_unregister(void)
{
	genl_unregister_family(&mcfw_genl_family);
}
