// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw - in-kernel IP multicast forwarder: the batch object of the "mcfw"
 * generic netlink family (begin, commit, abort), and the netlink release
 * notifier that drops a batch whose socket closed.
 */

#include <linux/netlink.h>
#include <linux/notifier.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "mcfw.h"
#include "netlink.h"

/* Called in process context. */
int mcfw_nl_batch_begin(struct sk_buff *skb, struct genl_info *info)
{
	struct mcfw_net *mn = mcfw_pernet(genl_info_net(info));
	struct nlattr *oa = info->attrs[MCFW_A_OWNER];
	char owner[MCFW_OWNER_MAX + 1];
	u32 flags = 0;
	int err;

	if (info->attrs[MCFW_A_BATCH_FLAGS])
		flags = nla_get_u32(info->attrs[MCFW_A_BATCH_FLAGS]);
	if (oa) {
		if (!(flags & MCFW_BATCH_F_REPLACE_OWNER)) {
			NL_SET_ERR_MSG_ATTR(info->extack, oa,
					    "An owner is only given to a batch that replaces its routes");
			return -EINVAL;
		}
		err = mcfw_parse_owner(oa, owner, info->extack);
		if (err)
			return err;
	}
	mutex_lock(&mn->lock);
	err = mcfw_batch_begin(mn, skb, info->snd_portid, flags,
			       oa ? owner : NULL, info->extack);
	mutex_unlock(&mn->lock);
	return err;
}

/* Called in process context. */
int mcfw_nl_batch_commit(struct sk_buff *skb, struct genl_info *info)
{
	struct mcfw_net *mn = mcfw_pernet(genl_info_net(info));
	struct mcfw_commit_result res;
	struct mcfw_batch *b;
	struct sk_buff *msg;
	u32 count = 0;
	void *hdr;
	int err;

	if (info->attrs[MCFW_A_BATCH_COUNT])
		count = nla_get_u32(info->attrs[MCFW_A_BATCH_COUNT]);
	msg = genlmsg_new(4 * nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&mn->lock);
	b = mcfw_batch_of(mn, skb, info->snd_portid);
	if (!b) {
		mutex_unlock(&mn->lock);
		nlmsg_free(msg);
		NL_SET_ERR_MSG(info->extack, "This socket stages no batch");
		return -ENOENT;
	}
	err = mcfw_batch_commit(mn, b, info->attrs[MCFW_A_BATCH_COUNT] ?
				&count : NULL, &res, info->extack);
	mutex_unlock(&mn->lock);
	mcfw_iface_sync(mn);
	if (err) {
		nlmsg_free(msg);
		return err;
	}

	hdr = genlmsg_put_reply(msg, info, &mcfw_genl_family, 0,
				MCFW_CMD_BATCH_COMMIT);
	if (!hdr || nla_put_u32(msg, MCFW_A_ADDED, res.added) ||
	    nla_put_u32(msg, MCFW_A_REPLACED, res.replaced) ||
	    nla_put_u32(msg, MCFW_A_REMOVED, res.removed) ||
	    nla_put_u32(msg, MCFW_A_UNCHANGED, res.unchanged)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* Called in process context. */
int mcfw_nl_batch_abort(struct sk_buff *skb, struct genl_info *info)
{
	struct mcfw_net *mn = mcfw_pernet(genl_info_net(info));
	int err = 0;

	mutex_lock(&mn->lock);
	if (mcfw_batch_of(mn, skb, info->snd_portid)) {
		mcfw_batch_free(mn);
	} else {
		NL_SET_ERR_MSG(info->extack, "This socket stages no batch");
		err = -ENOENT;
	}
	mutex_unlock(&mn->lock);
	return err;
}

/*
 * A generic netlink socket closed: drop the batch it staged. Called in
 * process context (a blocking notifier chain).
 */
static int mcfw_netlink_event(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	struct netlink_notify *n = ptr;
	struct mcfw_net *mn;
	u32 portid;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	mn = mcfw_pernet(n->net);
	mutex_lock(&mn->lock);
	if (mcfw_batch_owned_by(mn->batch, &portid) && portid == n->portid)
		mcfw_batch_free(mn);
	mutex_unlock(&mn->lock);
	return NOTIFY_DONE;
}

static struct notifier_block mcfw_netlink_nb = {
	.notifier_call = mcfw_netlink_event,
};

int mcfw_batch_notifier_register(void)
{
	return netlink_register_notifier(&mcfw_netlink_nb);
}

void mcfw_batch_notifier_unregister(void)
{
	netlink_unregister_notifier(&mcfw_netlink_nb);
}
