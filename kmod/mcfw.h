/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mcfw - in-kernel IP multicast forwarder: module-internal declarations.
 */
#ifndef _MCFW_H
#define _MCFW_H

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <linux/netfilter.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sch_generic.h>

#include <linux/mcfw.h>

/**
 * DOC: Locking
 *
 * Each network namespace has one &struct mcfw_net. Its @lock serialises
 * every writer of the namespace's routes, interfaces, memberships and
 * staged batch: netlink commands that change state, the netdevice
 * notifier, the interface work, the netlink release notifier and
 * namespace teardown. Dumps take it too, one message at a time.
 *
 * Readers in the packet path never take it. They run under RCU (the
 * netfilter hook runs inside rcu_read_lock()), read mcfw_net.gencursor
 * once per packet (smp_load_acquire()) and see, for that generation, which routes are active
 * (mcfw_route.genmask) and each route's outputs (mcfw_route.oifs[gen], an
 * immutable array). A single command changes a route in place: it is
 * linked active in both generations, or both of its output pointers are
 * replaced, or it is unlinked, each with RCU publication. A batch commit
 * prepares the next generation beside the current one, flips
 * mcfw_net.gencursor with one smp_store_release() (ordering the next
 * generation's genmask and output stores before it), waits for a grace
 * period and only then tidies the old generation up, so a packet sees
 * the whole old table or the whole new one. Commits hold @lock from start to end.
 *
 * An interface (&struct mcfw_iface) is a name. Its device pointer is
 * published with RCU and set to NULL, in place, when the device leaves
 * the namespace (unregistered, moved, renamed): readers compare it with
 * the packet's device, or skip an output whose device is NULL. The
 * reference mcfw holds on a device is dropped right after the pointer is
 * cleared; this is safe because the core holds its own reference until a
 * grace period after the notifier has run.
 * An interface's boundary (mcfw_iface.boundary) is an immutable list
 * published with RCU under @lock and freed with kfree_rcu() when replaced;
 * the packet path reads it once per packet (input) and per copy (output).
 * A route's rate limit lives in its output array; its bucket
 * (mcfw_rate.tat) is one field the packet path writes there, with a
 * cmpxchg; an output's cached route (mcfw_oif.dst) the other, with
 * xchg(): the array owns the reference, copies use the route without one
 * inside the RCU read section, and dst_release() frees it after a grace
 * period.
 *
 * Lock order: RTNL -> mcfw_net.lock. The netdevice notifier (RTNL held by
 * the core) and the interface work (which takes RTNL first) nest them
 * that way. Commands and commits never take RTNL: what needs it (ALLMULTI
 * on inputs) is left to the interface work, which a command flushes
 * after dropping @lock, so the change is done when the command returns.
 * Joining groups goes through kernel sockets whose setsockopt() takes
 * RTNL itself: the interface work calls it holding neither lock. Under
 * RTNL, mcfw waits for no memory of more than a page: the notifier's
 * announcement of a large route is reported lost instead (listeners
 * resynchronise), see mcfw_ntf_route_rtnl().
 *
 * A command resolves interface names under @lock; the notifier for a
 * device appearing, leaving or being renamed runs after the device list
 * changed and takes @lock too, so either the command sees the change or
 * the notifier sees the command's interface.
 *
 * Counters of routes, interfaces and output arrays are per CPU and
 * written only by the CPU that owns them, with bottom halves disabled;
 * readers sum them with u64_stats retries. An output has no per-CPU
 * counters: the copies it sent are the packets its output arrays handed
 * it (mcfw_oifs.fwd, folded into mcfw_oif_stats.carried when an array
 * goes) less the copies it dropped, which are shared atomics. Zeroing
 * never writes counters: it records the values as a base that readers
 * subtract.
 */

/**
 * enum mcfw_counter - indices of per-CPU counters
 * @MCFW_C_PACKETS: packets in (routes, interfaces), or handed to the
 *	outputs (output arrays)
 * @MCFW_C_BYTES: bytes of those
 * @MCFW_C_RPF_FAIL: packets that arrived on the wrong interface
 * @MCFW_C_TTL_DROP: packets with TTL 1 or less
 * @MCFW_C_MARTIAN_DROP: packets not forwarded: a source no router
 *	forwards from (0.0.0.0/8, 127.0.0.0/8, multicast, broadcast)
 * @MCFW_C_RATE_DROP: packets not forwarded: over the route's rate
 * @MCFW_C_RA_DROP: packets not forwarded: a Router Alert option
 * @MCFW_C_SRR_DROP: packets not forwarded: source routed (LSRR, SSRR),
 *	which the input's accept_source_route does not allow
 * @MCFW_C_RECORD_DROP: packets not forwarded: Record Route or Timestamp
 * @MCFW_C_BADOPT_DROP: packets not forwarded: malformed options
 * @MCFW_C_BOUNDARY_DROP: packets not forwarded: their group is in a
 *	boundary of their input; of an interface, also copies not sent out
 *	of it for its boundary
 * @MCFW_C_SCOPE_DROP: copies not sent: TTL not above the output's threshold
 * @MCFW_C_MTU_DROP: copies not sent: too big for the output, DF set
 * @MCFW_C_DOWN_DROP: copies not sent: output absent, down or no carrier
 * @MCFW_C_FILTER_DROP: copies not sent: a FORWARD or POST_ROUTING hook
 *	(the router's firewall) dropped them
 * @MCFW_C_XMIT_DROP: copies not sent: no memory, or the device refused
 * @MCFW_C_OUT_PACKETS: copies sent out of an interface
 * @MCFW_C_OUT_BYTES: bytes of those copies
 * @MCFW_C_NR: number of counters
 *
 * Output arrays use the first %MCFW_C_FWD_NR, routes the first
 * %MCFW_C_ROUTE_NR and interfaces all of them.
 */
enum mcfw_counter {
	MCFW_C_PACKETS,
	MCFW_C_BYTES,
	MCFW_C_RPF_FAIL,
	MCFW_C_TTL_DROP,
	MCFW_C_MARTIAN_DROP,
	MCFW_C_RATE_DROP,
	MCFW_C_RA_DROP,
	MCFW_C_SRR_DROP,
	MCFW_C_RECORD_DROP,
	MCFW_C_BADOPT_DROP,
	MCFW_C_BOUNDARY_DROP,
	MCFW_C_SCOPE_DROP,
	MCFW_C_MTU_DROP,
	MCFW_C_DOWN_DROP,
	MCFW_C_FILTER_DROP,
	MCFW_C_XMIT_DROP,
	MCFW_C_OUT_PACKETS,
	MCFW_C_OUT_BYTES,
	MCFW_C_NR,
};

#define MCFW_C_FWD_NR	(MCFW_C_BYTES + 1)
#define MCFW_C_ROUTE_NR	(MCFW_C_BOUNDARY_DROP + 1)

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
 * struct mcfw_boundary - an interface's administrative scope boundary
 * @rcu: frees it after readers are done
 * @scope6: IPv6 groups of this scope or less are inside it (RFC 4007
 *	zone boundary), whatever their flags; 0 for none
 * @n: number of prefixes in @p
 * @p: the prefixes: address, mask (network order), family and length
 *
 * Immutable once published: a change publishes a new one.
 */
struct mcfw_boundary {
	struct rcu_head rcu;
	u8 scope6;
	unsigned int n;
	struct {
		union nf_inet_addr addr;
		union nf_inet_addr mask;
		u8 family;
		u8 len;
	} p[];
};

/**
 * struct mcfw_iface - an interface name that routes of a namespace use,
 *	or that has a boundary
 * @node: in mcfw_net.ifaces, hashed by @name
 * @list: in mcfw_net.iface_list, sorted by @name
 * @name: the name, NUL padded (the hash key)
 * @dev: the device of that name, or NULL while there is none; RCU
 * @tracker: tracks mcfw's reference on @dev
 * @ifindex: @dev's ifindex, 0 while absent; under the lock, READ_ONCE()
 * @users: routes naming it as input or output, and its boundary
 * @in_users: routes naming it as input (it is held in ALLMULTI for them)
 * @allmulti: mcfw holds one ALLMULTI count on @dev; under RTNL and lock
 * @boundary: its boundary, or NULL; RCU, set under the lock
 * @stats: per-CPU counters (all of &enum mcfw_counter)
 * @base: counter values at the last zeroing
 * @rcu: frees the iface after readers are done
 *
 * An iface lives while routes name it or it has a boundary, and until the
 * interface work has released ALLMULTI on its device.
 */
struct mcfw_iface {
	struct rhash_head node;
	struct list_head list;
	char name[IFNAMSIZ];
	struct net_device __rcu *dev;
	netdevice_tracker tracker;
	int ifindex;
	unsigned int users;
	unsigned int in_users;
	bool allmulti;
	struct mcfw_boundary __rcu *boundary;
	struct mcfw_pcpu __percpu *stats;
	u64 base[MCFW_C_NR];
	struct rcu_head rcu;
};

/**
 * struct mcfw_oif_stats - what one output of a route did
 * @drops: copies it did not send (its threshold, the MTU, the device
 *	absent or down, the transmit refused); bumped by any CPU
 * @drop_bytes: their bytes
 * @carried: packets and bytes handed to it by output arrays it was in
 *	that are gone (mcfw_oifs_fold())
 * @base: its packets, bytes and drops at its last zeroing
 *
 * Its copies sent: @carried plus what its current output array handed
 * its outputs (mcfw_oifs.fwd), less @drops: no per-CPU memory for an
 * output, however many outputs and CPUs there are.
 */
struct mcfw_oif_stats {
	atomic64_t drops;
	atomic64_t drop_bytes;
	atomic64_t carried[MCFW_C_FWD_NR];
	u64 base[3];
};

/**
 * struct mcfw_ctrs_block - per-CPU memory the counters of several routes
 *	share
 * @ref: the batch that carves it, while it does, and each &struct
 *	mcfw_ctrs carved from it; the last frees it
 * @pcpu: %MCFW_CTRS_BLOCK bytes per CPU
 * @used: bytes carved so far
 *
 * A batch that adds more than %MCFW_CTRS_BLOCK_MIN routes carves the
 * counters of the others from blocks, one per-CPU allocation for dozens
 * of routes rather than one each (under emulation the per-CPU
 * allocator's search was most of what staging a route cost). A block's
 * memory is not reused: it is freed when the last of its routes goes
 * (after their grace period), so the few routes left of a large batch
 * keep its blocks: at most the memory that batch's counters took, per
 * batch.
 */
struct mcfw_ctrs_block {
	refcount_t ref;
	void __percpu *pcpu;
	size_t used;
};

/* Bytes per CPU of a block; routes a batch adds before it uses blocks. */
#define MCFW_CTRS_BLOCK		4096
#define MCFW_CTRS_BLOCK_MIN	16

/**
 * struct mcfw_ctrs - the counters an output array brings: its per-CPU
 *	counters (and the route's, for a route's first array), and the
 *	stats of the outputs it adds
 * @ref: the route, the array counting in @pcpu and each array having
 *	one of its outputs; the last frees it (or drops its reference to
 *	the block)
 * @pcpu: the per-CPU area (its own allocation, or carved from a &struct
 *	mcfw_ctrs_block): the route's &struct mcfw_pcpu of %MCFW_C_ROUTE_NR
 *	counters if @route, then the array's, of %MCFW_C_FWD_NR
 * @blk: the block @pcpu was carved from, or NULL
 * @route: @pcpu begins with a route's counters
 * @n: number of outputs' stats in @oif
 * @oif: the stats of the outputs the array adds
 *
 * A route's creation makes one for the route and its outputs; a replace
 * makes one for the new array and the outputs it adds. An output kept by
 * a replace keeps its stats, and so its counts.
 */
struct mcfw_ctrs {
	refcount_t ref;
	void __percpu *pcpu;
	struct mcfw_ctrs_block *blk;
	bool route;
	unsigned int n;
	struct mcfw_oif_stats oif[];
};

/**
 * struct mcfw_oif - one output of a route
 * @iface: the output interface
 * @stats: what it did, in @ctrs
 * @ctrs: the allocation @stats is in (the output holds a reference)
 * @ttl: copy only packets whose TTL is greater than this (1..255)
 * @port: the UDP destination port copies carry, or 0 to keep the
 *	datagram's
 * @xlat: it rewrites its copies: @grp, @port or @ucast is set
 * @grp: the group copies carry (of the route's family), or zero for the
 *	route's (the packet's)
 * @dst: the route to the group out of this output, cached for the copies
 *	that traverse the netfilter hooks (the array's owns a reference);
 *	RCU, replaced with xchg() by the packet path when it is stale. For a
 *	unicast output, the route to @ucast, used by every copy
 * @cookie: an IPv6 @dst's validity cookie (written before @dst is
 *	published; a reader that pairs a new @dst with an old cookie finds it
 *	stale and looks it up again)
 * @unicast: a unicast output (then @iface is NULL) to @ucast
 * @ucast: a unicast output's destination, of the route's family
 * @saddr: an IPv4 unicast output's source, the one the routing table
 *	chose with @dst (written before @dst is published)
 * @u6: an IPv6 unicast output's route and source; RCU, replaced with
 *	xchg() by the packet path when stale
 */
struct mcfw_oif {
	struct mcfw_iface *iface;
	struct mcfw_oif_stats *stats;
	struct mcfw_ctrs *ctrs;
	u8 ttl;
	bool xlat;
	__be16 port;
	union nf_inet_addr grp;
	struct dst_entry __rcu *dst;
	u32 cookie;
	bool unicast;
	union nf_inet_addr ucast;
	__be32 saddr;
	struct mcfw_ucast6 __rcu *u6;
};

/**
 * struct mcfw_ucast6 - an IPv6 unicast output's route and source
 * @rcu: frees it (and releases @dst) after readers are done
 * @dst: the route to the output's address (a reference)
 * @saddr: the source address chosen for it
 * @cookie: @dst's validity cookie
 *
 * One allocation, published whole: a copy never pairs a route with
 * another route's 16-byte source.
 */
struct mcfw_ucast6 {
	struct rcu_head rcu;
	struct dst_entry *dst;
	struct in6_addr saddr;
	u32 cookie;
};

/* Does @oif rewrite its copies' addresses or port? */
static inline bool mcfw_oif_translates(const struct mcfw_oif *oif)
{
	return oif->xlat;
}

/**
 * struct mcfw_rate - a route's rate limit: a GCRA token bucket
 * @pkts: packets per second, or 0
 * @bits: bits per second, or 0 (at most one of the two is set)
 * @pr: @pkts as psched_pkt2t_ns() wants it
 * @br: @bits as psched_l2t_ns() wants it
 * @burst: ns of traffic at the rate that may pass at once
 * @tat: ns (ktime_get_mono_fast_ns()) at which the bucket is full
 *	again; written only by packets that pass, so a flood over the rate
 *	only reads it
 *
 * See mcfw_rate_allow().
 */
struct mcfw_rate {
	u64 pkts;
	u64 bits;
	struct psched_pktrate pr;
	struct psched_ratecfg br;
	u64 burst;
	atomic64_t tat;
};

/* A burst of 10 ms at the rate passes at once (at least one packet). */
#define MCFW_RATE_BURST_NS	(10 * NSEC_PER_MSEC)

/**
 * struct mcfw_oifs - a route's outputs, immutable once published but for
 *	the counters and the rate limit's bucket
 * @rcu: frees the array after readers are done
 * @fwd: packets (and bytes) handed to the outputs through this array
 *	(the first %MCFW_C_FWD_NR counters), in @ctrs
 * @ctrs: the allocation @fwd is in (the array holds a reference)
 * @folded: @fwd's sums already added to its outputs' carried counts
 * @refold: fold @fwd once more when the array is freed
 * @rate: the route's rate limit (the outputs' share of one)
 * @snat: multicast copies leave with their output's primary address
 * @family: the route's (or relay's), AF_INET or AF_INET6
 * @n: number of entries in @oif
 * @oif: the outputs
 */
struct mcfw_oifs {
	struct rcu_head rcu;
	struct mcfw_pcpu __percpu *fwd;
	struct mcfw_ctrs *ctrs;
	u64 folded[MCFW_C_FWD_NR];
	bool refold;
	struct mcfw_rate rate;
	bool snat;
	u8 family;
	unsigned int n;
	struct mcfw_oif oif[];
};

/**
 * struct mcfw_key - the family, source and group of a route's entry
 * @src: source address (IPv4: @src.ip, the rest zero), or all zero for
 *	any source (*,G)
 * @grp: group address, likewise
 * @family: AF_INET or AF_INET6
 * @pad: zero: the whole key is hashed and compared
 *
 * Every field is named, so an initialiser zeroes the whole key.
 */
struct mcfw_key {
	union nf_inet_addr src;
	union nf_inet_addr grp;
	u8 family;
	u8 pad[3];
};

/* The key of an IPv4 (S or *, G). */
static inline struct mcfw_key mcfw_key4(__be32 src, __be32 grp)
{
	/* Not an initialiser of .ip: the rest of each union must be zero. */
	struct mcfw_key k = { .family = AF_INET };

	k.src.ip = src;
	k.grp.ip = grp;
	return k;
}

/* The key of an IPv6 (S or *, G); @src NULL for any source. */
static inline struct mcfw_key mcfw_key6(const struct in6_addr *src,
					const struct in6_addr *grp)
{
	struct mcfw_key k = { .grp.in6 = *grp, .family = AF_INET6 };

	if (src)
		k.src.in6 = *src;
	return k;
}

/* Is @a (of @family, as in a key) the any address? */
static inline bool mcfw_addr_any(const union nf_inet_addr *a)
{
	return !(a->all[0] | a->all[1] | a->all[2] | a->all[3]);
}

/**
 * struct mcfw_entry - every route of one (S or *, G), one per input
 * @node: in mcfw_net.entries, hashed by @key
 * @key: source (or any) and group
 * @routes: RCU list of the routes (mcfw_route.enode)
 * @rcu: frees the entry after readers are done
 *
 * The packet path finds the entry of (S,G), else of (*,G), and in it the
 * route of the packet's input; a packet whose entries have routes only
 * on other inputs failed the RPF check.
 */
struct mcfw_entry {
	struct rhash_head node;
	struct mcfw_key key;
	struct hlist_head routes;
	struct rcu_head rcu;
};

/* mcfw_route.flags */
#define MCFW_RF_NOJOIN	BIT(0)
#define MCFW_RF_SNAT	BIT(1)	/* the packet path reads mcfw_oifs.snat */

struct mcfw_join;

/**
 * struct mcfw_route - a multicast route
 * @tnode: in mcfw_net.routes, sorted by group, source and input name
 * @enode: in @entry's list
 * @entry: the (S or *, G) it belongs to
 * @iif: the input interface
 * @oifs: the outputs in generation 0 and 1; RCU, see "DOC: Locking"
 * @stats: per-CPU counters (the first %MCFW_C_ROUTE_NR), in @ctrs
 * @ctrs: the allocation @stats is in, shared with its first outputs
 * @base: counter values at the last zeroing
 * @lastuse: jiffies of the last packet it counted; READ_ONCE()
 * @join: its membership of the group on @iif, or NULL (nojoin)
 * @owner: who installed it, NUL padded
 * @genmask: BIT(gen) set: not active in generation gen
 * @flags: MCFW_RF_*
 * @rcu: frees the route after readers are done
 */
struct mcfw_route {
	struct rb_node tnode;
	struct hlist_node enode;
	struct mcfw_entry *entry;
	struct mcfw_iface *iif;
	struct mcfw_oifs __rcu *oifs[2];
	struct mcfw_pcpu __percpu *stats;
	struct mcfw_ctrs *ctrs;
	u64 base[MCFW_C_ROUTE_NR];
	unsigned long lastuse;
	struct mcfw_join *join;
	char owner[MCFW_OWNER_MAX + 1];
	u8 genmask;
	u8 flags;
	struct rcu_head rcu;
};

struct mcfw_batch;

/**
 * struct mcfw_net - mcfw state of one network namespace
 * @net: the namespace this state belongs to
 * @lock: serialises writers of this state, see "DOC: Locking"
 * @entries: &struct mcfw_entry hashed by &struct mcfw_key
 * @routes: every route, sorted (rbtree of mcfw_route.tnode)
 * @ifaces: &struct mcfw_iface hashed by name
 * @iface_list: the same, sorted by name
 * @batch: the batch a socket is staging, or NULL
 * @joins: every &struct mcfw_join
 * @join_pending: joins whose membership must change (mcfw_join.pending)
 * @join_socks: the kernel sockets memberships are held on
 * @iface_work: ALLMULTI, unused interfaces and memberships, under RTNL
 *	where needed; flushed by commands that queued something for it
 * @gencursor: the generation the packet path uses; smp_load_acquire()
 * @nr_routes: number of routes; written under @lock, read with READ_ONCE()
 * @nr_ifaces: number of ifaces in use; likewise
 * @nr_waiting: routes whose input is absent; likewise
 * @nr_oif_waiting: outputs of routes that are absent; likewise
 * @nr_joined: memberships held; likewise
 * @gen: bumped under @lock on every change a dump would show, so dumps
 *	can tell they were interrupted
 * @cfg_gen: bumped under @lock on every change of configuration (not on
 *	devices coming and going), so a batch can tell it was overtaken
 * @exiting: the namespace is going away: the work queues nothing more
 */
#define MCFW_RELAY_HASH	64

struct mcfw_net {
	struct net *net;
	struct mutex lock;	/* serialises writers, see DOC: Locking */
	struct rhashtable entries;
	struct rb_root routes;
	struct rhashtable ifaces;
	struct list_head iface_list;
	struct mcfw_batch *batch;
	struct list_head joins;
	struct list_head join_pending;
	struct list_head join_socks;
	struct work_struct iface_work;
	u8 gencursor;
	unsigned int nr_routes;
	unsigned int nr_ifaces;
	unsigned int nr_waiting;
	unsigned int nr_oif_waiting;
	unsigned int nr_joined;
	unsigned int gen;
	unsigned int cfg_gen;
	bool exiting;
	unsigned int nr_relays;
	u32 relay_seed;
	struct hlist_head relays[MCFW_RELAY_HASH];
};

extern unsigned int mcfw_net_id;
extern unsigned int mcfw_oif_max;
extern unsigned int mcfw_join_max;
extern unsigned int mcfw_route_max;
extern bool mcfw_firewall;

static inline struct mcfw_net *mcfw_pernet(const struct net *net)
{
	return net_generic(net, mcfw_net_id);
}

/*
 * Drops the packets the namespace's NFQUEUE queues hold. Exported
 * (EXPORT_SYMBOL_GPL) but declared in net/netfilter/nf_internals.h,
 * which kernel headers packages do not install; unchanged since 4.x.
 */
void nf_queue_nf_hook_drop(struct net *net);

#define mcfw_dereference(p, mn) \
	rcu_dereference_protected(p, lockdep_is_held(&(mn)->lock))

/*
 * 0.0.0.0/8, "this network" (RFC 1122): never a source to forward from.
 * (ipv4_is_zeronet() has tested 0.0.0.0 alone since Linux 5.3.)
 */
static inline bool mcfw_is_zeronet(__be32 addr)
{
	return !(addr & htonl(0xff000000));
}

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
static inline void mcfw_count_n(struct mcfw_pcpu __percpu *stats,
				enum mcfw_counter a, u64 n)
{
	struct mcfw_pcpu *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->c[a], n);
	u64_stats_update_end(&s->syncp);
}

/* Is @rt active in generation @gen? */
static inline bool mcfw_route_active(const struct mcfw_route *rt, u8 gen)
{
	return !(READ_ONCE(rt->genmask) & BIT(gen));
}

/* An output's interface as the packet path may use it, or NULL. */
static inline bool mcfw_iface_present(const struct mcfw_iface *iface)
{
	return rcu_access_pointer(iface->dev);
}

/**
 * struct mcfw_oif_cfg - one output as a command gives it
 * @name: interface name
 * @ttl: threshold
 * @port: UDP destination port of the copies, or 0 (unchanged)
 * @grp: group of the copies (of the route's family), or zero (the route's)
 * @unicast: a unicast output to @ucast (@name is then empty)
 * @ucast: the destination of a unicast output
 */
struct mcfw_oif_cfg {
	char name[IFNAMSIZ];
	u8 ttl;
	__be16 port;
	union nf_inet_addr grp;
	bool unicast;
	union nf_inet_addr ucast;
};

/**
 * struct mcfw_match - which routes a command, a dump or a batch selects
 * @key: the family, and the group if @has_grp and the source (any for
 *	(*,G) routes) if @has_src
 * @has_grp: only routes of @key's family and group
 * @has_src: only routes of @src
 * @has_iif: only routes whose input is named @iif
 * @has_owner: only routes of @owner
 * @iif: input interface name, if @has_iif
 * @owner: owner, if @has_owner
 */
struct mcfw_match {
	struct mcfw_key key;
	bool has_grp;
	bool has_src;
	bool has_iif;
	bool has_owner;
	char iif[IFNAMSIZ];
	char owner[MCFW_OWNER_MAX + 1];
};

/**
 * struct mcfw_route_cfg - a route as a command gives it
 * @key: family, source (any: zero) and group
 * @iif: input interface name
 * @owner: owner, NUL padded
 * @flags: MCFW_RF_*
 * @rate_pkts: rate limit in packets per second, or 0
 * @rate_bits: rate limit in bits per second, or 0
 * @n_oifs: number of entries in @oifs
 * @oifs: the outputs (allocated by the parser)
 */
struct mcfw_route_cfg {
	struct mcfw_key key;
	char iif[IFNAMSIZ];
	char owner[MCFW_OWNER_MAX + 1];
	u8 flags;
	u64 rate_pkts;
	u64 rate_bits;
	unsigned int n_oifs;
	struct mcfw_oif_cfg *oifs;
};

/**
 * struct mcfw_relay - unicast datagrams to a local address and port, sent
 *	on as multicast (relay.c)
 * @node: in mcfw_net.relays, by @addr and @port
 * @family: its addresses', AF_INET or AF_INET6
 * @addr: the local address
 * @port: the UDP port
 * @gport: the UDP destination port of the copies, or 0 (kept)
 * @grp: the group the copies carry
 * @from: only datagrams from this source, or zero (any)
 * @ttl: the copies' TTL, at most (the arriving TTL minus one, at most)
 * @iif: only datagrams arriving on this interface, or "" (any)
 * @oifs: the outputs, as a route's; RCU
 * @stats: per-CPU counters (all of &enum mcfw_counter)
 * @base: counter values at the last zeroing
 * @replaced: a replace took it out: @stats are its successor's
 * @rcu: frees the relay after readers are done
 *
 * Immutable once published but for its counters: a replace publishes
 * a new relay in its place, which takes over @stats and @base.
 */
struct mcfw_relay {
	struct hlist_node node;
	u8 family;
	union nf_inet_addr addr;
	__be16 port;
	__be16 gport;
	union nf_inet_addr grp;
	union nf_inet_addr from;
	u8 ttl;
	char iif[IFNAMSIZ];
	struct mcfw_oifs __rcu *oifs;
	struct mcfw_pcpu __percpu *stats;
	u64 base[MCFW_C_NR];
	bool replaced;
	struct rcu_head rcu;
};

/**
 * struct mcfw_relay_cfg - a relay as a command gives it
 * @route: its family and group (@route.key) and outputs, as a route's
 * @addr: the local address
 * @port: the UDP port
 * @gport: the copies' UDP port, or 0
 * @from: the only source, or zero
 * @ttl: the copies' TTL at most
 * @iif: the input interface's name, or ""
 */
struct mcfw_relay_cfg {
	struct mcfw_route_cfg route;
	union nf_inet_addr addr;
	__be16 port;
	__be16 gport;
	union nf_inet_addr from;
	u8 ttl;
	char iif[IFNAMSIZ];
};

/* Relays, in relay.c */
extern const struct nf_hook_ops mcfw_relay_nf_ops;
extern const struct nf_hook_ops mcfw_relay_nf_ops6;
struct mcfw_relay *mcfw_relay_find(struct mcfw_net *mn, u8 family,
				   const union nf_inet_addr *addr,
				   __be16 port, const char *iif);
bool mcfw_relay_local(struct net *net, u8 family,
		      const union nf_inet_addr *addr);
struct mcfw_relay *mcfw_relay_set(struct mcfw_net *mn,
				  const struct mcfw_relay_cfg *cfg, bool replace,
				  struct netlink_ext_ack *extack);
void mcfw_relay_del(struct mcfw_net *mn, struct mcfw_relay *r);
void mcfw_relay_exit(struct mcfw_net *mn);

/**
 * struct mcfw_wire - what a packet stands for on the wire
 * @pkts: datagrams: gso_segs for a GSO packet (merged by GRO, or sent
 *	so by a local UDP GSO sender), else 1
 * @bytes: their bytes, each with its own headers
 */
struct mcfw_wire {
	u32 pkts;
	u32 bytes;
};

/* Is @skb (a packet in our hooks, or a copy of one) IPv6? */
static inline bool mcfw_skb_v6(const struct sk_buff *skb)
{
	return skb->protocol == htons(ETH_P_IPV6);
}

static inline u8 mcfw_skb_nfproto(const struct sk_buff *skb)
{
	return mcfw_skb_v6(skb) ? NFPROTO_IPV6 : NFPROTO_IPV4;
}

/* Its TTL or hop limit. */
static inline u8 mcfw_hops(const struct sk_buff *skb)
{
	return mcfw_skb_v6(skb) ? ipv6_hdr(skb)->hop_limit : ip_hdr(skb)->ttl;
}

/* The data path shared by routes, relays and both families, in fwd.c */
int mcfw_xmit(struct sk_buff *skb, struct net_device *dev);
int mcfw_frag_output(struct net *net, struct sock *sk, struct sk_buff *skb);
bool mcfw_too_big(const struct sk_buff *skb, unsigned int mtu);
bool mcfw_bounded(const struct mcfw_iface *iface, __be32 grp);
struct mcfw_route *mcfw_lookup(struct mcfw_net *mn, struct mcfw_key *k,
			       const struct net_device *in, u8 gen,
			       struct mcfw_entry **ep, struct mcfw_route **rpf);
void mcfw_forward(struct net *net, struct mcfw_route *rt,
		  struct mcfw_oifs *oifs, struct sk_buff *skb,
		  struct net_device *in, struct mcfw_wire w);

/* What IPv6 does its own way, in fwd6.c */
extern const struct nf_hook_ops mcfw_nf_ops_v6;
bool mcfw_bounded6(const struct mcfw_iface *iface,
		   const struct in6_addr *grp);
bool mcfw_exceeds_mtu6(const struct sk_buff *skb, unsigned int mtu);
unsigned int mcfw_dev_mtu6(const struct net_device *dev);
bool mcfw_route_copy6(struct net *net, struct sk_buff *skb,
		      struct mcfw_oif *oif, struct net_device *dev);
int mcfw_fragment6(struct net *net, struct sk_buff *skb,
		   struct net_device *dev);
void mcfw_packet_too_big(struct sk_buff *skb, unsigned int mtu);
int mcfw_output_translate6(struct sk_buff *skb, const struct mcfw_oif *oif,
			   const struct net_device *dev, bool snat);
struct dst_entry *mcfw_unicast_dst6(struct net *net, struct mcfw_oif *oif,
				    const struct net_device *in,
				    const struct in6_addr **saddr);
void mcfw_ucast6_free(struct mcfw_ucast6 *u6);

struct mcfw_wire mcfw_wire_of(const struct sk_buff *skb);
int mcfw_translate(struct sk_buff *skb, __be32 daddr, __be32 saddr,
		   __be16 port);
int mcfw_translate6(struct sk_buff *skb, const struct in6_addr *daddr,
		    const struct in6_addr *saddr, __be16 port);
void mcfw_replicate(struct net *net, struct mcfw_oifs *oifs,
		    struct sk_buff *skb, struct net_device *in,
		    struct mcfw_wire w);

/* Counters, in table.c */
struct mcfw_pcpu __percpu *mcfw_stats_alloc(unsigned int n);
void mcfw_stats_read(struct mcfw_pcpu __percpu *stats, unsigned int n,
		     u64 *sum);
void mcfw_oif_read(const struct mcfw_oifs *oifs, const struct mcfw_oif *oif,
		   u64 *v);

/* iface.c: device lifecycle */
int mcfw_iface_init(struct mcfw_net *mn);
void mcfw_iface_exit(struct mcfw_net *mn);
struct mcfw_iface *mcfw_iface_get(struct mcfw_net *mn, const char *name);
void mcfw_iface_put(struct mcfw_net *mn, struct mcfw_iface *iface);
void mcfw_iface_in_get(struct mcfw_net *mn, struct mcfw_iface *iface);
void mcfw_iface_in_put(struct mcfw_net *mn, struct mcfw_iface *iface);
struct mcfw_iface *mcfw_iface_find(struct mcfw_net *mn, const char *name);
bool mcfw_dev_exists(struct mcfw_net *mn, const char *name);
int mcfw_route_cfg_devs_exist(struct mcfw_net *mn,
			      const struct mcfw_route_cfg *cfg,
			      struct netlink_ext_ack *extack);
void mcfw_iface_kick(struct mcfw_net *mn);
int mcfw_iface_set_boundary(struct mcfw_net *mn, const char *name,
			    struct mcfw_boundary *b);
void mcfw_iface_sync(struct mcfw_net *mn);
int mcfw_netdev_notifier_register(void);
void mcfw_netdev_notifier_unregister(void);

/* join.c: group memberships on inputs */
void mcfw_join_init(struct mcfw_net *mn);
void mcfw_join_exit(struct mcfw_net *mn);
int mcfw_join_new(struct mcfw_net *mn, struct mcfw_route *rt);
void mcfw_join_update(struct mcfw_net *mn, struct mcfw_route *rt);
void mcfw_join_release(struct mcfw_net *mn, struct mcfw_route *rt);
bool mcfw_join_held(const struct mcfw_route *rt);
void mcfw_join_run(struct mcfw_net *mn);

/* table.c: routes */
int mcfw_table_init(struct mcfw_net *mn);
void mcfw_table_exit(struct mcfw_net *mn);
struct mcfw_entry *mcfw_entry_lookup(struct mcfw_net *mn,
				     const struct mcfw_key *key);
struct mcfw_route *mcfw_route_find(struct mcfw_net *mn,
				   const struct mcfw_key *key, const char *iif);
struct mcfw_route *mcfw_route_first(struct mcfw_net *mn,
				    const struct mcfw_key *key,
				    const char *iif);
struct mcfw_route *mcfw_route_next(struct mcfw_route *rt);
struct mcfw_route *mcfw_route_alloc(unsigned int n_oifs,
				    struct mcfw_ctrs_block **blk);
void mcfw_ctrs_block_put(struct mcfw_ctrs_block *blk);
void mcfw_route_free(struct mcfw_route *rt);
struct mcfw_route *mcfw_route_create(struct mcfw_net *mn,
				     const struct mcfw_route_cfg *cfg,
				     u8 genmask, struct mcfw_route *mem,
				     struct netlink_ext_ack *extack);
void mcfw_oifs_retire(struct mcfw_net *mn, struct mcfw_oifs *oifs);
struct mcfw_oifs *mcfw_oifs_build(struct mcfw_net *mn,
				  const struct mcfw_route_cfg *cfg,
				  const struct mcfw_oifs *old,
				  struct mcfw_route *rt,
				  struct mcfw_ctrs_block **blk);
void mcfw_oifs_release(struct mcfw_net *mn, struct mcfw_oifs *oifs,
		       bool now);
void mcfw_route_replace(struct mcfw_net *mn, struct mcfw_route *rt,
			const struct mcfw_route_cfg *cfg,
			struct mcfw_oifs *oifs);
void mcfw_route_stage(struct mcfw_net *mn, struct mcfw_route *rt,
		      struct mcfw_oifs *oifs);
void mcfw_route_settle(struct mcfw_net *mn, struct mcfw_route *rt,
		       const struct mcfw_route_cfg *cfg);
void mcfw_route_unlink(struct mcfw_net *mn, struct mcfw_route *rt);
bool mcfw_route_same(struct mcfw_net *mn, const struct mcfw_route *rt,
		     const struct mcfw_route_cfg *cfg);
void mcfw_route_zero(struct mcfw_net *mn, struct mcfw_route *rt);
bool mcfw_route_matches(const struct mcfw_route *rt,
			const struct mcfw_match *m);
unsigned int mcfw_route_oif_waiting(struct mcfw_net *mn,
				    const struct mcfw_route *rt);
int mcfw_table_room(struct mcfw_net *mn, unsigned int add,
		    unsigned int remove, struct netlink_ext_ack *extack);
void mcfw_table_changed(struct mcfw_net *mn, bool cfg);
void mcfw_iface_presence_changed(struct mcfw_net *mn,
				 struct mcfw_iface *iface, bool present);

/* batch.c: staged transactions */
struct mcfw_batch *mcfw_batch_of(struct mcfw_net *mn,
				 const struct sk_buff *skb, u32 portid);
int mcfw_batch_begin(struct mcfw_net *mn, const struct sk_buff *skb,
		     u32 portid, u32 flags, const char *owner,
		     struct netlink_ext_ack *extack);
void mcfw_batch_free(struct mcfw_net *mn);
void mcfw_batch_refused(struct mcfw_net *mn, const struct sk_buff *skb,
			u32 portid);
int mcfw_batch_route_set(struct mcfw_net *mn, struct mcfw_batch *b,
			 struct mcfw_route_cfg *cfg, bool replace,
			 struct netlink_ext_ack *extack);
int mcfw_batch_route_del(struct mcfw_net *mn, struct mcfw_batch *b,
			 const struct mcfw_key *key, const char *iif,
			 struct netlink_ext_ack *extack);
int mcfw_batch_flush(struct mcfw_net *mn, struct mcfw_batch *b,
		     const char *owner, struct netlink_ext_ack *extack);
int mcfw_batch_zero(struct mcfw_net *mn, struct mcfw_batch *b,
		    const struct mcfw_match *m, struct netlink_ext_ack *extack);

/**
 * struct mcfw_commit_result - what a commit did
 * @added: routes added
 * @replaced: routes replaced
 * @removed: routes removed
 * @unchanged: routes of the batch found as they were
 */
struct mcfw_commit_result {
	u32 added;
	u32 replaced;
	u32 removed;
	u32 unchanged;
};

int mcfw_batch_commit(struct mcfw_net *mn, struct mcfw_batch *b,
		      const u32 *count, struct mcfw_commit_result *res,
		      struct netlink_ext_ack *extack);
bool mcfw_batch_owned_by(const struct mcfw_batch *b, u32 *portid);

/* fwd.c */
int mcfw_hook_register(struct mcfw_net *mn);
void mcfw_hook_unregister(struct mcfw_net *mn);

/* netlink.c and netlink_*.c */
int mcfw_genl_register(void);
void mcfw_genl_unregister(void);
void mcfw_ntf_route(struct mcfw_net *mn, const struct mcfw_route *rt,
		    enum mcfw_event ev);
void mcfw_ntf_route_rtnl(struct mcfw_net *mn, const struct mcfw_route *rt,
			 enum mcfw_event ev, bool *lost);
void mcfw_ntf_lost(struct mcfw_net *mn);

/* Routes one device event announces from under RTNL, at most. */
#define MCFW_NTF_RTNL_MAX	256
void mcfw_ntf_flush(struct mcfw_net *mn, const char *owner, u32 removed);

#endif /* _MCFW_H */
