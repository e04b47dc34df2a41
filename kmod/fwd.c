// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw - in-kernel IP multicast forwarder: the netfilter hook.
 *
 * The hook sits in NF_INET_PRE_ROUTING ahead of defragmentation and
 * connection tracking, so it sees every IPv4 packet as it arrived on the
 * wire (fragments included) before anything else has changed it.
 */

#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/skbuff.h>

#include "mcfw.h"

/* Ahead of nf_defrag_ipv4 (NF_IP_PRI_CONNTRACK_DEFRAG, -400) and raw tables. */
#define MCFW_HOOK_PRIORITY	(NF_IP_PRI_RAW_BEFORE_DEFRAG - 50)

/*
 * Called with rcu_read_lock() held, in softirq or process context.
 *
 * Every packet is accepted: mcfw never steals or drops the original, which
 * continues into the local stack. Route lookup and replication hang off
 * this point.
 */
static unsigned int mcfw_hook_v4(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	return NF_ACCEPT;
}

static const struct nf_hook_ops mcfw_nf_ops_v4 = {
	.hook		= mcfw_hook_v4,
	.pf		= NFPROTO_IPV4,
	.hooknum	= NF_INET_PRE_ROUTING,
	.priority	= MCFW_HOOK_PRIORITY,
};

/**
 * mcfw_hook_register - start seeing a namespace's IPv4 packets
 * @mn: the namespace's state
 *
 * Context: process context, from pernet init.
 * Return: 0 or a negative errno.
 */
int mcfw_hook_register(struct mcfw_net *mn)
{
	return nf_register_net_hook(mn->net, &mcfw_nf_ops_v4);
}

/**
 * mcfw_hook_unregister - stop seeing a namespace's IPv4 packets
 * @mn: the namespace's state
 *
 * Only called for namespaces whose mcfw_hook_register() succeeded.
 * Hooks already running may still be using @mn when this returns; the
 * caller waits for an RCU grace period before freeing what they read.
 *
 * Context: process context, from pernet pre_exit.
 */
void mcfw_hook_unregister(struct mcfw_net *mn)
{
	nf_unregister_net_hook(mn->net, &mcfw_nf_ops_v4);
}
