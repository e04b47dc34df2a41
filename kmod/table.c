// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw - in-kernel IP multicast forwarder: the route table.
 *
 * A route is named by (source or any, group, input interface name). The
 * packet path finds routes through their entry, the (S or *, G) they
 * share, hashed by source and group: one lookup gives every route of the
 * pair, the one of the packet's input and, when there is none, the RPF
 * failure. Writers and dumps find routes in a tree sorted by group,
 * source and input name, so a dump resumes after the last route it sent
 * in logarithmic time whatever changed meanwhile.
 *
 * A route's outputs are an immutable array, one pointer per generation
 * (see "DOC: Locking"). An output's stats are shared by the arrays that
 * have it, so a replace keeps the counts of the outputs it keeps: the
 * copies an output sent are the packets its arrays handed it (each
 * array counts them per CPU; a gone array's count is folded into its
 * outputs' stats) less the copies it dropped.
 *
 * Everything that changes the table is called with mcfw_net.lock held.
 */

#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/netlink.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/dst.h>

#include "mcfw.h"

/*
 * An IPv4 key hashes its two words only: the packet path of the family
 * with the most traffic hashes 8 bytes, not 36. Keys compare whole.
 */
static u32 mcfw_key_hash(const void *data, u32 len, u32 seed)
{
	const struct mcfw_key *k = data;

	if (k->family == AF_INET)
		return jhash_2words((__force u32)k->src.ip,
				    (__force u32)k->grp.ip, seed);
	return jhash2((const u32 *)k, sizeof(*k) / sizeof(u32), seed);
}

static const struct rhashtable_params mcfw_entry_params = {
	.head_offset		= offsetof(struct mcfw_entry, node),
	.key_offset		= offsetof(struct mcfw_entry, key),
	.key_len		= sizeof(struct mcfw_key),
	.hashfn			= mcfw_key_hash,
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

	stats = __alloc_percpu_gfp(struct_size_t(struct mcfw_pcpu, c, n),
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

/**
 * mcfw_entry_lookup - the entry of (S or *, G)
 * @mn: the namespace's state
 * @key: the family, the source (any: zero) and the group
 *
 * Context: RCU read lock or @mn->lock held.
 * Return: the entry, or NULL.
 */
struct mcfw_entry *mcfw_entry_lookup(struct mcfw_net *mn,
				     const struct mcfw_key *key)
{
	return rhashtable_lookup(&mn->entries, key, mcfw_entry_params);
}

static struct mcfw_entry *mcfw_entry_get(struct mcfw_net *mn,
					 const struct mcfw_key *key)
{
	struct mcfw_entry *e;
	int err;

	rcu_read_lock();
	e = mcfw_entry_lookup(mn, key);
	rcu_read_unlock();
	if (e)
		return e;

	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e)
		return ERR_PTR(-ENOMEM);
	e->key = *key;
	INIT_HLIST_HEAD(&e->routes);
	err = rhashtable_insert_fast(&mn->entries, &e->node, mcfw_entry_params);
	if (err) {
		kfree(e);
		return ERR_PTR(err);
	}
	return e;
}

static void mcfw_entry_put(struct mcfw_net *mn, struct mcfw_entry *e)
{
	if (!hlist_empty(&e->routes))
		return;
	rhashtable_remove_fast(&mn->entries, &e->node, mcfw_entry_params);
	kfree_rcu(e, rcu);
}

/*
 * Tree order: IPv4 before IPv6, then group, then source (any source
 * first), then input name. Addresses are in network order, so their
 * bytes compare as the numbers do.
 */
static int mcfw_route_cmp(const struct mcfw_key *key, const char *iif,
			  const struct mcfw_route *rt)
{
	const struct mcfw_key *k = &rt->entry->key;
	int d;

	if (key->family != k->family)
		return key->family == AF_INET ? -1 : 1;
	d = memcmp(&key->grp, &k->grp, sizeof(key->grp));
	if (!d)
		d = memcmp(&key->src, &k->src, sizeof(key->src));
	return d ?: strcmp(iif, rt->iif->name);
}

/**
 * mcfw_route_find - the route of (S or *, G, input name)
 * @mn: the namespace's state
 * @key: the family, source (any: zero) and group
 * @iif: the input interface name
 *
 * Context: @mn->lock held.
 * Return: the route, or NULL.
 */
struct mcfw_route *mcfw_route_find(struct mcfw_net *mn,
				   const struct mcfw_key *key, const char *iif)
{
	struct mcfw_route *rt;
	struct mcfw_entry *e;

	lockdep_assert_held(&mn->lock);
	rcu_read_lock();
	e = mcfw_entry_lookup(mn, key);
	rcu_read_unlock();
	if (!e)
		return NULL;
	hlist_for_each_entry(rt, &e->routes, enode)
		if (!strcmp(rt->iif->name, iif))
			return rt;
	return NULL;
}

/**
 * mcfw_route_first - the first route after a place in the tree
 * @mn: the namespace's state
 * @key: family, group and source of the place
 * @iif: input name of the place, or NULL for the first route of all
 *
 * Context: @mn->lock held.
 * Return: the first route sorting after (@key, @iif), or NULL.
 */
struct mcfw_route *mcfw_route_first(struct mcfw_net *mn,
				    const struct mcfw_key *key,
				    const char *iif)
{
	struct rb_node *n = mn->routes.rb_node;
	struct mcfw_route *rt, *best = NULL;

	lockdep_assert_held(&mn->lock);
	if (!iif)
		return rb_entry_safe(rb_first(&mn->routes), struct mcfw_route,
				     tnode);
	while (n) {
		rt = rb_entry(n, struct mcfw_route, tnode);
		if (mcfw_route_cmp(key, iif, rt) < 0) {
			best = rt;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}

/**
 * mcfw_route_next - the route after @rt in the tree
 * @rt: a route
 *
 * Context: the lock of @rt's namespace held.
 * Return: the next route, or NULL.
 */
struct mcfw_route *mcfw_route_next(struct mcfw_route *rt)
{
	return rb_entry_safe(rb_next(&rt->tnode), struct mcfw_route, tnode);
}

static void mcfw_route_tree_add(struct mcfw_net *mn, struct mcfw_route *rt)
{
	struct rb_node **p = &mn->routes.rb_node, *parent = NULL;
	struct mcfw_route *pos;

	while (*p) {
		parent = *p;
		pos = rb_entry(parent, struct mcfw_route, tnode);
		if (mcfw_route_cmp(&rt->entry->key, rt->iif->name, pos) < 0)
			p = &parent->rb_left;
		else
			p = &parent->rb_right;
	}
	rb_link_node(&rt->tnode, parent, p);
	rb_insert_color(&rt->tnode, &mn->routes);
}

/* Size of a route's counters and of an array's, in a &struct mcfw_ctrs. */
#define MCFW_ROUTE_SLOT	struct_size_t(struct mcfw_pcpu, c, MCFW_C_ROUTE_NR)
#define MCFW_FWD_SLOT	struct_size_t(struct mcfw_pcpu, c, MCFW_C_FWD_NR)

/* The output array's counters in @ctrs, after the route's if it has them. */
static struct mcfw_pcpu __percpu *mcfw_ctrs_fwd(const struct mcfw_ctrs *ctrs)
{
	size_t off = ctrs->route ? MCFW_ROUTE_SLOT : 0;

	return (struct mcfw_pcpu __percpu *)((char __percpu *)ctrs->pcpu + off);
}

/**
 * mcfw_ctrs_block_put - drop a reference to a block of counters
 * @blk: the block, or NULL
 *
 * Context: any (it may be the last, from an RCU callback).
 */
void mcfw_ctrs_block_put(struct mcfw_ctrs_block *blk)
{
	if (blk && refcount_dec_and_test(&blk->ref)) {
		free_percpu(blk->pcpu);
		kfree(blk);
	}
}

/*
 * @size bytes of zeroed per-CPU memory from the block in @cur, or from a
 * new one that replaces it there (the caller's reference to the old one
 * is dropped). Returns the memory and, in @blkp, the block, with a
 * reference for it; NULL if @size does not fit in a block or without
 * memory.
 */
static void __percpu *mcfw_ctrs_block_carve(struct mcfw_ctrs_block **cur,
					    size_t size,
					    struct mcfw_ctrs_block **blkp)
{
	struct mcfw_ctrs_block *blk = *cur;
	void __percpu *p;

	size = ALIGN(size, __alignof__(struct mcfw_pcpu));
	if (size > MCFW_CTRS_BLOCK)
		return NULL;
	if (!blk || blk->used + size > MCFW_CTRS_BLOCK) {
		blk = kmalloc(sizeof(*blk), GFP_KERNEL_ACCOUNT);
		if (!blk)
			return NULL;
		blk->pcpu = __alloc_percpu_gfp(MCFW_CTRS_BLOCK,
					       __alignof__(struct mcfw_pcpu),
					       GFP_KERNEL_ACCOUNT);
		if (!blk->pcpu) {
			kfree(blk);
			return NULL;
		}
		refcount_set(&blk->ref, 1);
		blk->used = 0;
		mcfw_ctrs_block_put(*cur);
		*cur = blk;
	}
	p = (void __percpu *)((char __percpu *)blk->pcpu + blk->used);
	blk->used += size;
	refcount_inc(&blk->ref);
	*blkp = blk;
	return p;
}

/*
 * Zeroed counters for an output array, and for a route first if @route,
 * in one per-CPU area, with the stats of @n outputs. The area is carved
 * from the block in @blk if @blk is not NULL (see &struct
 * mcfw_ctrs_block), else allocated. Its reference count is its number of
 * users (the route, the array, each output), set by the caller.
 */
static struct mcfw_ctrs *mcfw_ctrs_alloc(bool route, unsigned int n,
					 struct mcfw_ctrs_block **blk)
{
	size_t size = (route ? MCFW_ROUTE_SLOT : 0) + MCFW_FWD_SLOT;
	struct mcfw_ctrs *ctrs;
	int cpu;

	ctrs = kzalloc(struct_size(ctrs, oif, n), GFP_KERNEL_ACCOUNT);
	if (!ctrs)
		return NULL;
	ctrs->route = route;
	ctrs->n = n;
	if (blk)
		ctrs->pcpu = mcfw_ctrs_block_carve(blk, size, &ctrs->blk);
	if (!ctrs->pcpu)
		ctrs->pcpu = __alloc_percpu_gfp(size,
						__alignof__(struct mcfw_pcpu),
						GFP_KERNEL_ACCOUNT);
	if (!ctrs->pcpu) {
		kfree(ctrs);
		return NULL;
	}
	for_each_possible_cpu(cpu) {
		if (route)
			u64_stats_init(&per_cpu_ptr((struct mcfw_pcpu __percpu *)
						    ctrs->pcpu, cpu)->syncp);
		u64_stats_init(&per_cpu_ptr(mcfw_ctrs_fwd(ctrs), cpu)->syncp);
	}
	return ctrs;
}

static void mcfw_ctrs_put(struct mcfw_ctrs *ctrs)
{
	if (ctrs && refcount_dec_and_test(&ctrs->ref)) {
		if (ctrs->blk)
			mcfw_ctrs_block_put(ctrs->blk);
		else
			free_percpu(ctrs->pcpu);
		kfree(ctrs);
	}
}

/**
 * mcfw_oif_read - an output's counts, as they are now
 * @oifs: the route's current output array
 * @oif: the output, in @oifs
 * @v: where to store its copies sent, their bytes and its drops (three
 *	values, before its base is subtracted)
 *
 * The drops are read first, so that what the output was handed includes
 * every copy they count, but a copy of a packet still in flight through
 * an array that a replace unpublished (its count not yet folded): what
 * would be negative is 0 until then.
 *
 * Context: the route's namespace's lock held.
 */
void mcfw_oif_read(const struct mcfw_oifs *oifs, const struct mcfw_oif *oif,
		   u64 *v)
{
	struct mcfw_oif_stats *st = oif->stats;
	u64 drops = atomic64_read(&st->drops);
	u64 dbytes = atomic64_read(&st->drop_bytes);
	u64 fwd[MCFW_C_FWD_NR] = {};

	/* Pairs with smp_mb__before_atomic() where a copy is dropped. */
	smp_rmb();
	mcfw_stats_read(oifs->fwd, MCFW_C_FWD_NR, fwd);
	fwd[0] += atomic64_read(&st->carried[0]);
	fwd[1] += atomic64_read(&st->carried[1]);
	v[0] = fwd[0] > drops ? fwd[0] - drops : 0;
	v[1] = fwd[1] > dbytes ? fwd[1] - dbytes : 0;
	v[2] = drops;
}

/*
 * Adds what @oifs handed its outputs since its last fold to their
 * carried counts. Called for an array a replace unpublished, whose
 * outputs other arrays may keep: at once, so that readers see them
 * counted as they were, and (mcfw_oifs.refold) once more when it is
 * freed, for the packets readers still had in flight. Arrays of routes
 * that go are never folded: nothing reads their outputs again.
 */
static void mcfw_oifs_fold(struct mcfw_oifs *oifs)
{
	u64 fwd[MCFW_C_FWD_NR] = {};
	unsigned int i, c;

	mcfw_stats_read(oifs->fwd, MCFW_C_FWD_NR, fwd);
	for (c = 0; c < MCFW_C_FWD_NR; c++) {
		for (i = 0; i < oifs->n; i++)
			atomic64_add(fwd[c] - oifs->folded[c],
				     &oifs->oif[i].stats->carried[c]);
		oifs->folded[c] = fwd[c];
	}
}

static void mcfw_oifs_free(struct mcfw_oifs *oifs)
{
	unsigned int i;

	if (oifs->refold)
		mcfw_oifs_fold(oifs);
	for (i = 0; i < oifs->n; i++) {
		mcfw_ctrs_put(oifs->oif[i].ctrs);
		/* Readers are done: the cached route is the array's alone. */
		dst_release(rcu_dereference_protected(oifs->oif[i].dst, true));
		mcfw_ucast6_free(rcu_dereference_protected(oifs->oif[i].u6,
							   true));
	}
	mcfw_ctrs_put(oifs->ctrs);
	kfree(oifs);
}

static void mcfw_oifs_free_rcu(struct rcu_head *head)
{
	mcfw_oifs_free(container_of(head, struct mcfw_oifs, rcu));
}

/**
 * mcfw_oifs_retire - release an output array a replace unpublished
 * @mn: the namespace's state
 * @oifs: the array, no longer published
 *
 * The outputs the replacement keeps go on counting from what this array
 * handed them, now and once more when readers are done with it.
 *
 * Context: @mn->lock held.
 */
void mcfw_oifs_retire(struct mcfw_net *mn, struct mcfw_oifs *oifs)
{
	mcfw_oifs_fold(oifs);
	oifs->refold = true;
	mcfw_oifs_release(mn, oifs, false);
}

/**
 * mcfw_oifs_release - drop an output array's interface uses and free it
 * @mn: the namespace's state
 * @oifs: the array, no longer published
 * @now: no reader can see it any more (after a grace period)
 *
 * Context: @mn->lock held.
 */
void mcfw_oifs_release(struct mcfw_net *mn, struct mcfw_oifs *oifs, bool now)
{
	unsigned int i;

	lockdep_assert_held(&mn->lock);
	for (i = 0; i < oifs->n; i++)
		if (oifs->oif[i].iface)
			mcfw_iface_put(mn, oifs->oif[i].iface);
	if (now)
		mcfw_oifs_free(oifs);
	else
		call_rcu(&oifs->rcu, mcfw_oifs_free_rcu);
}

/*
 * Counters for @oifs, for its outputs that have none, and for @rt; the
 * per-CPU ones carved from the block in @blk if it is not NULL.
 */
static int mcfw_oifs_count_in(struct mcfw_oifs *oifs, struct mcfw_route *rt,
			      struct mcfw_ctrs_block **blk)
{
	struct mcfw_ctrs *ctrs;
	unsigned int i, n = 0;

	for (i = 0; i < oifs->n; i++)
		n += !oifs->oif[i].ctrs;
	if (rt && rt->ctrs) {
		/* Allocated with the route for all its outputs, which are new. */
		ctrs = rt->ctrs;
		refcount_add(n + 1, &ctrs->ref);
	} else {
		ctrs = mcfw_ctrs_alloc(!!rt, n, blk);
		if (!ctrs)
			return -ENOMEM;
		refcount_set(&ctrs->ref, n + 1 + !!rt);
		if (rt) {
			rt->ctrs = ctrs;
			rt->stats = ctrs->pcpu;
		}
	}
	oifs->ctrs = ctrs;
	oifs->fwd = mcfw_ctrs_fwd(ctrs);
	for (i = 0, n = 0; i < oifs->n; i++) {
		if (oifs->oif[i].ctrs)
			continue;
		oifs->oif[i].ctrs = ctrs;
		oifs->oif[i].stats = &ctrs->oif[n++];
	}
	return 0;
}

/*
 * The rate limit @cfg gives; a replace that keeps the rate keeps the
 * bucket as it was.
 */
static void mcfw_rate_init(struct mcfw_rate *r,
			   const struct mcfw_route_cfg *cfg,
			   const struct mcfw_oifs *old)
{
	struct tc_ratespec spec = { .linklayer = TC_LINKLAYER_ETHERNET };

	memset(r, 0, sizeof(*r));
	r->pkts = cfg->rate_pkts;
	r->bits = cfg->rate_bits;
	r->burst = MCFW_RATE_BURST_NS;
	if (r->pkts)
		psched_ppscfg_precompute(&r->pr, r->pkts);
	if (r->bits)
		psched_ratecfg_precompute(&r->br, &spec, div_u64(r->bits, 8));
	if (old && old->rate.pkts == r->pkts && old->rate.bits == r->bits)
		atomic64_set(&r->tat, atomic64_read(&old->rate.tat));
}

/**
 * mcfw_oifs_build - build the output array a route configuration asks for
 * @mn: the namespace's state
 * @cfg: the configuration
 * @old: the route's current outputs, whose counters outputs it keeps
 *	share, or NULL
 * @rt: a route being created, whose own counters are allocated with its
 *	outputs' (or were, with the array, by mcfw_route_alloc()), or NULL
 * @blk: the block of a batch to carve the array's per-CPU counters from
 *	(see &struct mcfw_ctrs_block), or NULL
 *
 * Context: process context, @mn->lock held.
 * Return: the array (not published), or an ERR_PTR; @old is unchanged.
 */
struct mcfw_oifs *mcfw_oifs_build(struct mcfw_net *mn,
				  const struct mcfw_route_cfg *cfg,
				  const struct mcfw_oifs *old,
				  struct mcfw_route *rt,
				  struct mcfw_ctrs_block **blk)
{
	struct mcfw_oifs *oifs;
	struct mcfw_oif *oif;
	unsigned int i, j;
	int err;

	lockdep_assert_held(&mn->lock);
	if (rt && rt->ctrs) {
		/* The room mcfw_route_alloc() made, for cfg->n_oifs outputs. */
		oifs = rcu_dereference_protected(rt->oifs[0], true);
		RCU_INIT_POINTER(rt->oifs[0], NULL);
	} else {
		oifs = kzalloc(struct_size(oifs, oif, cfg->n_oifs),
			       GFP_KERNEL_ACCOUNT);
		if (!oifs)
			return ERR_PTR(-ENOMEM);
	}

	for (i = 0; i < cfg->n_oifs; i++) {
		oif = &oifs->oif[i];
		oif->ttl = cfg->oifs[i].ttl;
		oif->grp = cfg->oifs[i].grp;
		oif->port = cfg->oifs[i].port;
		oif->unicast = cfg->oifs[i].unicast;
		oif->ucast = cfg->oifs[i].ucast;
		oif->xlat = !mcfw_addr_any(&oif->grp) || oif->port ||
			    oif->unicast;
		RCU_INIT_POINTER(oif->dst, NULL);
		RCU_INIT_POINTER(oif->u6, NULL);
		/* A unicast output is routed: it has no interface of ours. */
		oif->iface = oif->unicast ? NULL :
			     mcfw_iface_get(mn, cfg->oifs[i].name);
		if (IS_ERR(oif->iface)) {
			err = PTR_ERR(oif->iface);
			goto unwind;
		}
		/*
		 * The same copy (interface, group, port) keeps its counts; a
		 * new threshold does not make it another.
		 */
		for (j = 0; old && j < old->n; j++) {
			if (old->oif[j].iface == oif->iface &&
			    old->oif[j].unicast == oif->unicast &&
			    nf_inet_addr_cmp(&old->oif[j].ucast, &oif->ucast) &&
			    nf_inet_addr_cmp(&old->oif[j].grp, &oif->grp) &&
			    old->oif[j].port == oif->port) {
				oif->ctrs = old->oif[j].ctrs;
				oif->stats = old->oif[j].stats;
				refcount_inc(&oif->ctrs->ref);
				break;
			}
		}
		oifs->n++;
	}
	oifs->snat = cfg->flags & MCFW_RF_SNAT;
	oifs->family = cfg->key.family;
	mcfw_rate_init(&oifs->rate, cfg, old);
	err = mcfw_oifs_count_in(oifs, rt, blk);
	if (err)
		goto unwind;
	return oifs;

unwind:
	mcfw_oifs_release(mn, oifs, true);
	return ERR_PTR(err);
}

/* How many of @oifs are on @iface. */
static unsigned int mcfw_oifs_on(const struct mcfw_oifs *oifs,
				 const struct mcfw_iface *iface)
{
	unsigned int i, n = 0;

	for (i = 0; i < oifs->n; i++)
		n += oifs->oif[i].iface == iface;
	return n;
}

static unsigned int mcfw_oifs_waiting(const struct mcfw_oifs *oifs,
				      const struct mcfw_iface *only)
{
	unsigned int i, n = 0;

	for (i = 0; i < oifs->n; i++)
		if ((!only || oifs->oif[i].iface == only) &&
		    oifs->oif[i].iface &&
		    !mcfw_iface_present(oifs->oif[i].iface))
			n++;
	return n;
}

/**
 * mcfw_route_oif_waiting - how many of a route's outputs are absent
 * @mn: the namespace's state
 * @rt: the route
 *
 * Context: @mn->lock held.
 * Return: that number.
 */
unsigned int mcfw_route_oif_waiting(struct mcfw_net *mn,
				    const struct mcfw_route *rt)
{
	return mcfw_oifs_waiting(mcfw_dereference(rt->oifs[mn->gencursor], mn),
				 NULL);
}

/* Adds (@sign 1) or takes away (-1) what @rt counts as waiting. */
static void mcfw_route_account(struct mcfw_net *mn, struct mcfw_route *rt,
			       const struct mcfw_oifs *oifs, int sign)
{
	if (!mcfw_iface_present(rt->iif))
		WRITE_ONCE(mn->nr_waiting, mn->nr_waiting + sign);
	WRITE_ONCE(mn->nr_oif_waiting,
		   mn->nr_oif_waiting + sign * (int)mcfw_oifs_waiting(oifs, NULL));
}

static void mcfw_route_free_rcu(struct rcu_head *head)
{
	struct mcfw_route *rt = container_of(head, struct mcfw_route, rcu);

	mcfw_ctrs_put(rt->ctrs);
	kfree(rt);
}

/**
 * mcfw_route_alloc - the memory of a route, ahead of its creation
 * @n_oifs: the number of outputs it will have
 * @blk: the batch's block to carve its counters from (see &struct
 *	mcfw_ctrs_block)
 *
 * A batch allocates the routes it adds while it is staged, so that its
 * commit, during which every other command of the namespace waits, only
 * fills and links them. The route is empty and unlinked, with its
 * counters and its outputs' (@ctrs, @stats) and, in @oifs[0] (never
 * published as it is), room for @n_oifs outputs. Give it to
 * mcfw_route_create() or to mcfw_route_free().
 *
 * Context: process context.
 * Return: the route, or NULL.
 */
struct mcfw_route *mcfw_route_alloc(unsigned int n_oifs,
				    struct mcfw_ctrs_block **blk)
{
	struct mcfw_oifs *oifs;
	struct mcfw_route *rt;

	rt = kzalloc(sizeof(*rt), GFP_KERNEL_ACCOUNT);
	if (!rt)
		return NULL;
	oifs = kzalloc(struct_size(oifs, oif, n_oifs), GFP_KERNEL_ACCOUNT);
	if (!oifs)
		goto free_rt;
	rt->ctrs = mcfw_ctrs_alloc(true, n_oifs, blk);
	if (!rt->ctrs)
		goto free_oifs;
	/* The route's reference; mcfw_oifs_count_in() adds the outputs'. */
	refcount_set(&rt->ctrs->ref, 1);
	rt->stats = rt->ctrs->pcpu;
	RCU_INIT_POINTER(rt->oifs[0], oifs);
	return rt;

free_oifs:
	kfree(oifs);
free_rt:
	kfree(rt);
	return NULL;
}

/**
 * mcfw_route_free - free a route that was never linked
 * @rt: from mcfw_route_alloc(), or one mcfw_route_create() gave up
 *	(with no outputs in either generation but the room), or NULL
 *
 * Context: process context.
 */
void mcfw_route_free(struct mcfw_route *rt)
{
	if (!rt)
		return;
	kfree(rcu_dereference_protected(rt->oifs[0], true));
	mcfw_ctrs_put(rt->ctrs);
	kfree(rt);
}

/**
 * mcfw_route_create - add a route
 * @mn: the namespace's state
 * @cfg: the route; no route of its name exists
 * @genmask: 0 for a route active at once; BIT(gencursor) for one a
 *	commit makes active with the next generation
 * @mem: its memory, from mcfw_route_alloc(), or NULL to allocate it
 *	now; taken (used or freed) whatever happens
 * @extack: where to say why it failed
 *
 * The route is complete, outputs included, before it is linked: a packet
 * on another CPU may find it at once.
 *
 * Context: process context, @mn->lock held.
 * Return: the route, or an ERR_PTR; on error nothing changed.
 */
struct mcfw_route *mcfw_route_create(struct mcfw_net *mn,
				     const struct mcfw_route_cfg *cfg,
				     u8 genmask, struct mcfw_route *mem,
				     struct netlink_ext_ack *extack)
{
	struct mcfw_oifs *oifs;
	struct mcfw_route *rt;
	int err = -ENOMEM;

	lockdep_assert_held(&mn->lock);
	if (mem && mem->ctrs->n != cfg->n_oifs) {
		mcfw_route_free(mem);
		mem = NULL;
	}
	rt = mem ?: kzalloc(sizeof(*rt), GFP_KERNEL_ACCOUNT);
	if (!rt)
		goto fail;
	memcpy(rt->owner, cfg->owner, sizeof(rt->owner));
	rt->flags = cfg->flags;
	rt->genmask = genmask;

	rt->iif = mcfw_iface_get(mn, cfg->iif);
	if (IS_ERR(rt->iif)) {
		err = PTR_ERR(rt->iif);
		goto free_rt;
	}
	rt->entry = mcfw_entry_get(mn, &cfg->key);
	if (IS_ERR(rt->entry)) {
		err = PTR_ERR(rt->entry);
		goto put_iif;
	}
	/* Its counters come with its outputs' (rt->stats, rt->ctrs). */
	oifs = mcfw_oifs_build(mn, cfg, NULL, rt, NULL);
	if (IS_ERR(oifs)) {
		err = PTR_ERR(oifs);
		goto put_entry;
	}
	RCU_INIT_POINTER(rt->oifs[0], oifs);
	RCU_INIT_POINTER(rt->oifs[1], oifs);
	err = mcfw_join_new(mn, rt);
	if (err)
		goto release_oifs;

	mcfw_route_tree_add(mn, rt);
	hlist_add_head_rcu(&rt->enode, &rt->entry->routes);
	mcfw_iface_in_get(mn, rt->iif);
	mcfw_route_account(mn, rt, oifs, 1);
	WRITE_ONCE(mn->nr_routes, mn->nr_routes + 1);
	return rt;

release_oifs:
	RCU_INIT_POINTER(rt->oifs[0], NULL);
	RCU_INIT_POINTER(rt->oifs[1], NULL);
	mcfw_oifs_release(mn, oifs, true);
put_entry:
	mcfw_entry_put(mn, rt->entry);
put_iif:
	mcfw_iface_put(mn, rt->iif);
free_rt:
	mcfw_route_free(rt);
fail:
	if (err == -ENOMEM)
		NL_SET_ERR_MSG(extack, "Out of memory for the route");
	return ERR_PTR(err);
}

/* Owner and flags, which the packet path does not read. */
static void mcfw_route_set_attrs(struct mcfw_net *mn, struct mcfw_route *rt,
				 const struct mcfw_route_cfg *cfg)
{
	memcpy(rt->owner, cfg->owner, sizeof(rt->owner));
	rt->flags = cfg->flags;
	if (rt->join && (rt->flags & MCFW_RF_NOJOIN))
		mcfw_join_release(mn, rt);
	else if (!rt->join)
		/* Forwarding does not need it: without memory, go without. */
		mcfw_join_new(mn, rt);
}

/**
 * mcfw_route_replace - replace a route's outputs, owner and flags now
 * @mn: the namespace's state
 * @rt: the route
 * @cfg: what it becomes
 * @oifs: its new outputs, from mcfw_oifs_build() with its current ones
 *
 * Packets see the old outputs or the new ones, never a mix.
 *
 * Context: process context, @mn->lock held, no commit under way.
 */
void mcfw_route_replace(struct mcfw_net *mn, struct mcfw_route *rt,
			const struct mcfw_route_cfg *cfg,
			struct mcfw_oifs *oifs)
{
	struct mcfw_oifs *old = mcfw_dereference(rt->oifs[mn->gencursor], mn);

	lockdep_assert_held(&mn->lock);
	mcfw_route_account(mn, rt, old, -1);
	rcu_assign_pointer(rt->oifs[0], oifs);
	rcu_assign_pointer(rt->oifs[1], oifs);
	mcfw_route_account(mn, rt, oifs, 1);
	/* Readers see the outputs it keeps counted as they were. */
	mcfw_oifs_retire(mn, old);
	mcfw_route_set_attrs(mn, rt, cfg);
}

/**
 * mcfw_route_stage - publish a route's outputs for the next generation
 * @mn: the namespace's state
 * @rt: the route
 * @oifs: its outputs from the next generation on
 *
 * Context: a commit, @mn->lock held.
 */
void mcfw_route_stage(struct mcfw_net *mn, struct mcfw_route *rt,
		      struct mcfw_oifs *oifs)
{
	rcu_assign_pointer(rt->oifs[!mn->gencursor], oifs);
}

/**
 * mcfw_route_settle - make a route whole again after a generation flip
 * @mn: the namespace's state
 * @rt: the route
 * @cfg: the owner and flags it takes, or NULL
 *
 * No reader uses the previous generation any more: its output array, if
 * the route had another one there, is freed now, and the route is active
 * in both generations.
 *
 * Context: a commit after its grace period, @mn->lock held.
 */
void mcfw_route_settle(struct mcfw_net *mn, struct mcfw_route *rt,
		       const struct mcfw_route_cfg *cfg)
{
	u8 cur = mn->gencursor;
	struct mcfw_oifs *now = mcfw_dereference(rt->oifs[cur], mn);
	struct mcfw_oifs *old = mcfw_dereference(rt->oifs[!cur], mn);

	lockdep_assert_held(&mn->lock);
	WRITE_ONCE(rt->genmask, 0);
	if (old != now) {
		mcfw_route_account(mn, rt, old, -1);
		RCU_INIT_POINTER(rt->oifs[!cur], now);
		mcfw_route_account(mn, rt, now, 1);
		/* After the commit's grace period: its count is final. */
		mcfw_oifs_fold(old);
		mcfw_oifs_release(mn, old, true);
	}
	if (cfg)
		mcfw_route_set_attrs(mn, rt, cfg);
}

/**
 * mcfw_route_unlink - remove a route; it is freed once readers are done
 * @mn: the namespace's state
 * @rt: the route, with the same outputs in both generations
 *
 * Context: process context, @mn->lock held.
 */
void mcfw_route_unlink(struct mcfw_net *mn, struct mcfw_route *rt)
{
	struct mcfw_oifs *oifs = mcfw_dereference(rt->oifs[mn->gencursor], mn);

	lockdep_assert_held(&mn->lock);
	hlist_del_rcu(&rt->enode);
	rb_erase(&rt->tnode, &mn->routes);
	mcfw_entry_put(mn, rt->entry);
	mcfw_join_release(mn, rt);
	mcfw_route_account(mn, rt, oifs, -1);
	mcfw_oifs_release(mn, oifs, false);
	mcfw_iface_in_put(mn, rt->iif);
	mcfw_iface_put(mn, rt->iif);
	WRITE_ONCE(mn->nr_routes, mn->nr_routes - 1);
	call_rcu(&rt->rcu, mcfw_route_free_rcu);
}

/**
 * mcfw_route_same - would @cfg leave @rt as it is
 * @mn: the namespace's state
 * @rt: the route
 * @cfg: a configuration of the same name
 *
 * Context: @mn->lock held.
 * Return: true if owner, flags, rate limit and outputs (in order) are the
 * same.
 */
bool mcfw_route_same(struct mcfw_net *mn, const struct mcfw_route *rt,
		     const struct mcfw_route_cfg *cfg)
{
	const struct mcfw_oifs *oifs;
	unsigned int i;

	oifs = mcfw_dereference(rt->oifs[mn->gencursor], mn);
	if (strcmp(rt->owner, cfg->owner) ||
	    rt->flags != cfg->flags ||
	    oifs->rate.pkts != cfg->rate_pkts ||
	    oifs->rate.bits != cfg->rate_bits ||
	    oifs->n != cfg->n_oifs)
		return false;
	for (i = 0; i < oifs->n; i++)
		if (oifs->oif[i].ttl != cfg->oifs[i].ttl ||
		    !nf_inet_addr_cmp(&oifs->oif[i].grp, &cfg->oifs[i].grp) ||
		    oifs->oif[i].port != cfg->oifs[i].port ||
		    oifs->oif[i].unicast != cfg->oifs[i].unicast ||
		    !nf_inet_addr_cmp(&oifs->oif[i].ucast, &cfg->oifs[i].ucast) ||
		    (oifs->oif[i].iface &&
		     strcmp(oifs->oif[i].iface->name, cfg->oifs[i].name)))
			return false;
	return true;
}

/**
 * mcfw_route_matches - is a route one that a selector selects
 * @rt: the route
 * @m: the selector
 *
 * Context: the lock of the route's namespace held.
 * Return: true if it is.
 */
bool mcfw_route_matches(const struct mcfw_route *rt,
			const struct mcfw_match *m)
{
	const struct mcfw_key *k = &rt->entry->key;

	return (!(m->has_grp || m->has_src) || k->family == m->key.family) &&
	       (!m->has_grp || nf_inet_addr_cmp(&k->grp, &m->key.grp)) &&
	       (!m->has_src || nf_inet_addr_cmp(&k->src, &m->key.src)) &&
	       (!m->has_iif || !strcmp(rt->iif->name, m->iif)) &&
	       (!m->has_owner || !strcmp(rt->owner, m->owner));
}

/**
 * mcfw_route_zero - zero a route's counters and its outputs'
 * @mn: the namespace's state
 * @rt: the route
 *
 * Context: @mn->lock held.
 */
void mcfw_route_zero(struct mcfw_net *mn, struct mcfw_route *rt)
{
	const struct mcfw_oifs *oifs;
	unsigned int i;

	lockdep_assert_held(&mn->lock);
	memset(rt->base, 0, sizeof(rt->base));
	mcfw_stats_read(rt->stats, MCFW_C_ROUTE_NR, rt->base);
	oifs = mcfw_dereference(rt->oifs[mn->gencursor], mn);
	for (i = 0; i < oifs->n; i++)
		mcfw_oif_read(oifs, &oifs->oif[i], oifs->oif[i].stats->base);
}

/**
 * mcfw_table_room - may the table take routes
 * @mn: the namespace's state
 * @add: routes a change adds
 * @remove: routes it removes
 * @extack: where to say why not
 *
 * A namespace holds at most route_max routes (a module parameter that
 * may change at any time): the memory of routes is charged to whoever
 * adds them, and the cap bounds what one namespace can take.
 *
 * Context: @mn->lock held.
 * Return: 0, or -ENOSPC if the table would hold more than route_max.
 */
int mcfw_table_room(struct mcfw_net *mn, unsigned int add,
		    unsigned int remove, struct netlink_ext_ack *extack)
{
	u64 after = (u64)mn->nr_routes + add;

	lockdep_assert_held(&mn->lock);
	if (after <= remove || after - remove <= READ_ONCE(mcfw_route_max))
		return 0;
	NL_SET_ERR_MSG(extack,
		       "This namespace would hold more routes than the module parameter route_max allows");
	return -ENOSPC;
}

/**
 * mcfw_table_changed - note a change, for dumps and for batches
 * @mn: the namespace's state
 * @cfg: the configuration changed (not only a device's presence)
 *
 * Context: @mn->lock held.
 */
void mcfw_table_changed(struct mcfw_net *mn, bool cfg)
{
	lockdep_assert_held(&mn->lock);
	WRITE_ONCE(mn->gen, mn->gen + 1);
	if (cfg)
		mn->cfg_gen++;
}

/**
 * mcfw_iface_presence_changed - an interface appeared or went away
 * @mn: the namespace's state
 * @iface: its iface, already attached or detached
 * @present: which of the two
 *
 * Routes naming it start or stop waiting for it, in place; each is
 * announced, up to %MCFW_NTF_RTNL_MAX of them: beyond, listeners are told
 * to resynchronise (with a dump, which does not hold RTNL), so that one
 * device event cannot hold RTNL for as long as a large table takes.
 *
 * Context: the netdevice notifier: RTNL and @mn->lock held.
 */
void mcfw_iface_presence_changed(struct mcfw_net *mn,
				 struct mcfw_iface *iface, bool present)
{
	const struct mcfw_oifs *oifs;
	unsigned int n, told = 0;
	int sign = present ? -1 : 1;
	struct mcfw_route *rt;
	bool lost = false;

	lockdep_assert_held(&mn->lock);
	for (rt = mcfw_route_first(mn, NULL, NULL); rt;
	     rt = mcfw_route_next(rt)) {
		oifs = mcfw_dereference(rt->oifs[mn->gencursor], mn);
		/* Outputs on @iface: one per copy, as mcfw_route_account(). */
		n = mcfw_oifs_on(oifs, iface);
		if (rt->iif != iface && !n)
			continue;
		if (rt->iif == iface) {
			WRITE_ONCE(mn->nr_waiting, mn->nr_waiting + sign);
			mcfw_join_update(mn, rt);
		}
		if (n)
			WRITE_ONCE(mn->nr_oif_waiting,
				   mn->nr_oif_waiting + sign * (int)n);
		/* RTNL is held: a few announcements, else a resync. */
		if (++told > MCFW_NTF_RTNL_MAX && !lost) {
			mcfw_ntf_lost(mn);
			lost = true;
		}
		mcfw_ntf_route_rtnl(mn, rt,
				    present ? MCFW_EV_RESUME : MCFW_EV_WAIT,
				    &lost);
		cond_resched();
	}
	mcfw_table_changed(mn, false);
}

/**
 * mcfw_table_init - set up a namespace's empty table
 * @mn: the namespace's state
 *
 * Context: process context, from pernet init.
 * Return: 0 or a negative errno.
 */
int mcfw_table_init(struct mcfw_net *mn)
{
	mn->routes = RB_ROOT;
	return rhashtable_init(&mn->entries, &mcfw_entry_params);
}

/**
 * mcfw_table_exit - remove every route and free the table
 * @mn: the namespace's state
 *
 * Context: pernet exit, no hook runs any more, @mn->lock held.
 */
void mcfw_table_exit(struct mcfw_net *mn)
{
	struct mcfw_route *rt;

	while ((rt = mcfw_route_first(mn, NULL, NULL))) {
		mcfw_route_unlink(mn, rt);
		cond_resched();
	}
	rhashtable_destroy(&mn->entries);
}
