// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw - in-kernel IP multicast forwarder: module and namespace lifetime.
 *
 * Order matters both ways. The per-namespace state (and with it the
 * netfilter hook) is registered first, then the netdevice notifier (which
 * needs that state), then the generic netlink family, so no command can
 * reach a namespace whose state does not exist yet. On unload the family
 * goes first, so no command runs while namespaces are torn down; removing
 * the notifier then detaches every device (the core replays
 * NETDEV_UNREGISTER), releasing ALLMULTI and mcfw's references.
 */

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/rtnetlink.h>
#include <linux/version.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include <linux/mcfw.h>

#include "mcfw.h"
#include "version.h"

/*
 * The oldest kernel mcfw builds for. Said once, here, so that a build for
 * an older one (by DKMS, whose make.log then says why, or by hand) stops
 * at this line and not at the first interface it lacks. What newer kernels
 * changed is found by looking at their headers (Kbuild), never by version.
 */
#if KERNEL_VERSION(6, 1, 0) > LINUX_VERSION_CODE
#error "mcfw needs Linux 6.1 or later (generic netlink's resv_start_op, and more)"
#endif

unsigned int mcfw_net_id __read_mostly;

#define MCFW_OIF_MAX_DEFAULT	256
/*
 * Replies split a route's outputs over several nests, so no attribute
 * length limits this; a request's single nest of outputs (about 36 bytes
 * an output, by name) stays under 64 KiB.
 */
#define MCFW_OIF_MAX_LIMIT	1024

unsigned int mcfw_oif_max __read_mostly = MCFW_OIF_MAX_DEFAULT;

static int mcfw_oif_max_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, MCFW_OIF_MAX_LIMIT);
}

static const struct kernel_param_ops mcfw_oif_max_ops = {
	.set = mcfw_oif_max_set,
	.get = param_get_uint,
};

module_param_cb(oif_max, &mcfw_oif_max_ops, &mcfw_oif_max, 0444);
MODULE_PARM_DESC(oif_max,
		 "Most output interfaces one route may have, 1-1024 (default 256)");

bool mcfw_firewall __read_mostly = true;
module_param_named(firewall, mcfw_firewall, bool, 0644);
MODULE_PARM_DESC(firewall,
		 "Copies traverse the FORWARD and POST_ROUTING netfilter hooks (default Y; N: they bypass them, as tc mirred copies do)");

#define MCFW_JOIN_MAX_DEFAULT	1024
#define MCFW_JOIN_MAX_LIMIT	65536

unsigned int mcfw_join_max __read_mostly = MCFW_JOIN_MAX_DEFAULT;

static int mcfw_join_max_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, MCFW_JOIN_MAX_LIMIT);
}

static const struct kernel_param_ops mcfw_join_max_ops = {
	.set = mcfw_join_max_set,
	.get = param_get_uint,
};

module_param_cb(join_max, &mcfw_join_max_ops, &mcfw_join_max, 0644);
MODULE_PARM_DESC(join_max,
		 "Most group memberships the routes of one namespace hold, 0-65536 (default 1024)");

#define MCFW_ROUTE_MAX_DEFAULT	1000000

unsigned int mcfw_route_max __read_mostly = MCFW_ROUTE_MAX_DEFAULT;
module_param_named(route_max, mcfw_route_max, uint, 0644);
MODULE_PARM_DESC(route_max,
		 "Most routes one namespace may hold (default 1000000)");

static int __net_init mcfw_net_init(struct net *net)
{
	struct mcfw_net *mn = mcfw_pernet(net);
	int err;

	mn->net = net;
	mutex_init(&mn->lock);
	mn->relay_seed = get_random_u32();
	mcfw_join_init(mn);
	err = mcfw_iface_init(mn);
	if (err)
		return err;
	err = mcfw_table_init(mn);
	if (err)
		goto iface_exit;
	err = mcfw_hook_register(mn);
	if (err)
		goto table_exit;
	return 0;

table_exit:
	mutex_lock(&mn->lock);
	mcfw_table_exit(mn);
	mutex_unlock(&mn->lock);
iface_exit:
	rtnl_lock();
	mutex_lock(&mn->lock);
	mcfw_iface_exit(mn);
	mutex_unlock(&mn->lock);
	rtnl_unlock();
	return err;
}

/*
 * Called for each namespace going away, and for every namespace when the
 * module is unloaded. The core waits for an RCU grace period between
 * pre_exit and exit, so once exit runs no hook is still reading the state.
 */
static void __net_exit mcfw_net_pre_exit(struct net *net)
{
	mcfw_hook_unregister(mcfw_pernet(net));
}

static void __net_exit mcfw_net_exit(struct net *net)
{
	struct mcfw_net *mn = mcfw_pernet(net);

	/*
	 * A copy an NFQUEUE rule holds in FORWARD or POST_ROUTING goes on,
	 * when its verdict comes, into mcfw_forward_finish() or
	 * mcfw_finish_output(): this module's code. The unregistration of
	 * our hook flushed the queues before the grace period, while hooks
	 * could still queue copies; no hook runs now: flush them again.
	 */
	nf_queue_nf_hook_drop(net);

	/* Pairs with READ_ONCE() in mcfw_iface_kick(). */
	WRITE_ONCE(mn->exiting, true);
	cancel_work_sync(&mn->iface_work);

	/* ALLMULTI is released under RTNL, as everywhere. */
	rtnl_lock();
	mutex_lock(&mn->lock);
	mcfw_batch_free(mn);
	mcfw_relay_exit(mn);
	mcfw_table_exit(mn);
	mcfw_iface_exit(mn);
	mutex_unlock(&mn->lock);
	rtnl_unlock();

	/* Closing the sockets leaves their groups; that takes RTNL. */
	mcfw_join_exit(mn);
}

/*
 * The output arrays gone with the namespaces' routes are freed after a
 * grace period, and release the routes their outputs cached; an IPv6
 * route's last release queues its own freeing, which counts it in its
 * namespace's ip6_dst_ops. IPv6 tears those down after this (its pernet
 * exit runs later): wait for both rounds of callbacks first, once per
 * batch of namespaces.
 */
static void __net_exit mcfw_net_exit_batch(struct list_head *net_exit_list)
{
	rcu_barrier();
	rcu_barrier();
}

static struct pernet_operations mcfw_net_ops = {
	.init		= mcfw_net_init,
	.pre_exit	= mcfw_net_pre_exit,
	.exit		= mcfw_net_exit,
	.exit_batch	= mcfw_net_exit_batch,
	.id		= &mcfw_net_id,
	.size		= sizeof(struct mcfw_net),
};

static int __init mcfw_init(void)
{
	int err;

	err = register_pernet_subsys(&mcfw_net_ops);
	if (err)
		return err;

	err = mcfw_netdev_notifier_register();
	if (err)
		goto unregister_pernet;

	err = mcfw_genl_register();
	if (err)
		goto unregister_notifier;

	pr_info("version %s loaded, oif_max %u, join_max %u, route_max %u\n",
		MCFW_VERSION, mcfw_oif_max, mcfw_join_max, mcfw_route_max);
	return 0;

unregister_notifier:
	mcfw_netdev_notifier_unregister();
unregister_pernet:
	unregister_pernet_subsys(&mcfw_net_ops);
	return err;
}

static void __exit mcfw_exit(void)
{
	mcfw_genl_unregister();
	mcfw_netdev_notifier_unregister();
	unregister_pernet_subsys(&mcfw_net_ops);
	/* Let any RCU callback queued by the namespaces' teardown finish. */
	rcu_barrier();
}

module_init(mcfw_init);
module_exit(mcfw_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("In-kernel IP multicast forwarder");
MODULE_AUTHOR("The mcfw developers");
MODULE_VERSION(MCFW_VERSION);
MODULE_ALIAS_GENL_FAMILY(MCFW_GENL_NAME);
