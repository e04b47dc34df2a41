// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw - in-kernel IP multicast forwarder: the device lifecycle.
 *
 * Routes name their interfaces. A &struct mcfw_iface is one such name in
 * a namespace, shared by every route naming it; it points at the device
 * of that name while there is one, and at nothing while there is none.
 * The netdevice notifier keeps it so, in place: a device registered or
 * moved into the namespace, or renamed to the name, is attached; a device
 * unregistered, moved away or renamed is detached. Routes are never
 * rebuilt for it: a route whose input is absent matches no packet (it
 * waits whole), an absent output is skipped (it waits in place), and both
 * forward again as soon as a device of the name appears.
 *
 * An interface name may also have a boundary (RFC 2365 administrative
 * scoping), whether or not routes use it: the iface then lives for it,
 * so that a device of that name created later is bounded at once.
 *
 * Inputs of routes are held in ALLMULTI, as ipmr holds its VIFs, so that
 * a NIC's multicast filter lets every group through to the hook. That
 * takes RTNL: the notifier does it inline (RTNL is held there), commands
 * leave it to the interface work and wait for it. See "DOC: Locking".
 */

#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "mcfw.h"

static const struct rhashtable_params mcfw_iface_params = {
	.head_offset		= offsetof(struct mcfw_iface, node),
	.key_offset		= offsetof(struct mcfw_iface, name),
	.key_len		= IFNAMSIZ,
	.automatic_shrinking	= true,
};

/* Hash keys are whole, NUL-padded names. */
static void mcfw_name_key(char *key, const char *name)
{
	memset(key, 0, IFNAMSIZ);
	strscpy(key, name, IFNAMSIZ);
}

/**
 * mcfw_iface_find - the iface of a name, if routes use it or it has a
 *	boundary
 * @mn: the namespace's state
 * @name: the interface name
 *
 * Context: @mn->lock held.
 * Return: the iface, or NULL.
 */
struct mcfw_iface *mcfw_iface_find(struct mcfw_net *mn, const char *name)
{
	char key[IFNAMSIZ];

	lockdep_assert_held(&mn->lock);
	mcfw_name_key(key, name);
	return rhashtable_lookup_fast(&mn->ifaces, key, mcfw_iface_params);
}

/**
 * mcfw_dev_exists - is there a registered device of this name
 * @mn: the namespace's state
 * @name: the interface name
 *
 * Context: @mn->lock held (see "DOC: Locking" for why that suffices).
 * Return: true if there is.
 */
bool mcfw_dev_exists(struct mcfw_net *mn, const char *name)
{
	struct net_device *dev;
	bool ret;

	lockdep_assert_held(&mn->lock);
	rcu_read_lock();
	dev = dev_get_by_name_rcu(mn->net, name);
	ret = dev && READ_ONCE(dev->reg_state) == NETREG_REGISTERED;
	rcu_read_unlock();
	return ret;
}

/**
 * mcfw_route_cfg_devs_exist - do a route's interfaces all exist
 * @mn: the namespace's state
 * @cfg: the route
 * @extack: where to say which does not
 *
 * A command outside a waiting batch names only interfaces that exist:
 * a typo must not become a silent route.
 *
 * Context: @mn->lock held.
 * Return: 0 or -ENODEV.
 */
int mcfw_route_cfg_devs_exist(struct mcfw_net *mn,
			      const struct mcfw_route_cfg *cfg,
			      struct netlink_ext_ack *extack)
{
	unsigned int i;

	if (!mcfw_dev_exists(mn, cfg->iif)) {
		NL_SET_ERR_MSG(extack,
			       "Input interface does not exist in this namespace");
		return -ENODEV;
	}
	for (i = 0; i < cfg->n_oifs; i++) {
		if (cfg->oifs[i].unicast)	/* routed, no interface */
			continue;
		if (!mcfw_dev_exists(mn, cfg->oifs[i].name)) {
			NL_SET_ERR_MSG(extack,
				       "Output interface does not exist in this namespace");
			return -ENODEV;
		}
	}
	return 0;
}

/*
 * Points @iface at @dev, taking a reference. With RTNL held (from the
 * notifier) an input is put in ALLMULTI at once; else the work does it.
 */
static void mcfw_iface_attach(struct mcfw_net *mn, struct mcfw_iface *iface,
			      struct net_device *dev, bool rtnl)
{
	lockdep_assert_held(&mn->lock);

	netdev_hold(dev, &iface->tracker, GFP_KERNEL);
	WRITE_ONCE(iface->ifindex, dev->ifindex);
	rcu_assign_pointer(iface->dev, dev);
	if (iface->in_users) {
		if (rtnl && !dev_set_allmulti(dev, 1))
			iface->allmulti = true;
		else if (!rtnl)
			mcfw_iface_kick(mn);
	}
}

/*
 * Points @iface at nothing. Called with RTNL held (the notifier), or for
 * an iface that holds no ALLMULTI count. Readers may still use the device
 * they found; the core's own reference keeps it until a grace period
 * after the notifier, and a device that stays registered outlives them.
 */
static void mcfw_iface_detach(struct mcfw_net *mn, struct mcfw_iface *iface)
{
	struct net_device *dev = mcfw_dereference(iface->dev, mn);

	lockdep_assert_held(&mn->lock);

	if (iface->allmulti) {
		ASSERT_RTNL();
		dev_set_allmulti(dev, -1);
		iface->allmulti = false;
	}
	RCU_INIT_POINTER(iface->dev, NULL);
	WRITE_ONCE(iface->ifindex, 0);
	netdev_put(dev, &iface->tracker);
}

static void mcfw_iface_free_rcu(struct rcu_head *head)
{
	struct mcfw_iface *iface = container_of(head, struct mcfw_iface, rcu);

	/* Readers are done with the iface: its device, its boundary. */
	netdev_put(rcu_access_pointer(iface->dev), &iface->tracker);
	kfree(rcu_access_pointer(iface->boundary));
	free_percpu(iface->stats);
	kfree(iface);
}

/*
 * Unlinks an unused iface that holds no ALLMULTI count; frees it later.
 * Its device stays in place (and held) until then: an output array a
 * replace retired may still be copying to it on another CPU, and a copy
 * of the table as it was must not find its output gone (a device that
 * unregisters meanwhile waits a grace period for the reference).
 */
static void mcfw_iface_free(struct mcfw_net *mn, struct mcfw_iface *iface)
{
	lockdep_assert_held(&mn->lock);
	WARN_ON_ONCE(iface->users || iface->allmulti);

	rhashtable_remove_fast(&mn->ifaces, &iface->node, mcfw_iface_params);
	list_del(&iface->list);
	call_rcu(&iface->rcu, mcfw_iface_free_rcu);
}

/* Keeps mn->iface_list sorted by name, for dumps that resume by name. */
static void mcfw_iface_list_add(struct mcfw_net *mn, struct mcfw_iface *iface)
{
	struct mcfw_iface *pos;

	list_for_each_entry(pos, &mn->iface_list, list) {
		if (strcmp(pos->name, iface->name) > 0) {
			list_add_tail(&iface->list, &pos->list);
			return;
		}
	}
	list_add_tail(&iface->list, &mn->iface_list);
}

/**
 * mcfw_iface_get - take a use of an interface name
 * @mn: the namespace's state
 * @name: a valid interface name
 *
 * The iface is created if no route uses the name yet, pointing at the
 * device of that name if there is one.
 *
 * Context: process context, @mn->lock held.
 * Return: the iface, or an ERR_PTR.
 */
struct mcfw_iface *mcfw_iface_get(struct mcfw_net *mn, const char *name)
{
	struct mcfw_iface *iface;
	struct net_device *dev;
	int err;

	iface = mcfw_iface_find(mn, name);
	if (iface)
		goto found;

	iface = kzalloc(sizeof(*iface), GFP_KERNEL_ACCOUNT);
	if (!iface)
		return ERR_PTR(-ENOMEM);
	iface->stats = mcfw_stats_alloc(MCFW_C_NR);
	if (!iface->stats) {
		kfree(iface);
		return ERR_PTR(-ENOMEM);
	}
	mcfw_name_key(iface->name, name);
	err = rhashtable_insert_fast(&mn->ifaces, &iface->node,
				     mcfw_iface_params);
	if (err) {
		free_percpu(iface->stats);
		kfree(iface);
		return ERR_PTR(err);
	}
	mcfw_iface_list_add(mn, iface);

	/* Held across the unlock: attaching allocates its tracker. */
	rcu_read_lock();
	dev = dev_get_by_name_rcu(mn->net, name);
	if (dev && READ_ONCE(dev->reg_state) == NETREG_REGISTERED)
		dev_hold(dev);
	else
		dev = NULL;
	rcu_read_unlock();
	if (dev) {
		mcfw_iface_attach(mn, iface, dev, false);
		dev_put(dev);
	}

found:
	if (!iface->users++)
		WRITE_ONCE(mn->nr_ifaces, mn->nr_ifaces + 1);
	return iface;
}

/**
 * mcfw_iface_put - drop a use of an interface name
 * @mn: the namespace's state
 * @iface: the iface
 *
 * Context: process context, @mn->lock held.
 */
void mcfw_iface_put(struct mcfw_net *mn, struct mcfw_iface *iface)
{
	lockdep_assert_held(&mn->lock);

	if (--iface->users)
		return;
	WRITE_ONCE(mn->nr_ifaces, mn->nr_ifaces - 1);
	/* ALLMULTI needs RTNL: the work releases it, then frees. */
	if (iface->allmulti)
		mcfw_iface_kick(mn);
	else
		mcfw_iface_free(mn, iface);
}

/**
 * mcfw_iface_set_boundary - replace the boundary of an interface name
 * @mn: the namespace's state
 * @name: a valid interface name
 * @b: the new boundary (taken), or NULL for none
 *
 * A boundary holds a use of the iface: the name keeps it whether or not
 * routes name it, or a device has it.
 *
 * Context: process context, @mn->lock held.
 * Return: 0, or a negative errno of mcfw_iface_get() (@b freed, nothing
 * changed).
 */
int mcfw_iface_set_boundary(struct mcfw_net *mn, const char *name,
			    struct mcfw_boundary *b)
{
	struct mcfw_iface *iface = mcfw_iface_find(mn, name);
	struct mcfw_boundary *old = NULL;

	lockdep_assert_held(&mn->lock);
	if (iface)
		old = mcfw_dereference(iface->boundary, mn);
	if (!old && b) {
		iface = mcfw_iface_get(mn, name);
		if (IS_ERR(iface)) {
			kfree(b);
			return PTR_ERR(iface);
		}
	}
	if (old || b)
		rcu_assign_pointer(iface->boundary, b);
	if (old) {
		kfree_rcu(old, rcu);
		if (!b)
			mcfw_iface_put(mn, iface);
	}
	return 0;
}

/**
 * mcfw_iface_in_get - a route names @iface as its input
 * @mn: the namespace's state
 * @iface: the iface
 *
 * Context: @mn->lock held; the caller flushes the work after dropping it.
 */
void mcfw_iface_in_get(struct mcfw_net *mn, struct mcfw_iface *iface)
{
	lockdep_assert_held(&mn->lock);
	if (!iface->in_users++ && rcu_access_pointer(iface->dev))
		mcfw_iface_kick(mn);
}

/**
 * mcfw_iface_in_put - a route no longer names @iface as its input
 * @mn: the namespace's state
 * @iface: the iface
 *
 * Context: @mn->lock held; the caller flushes the work after dropping it.
 */
void mcfw_iface_in_put(struct mcfw_net *mn, struct mcfw_iface *iface)
{
	lockdep_assert_held(&mn->lock);
	if (!--iface->in_users && iface->allmulti)
		mcfw_iface_kick(mn);
}

/**
 * mcfw_iface_kick - have the interface work run
 * @mn: the namespace's state
 *
 * Context: any.
 */
void mcfw_iface_kick(struct mcfw_net *mn)
{
	/* Pairs with the WRITE_ONCE() in pernet exit. */
	if (!READ_ONCE(mn->exiting))
		schedule_work(&mn->iface_work);
}

/**
 * mcfw_iface_sync - wait until the interface work has done what is queued
 * @mn: the namespace's state
 *
 * Commands call it after dropping @mn->lock, so that ALLMULTI and group
 * memberships are in place when they return.
 *
 * Context: process context, neither RTNL nor @mn->lock held.
 */
void mcfw_iface_sync(struct mcfw_net *mn)
{
	flush_work(&mn->iface_work);
}

static void mcfw_iface_work(struct work_struct *work)
{
	struct mcfw_net *mn = container_of(work, struct mcfw_net, iface_work);
	struct mcfw_iface *iface, *tmp;
	struct net_device *dev;
	bool want;

	rtnl_lock();
	mutex_lock(&mn->lock);
	list_for_each_entry_safe(iface, tmp, &mn->iface_list, list) {
		dev = mcfw_dereference(iface->dev, mn);
		want = dev && iface->in_users;
		if (want != iface->allmulti &&
		    !dev_set_allmulti(dev, want ? 1 : -1))
			iface->allmulti = want;
		if (!iface->users && !iface->allmulti)
			mcfw_iface_free(mn, iface);
	}
	mutex_unlock(&mn->lock);
	rtnl_unlock();

	/* setsockopt() takes RTNL itself: memberships come after. */
	mcfw_join_run(mn);
}

/* The iface @dev is attached to, if any. */
static struct mcfw_iface *mcfw_iface_of_dev(struct mcfw_net *mn,
					    const struct net_device *dev)
{
	struct mcfw_iface *iface;

	list_for_each_entry(iface, &mn->iface_list, list)
		if (rcu_access_pointer(iface->dev) == dev)
			return iface;
	return NULL;
}

/* @dev is in the namespace under its current name: attach it there. */
static void mcfw_dev_arrived(struct mcfw_net *mn, struct net_device *dev)
{
	struct mcfw_iface *iface = mcfw_iface_find(mn, dev->name);

	if (!iface || !iface->users || rcu_access_pointer(iface->dev))
		return;
	mcfw_iface_attach(mn, iface, dev, true);
	mcfw_iface_presence_changed(mn, iface, true);
}

static void mcfw_dev_left(struct mcfw_net *mn, struct mcfw_iface *iface)
{
	mcfw_iface_detach(mn, iface);
	if (iface->users)
		mcfw_iface_presence_changed(mn, iface, false);
	else
		mcfw_iface_free(mn, iface);
}

/* Called by the core with RTNL held, for devices of every namespace. */
static int mcfw_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct mcfw_net *mn = mcfw_pernet(dev_net(dev));
	struct mcfw_iface *iface;

	if (event != NETDEV_REGISTER && event != NETDEV_UNREGISTER &&
	    event != NETDEV_CHANGENAME)
		return NOTIFY_DONE;

	mutex_lock(&mn->lock);
	switch (event) {
	case NETDEV_REGISTER:		/* created, or moved in */
		mcfw_dev_arrived(mn, dev);
		break;
	case NETDEV_UNREGISTER:		/* deleted, or moved away */
		iface = mcfw_iface_of_dev(mn, dev);
		if (iface)
			mcfw_dev_left(mn, iface);
		break;
	case NETDEV_CHANGENAME:
		iface = mcfw_iface_of_dev(mn, dev);
		if (iface && strcmp(iface->name, dev->name))
			mcfw_dev_left(mn, iface);
		mcfw_dev_arrived(mn, dev);
		break;
	}
	mutex_unlock(&mn->lock);
	return NOTIFY_DONE;
}

static struct notifier_block mcfw_netdev_nb = {
	.notifier_call = mcfw_netdev_event,
};

/**
 * mcfw_netdev_notifier_register - start following devices
 *
 * Context: module init, after the per-namespace state exists.
 * Return: 0 or a negative errno.
 */
int mcfw_netdev_notifier_register(void)
{
	return register_netdevice_notifier(&mcfw_netdev_nb);
}

/**
 * mcfw_netdev_notifier_unregister - stop following devices
 *
 * The core replays NETDEV_UNREGISTER for every device: every iface is
 * detached and ALLMULTI released before this returns.
 *
 * Context: module exit.
 */
void mcfw_netdev_notifier_unregister(void)
{
	unregister_netdevice_notifier(&mcfw_netdev_nb);
}

/**
 * mcfw_iface_init - set up a namespace's interfaces
 * @mn: the namespace's state
 *
 * Context: pernet init.
 * Return: 0 or a negative errno.
 */
int mcfw_iface_init(struct mcfw_net *mn)
{
	INIT_LIST_HEAD(&mn->iface_list);
	INIT_WORK(&mn->iface_work, mcfw_iface_work);
	return rhashtable_init(&mn->ifaces, &mcfw_iface_params);
}

/**
 * mcfw_iface_exit - free a namespace's interfaces
 * @mn: the namespace's state
 *
 * Every route is gone and the work cancelled; devices still attached
 * (module unload: the notifier replay already detached them) are let go.
 *
 * Context: pernet exit, RTNL and @mn->lock held.
 */
void mcfw_iface_exit(struct mcfw_net *mn)
{
	struct mcfw_iface *iface, *tmp;

	list_for_each_entry_safe(iface, tmp, &mn->iface_list, list) {
		if (iface->allmulti)
			mcfw_iface_detach(mn, iface);
		iface->users = 0;
		mcfw_iface_free(mn, iface);
	}
	rhashtable_destroy(&mn->ifaces);
}
