// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw - in-kernel IP multicast forwarder: the relay object of the "mcfw"
 * generic netlink family (new, delete, dump).
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

static const u16 mcfw_relay_stat_attrs[MCFW_C_NR] = {
	[MCFW_C_PACKETS]	= MCFW_STATS_A_PACKETS,
	[MCFW_C_BYTES]		= MCFW_STATS_A_BYTES,
	[MCFW_C_TTL_DROP]	= MCFW_STATS_A_TTL_DROP,
	[MCFW_C_XMIT_DROP]	= MCFW_STATS_A_XMIT_DROP,
};

/* A relay's IPv6 address: a unicast one that can be this host's. */
static int mcfw_check_relay_addr6(const struct in6_addr *addr,
				  const struct nlattr *a,
				  struct netlink_ext_ack *extack)
{
	int type = ipv6_addr_type(addr);

	if (type == IPV6_ADDR_ANY ||
	    (type & (IPV6_ADDR_MULTICAST | IPV6_ADDR_MAPPED))) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "A relay address is a unicast address of this host");
		return -EINVAL;
	}
	return 0;
}

/*
 * The key of a relay: family, address, port, input name ("" for any).
 * @addr is zeroed, then holds the address.
 */
static int mcfw_parse_relay_key(struct nlattr **tb, u8 *family,
				union nf_inet_addr *addr, __be16 *port,
				char *iif, struct netlink_ext_ack *extack)
{
	int err;

	memset(addr, 0, sizeof(*addr));
	if (tb[MCFW_A_RELAY_ADDR] && tb[MCFW_A_RELAY_ADDR6]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MCFW_A_RELAY_ADDR6],
				    "A relay has one address, IPv4 or IPv6");
		return -EINVAL;
	}
	if (tb[MCFW_A_RELAY_ADDR6]) {
		*family = AF_INET6;
		addr->in6 = nla_get_in6_addr(tb[MCFW_A_RELAY_ADDR6]);
		err = mcfw_check_relay_addr6(&addr->in6,
					     tb[MCFW_A_RELAY_ADDR6], extack);
		if (err)
			return err;
		goto port;
	}
	if (!tb[MCFW_A_RELAY_ADDR]) {
		NL_SET_ERR_ATTR_MISS(extack, NULL, MCFW_A_RELAY_ADDR);
		NL_SET_ERR_MSG(extack, "Missing relay address");
		return -EINVAL;
	}
	*family = AF_INET;
	addr->ip = nla_get_in_addr(tb[MCFW_A_RELAY_ADDR]);
	if (ipv4_is_multicast(addr->ip) || ipv4_is_lbcast(addr->ip) ||
	    mcfw_is_zeronet(addr->ip)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MCFW_A_RELAY_ADDR],
				    "A relay address is a unicast address of this host");
		return -EINVAL;
	}
port:
	if (!tb[MCFW_A_RELAY_PORT]) {
		NL_SET_ERR_ATTR_MISS(extack, NULL, MCFW_A_RELAY_PORT);
		NL_SET_ERR_MSG(extack, "Missing relay port");
		return -EINVAL;
	}
	*port = nla_get_be16(tb[MCFW_A_RELAY_PORT]);
	if (!*port) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MCFW_A_RELAY_PORT],
				    "Relay port 0: give 1 to 65535");
		return -EINVAL;
	}
	memset(iif, 0, IFNAMSIZ);
	if (tb[MCFW_A_IIF_NAME]) {
		nla_strscpy(iif, tb[MCFW_A_IIF_NAME], IFNAMSIZ);
		if (!dev_valid_name(iif)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[MCFW_A_IIF_NAME],
					    "Invalid input interface name");
			return -EINVAL;
		}
	}
	return 0;
}

static int mcfw_parse_relay(struct genl_info *info, struct mcfw_relay_cfg *cfg)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **tb = info->attrs;
	u8 family;
	int err;

	err = mcfw_parse_relay_key(tb, &family, &cfg->addr, &cfg->port,
				   cfg->iif, extack);
	if (err)
		return err;
	/*
	 * cfg->route.iif stays empty: a relay may send multicast out of the
	 * interface its unicast arrives on (a one-armed gateway).
	 */
	err = mcfw_parse_group(tb, &cfg->route.key, extack);
	if (err)
		return err;
	if (cfg->route.key.family != family) {
		NL_SET_ERR_MSG(extack,
			       "Relay address and group are of different families");
		return -EINVAL;
	}
	/* The only source, in the key's source: checked as a route's. */
	err = mcfw_parse_source(tb, &cfg->route.key, extack);
	if (err < 0)
		return err;
	cfg->from = cfg->route.key.src;
	memset(&cfg->route.key.src, 0, sizeof(cfg->route.key.src));
	if (tb[MCFW_A_RELAY_GROUP_PORT]) {
		cfg->gport = nla_get_be16(tb[MCFW_A_RELAY_GROUP_PORT]);
		if (!cfg->gport) {
			NL_SET_ERR_MSG_ATTR(extack, tb[MCFW_A_RELAY_GROUP_PORT],
					    "Group port 0: give 1 to 65535, or leave it out");
			return -EINVAL;
		}
	}
	if (nla_get_flag(tb[MCFW_A_SNAT]))
		cfg->route.flags |= MCFW_RF_SNAT;
	cfg->ttl = tb[MCFW_A_RELAY_TTL] ? nla_get_u8(tb[MCFW_A_RELAY_TTL]) :
					  MCFW_RELAY_TTL_DEFAULT;
	if (GENL_REQ_ATTR_CHECK(info, MCFW_A_OIFS)) {
		NL_SET_ERR_MSG(extack, "Missing output interfaces");
		return -EINVAL;
	}
	return mcfw_parse_oifs(genl_info_net(info), tb[MCFW_A_OIFS],
			       &cfg->route, extack);
}

/* The outputs' devices exist, unless the relay may wait for them. */
static int mcfw_relay_devs_exist(struct mcfw_net *mn,
				 const struct mcfw_relay_cfg *cfg,
				 struct netlink_ext_ack *extack)
{
	unsigned int i;

	for (i = 0; i < cfg->route.n_oifs; i++) {
		if (cfg->route.oifs[i].unicast ||
		    mcfw_dev_exists(mn, cfg->route.oifs[i].name))
			continue;
		NL_SET_ERR_MSG(extack,
			       "Output interface does not exist in this namespace");
		return -ENODEV;
	}
	return 0;
}

static size_t mcfw_relay_msg_size(unsigned int n_oifs)
{
	return 3 * nla_total_size(sizeof(struct in6_addr)) + /* ADDR, GROUP, SOURCE */
	       2 * nla_total_size(sizeof(__be16)) +	/* PORT, GROUP_PORT */
	       nla_total_size(sizeof(u8)) +		/* TTL */
	       nla_total_size(IFNAMSIZ) +		/* IIF_NAME */
	       2 * nla_total_size(0) +			/* WAITING, SNAT */
	       mcfw_stats_size(4) +
	       mcfw_route_msg_size(n_oifs);		/* the outputs, at most */
}

/* A relay's address, group and source filter, of its family. */
static int mcfw_put_relay_addrs(struct sk_buff *skb,
				const struct mcfw_relay *r)
{
	bool from = !mcfw_addr_any(&r->from);

	if (r->family == AF_INET6)
		return nla_put_in6_addr(skb, MCFW_A_RELAY_ADDR6, &r->addr.in6) ||
		       nla_put_in6_addr(skb, MCFW_A_GROUP6, &r->grp.in6) ||
		       (from && nla_put_in6_addr(skb, MCFW_A_SOURCE6,
						 &r->from.in6)) ? -EMSGSIZE : 0;
	return nla_put_in_addr(skb, MCFW_A_RELAY_ADDR, r->addr.ip) ||
	       nla_put_in_addr(skb, MCFW_A_GROUP, r->grp.ip) ||
	       (from && nla_put_in_addr(skb, MCFW_A_SOURCE, r->from.ip)) ?
	       -EMSGSIZE : 0;
}

/* Called with mcfw_net.lock held. */
static int mcfw_fill_relay(struct sk_buff *skb, struct mcfw_net *mn,
			   const struct mcfw_relay *r, u32 portid, u32 seq,
			   int flags, u8 cmd, struct netlink_callback *cb,
			   bool stats)
{
	const struct mcfw_oifs *oifs = mcfw_dereference(r->oifs, mn);
	struct nlattr *nest;
	unsigned int i;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &mcfw_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (mcfw_put_relay_addrs(skb, r) ||
	    nla_put_be16(skb, MCFW_A_RELAY_PORT, r->port) ||
	    (r->iif[0] && nla_put_string(skb, MCFW_A_IIF_NAME, r->iif)) ||
	    (r->gport && nla_put_be16(skb, MCFW_A_RELAY_GROUP_PORT, r->gport)) ||
	    nla_put_u8(skb, MCFW_A_RELAY_TTL, r->ttl) ||
	    (oifs->snat && nla_put_flag(skb, MCFW_A_SNAT)) ||
	    (!mcfw_relay_local(mn->net, r->family, &r->addr) &&
	     nla_put_flag(skb, MCFW_A_WAITING)) ||
	    (stats &&
	     mcfw_put_stats(skb, MCFW_A_STATS, r->stats, MCFW_C_NR, r->base,
			    mcfw_relay_stat_attrs,
			    ARRAY_SIZE(mcfw_relay_stat_attrs), false)))
		goto cancel;
	/* As a route's: each nest of outputs stays under 64 KiB. */
	for (i = 0, nest = NULL; i < oifs->n; i++) {
		if (!(i % MCFW_OIFS_PER_NEST)) {
			if (nest)
				nla_nest_end(skb, nest);
			nest = nla_nest_start(skb, MCFW_A_OIFS);
			if (!nest)
				goto cancel;
		}
		if (mcfw_fill_oif(skb, oifs, &oifs->oif[i], stats))
			goto cancel;
	}
	if (nest)
		nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* Called in process context. */
int mcfw_nl_relay_new(struct sk_buff *skb, struct genl_info *info)
{
	struct mcfw_net *mn = mcfw_pernet(genl_info_net(info));
	bool replace = nla_get_flag(info->attrs[MCFW_A_REPLACE]);
	bool wait = nla_get_flag(info->attrs[MCFW_A_RELAY_WAIT]);
	struct netlink_ext_ack *extack = info->extack;
	struct mcfw_relay_cfg cfg = {};
	struct mcfw_relay *r;
	struct sk_buff *msg;
	int err;

	err = mcfw_parse_relay(info, &cfg);
	if (err)
		goto free_cfg;
	if (!wait && !mcfw_relay_local(genl_info_net(info),
				       cfg.route.key.family, &cfg.addr)) {
		NL_SET_ERR_MSG_ATTR(extack, info->attrs[MCFW_A_RELAY_ADDR] ?:
					    info->attrs[MCFW_A_RELAY_ADDR6],
				    "Relay address is not an address of this host");
		err = -EADDRNOTAVAIL;
		goto free_cfg;
	}
	msg = genlmsg_new(mcfw_relay_msg_size(cfg.route.n_oifs), GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto free_cfg;
	}
	mutex_lock(&mn->lock);
	err = wait ? 0 : mcfw_relay_devs_exist(mn, &cfg, extack);
	r = err ? ERR_PTR(err) : mcfw_relay_set(mn, &cfg, replace, extack);
	if (IS_ERR(r)) {
		mutex_unlock(&mn->lock);
		err = PTR_ERR(r);
		nlmsg_free(msg);
		goto free_cfg;
	}
	WRITE_ONCE(mn->gen, mn->gen + 1);
	err = mcfw_fill_relay(msg, mn, r, info->snd_portid, info->snd_seq, 0,
			      MCFW_CMD_RELAY_NEW, NULL, false);
	mutex_unlock(&mn->lock);
	if (WARN_ON_ONCE(err))
		nlmsg_free(msg);
	else
		err = genlmsg_reply(msg, info);
free_cfg:
	kfree(cfg.route.oifs);
	return err;
}

/* Called in process context. */
int mcfw_nl_relay_del(struct sk_buff *skb, struct genl_info *info)
{
	struct mcfw_net *mn = mcfw_pernet(genl_info_net(info));
	struct netlink_ext_ack *extack = info->extack;
	union nf_inet_addr addr;
	char iif[IFNAMSIZ];
	struct mcfw_relay *r;
	__be16 port;
	u8 family;
	int err;

	err = mcfw_parse_relay_key(info->attrs, &family, &addr, &port, iif,
				   extack);
	if (err)
		return err;
	mutex_lock(&mn->lock);
	r = mcfw_relay_find(mn, family, &addr, port, iif);
	if (r) {
		mcfw_relay_del(mn, r);
		WRITE_ONCE(mn->gen, mn->gen + 1);
	}
	mutex_unlock(&mn->lock);
	if (!r) {
		NL_SET_ERR_MSG(extack, "No such relay");
		return -ENOENT;
	}
	return 0;
}

/* Every message of a dump must hold the largest relay there may be. */
int mcfw_nl_relay_dump_start(struct netlink_callback *cb)
{
	cb->min_dump_alloc = NLMSG_ALIGN(NLMSG_HDRLEN + GENL_HDRLEN +
					 mcfw_relay_msg_size(mcfw_oif_max));
	return 0;
}

/*
 * Called in process context. Relays are hashed: a dump resumes at the
 * bucket and position (cb->args[0], [1]) it stopped at; a change in
 * between flags the dump inconsistent (the generation in cb->seq).
 */
int mcfw_nl_relay_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mcfw_net *mn = mcfw_pernet(sock_net(skb->sk));
	bool stats = !nlmsg_attrlen(cb->nlh, GENL_HDRLEN) ||
		     !nla_find(nlmsg_attrdata(cb->nlh, GENL_HDRLEN),
			       nlmsg_attrlen(cb->nlh, GENL_HDRLEN),
			       MCFW_A_NO_STATS);
	unsigned long b, i;
	struct mcfw_relay *r;

	mutex_lock(&mn->lock);
	cb->seq = READ_ONCE(mn->gen) + 1;
	for (b = cb->args[0]; b < MCFW_RELAY_HASH; b++, cb->args[1] = 0) {
		i = 0;
		hlist_for_each_entry(r, &mn->relays[b], node) {
			if (i++ < cb->args[1])
				continue;
			if (mcfw_fill_relay(skb, mn, r,
					    NETLINK_CB(cb->skb).portid,
					    cb->nlh->nlmsg_seq, NLM_F_MULTI,
					    MCFW_CMD_RELAY_GET, cb, stats)) {
				/* Never an empty message: that ends a dump. */
				if (!skb->len) {
					mutex_unlock(&mn->lock);
					return -EMSGSIZE;
				}
				goto out;
			}
			cb->args[1] = i;
		}
	}
out:
	cb->args[0] = b;
	mutex_unlock(&mn->lock);
	return skb->len;
}
