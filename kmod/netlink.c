// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw - in-kernel IP multicast forwarder: the "mcfw" generic netlink family.
 *
 * Every operation has its own policy (or none, which makes the core reject
 * any attribute), validation is strict, and resv_start_op is 0 so the core
 * also checks the reserved header fields and netlink flags. Commands that
 * change state carry GENL_ADMIN_PERM: CAP_NET_ADMIN in the initial user
 * namespace, not merely in the namespace the caller owns.
 *
 * Reply buffers are allocated before mcfw_net.lock is taken.
 */

#include <linux/netlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include <linux/mcfw.h>

#include "mcfw.h"
#include "version.h"

static struct genl_family mcfw_genl_family;

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
	unsigned int removed;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &mcfw_genl_family, 0,
				MCFW_CMD_ROUTE_FLUSH);
	if (!hdr) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}

	mutex_lock(&mn->lock);
	removed = mcfw_routes_flush(mn);
	mutex_unlock(&mn->lock);

	/* Four bytes always fit in the buffer sized for them above. */
	nla_put_u32(msg, MCFW_A_ROUTE_COUNT, removed);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
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
};

int __init mcfw_genl_register(void)
{
	return genl_register_family(&mcfw_genl_family);
}

void mcfw_genl_unregister(void)
{
	genl_unregister_family(&mcfw_genl_family);
}
