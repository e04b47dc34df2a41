// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw - in-kernel IP multicast forwarder: the route object of the "mcfw"
 * generic netlink family (new, del, get, dump, flush, zero).
 *
 * A command from the socket that stages a batch is staged in it (see
 * batch.c) instead of applied: it is checked the same way and answered
 * with an acknowledgment only.
 */

#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "mcfw.h"
#include "netlink.h"

/* The name of an output given by name or by ifindex. */
static int mcfw_parse_oif_name(struct net *net, struct nlattr **tb,
			       const struct nlattr *a, char *name,
			       struct netlink_ext_ack *extack)
{
	struct net_device *dev;

	memset(name, 0, IFNAMSIZ);
	if (tb[MCFW_OIF_A_IFNAME] && tb[MCFW_OIF_A_IFINDEX]) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "Give an output interface by name or by ifindex, not both");
		return -EINVAL;
	}
	if (tb[MCFW_OIF_A_IFNAME]) {
		nla_strscpy(name, tb[MCFW_OIF_A_IFNAME], IFNAMSIZ);
		if (!dev_valid_name(name)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[MCFW_OIF_A_IFNAME],
					    "Invalid output interface name");
			return -EINVAL;
		}
		return 0;
	}
	if (!tb[MCFW_OIF_A_IFINDEX]) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "Output interface without a name or an ifindex");
		return -EINVAL;
	}
	rcu_read_lock();
	dev = dev_get_by_index_rcu(net, nla_get_u32(tb[MCFW_OIF_A_IFINDEX]));
	if (dev)
		strscpy(name, dev->name, IFNAMSIZ);
	rcu_read_unlock();
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MCFW_OIF_A_IFINDEX],
				    "Output interface does not exist in this namespace");
		return -ENODEV;
	}
	return 0;
}

/*
 * An output's translation: the group and UDP port its copies carry. A
 * group equal to the route's is no translation, and is stored as none, so
 * that "eth1@<the route's group>" is "eth1".
 */
static int mcfw_parse_oif_rewrite(struct nlattr **tb,
				  const struct mcfw_route_cfg *cfg,
				  struct mcfw_oif_cfg *oif,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *g = tb[MCFW_OIF_A_GROUP], *p = tb[MCFW_OIF_A_PORT];

	struct nlattr *g6 = tb[MCFW_OIF_A_GROUP6];
	int err;

	if (g && cfg->key.family != AF_INET) {
		NL_SET_ERR_MSG_ATTR(extack, g,
				    "Output group is IPv4 but the route is IPv6");
		return -EINVAL;
	}
	if (g6 && cfg->key.family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, g6,
				    "Output group is IPv6 but the route is IPv4");
		return -EINVAL;
	}
	if (g) {
		oif->grp.ip = nla_get_in_addr(g);
		if (!ipv4_is_multicast(oif->grp.ip)) {
			NL_SET_ERR_MSG_ATTR(extack, g,
					    "Output group is not an IPv4 multicast address");
			return -EINVAL;
		}
		if (ipv4_is_local_multicast(oif->grp.ip)) {
			NL_SET_ERR_MSG_ATTR(extack, g,
					    "Output group is in 224.0.0.0/24, which is link-local and never forwarded");
			return -EINVAL;
		}
	}
	if (g6) {
		oif->grp.in6 = nla_get_in6_addr(g6);
		err = mcfw_check_group6(&oif->grp.in6, g6, extack);
		if (err)
			return err;
	}
	if (nf_inet_addr_cmp(&oif->grp, &cfg->key.grp))
		memset(&oif->grp, 0, sizeof(oif->grp));
	if (p) {
		oif->port = nla_get_be16(p);
		if (!oif->port) {
			NL_SET_ERR_MSG_ATTR(extack, p,
					    "Output port 0: give 1 to 65535, or leave the port out");
			return -EINVAL;
		}
	}
	return 0;
}

/* An IPv6 unicast output's address: a global unicast one. */
static int mcfw_check_unicast6(const struct in6_addr *addr,
			       const struct nlattr *u,
			       struct netlink_ext_ack *extack)
{
	int type = ipv6_addr_type(addr);

	if (type & IPV6_ADDR_MULTICAST) {
		NL_SET_ERR_MSG_ATTR(extack, u,
				    "Unicast output address is a multicast address");
		return -EINVAL;
	}
	if (type == IPV6_ADDR_ANY ||
	    (type & (IPV6_ADDR_LOOPBACK | IPV6_ADDR_LINKLOCAL |
		     IPV6_ADDR_MAPPED))) {
		NL_SET_ERR_MSG_ATTR(extack, u,
				    "Unicast output address is not a routable unicast address (unspecified, loopback, link-local or IPv4-mapped)");
		return -EINVAL;
	}
	return 0;
}

/*
 * A unicast output: an address the routing table can send a datagram to
 * (not multicast, broadcast, 0.0.0.0/8 or loopback; in IPv6, a routable
 * unicast address), of the route's family, and no interface.
 */
static int mcfw_parse_oif_unicast(struct nlattr **tb, const struct nlattr *a,
				  u8 family, struct mcfw_oif_cfg *oif,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *u = tb[MCFW_OIF_A_UNICAST] ?: tb[MCFW_OIF_A_UNICAST6];

	if (tb[MCFW_OIF_A_UNICAST] && tb[MCFW_OIF_A_UNICAST6]) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "A unicast output has one address, IPv4 or IPv6");
		return -EINVAL;
	}
	if (family == AF_INET6 && tb[MCFW_OIF_A_UNICAST]) {
		NL_SET_ERR_MSG_ATTR(extack, u,
				    "Unicast output address is IPv4 but the route is IPv6");
		return -EINVAL;
	}
	if (family == AF_INET && tb[MCFW_OIF_A_UNICAST6]) {
		NL_SET_ERR_MSG_ATTR(extack, u,
				    "Unicast output address is IPv6 but the route is IPv4");
		return -EINVAL;
	}
	if (tb[MCFW_OIF_A_IFNAME] || tb[MCFW_OIF_A_IFINDEX] ||
	    tb[MCFW_OIF_A_GROUP] || tb[MCFW_OIF_A_GROUP6]) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "A unicast output has no interface and no group: the routing table chooses");
		return -EINVAL;
	}
	oif->unicast = true;
	if (family == AF_INET6) {
		oif->ucast.in6 = nla_get_in6_addr(u);
		return mcfw_check_unicast6(&oif->ucast.in6, u, extack);
	}
	oif->ucast.ip = nla_get_in_addr(u);
	if (ipv4_is_multicast(oif->ucast.ip)) {
		NL_SET_ERR_MSG_ATTR(extack, u,
				    "Unicast output address is a multicast address");
		return -EINVAL;
	}
	if (ipv4_is_lbcast(oif->ucast.ip) || mcfw_is_zeronet(oif->ucast.ip) ||
	    ipv4_is_loopback(oif->ucast.ip)) {
		NL_SET_ERR_MSG_ATTR(extack, u,
				    "Unicast output address is not a unicast address (broadcast, 0.0.0.0/8 or loopback)");
		return -EINVAL;
	}
	return 0;
}

/* Fills cfg's outputs from MCFW_A_OIFS; the caller frees cfg->oifs. */
int mcfw_parse_oifs(struct net *net, struct nlattr *oifs,
		    struct mcfw_route_cfg *cfg, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MCFW_OIF_A_MAX + 1];
	struct mcfw_oif_cfg *oif;
	unsigned int n = 0, i;
	struct nlattr *a;
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
	cfg->oifs = kcalloc(n, sizeof(*cfg->oifs), GFP_KERNEL_ACCOUNT);
	if (!cfg->oifs)
		return -ENOMEM;

	nla_for_each_nested(a, oifs, rem) {
		err = nla_parse_nested(tb, MCFW_OIF_A_MAX, a, mcfw_oif_policy,
				       extack);
		if (err)
			return err;
		oif = &cfg->oifs[cfg->n_oifs];
		if (tb[MCFW_OIF_A_UNICAST] || tb[MCFW_OIF_A_UNICAST6])
			err = mcfw_parse_oif_unicast(tb, a, cfg->key.family, oif,
						     extack);
		else
			err = mcfw_parse_oif_name(net, tb, a, oif->name, extack);
		if (err)
			return err;
		oif->ttl = tb[MCFW_OIF_A_TTL] ? nla_get_u8(tb[MCFW_OIF_A_TTL]) : 1;
		if (!oif->unicast && !strcmp(oif->name, cfg->iif)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "The input interface cannot also be an output");
			return -EINVAL;
		}
		err = mcfw_parse_oif_rewrite(tb, cfg, oif, extack);
		if (err)
			return err;
		/*
		 * One interface may carry several copies that differ in group
		 * or port. Outputs are few (oif_max): a quadratic check is
		 * cheap.
		 */
		for (i = 0; i < cfg->n_oifs; i++) {
			if (!strcmp(cfg->oifs[i].name, oif->name) &&
			    cfg->oifs[i].unicast == oif->unicast &&
			    nf_inet_addr_cmp(&cfg->oifs[i].ucast, &oif->ucast) &&
			    nf_inet_addr_cmp(&cfg->oifs[i].grp, &oif->grp) &&
			    cfg->oifs[i].port == oif->port) {
				if (oif->unicast)
					NL_SET_ERR_MSG_ATTR(extack, a,
							    "A unicast output is listed twice (the same address and port)");
				else if (!mcfw_addr_any(&oif->grp) || oif->port)
					NL_SET_ERR_MSG_ATTR(extack, a,
							    "An output is listed twice (the same interface, group and port)");
				else
					NL_SET_ERR_MSG_ATTR(extack, a,
							    "An output interface is listed twice");
				return -EINVAL;
			}
		}
		cfg->n_oifs++;
	}
	return 0;
}

/* A route's rate limit: packets or bits per second, in range; or none. */
static int mcfw_parse_rate(struct nlattr **tb, struct mcfw_route_cfg *cfg,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *p = tb[MCFW_A_RATE_PKTS], *b = tb[MCFW_A_RATE_BITS];

	if (p && b) {
		NL_SET_ERR_MSG_ATTR(extack, b,
				    "A route has one rate limit: in packets or in bits per second, not both");
		return -EINVAL;
	}
	if (p) {
		cfg->rate_pkts = nla_get_u64(p);
		if (!cfg->rate_pkts || cfg->rate_pkts > MCFW_RATE_PKTS_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, p,
					    "Rate limit out of range (1 to 10000000 packets/s)");
			return -EINVAL;
		}
	}
	if (b) {
		cfg->rate_bits = nla_get_u64(b);
		if (cfg->rate_bits < MCFW_RATE_BITS_MIN ||
		    cfg->rate_bits > MCFW_RATE_BITS_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, b,
					    "Rate limit out of range (8 bit/s to 10 Gbit/s)");
			return -EINVAL;
		}
	}
	return 0;
}

/* The whole route a ROUTE_NEW request gives. */
static int mcfw_parse_route(struct genl_info *info, struct mcfw_route_cfg *cfg)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **tb = info->attrs;
	int err;

	err = mcfw_parse_group(tb, &cfg->key, extack);
	if (err)
		return err;
	err = mcfw_parse_source(tb, &cfg->key, extack);
	if (err < 0)
		return err;
	err = mcfw_parse_iif(genl_info_net(info), tb, cfg->iif, extack);
	if (err < 0)
		return err;
	if (!err) {
		NL_SET_ERR_ATTR_MISS(extack, NULL, MCFW_A_IIF_NAME);
		NL_SET_ERR_MSG(extack, "Missing input interface");
		return -EINVAL;
	}
	if (GENL_REQ_ATTR_CHECK(info, MCFW_A_OIFS)) {
		NL_SET_ERR_MSG(extack, "Missing output interfaces");
		return -EINVAL;
	}
	err = mcfw_parse_owner(tb[MCFW_A_OWNER], cfg->owner, extack);
	if (err)
		return err;
	if (nla_get_flag(tb[MCFW_A_NOJOIN]))
		cfg->flags |= MCFW_RF_NOJOIN;
	if (nla_get_flag(tb[MCFW_A_SNAT]))
		cfg->flags |= MCFW_RF_SNAT;
	err = mcfw_parse_rate(tb, cfg, extack);
	if (err)
		return err;
	return mcfw_parse_oifs(genl_info_net(info), tb[MCFW_A_OIFS], cfg,
			       extack);
}

/* Adds or replaces a route now. Called with mcfw_net.lock held. */
static struct mcfw_route *mcfw_route_set(struct mcfw_net *mn,
					 const struct mcfw_route_cfg *cfg,
					 bool replace, enum mcfw_event *ev,
					 struct netlink_ext_ack *extack)
{
	struct mcfw_oifs *oifs;
	struct mcfw_route *rt;
	int err;

	err = mcfw_route_cfg_devs_exist(mn, cfg, extack);
	if (err)
		return ERR_PTR(err);
	rt = mcfw_route_find(mn, &cfg->key, cfg->iif);
	if (rt && !replace) {
		if (strcmp(rt->owner, cfg->owner))
			NL_SET_ERR_MSG(extack, "Route exists and has another owner");
		else
			NL_SET_ERR_MSG(extack,
				       "Route exists (use replace to change it)");
		return ERR_PTR(-EEXIST);
	}
	if (!rt) {
		err = mcfw_table_room(mn, 1, 0, extack);
		if (err)
			return ERR_PTR(err);
		*ev = MCFW_EV_ADD;
		rt = mcfw_route_create(mn, cfg, 0, NULL, extack);
	} else {
		*ev = MCFW_EV_REPLACE;
		oifs = mcfw_oifs_build(mn, cfg,
				       mcfw_dereference(rt->oifs[mn->gencursor],
							mn), NULL, NULL);
		if (IS_ERR(oifs))
			return ERR_CAST(oifs);
		mcfw_route_replace(mn, rt, cfg, oifs);
	}
	if (!IS_ERR(rt))
		mcfw_table_changed(mn, true);
	return rt;
}

/* Called in process context. */
int mcfw_nl_route_new(struct sk_buff *skb, struct genl_info *info)
{
	struct mcfw_net *mn = mcfw_pernet(genl_info_net(info));
	bool replace = nla_get_flag(info->attrs[MCFW_A_REPLACE]);
	struct netlink_ext_ack *extack = info->extack;
	struct mcfw_route_cfg cfg = {};
	struct mcfw_batch *b;
	struct mcfw_route *rt;
	struct sk_buff *msg;
	enum mcfw_event ev;
	int err;

	err = mcfw_parse_route(info, &cfg);
	if (err)
		goto free_cfg;

	mutex_lock(&mn->lock);
	b = mcfw_batch_of(mn, skb, info->snd_portid);
	if (b) {
		/* Staged: no reply but the error, if any; cfg.oifs is taken. */
		err = mcfw_batch_route_set(mn, b, &cfg, replace, extack);
		mutex_unlock(&mn->lock);
		goto free_cfg;
	}
	msg = genlmsg_new(mcfw_route_msg_size(cfg.n_oifs), GFP_KERNEL);
	if (!msg) {
		mutex_unlock(&mn->lock);
		err = -ENOMEM;
		goto free_cfg;
	}
	rt = mcfw_route_set(mn, &cfg, replace, &ev, extack);
	if (IS_ERR(rt)) {
		mutex_unlock(&mn->lock);
		err = PTR_ERR(rt);
		nlmsg_free(msg);
		goto free_cfg;
	}
	err = mcfw_fill_route(msg, mn, rt, info->snd_portid, info->snd_seq,
			      0, MCFW_CMD_ROUTE_NEW, MCFW_EV_UNSPEC, NULL, true);
	mcfw_ntf_route(mn, rt, ev);
	mutex_unlock(&mn->lock);
	/* ALLMULTI and the membership are in place before we answer. */
	mcfw_iface_sync(mn);

	if (err) {
		/* The route is in place; only the reply did not fit. */
		nlmsg_free(msg);
		err = 0;
	} else {
		err = genlmsg_reply(msg, info);
	}

free_cfg:
	if (err)
		mcfw_batch_refused(mn, skb, info->snd_portid);
	kfree(cfg.oifs);
	return err;
}

/*
 * Sends @msg (allocated for it) as the reply to @info: @cmd with
 * MCFW_A_ROUTE_COUNT @n, what flush and zero answer.
 */
static int mcfw_reply_count(struct sk_buff *msg, struct genl_info *info,
			    u8 cmd, u32 n)
{
	void *hdr;

	hdr = genlmsg_put_reply(msg, info, &mcfw_genl_family, 0, cmd);
	if (!hdr || nla_put_u32(msg, MCFW_A_ROUTE_COUNT, n)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* The key of del, get and zero: group, source and maybe input. */
static int mcfw_parse_key(struct genl_info *info, struct mcfw_match *k,
			  bool need_grp)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **tb = info->attrs;
	int err;

	memset(k, 0, sizeof(*k));
	if (need_grp || tb[MCFW_A_GROUP] || tb[MCFW_A_GROUP6]) {
		err = mcfw_parse_group(tb, &k->key, extack);
		if (err)
			return err;
		k->has_grp = true;
	}
	err = mcfw_parse_source(tb, &k->key, extack);
	if (err < 0)
		return err;
	k->has_src = err;
	err = mcfw_parse_iif(genl_info_net(info), tb, k->iif, extack);
	if (err < 0)
		return err;
	k->has_iif = err;
	if (tb[MCFW_A_OWNER]) {
		err = mcfw_parse_owner(tb[MCFW_A_OWNER], k->owner, extack);
		if (err)
			return err;
		k->has_owner = true;
	}
	return 0;
}

/* Called in process context. */
int mcfw_nl_route_del(struct sk_buff *skb, struct genl_info *info)
{
	struct mcfw_net *mn = mcfw_pernet(genl_info_net(info));
	struct netlink_ext_ack *extack = info->extack;
	struct mcfw_route *rt, *tmp[8];
	struct mcfw_match k;
	struct mcfw_batch *b;
	struct mcfw_entry *e;
	unsigned int n = 0, i, found;
	int err;

	err = mcfw_parse_key(info, &k, true);
	if (!err && k.has_owner) {
		NL_SET_ERR_MSG_ATTR(extack, info->attrs[MCFW_A_OWNER],
				    "A route is deleted by its name, not its owner");
		err = -EINVAL;
	}
	if (err) {
		mcfw_batch_refused(mn, skb, info->snd_portid);
		return err;
	}

	mutex_lock(&mn->lock);
	b = mcfw_batch_of(mn, skb, info->snd_portid);
	if (b) {
		err = mcfw_batch_route_del(mn, b, &k.key,
					   k.has_iif ? k.iif : NULL, extack);
		mutex_unlock(&mn->lock);
		return err < 0 ? err : 0;
	}
	do {
		/* Routes of the entry, a few at a time: unlinking frees it. */
		rcu_read_lock();
		e = mcfw_entry_lookup(mn, &k.key);
		rcu_read_unlock();
		found = 0;
		if (e) {
			hlist_for_each_entry(rt, &e->routes, enode) {
				if (k.has_iif && strcmp(rt->iif->name, k.iif))
					continue;
				tmp[found++] = rt;
				if (found == ARRAY_SIZE(tmp))
					break;
			}
		}
		for (i = 0; i < found; i++) {
			mcfw_ntf_route(mn, tmp[i], MCFW_EV_DEL);
			mcfw_route_unlink(mn, tmp[i]);
		}
		n += found;
	} while (found == ARRAY_SIZE(tmp));
	if (n)
		mcfw_table_changed(mn, true);
	mutex_unlock(&mn->lock);
	mcfw_iface_sync(mn);

	if (!n) {
		NL_SET_ERR_MSG(extack, "No such route");
		return -ENOENT;
	}
	return 0;
}

/* Called in process context. */
int mcfw_nl_route_get(struct sk_buff *skb, struct genl_info *info)
{
	struct mcfw_net *mn = mcfw_pernet(genl_info_net(info));
	struct netlink_ext_ack *extack = info->extack;
	struct mcfw_route *rt;
	struct mcfw_match k;
	struct sk_buff *msg;
	unsigned int n;
	int err;

	err = mcfw_parse_key(info, &k, true);
	if (err)
		return err;
	if (!k.has_iif) {
		NL_SET_ERR_ATTR_MISS(extack, NULL, MCFW_A_IIF_NAME);
		NL_SET_ERR_MSG(extack, "Missing input interface");
		return -EINVAL;
	}
	if (k.has_owner) {
		NL_SET_ERR_MSG_ATTR(extack, info->attrs[MCFW_A_OWNER],
				    "A route is looked up by its name, not its owner");
		return -EINVAL;
	}

	/* Sized under the lock: the route's outputs may change meanwhile. */
	mutex_lock(&mn->lock);
	rt = mcfw_route_find(mn, &k.key, k.iif);
	if (!rt) {
		mutex_unlock(&mn->lock);
		NL_SET_ERR_MSG(extack, "No such route");
		return -ENOENT;
	}
	n = mcfw_dereference(rt->oifs[mn->gencursor], mn)->n;
	msg = genlmsg_new(mcfw_route_msg_size(n), GFP_KERNEL);
	if (!msg) {
		mutex_unlock(&mn->lock);
		return -ENOMEM;
	}
	err = mcfw_fill_route(msg, mn, rt, info->snd_portid, info->snd_seq,
			      0, MCFW_CMD_ROUTE_GET, MCFW_EV_UNSPEC, NULL,
			      !nla_get_flag(info->attrs[MCFW_A_NO_STATS]));
	mutex_unlock(&mn->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/**
 * struct mcfw_dump_pos - a place in the route tree, between two routes
 * @key: family, group and source of the route before it
 * @iif: its input name
 */
struct mcfw_dump_pos {
	struct mcfw_key key;
	char iif[IFNAMSIZ];
};

static void mcfw_dump_pos_set(struct mcfw_dump_pos *pos,
			      const struct mcfw_route *rt)
{
	pos->key = rt->entry->key;
	memcpy(pos->iif, rt->iif->name, IFNAMSIZ);
}

/**
 * struct mcfw_dump - where a route dump is, and what it looks for
 * @filter: the dump's filters
 * @last: after the last route sent (valid when @started)
 * @started: a route was sent
 * @no_stats: the replies leave counters out
 * @checked: the filters were checked (in the first call: 6.1 gives
 *	.start no extack)
 */
struct mcfw_dump {
	struct mcfw_match filter;
	struct mcfw_dump_pos last;
	bool started;
	bool no_stats;
	bool checked;
};

/* Called in process context. */
int mcfw_nl_route_dump_start(struct netlink_callback *cb)
{
	struct nlattr *tb[MCFW_A_MAX + 1];
	struct mcfw_dump *d;
	int err;

	/* The core validated them; where it keeps them differs by version. */
	err = nlmsg_parse(cb->nlh, GENL_HDRLEN, tb, MCFW_A_MAX,
			  mcfw_route_get_policy, NULL);
	if (err)
		return err;
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	cb->args[0] = (long)d;
	/* Group and source: parsed, with an extack, by the first call. */
	if (mcfw_parse_iif(sock_net(cb->skb->sk), tb, d->filter.iif, NULL) > 0)
		d->filter.has_iif = true;
	if (tb[MCFW_A_OWNER]) {
		nla_strscpy(d->filter.owner, tb[MCFW_A_OWNER],
			    sizeof(d->filter.owner));
		d->filter.has_owner = true;
	}
	d->no_stats = nla_get_flag(tb[MCFW_A_NO_STATS]);
	/* Every message must hold the largest route there may be. */
	cb->min_dump_alloc = NLMSG_ALIGN(NLMSG_HDRLEN + GENL_HDRLEN +
					 mcfw_route_msg_size(mcfw_oif_max));
	return 0;
}

int mcfw_nl_route_dump_done(struct netlink_callback *cb)
{
	kfree((void *)cb->args[0]);
	return 0;
}

/* Checks the filters once, with the dump's extack. */
static int mcfw_dump_check(struct mcfw_dump *d, struct netlink_callback *cb)
{
	struct nlattr *tb[MCFW_A_MAX + 1];
	char owner[MCFW_OWNER_MAX + 1];
	char iif[IFNAMSIZ];
	int err;

	if (d->checked)
		return 0;
	err = nlmsg_parse(cb->nlh, GENL_HDRLEN, tb, MCFW_A_MAX,
			  mcfw_route_get_policy, NULL);
	if (err)
		return err;
	if (tb[MCFW_A_GROUP] || tb[MCFW_A_GROUP6]) {
		err = mcfw_parse_group(tb, &d->filter.key, cb->extack);
		if (err)
			return err;
		d->filter.has_grp = true;
	}
	err = mcfw_parse_source(tb, &d->filter.key, cb->extack);
	if (err < 0)
		return err;
	d->filter.has_src = err;
	err = mcfw_parse_iif(sock_net(cb->skb->sk), tb, iif, cb->extack);
	if (err < 0)
		return err;
	if (tb[MCFW_A_OWNER]) {
		err = mcfw_parse_owner(tb[MCFW_A_OWNER], owner, cb->extack);
		if (err)
			return err;
	}
	d->checked = true;
	return 0;
}

/* Is @rt of the family and group @d's filter names? */
static bool mcfw_dump_in_group(const struct mcfw_dump *d,
			       const struct mcfw_route *rt)
{
	const struct mcfw_key *k = &rt->entry->key;

	return k->family == d->filter.key.family &&
	       nf_inet_addr_cmp(&k->grp, &d->filter.key.grp);
}

/* Routes a dump walks past under the lock before it lets writers in. */
#define MCFW_DUMP_WALK	1024

/*
 * Called in process context; takes mcfw_net.lock for each message, and
 * drops it every MCFW_DUMP_WALK routes, so that a dump whose filters skip
 * most of a large table holds it, and the CPU, for a bounded time.
 */
int mcfw_nl_route_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mcfw_net *mn = mcfw_pernet(sock_net(skb->sk));
	struct mcfw_dump *d = (struct mcfw_dump *)cb->args[0];
	struct mcfw_route *rt, *prev = NULL;
	struct mcfw_dump_pos pos;
	unsigned int walked = 0;
	int err;

	err = mcfw_dump_check(d, cb);
	if (err)
		return err;

	mutex_lock(&mn->lock);
	cb->seq = READ_ONCE(mn->gen) + 1;
	if (d->started) {
		rt = mcfw_route_first(mn, &d->last.key, d->last.iif);
	} else if (d->filter.has_grp) {
		/* Nothing sorts before (G, any source, ""). */
		pos.key = d->filter.key;
		memset(&pos.key.src, 0, sizeof(pos.key.src));
		rt = mcfw_route_first(mn, &pos.key, "");
	} else {
		rt = mcfw_route_first(mn, NULL, NULL);
	}
	for (; rt; rt = mcfw_route_next(rt)) {
		if (d->filter.has_grp && !mcfw_dump_in_group(d, rt))
			break;
		if (!(++walked % MCFW_DUMP_WALK) && prev) {
			/* Resume after the route before @rt, whatever changed. */
			mcfw_dump_pos_set(&pos, prev);
			mutex_unlock(&mn->lock);
			cond_resched();
			mutex_lock(&mn->lock);
			cb->seq = READ_ONCE(mn->gen) + 1;
			rt = mcfw_route_first(mn, &pos.key, pos.iif);
			if (!rt || (d->filter.has_grp &&
				    !mcfw_dump_in_group(d, rt)))
				break;
		}
		prev = rt;
		if (!mcfw_route_matches(rt, &d->filter))
			continue;
		err = mcfw_fill_route(skb, mn, rt, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI,
				      MCFW_CMD_ROUTE_GET, MCFW_EV_UNSPEC, cb,
				      !d->no_stats);
		if (err)
			break;
		mcfw_dump_pos_set(&d->last, rt);
		d->started = true;
	}
	mutex_unlock(&mn->lock);

	/* A full message means: call again. Nothing sent means: too big. */
	if (err && !skb->len)
		return err;
	return skb->len;
}

/* Called in process context. */
int mcfw_nl_route_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct mcfw_net *mn = mcfw_pernet(genl_info_net(info));
	struct nlattr *oa = info->attrs[MCFW_A_OWNER];
	struct mcfw_route *rt, *next;
	char owner[MCFW_OWNER_MAX + 1];
	struct mcfw_batch *b;
	struct sk_buff *msg;
	int removed = 0;
	int err;

	if (oa) {
		err = mcfw_parse_owner(oa, owner, info->extack);
		if (err) {
			mcfw_batch_refused(mn, skb, info->snd_portid);
			return err;
		}
	}
	msg = genlmsg_new(nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!msg) {
		mcfw_batch_refused(mn, skb, info->snd_portid);
		return -ENOMEM;
	}

	mutex_lock(&mn->lock);
	b = mcfw_batch_of(mn, skb, info->snd_portid);
	if (b) {
		removed = mcfw_batch_flush(mn, b, oa ? owner : NULL,
					   info->extack);
	} else {
		for (rt = mcfw_route_first(mn, NULL, NULL); rt; rt = next) {
			next = mcfw_route_next(rt);
			if (oa && strcmp(rt->owner, owner))
				continue;
			mcfw_route_unlink(mn, rt);
			removed++;
			cond_resched();
		}
		if (removed)
			mcfw_table_changed(mn, true);
		mcfw_ntf_flush(mn, oa ? owner : NULL, removed);
	}
	mutex_unlock(&mn->lock);
	mcfw_iface_sync(mn);
	if (removed < 0) {
		nlmsg_free(msg);
		return removed;
	}

	return mcfw_reply_count(msg, info, MCFW_CMD_ROUTE_FLUSH, removed);
}

/* Called in process context. */
int mcfw_nl_route_zero(struct sk_buff *skb, struct genl_info *info)
{
	struct mcfw_net *mn = mcfw_pernet(genl_info_net(info));
	struct mcfw_route *rt;
	struct mcfw_match k;
	struct mcfw_batch *b;
	struct sk_buff *msg;
	u32 zeroed = 0;
	int err;

	err = mcfw_parse_key(info, &k, false);
	if (!err && k.has_owner) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MCFW_A_OWNER],
				    "Counters are zeroed by route, not by owner");
		err = -EINVAL;
	}
	msg = err ? NULL : genlmsg_new(nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!err && !msg)
		err = -ENOMEM;
	if (err) {
		mcfw_batch_refused(mn, skb, info->snd_portid);
		return err;
	}

	mutex_lock(&mn->lock);
	b = mcfw_batch_of(mn, skb, info->snd_portid);
	if (b) {
		err = mcfw_batch_zero(mn, b, &k, info->extack);
	} else {
		for (rt = mcfw_route_first(mn, NULL, NULL); rt;
		     rt = mcfw_route_next(rt)) {
			if (!mcfw_route_matches(rt, &k))
				continue;
			mcfw_route_zero(mn, rt);
			zeroed++;
		}
	}
	mutex_unlock(&mn->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}

	return mcfw_reply_count(msg, info, MCFW_CMD_ROUTE_ZERO, zeroed);
}
