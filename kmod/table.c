// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw - in-kernel IP multicast forwarder: routes and the interfaces they use.
 *
 * Routes are hashed by (source or any, group, input interface) for the
 * packet path, and listed per group for RPF checks. A route's outputs are
 * an immutable array replaced whole, so a packet sees either the old or
 * the new outputs of a replaced route, never a mix. Interfaces are shared
 * by the routes of a namespace; each holds one reference to its device.
 *
 * Everything that changes the table is called with mcfw_net.lock held.
 */

#include <linux/lockdep.h>
#include <linux/netlink.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "mcfw.h"

static const struct rhashtable_params mcfw_route_params = {
	.head_offset		= offsetof(struct mcfw_route, node),
	.key_offset		= offsetof(struct mcfw_route, key),
	.key_len		= sizeof(struct mcfw_key),
	.automatic_shrinking	= true,
};

static const struct rhashtable_params mcfw_group_params = {
	.head_offset		= offsetof(struct mcfw_group, node),
	.key_offset		= offsetof(struct mcfw_group, grp),
	.key_len		= sizeof(__be32),
	.automatic_shrinking	= true,
};

/**
 * mcfw_stats_alloc - allocate zeroed per-CPU counters
 * @n: how many counters
 *
 * Context: process context.
 * Return: the counters, or NULL.
 */
struct mcfw_pcpu __percpu *mcfw_stats_alloc(unsigned int n)
{
	struct mcfw_pcpu __percpu *stats;
	int cpu;

	stats = __alloc_percpu_gfp(sizeof(struct mcfw_pcpu) +
				   n * sizeof(u64_stats_t),
				   __alignof__(struct mcfw_pcpu),
				   GFP_KERNEL_ACCOUNT);
	if (!stats)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(stats, cpu)->syncp);
	return stats;
}

/**
 * mcfw_stats_read - sum per-CPU counters
 * @stats: the counters
 * @n: how many counters @stats has
 * @sum: where to add the sums, @n entries
 *
 * Context: any; @stats must stay alive (RCU or the lock).
 */
void mcfw_stats_read(struct mcfw_pcpu __percpu *stats, unsigned int n,
		     u64 *sum)
{
	u64 v[MCFW_C_NR];
	unsigned int i;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct mcfw_pcpu *s = per_cpu_ptr(stats, cpu);
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < n; i++)
				v[i] = u64_stats_read(&s->c[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < n; i++)
			sum[i] += v[i];
	}
}

static void mcfw_iface_free_rcu(struct rcu_head *head)
{
	struct mcfw_iface *iface = container_of(head, struct mcfw_iface, rcu);

	netdev_put(iface->dev, &iface->tracker);
	free_percpu(iface->stats);
	kfree(iface);
}

/*
 * Take a use of the interface with @ifindex, creating it if no route uses
 * it yet. The device must be registered in this namespace right now: see
 * "DOC: Locking" for why that, checked under the lock, is enough.
 */
static struct mcfw_iface *mcfw_iface_get(struct mcfw_net *mn, int ifindex)
{
	struct mcfw_iface *iface;
	struct net_device *dev;

	lockdep_assert_held(&mn->lock);

	list_for_each_entry(iface, &mn->ifaces, list) {
		if (iface->ifindex == ifindex) {
			iface->users++;
			return iface;
		}
	}

	iface = kzalloc(sizeof(*iface), GFP_KERNEL_ACCOUNT);
	if (!iface)
		return ERR_PTR(-ENOMEM);
	iface->stats = mcfw_stats_alloc(MCFW_C_NR);
	if (!iface->stats) {
		kfree(iface);
		return ERR_PTR(-ENOMEM);
	}

	rcu_read_lock();
	dev = dev_get_by_index_rcu(mn->net, ifindex);
	if (!dev || READ_ONCE(dev->reg_state) != NETREG_REGISTERED) {
		rcu_read_unlock();
		free_percpu(iface->stats);
		kfree(iface);
		return ERR_PTR(-ENODEV);
	}
	netdev_hold(dev, &iface->tracker, GFP_ATOMIC);
	rcu_read_unlock();

	iface->dev = dev;
	iface->ifindex = ifindex;
	iface->users = 1;
	list_add_tail_rcu(&iface->list, &mn->ifaces);
	WRITE_ONCE(mn->nr_ifaces, mn->nr_ifaces + 1);
	return iface;
}

static void mcfw_iface_put(struct mcfw_net *mn, struct mcfw_iface *iface)
{
	lockdep_assert_held(&mn->lock);

	if (--iface->users)
		return;
	list_del_rcu(&iface->list);
	WRITE_ONCE(mn->nr_ifaces, mn->nr_ifaces - 1);
	call_rcu(&iface->rcu, mcfw_iface_free_rcu);
}

/* Frees an output array and the counters no newer array took over. */
static void mcfw_oifs_free(struct mcfw_oifs *oifs)
{
	unsigned int i;

	for (i = 0; i < oifs->n; i++)
		if (!oifs->oif[i].stats_moved)
			free_percpu(oifs->oif[i].stats);
	kfree(oifs);
}

static void mcfw_oifs_free_rcu(struct rcu_head *head)
{
	mcfw_oifs_free(container_of(head, struct mcfw_oifs, rcu));
}

/* Drops the array's interface uses; frees it once readers are done. */
static void mcfw_oifs_release(struct mcfw_net *mn, struct mcfw_oifs *oifs)
{
	unsigned int i;

	for (i = 0; i < oifs->n; i++)
		mcfw_iface_put(mn, oifs->oif[i].iface);
	call_rcu(&oifs->rcu, mcfw_oifs_free_rcu);
}

static void mcfw_route_free_rcu(struct rcu_head *head)
{
	struct mcfw_route *rt = container_of(head, struct mcfw_route, rcu);

	mcfw_oifs_free(rcu_dereference_protected(rt->oifs, true));
	free_percpu(rt->stats);
	kfree(rt);
}

/**
 * mcfw_route_lookup - find the route of a packet
 * @mn: the namespace's state
 * @src: the packet's source
 * @grp: the packet's group
 * @iif: the interface it arrived on
 *
 * Context: RCU read lock held.
 * Return: the (S,G,iif) route, else the (*,G,iif) route, else NULL.
 */
struct mcfw_route *mcfw_route_lookup(struct mcfw_net *mn, __be32 src,
				     __be32 grp, int iif)
{
	struct mcfw_key key = { .src = src, .grp = grp, .iif = iif };
	struct mcfw_route *rt;

	rt = rhashtable_lookup(&mn->routes, &key, mcfw_route_params);
	if (rt)
		return rt;
	key.src = 0;
	return rhashtable_lookup(&mn->routes, &key, mcfw_route_params);
}

/**
 * mcfw_route_rpf - find the route a packet failed the RPF check of
 * @mn: the namespace's state
 * @src: the packet's source
 * @grp: the packet's group
 *
 * For a packet that matched no route on its input interface: a route of
 * its source and group (or of any source and its group) on another input
 * interface means it came in the wrong way.
 *
 * Context: RCU read lock held.
 * Return: that route, or NULL.
 */
struct mcfw_route *mcfw_route_rpf(struct mcfw_net *mn, __be32 src,
				  __be32 grp)
{
	struct mcfw_route *rt, *any = NULL;
	struct mcfw_group *g;

	g = rhashtable_lookup(&mn->groups, &grp, mcfw_group_params);
	if (!g)
		return NULL;
	hlist_for_each_entry_rcu(rt, &g->routes, gnode) {
		if (rt->key.src == src)
			return rt;
		if (!rt->key.src && !any)
			any = rt;
	}
	return any;
}

static struct mcfw_group *mcfw_group_get(struct mcfw_net *mn, __be32 grp)
{
	struct mcfw_group *g;
	int err;

	g = rhashtable_lookup_fast(&mn->groups, &grp, mcfw_group_params);
	if (g)
		return g;

	g = kzalloc(sizeof(*g), GFP_KERNEL_ACCOUNT);
	if (!g)
		return ERR_PTR(-ENOMEM);
	g->grp = grp;
	INIT_HLIST_HEAD(&g->routes);
	err = rhashtable_insert_fast(&mn->groups, &g->node, mcfw_group_params);
	if (err) {
		kfree(g);
		return ERR_PTR(err);
	}
	return g;
}

static void mcfw_group_put(struct mcfw_net *mn, struct mcfw_group *g)
{
	if (!hlist_empty(&g->routes))
		return;
	rhashtable_remove_fast(&mn->groups, &g->node, mcfw_group_params);
	kfree_rcu(g, rcu);
}

/*
 * Builds the output array @cfg asks for. Outputs @old already had keep
 * their counters (marked only once the whole array is built, so a failure
 * leaves @old untouched).
 */
static struct mcfw_oifs *mcfw_oifs_build(struct mcfw_net *mn,
					 const struct mcfw_route_cfg *cfg,
					 struct mcfw_oifs *old,
					 struct netlink_ext_ack *extack)
{
	struct mcfw_oifs *oifs;
	unsigned int i, j;
	int err;

	oifs = kzalloc(struct_size(oifs, oif, cfg->n_oifs), GFP_KERNEL_ACCOUNT);
	if (!oifs)
		return ERR_PTR(-ENOMEM);

	for (i = 0; i < cfg->n_oifs; i++) {
		struct mcfw_oif *oif = &oifs->oif[i];

		oif->iface = mcfw_iface_get(mn, cfg->oif_index[i]);
		if (IS_ERR(oif->iface)) {
			err = PTR_ERR(oif->iface);
			if (err == -ENODEV)
				NL_SET_ERR_MSG(extack,
					       "Output interface does not exist in this namespace");
			goto unwind;
		}
		oif->ttl = cfg->oif_ttl[i];
		oif->stats_moved = true;	/* until it has stats */
		for (j = 0; old && j < old->n; j++) {
			if (old->oif[j].iface == oif->iface) {
				oif->stats = old->oif[j].stats;
				break;
			}
		}
		if (!oif->stats) {
			oif->stats = mcfw_stats_alloc(MCFW_C_OIF_NR);
			if (!oif->stats) {
				mcfw_iface_put(mn, oif->iface);
				err = -ENOMEM;
				goto unwind;
			}
			oif->stats_moved = false;
		}
		oifs->n++;
	}

	/* Committed: carried-over counters now belong to the new array. */
	for (i = 0; i < oifs->n; i++) {
		for (j = 0; old && j < old->n; j++) {
			if (old->oif[j].stats == oifs->oif[i].stats)
				old->oif[j].stats_moved = true;
		}
		oifs->oif[i].stats_moved = false;
	}
	return oifs;

unwind:
	for (i = 0; i < oifs->n; i++) {
		if (!oifs->oif[i].stats_moved)
			free_percpu(oifs->oif[i].stats);
		mcfw_iface_put(mn, oifs->oif[i].iface);
	}
	kfree(oifs);
	return ERR_PTR(err);
}

/*
 * The route is complete, outputs included, before it is hashed: a packet
 * on another CPU may find it the moment rhashtable_insert_fast() returns.
 * On failure @oifs still belongs to the caller.
 */
static struct mcfw_route *mcfw_route_create(struct mcfw_net *mn,
					    const struct mcfw_route_cfg *cfg,
					    struct mcfw_oifs *oifs,
					    struct netlink_ext_ack *extack)
{
	struct mcfw_route *rt;
	int err = -ENOMEM;

	rt = kzalloc(sizeof(*rt), GFP_KERNEL_ACCOUNT);
	if (!rt)
		return ERR_PTR(-ENOMEM);
	rt->key = cfg->key;
	RCU_INIT_POINTER(rt->oifs, oifs);
	rt->stats = mcfw_stats_alloc(MCFW_C_NR);
	if (!rt->stats)
		goto free_rt;

	rt->iif = mcfw_iface_get(mn, cfg->key.iif);
	if (IS_ERR(rt->iif)) {
		err = PTR_ERR(rt->iif);
		if (err == -ENODEV)
			NL_SET_ERR_MSG(extack,
				       "Input interface does not exist in this namespace");
		goto free_stats;
	}

	rt->group = mcfw_group_get(mn, cfg->key.grp);
	if (IS_ERR(rt->group)) {
		err = PTR_ERR(rt->group);
		goto put_iif;
	}

	err = rhashtable_insert_fast(&mn->routes, &rt->node, mcfw_route_params);
	if (err)
		goto put_group;

	hlist_add_head_rcu(&rt->gnode, &rt->group->routes);
	list_add_tail_rcu(&rt->list, &mn->route_list);
	WRITE_ONCE(mn->nr_routes, mn->nr_routes + 1);
	return rt;

put_group:
	mcfw_group_put(mn, rt->group);
put_iif:
	mcfw_iface_put(mn, rt->iif);
free_stats:
	free_percpu(rt->stats);
free_rt:
	kfree(rt);
	return ERR_PTR(err);
}

/**
 * mcfw_route_set - add a route, or replace an existing route's outputs
 * @mn: the namespace's state
 * @cfg: the route; @cfg->replace allows replacing an existing one
 * @extack: where to say why it failed
 *
 * A replaced route keeps its counters, and those of outputs it keeps;
 * packets see the old outputs or the new ones, never a mix.
 *
 * Context: process context, with @mn->lock held.
 * Return: the route, or an ERR_PTR; on error nothing changed.
 */
struct mcfw_route *mcfw_route_set(struct mcfw_net *mn,
				  const struct mcfw_route_cfg *cfg,
				  struct netlink_ext_ack *extack)
{
	struct mcfw_oifs *oifs, *old = NULL;
	struct mcfw_route *rt;

	lockdep_assert_held(&mn->lock);

	rt = rhashtable_lookup_fast(&mn->routes, &cfg->key, mcfw_route_params);
	if (rt && !cfg->replace) {
		NL_SET_ERR_MSG(extack, "Route exists (use replace to change it)");
		return ERR_PTR(-EEXIST);
	}
	if (rt)
		old = mcfw_dereference(rt->oifs, mn);

	oifs = mcfw_oifs_build(mn, cfg, old, extack);
	if (IS_ERR(oifs))
		return ERR_CAST(oifs);

	if (!rt) {
		rt = mcfw_route_create(mn, cfg, oifs, extack);
		if (IS_ERR(rt))
			mcfw_oifs_release(mn, oifs);
		else
			WRITE_ONCE(mn->gen, mn->gen + 1);
		return rt;
	}

	rcu_assign_pointer(rt->oifs, oifs);
	mcfw_oifs_release(mn, old);
	WRITE_ONCE(mn->gen, mn->gen + 1);
	return rt;
}

/**
 * mcfw_route_unlink - remove a route; it is freed once readers are done
 * @mn: the namespace's state
 * @rt: the route
 *
 * Context: process context, with @mn->lock held.
 */
void mcfw_route_unlink(struct mcfw_net *mn, struct mcfw_route *rt)
{
	struct mcfw_oifs *oifs = mcfw_dereference(rt->oifs, mn);
	unsigned int i;

	lockdep_assert_held(&mn->lock);

	rhashtable_remove_fast(&mn->routes, &rt->node, mcfw_route_params);
	hlist_del_rcu(&rt->gnode);
	mcfw_group_put(mn, rt->group);
	list_del_rcu(&rt->list);

	for (i = 0; i < oifs->n; i++)
		mcfw_iface_put(mn, oifs->oif[i].iface);
	mcfw_iface_put(mn, rt->iif);

	WRITE_ONCE(mn->nr_routes, mn->nr_routes - 1);
	WRITE_ONCE(mn->gen, mn->gen + 1);
	call_rcu(&rt->rcu, mcfw_route_free_rcu);
}

/**
 * mcfw_dev_in_use - is @dev an input or output of any route
 * @mn: the namespace's state
 * @dev: the device
 *
 * Context: @mn->lock held.
 * Return: true if it is.
 */
bool mcfw_dev_in_use(struct mcfw_net *mn, const struct net_device *dev)
{
	struct mcfw_iface *iface;

	lockdep_assert_held(&mn->lock);
	list_for_each_entry(iface, &mn->ifaces, list)
		if (iface->dev == dev)
			return true;
	return false;
}

/**
 * mcfw_route_uses_dev - is @dev the input interface of @rt
 * @mn: the namespace's state
 * @rt: the route
 * @dev: the device
 *
 * Context: @mn->lock held.
 * Return: true if it is.
 */
bool mcfw_route_uses_dev(struct mcfw_net *mn, const struct mcfw_route *rt,
			 const struct net_device *dev)
{
	lockdep_assert_held(&mn->lock);
	return rt->iif->dev == dev;
}

/**
 * mcfw_route_drop_oif - take a device that is going away out of a route
 * @mn: the namespace's state
 * @rt: the route
 * @dev: the device
 *
 * This cannot fail: a device's unregistration does not wait for memory.
 * A route may be left with no outputs; it stays, counting what arrives,
 * until it is replaced or deleted.
 *
 * Context: process context, with RTNL and @mn->lock held.
 * Return: true if @dev was one of @rt's outputs.
 */
bool mcfw_route_drop_oif(struct mcfw_net *mn, struct mcfw_route *rt,
			 const struct net_device *dev)
{
	struct mcfw_oifs *old = mcfw_dereference(rt->oifs, mn);
	struct mcfw_oifs *oifs;
	unsigned int i, n = 0;

	lockdep_assert_held(&mn->lock);

	for (i = 0; i < old->n; i++)
		if (old->oif[i].iface->dev != dev)
			n++;
	if (n == old->n)
		return false;

	oifs = kzalloc(struct_size(oifs, oif, n), GFP_KERNEL | __GFP_NOFAIL);
	for (i = 0; i < old->n; i++) {
		if (old->oif[i].iface->dev == dev)
			continue;
		oifs->oif[oifs->n] = old->oif[i];
		old->oif[i].stats_moved = true;
		/* The new array takes over this use of the interface. */
		oifs->oif[oifs->n].iface->users++;
		oifs->n++;
	}

	rcu_assign_pointer(rt->oifs, oifs);
	mcfw_oifs_release(mn, old);
	WRITE_ONCE(mn->gen, mn->gen + 1);
	return true;
}

/**
 * mcfw_routes_flush - remove every route of a namespace
 * @mn: the namespace's state
 *
 * Context: process context, with @mn->lock held.
 * Return: the number of routes removed.
 */
unsigned int mcfw_routes_flush(struct mcfw_net *mn)
{
	struct mcfw_route *rt, *tmp;
	unsigned int removed = 0;

	lockdep_assert_held(&mn->lock);

	list_for_each_entry_safe(rt, tmp, &mn->route_list, list) {
		mcfw_route_unlink(mn, rt);
		removed++;
		cond_resched();
	}
	return removed;
}

/**
 * mcfw_net_table_init - set up a namespace's empty tables
 * @mn: the namespace's state
 *
 * Context: process context, from pernet init.
 * Return: 0 or a negative errno.
 */
int mcfw_net_table_init(struct mcfw_net *mn)
{
	int err;

	INIT_LIST_HEAD(&mn->route_list);
	INIT_LIST_HEAD(&mn->ifaces);
	err = rhashtable_init(&mn->routes, &mcfw_route_params);
	if (err)
		return err;
	err = rhashtable_init(&mn->groups, &mcfw_group_params);
	if (err)
		rhashtable_destroy(&mn->routes);
	return err;
}

/**
 * mcfw_net_table_exit - remove every route and free the tables
 * @mn: the namespace's state
 *
 * Context: process context, from pernet exit: no hook runs any more.
 */
void mcfw_net_table_exit(struct mcfw_net *mn)
{
	mutex_lock(&mn->lock);
	mcfw_routes_flush(mn);
	mutex_unlock(&mn->lock);
	rhashtable_destroy(&mn->groups);
	rhashtable_destroy(&mn->routes);
}
