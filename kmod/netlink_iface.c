// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw - in-kernel IP multicast forwarder: the interface object of the
 * "mcfw" generic netlink family (dump).
 */

#include <linux/netdevice.h>
#include <net/genetlink.h>
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
	[MCFW_C_XMIT_DROP]	= MCFW_STATS_A_XMIT_DROP,
	[MCFW_C_TTL_DROP]	= MCFW_STATS_A_TTL_DROP,
	[MCFW_C_MARTIAN_DROP]	= MCFW_STATS_A_MARTIAN_DROP,
	[MCFW_C_RATE_DROP]	= MCFW_STATS_A_RATE_DROP,
	[MCFW_C_RA_DROP]	= MCFW_STATS_A_RA_DROP,
	[MCFW_C_SRR_DROP]	= MCFW_STATS_A_SRR_DROP,
	[MCFW_C_RECORD_DROP]	= MCFW_STATS_A_RECORD_DROP,
	[MCFW_C_BADOPT_DROP]	= MCFW_STATS_A_BADOPT_DROP,
	[MCFW_C_OUT_PACKETS]	= MCFW_STATS_A_OUT_PACKETS,
	[MCFW_C_OUT_BYTES]	= MCFW_STATS_A_OUT_BYTES,
};

/* Called with mcfw_net.lock held. */
static int mcfw_fill_iface(struct sk_buff *skb, const struct mcfw_iface *iface,
			   struct netlink_callback *cb)
{
	int ifindex = READ_ONCE(iface->ifindex);
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &mcfw_genl_family, NLM_F_MULTI, MCFW_CMD_IFACE_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if ((ifindex && nla_put_u32(skb, MCFW_A_IFINDEX, ifindex)) ||
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
