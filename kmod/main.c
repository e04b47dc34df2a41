// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw - in-kernel IP multicast forwarder: module and namespace lifetime.
 *
 * Order matters both ways. The per-namespace state (and with it the
 * netfilter hook) is registered before the generic netlink family, so no
 * command can reach a namespace whose state does not exist yet; on unload
 * the family goes first, so no command runs while namespaces are torn down.
 */

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include <linux/mcfw.h>

#include "mcfw.h"
#include "version.h"

unsigned int mcfw_net_id __read_mostly;

#define MCFW_OIF_MAX_DEFAULT	256
/*
 * A route's outputs are one netlink nest, whose length is 16 bits: at
 * about 60 bytes an output, 1024 outputs (with counters) still fit.
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

static int __net_init mcfw_net_init(struct net *net)
{
	struct mcfw_net *mn = mcfw_pernet(net);

	int err;

	mn->net = net;
	mutex_init(&mn->lock);
	err = mcfw_net_table_init(mn);
	if (err)
		return err;
	err = mcfw_hook_register(mn);
	if (err)
		mcfw_net_table_exit(mn);
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
	mcfw_net_table_exit(mcfw_pernet(net));
}

static struct pernet_operations mcfw_net_ops = {
	.init		= mcfw_net_init,
	.pre_exit	= mcfw_net_pre_exit,
	.exit		= mcfw_net_exit,
	.id		= &mcfw_net_id,
	.size		= sizeof(struct mcfw_net),
};

/*
 * A device leaving a namespace (unregistered, or moved to another one)
 * leaves every route there. Called with RTNL held.
 */
static int mcfw_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (event == NETDEV_UNREGISTER)
		mcfw_dev_gone(mcfw_pernet(dev_net(dev)), dev);
	return NOTIFY_DONE;
}

static struct notifier_block mcfw_netdev_nb = {
	.notifier_call = mcfw_netdev_event,
};

static int __init mcfw_init(void)
{
	int err;

	err = register_pernet_subsys(&mcfw_net_ops);
	if (err)
		return err;

	err = register_netdevice_notifier(&mcfw_netdev_nb);
	if (err)
		goto unregister_pernet;

	err = mcfw_genl_register();
	if (err)
		goto unregister_notifier;

	pr_info("version %s loaded, oif_max %u\n", MCFW_VERSION, mcfw_oif_max);
	return 0;

unregister_notifier:
	unregister_netdevice_notifier(&mcfw_netdev_nb);
unregister_pernet:
	unregister_pernet_subsys(&mcfw_net_ops);
	return err;
}

static void __exit mcfw_exit(void)
{
	mcfw_genl_unregister();
	unregister_netdevice_notifier(&mcfw_netdev_nb);
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
