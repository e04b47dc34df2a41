/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mcfw - in-kernel IP multicast forwarder: module-internal declarations.
 */
#ifndef _MCFW_H
#define _MCFW_H

#include <linux/mutex.h>
#include <linux/types.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

/**
 * DOC: Locking
 *
 * Each network namespace has one &struct mcfw_net. Its @lock is the only
 * lock mcfw takes: every writer of the namespace's configuration (netlink
 * commands that change state, namespace teardown) holds it. Readers in the
 * packet path never take it; they run under RCU (the netfilter hook runs
 * inside rcu_read_lock()). Fields that readers without the lock look at are
 * written with WRITE_ONCE() under @lock and read with READ_ONCE().
 *
 * Lock order: genl_mutex (taken by the core around our doit callbacks) ->
 * mcfw_net.lock -> RTNL. mcfw never takes RTNL with @lock held in the
 * reverse order.
 */

/**
 * struct mcfw_net - mcfw state of one network namespace
 * @net: the namespace this state belongs to
 * @lock: serialises writers of this state, see "DOC: Locking"
 * @nr_routes: number of routes; written under @lock, read with READ_ONCE()
 * @nr_ifaces: number of interfaces in use by routes; written under @lock,
 *	read with READ_ONCE()
 */
struct mcfw_net {
	struct net *net;
	struct mutex lock;	/* serialises writers, see DOC: Locking */
	unsigned int nr_routes;
	unsigned int nr_ifaces;
};

extern unsigned int mcfw_net_id;
extern unsigned int mcfw_oif_max;

static inline struct mcfw_net *mcfw_pernet(const struct net *net)
{
	return net_generic(net, mcfw_net_id);
}

/* fwd.c */
int mcfw_hook_register(struct mcfw_net *mn);
void mcfw_hook_unregister(struct mcfw_net *mn);

/* table.c */
unsigned int mcfw_routes_flush(struct mcfw_net *mn);

/* netlink.c */
int mcfw_genl_register(void);
void mcfw_genl_unregister(void);

#endif /* _MCFW_H */
