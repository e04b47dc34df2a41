/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mcfw - in-kernel IP multicast forwarder: module-internal declarations.
 */
#ifndef _MCFW_H
#define _MCFW_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

/**
 * DOC: Locking
 *
 * Each network namespace has one &struct mcfw_net. Its @lock serialises
 * every writer of the namespace's routes and interfaces: netlink commands
 * that change state, the netdevice notifier and namespace teardown.
 * Readers in the packet path never take it; they run under RCU (the
 * netfilter hook runs inside rcu_read_lock()) and see each route's output
 * list as one immutable &struct mcfw_oifs, replaced whole with
 * rcu_assign_pointer() and freed after a grace period. Dumps run under
 * RCU; a route get takes @lock (and RCU for the hash lookup itself).
 *
 * Counters are per CPU and written only by the CPU that owns them, with
 * bottom halves disabled; readers sum them with u64_stats retries.
 *
 * Lock order: RTNL (held by the core around netdevice notifiers) ->
 * mcfw_net.lock. mcfw never takes RTNL, so commands do not contend with
 * the rest of the network stack. A command resolves and checks its
 * devices under mcfw_net.lock; as the notifier for a device going away
 * (or moving to another namespace) runs only after the device has been
 * unlisted, and takes mcfw_net.lock too, either the command does not find
 * the device or the notifier finds the route and takes the device out.
 */

/**
 * enum mcfw_counter - indices of per-CPU counters
 * @MCFW_C_PACKETS: packets in (routes, interfaces) or copies out (outputs)
 * @MCFW_C_BYTES: bytes of those
 * @MCFW_C_SCOPE_DROP: copies not sent: TTL not above the output's threshold
 * @MCFW_C_MTU_DROP: copies not sent: too big for the output, DF set
 * @MCFW_C_DOWN_DROP: copies not sent: output down or without carrier
 * @MCFW_C_XMIT_DROP: copies not sent: no memory, or the device refused
 * @MCFW_C_RPF_FAIL: packets that arrived on the wrong interface
 * @MCFW_C_TTL_DROP: packets with TTL 1 or less
 * @MCFW_C_OUT_PACKETS: copies sent out of an interface
 * @MCFW_C_OUT_BYTES: bytes of those copies
 * @MCFW_C_NR: number of counters
 *
 * Outputs use the first %MCFW_C_OIF_NR, routes and interfaces all of them.
 */
enum mcfw_counter {
	MCFW_C_PACKETS,
	MCFW_C_BYTES,
	MCFW_C_SCOPE_DROP,
	MCFW_C_MTU_DROP,
	MCFW_C_DOWN_DROP,
	MCFW_C_XMIT_DROP,
	MCFW_C_RPF_FAIL,
	MCFW_C_TTL_DROP,
	MCFW_C_OUT_PACKETS,
	MCFW_C_OUT_BYTES,
	MCFW_C_NR,
};

#define MCFW_C_OIF_NR	(MCFW_C_XMIT_DROP + 1)

/**
 * struct mcfw_pcpu - one CPU's counters of an object
 * @syncp: lets 32-bit readers see consistent 64-bit values
 * @c: the counters, indexed by &enum mcfw_counter
 */
struct mcfw_pcpu {
	struct u64_stats_sync syncp;
	u64_stats_t c[];
};

/**
 * struct mcfw_iface - a network device used by routes of a namespace
 * @list: in mcfw_net.ifaces; RCU list for dumps, written under the lock
 * @dev: the device; mcfw holds a reference until the iface is freed
 * @tracker: tracks that reference
 * @ifindex: @dev's ifindex
 * @users: routes using this device as input or output; under the lock
 * @stats: per-CPU counters (all of &enum mcfw_counter)
 * @rcu: frees the iface (and drops @dev) after readers are done
 */
struct mcfw_iface {
	struct list_head list;
	struct net_device *dev;
	netdevice_tracker tracker;
	int ifindex;
	unsigned int users;
	struct mcfw_pcpu __percpu *stats;
	struct rcu_head rcu;
};

/**
 * struct mcfw_oif - one output of a route
 * @iface: the output device
 * @stats: per-CPU counters (the first %MCFW_C_OIF_NR)
 * @ttl: copy only packets whose TTL is greater than this (1..255)
 * @stats_moved: @stats now belong to a newer &struct mcfw_oifs (set under
 *	the lock before the newer one is published; not read by readers)
 */
struct mcfw_oif {
	struct mcfw_iface *iface;
	struct mcfw_pcpu __percpu *stats;
	u8 ttl;
	bool stats_moved;
};

/**
 * struct mcfw_oifs - a route's outputs, immutable once published
 * @rcu: frees the array after readers are done
 * @n: number of entries in @oif
 * @oif: the outputs
 */
struct mcfw_oifs {
	struct rcu_head rcu;
	unsigned int n;
	struct mcfw_oif oif[];
};

/**
 * struct mcfw_key - what a route is looked up by
 * @src: source address, or 0 for any source (*,G)
 * @grp: group address
 * @iif: ifindex of the input interface
 */
struct mcfw_key {
	__be32 src;
	__be32 grp;
	int iif;
};

/**
 * struct mcfw_group - the routes of one group, for RPF checks and filters
 * @node: in mcfw_net.groups
 * @grp: the group address (the hash key)
 * @routes: RCU list of the group's routes (mcfw_route.gnode)
 * @rcu: frees the group after readers are done
 */
struct mcfw_group {
	struct rhash_head node;
	__be32 grp;
	struct hlist_head routes;
	struct rcu_head rcu;
};

/**
 * struct mcfw_route - a multicast route
 * @node: in mcfw_net.routes, hashed by @key
 * @gnode: in @group's list
 * @list: in mcfw_net.route_list (RCU list, for dumps and flushes)
 * @key: source (or any), group, input interface
 * @group: the group this route belongs to
 * @iif: the input interface
 * @oifs: the outputs; RCU pointer, replaced whole under the lock
 * @stats: per-CPU counters
 * @rcu: frees the route after readers are done
 */
struct mcfw_route {
	struct rhash_head node;
	struct hlist_node gnode;
	struct list_head list;
	struct mcfw_key key;
	struct mcfw_group *group;
	struct mcfw_iface *iif;
	struct mcfw_oifs __rcu *oifs;
	struct mcfw_pcpu __percpu *stats;
	struct rcu_head rcu;
};

/**
 * struct mcfw_net - mcfw state of one network namespace
 * @net: the namespace this state belongs to
 * @lock: serialises writers of this state, see "DOC: Locking"
 * @routes: routes hashed by &struct mcfw_key
 * @groups: &struct mcfw_group hashed by group address
 * @route_list: every route, in the order added (RCU list)
 * @ifaces: every &struct mcfw_iface in use (RCU list)
 * @nr_routes: number of routes; written under @lock, read with READ_ONCE()
 * @nr_ifaces: number of @ifaces; written under @lock, read with READ_ONCE()
 * @gen: bumped under @lock on every change, so dumps can tell they were
 *	interrupted; read with READ_ONCE()
 */
struct mcfw_net {
	struct net *net;
	struct mutex lock;	/* serialises writers, see DOC: Locking */
	struct rhashtable routes;
	struct rhashtable groups;
	struct list_head route_list;
	struct list_head ifaces;
	unsigned int nr_routes;
	unsigned int nr_ifaces;
	unsigned int gen;
};

extern unsigned int mcfw_net_id;
extern unsigned int mcfw_oif_max;

static inline struct mcfw_net *mcfw_pernet(const struct net *net)
{
	return net_generic(net, mcfw_net_id);
}

#define mcfw_dereference(p, mn) \
	rcu_dereference_protected(p, lockdep_is_held(&(mn)->lock))

/* Called with bottom halves disabled. */
static inline void mcfw_count2(struct mcfw_pcpu __percpu *stats,
			       enum mcfw_counter a, u64 va,
			       enum mcfw_counter b, u64 vb)
{
	struct mcfw_pcpu *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->c[a], va);
	u64_stats_add(&s->c[b], vb);
	u64_stats_update_end(&s->syncp);
}

/* Called with bottom halves disabled. */
static inline void mcfw_count(struct mcfw_pcpu __percpu *stats,
			      enum mcfw_counter a)
{
	struct mcfw_pcpu *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->c[a]);
	u64_stats_update_end(&s->syncp);
}

/* table.c */
struct mcfw_route_cfg {
	struct mcfw_key key;
	unsigned int n_oifs;
	int *oif_index;
	u8 *oif_ttl;
	bool replace;
};

int mcfw_net_table_init(struct mcfw_net *mn);
void mcfw_net_table_exit(struct mcfw_net *mn);
struct mcfw_pcpu __percpu *mcfw_stats_alloc(unsigned int n);
void mcfw_stats_read(struct mcfw_pcpu __percpu *stats, unsigned int n,
		     u64 *sum);
struct mcfw_route *mcfw_route_lookup(struct mcfw_net *mn, __be32 src,
				     __be32 grp, int iif);
struct mcfw_route *mcfw_route_rpf(struct mcfw_net *mn, __be32 src,
				  __be32 grp);
struct mcfw_route *mcfw_route_set(struct mcfw_net *mn,
				  const struct mcfw_route_cfg *cfg,
				  struct netlink_ext_ack *extack);
void mcfw_route_unlink(struct mcfw_net *mn, struct mcfw_route *rt);
unsigned int mcfw_routes_flush(struct mcfw_net *mn);
bool mcfw_dev_in_use(struct mcfw_net *mn, const struct net_device *dev);
bool mcfw_route_uses_dev(struct mcfw_net *mn, const struct mcfw_route *rt,
			 const struct net_device *dev);
bool mcfw_route_drop_oif(struct mcfw_net *mn, struct mcfw_route *rt,
			 const struct net_device *dev);

/* fwd.c */
int mcfw_hook_register(struct mcfw_net *mn);
void mcfw_hook_unregister(struct mcfw_net *mn);

/* netlink.c */
int mcfw_genl_register(void);
void mcfw_genl_unregister(void);
void mcfw_dev_gone(struct mcfw_net *mn, struct net_device *dev);

#endif /* _MCFW_H */
