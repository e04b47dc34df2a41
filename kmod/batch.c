// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw - in-kernel IP multicast forwarder: batches, staged and committed.
 *
 * A batch is a set of changes a socket stages and then commits as one
 * transaction, as nftables commits a batch: "mcfwctl restore" makes a
 * file the whole configuration of one owner, "mcfwctl -b" applies a file
 * of commands, all or nothing.
 *
 * Staging changes nothing a packet or another command sees. Each staged
 * command is checked against the table as the batch has changed it so
 * far: the live table, overlaid with the staged routes (present or
 * deleted) and the owners the batch flushed. Staged routes are kept by
 * name in a hash of the batch's own.
 *
 * The memory of the routes a batch adds is allocated while they are
 * staged (the table cannot change under a batch), their counters carved
 * from shared blocks in a large batch (&struct mcfw_ctrs_block).
 *
 * The commit, under mcfw_net.lock from start to end, first builds
 * everything that can fail (new routes, inactive in the current
 * generation; new output arrays beside the current ones), undoing it all
 * on failure. Then it publishes the next generation: replaced routes'
 * new outputs in their next-generation slot, removed routes marked
 * inactive in it. One store flips mcfw_net.gencursor: a packet after it
 * sees the new table whole, one before it the old one. After a grace
 * period nobody uses the old generation and the commit tidies it away.
 * Unchanged routes are never touched, so they keep forwarding and keep
 * their counters.
 *
 * One batch per namespace. Commands from other sockets still apply at
 * once, and make the batch fail (-EAGAIN) rather than be overwritten by
 * it; the batch is dropped when its socket closes.
 */

#include <linux/jhash.h>
#include <linux/netlink.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "mcfw.h"

/**
 * struct mcfw_skey - the name of a staged route
 * @rkey: family, source (any: zero) and group
 * @iif: input interface name, NUL padded
 */
struct mcfw_skey {
	struct mcfw_key rkey;
	char iif[IFNAMSIZ];
};

enum mcfw_plan {
	MCFW_PLAN_NONE,
	MCFW_PLAN_ADD,
	MCFW_PLAN_REPLACE,
	MCFW_PLAN_DEL,
	MCFW_PLAN_SAME,
};

/**
 * struct mcfw_staged - a route as a batch leaves it
 * @node: in mcfw_batch.staged, hashed by @key
 * @list: in mcfw_batch.list, in the order first staged
 * @key: its name
 * @present: the batch adds or replaces it; false: deletes it
 * @live: the table has a route of that name (it cannot change under a
 *	batch that may still commit)
 * @cfg: what it is, when @present (owns cfg.oifs)
 * @plan: what the commit does with it
 * @rt: the live route, or the one the commit creates
 * @oifs: the outputs the commit gives a replaced route
 * @mem: the memory of the route the commit adds, allocated while staging
 *	(mcfw_route_alloc()), or NULL: the commit allocates it
 */
struct mcfw_staged {
	struct rhash_head node;
	struct list_head list;
	struct mcfw_skey key;
	bool present;
	bool live;
	struct mcfw_route_cfg cfg;
	enum mcfw_plan plan;
	struct mcfw_route *rt;
	struct mcfw_oifs *oifs;
	struct mcfw_route *mem;
};

/**
 * struct mcfw_filter - the routes a staged zero applies to
 * @list: in mcfw_batch.zeros
 * @m: the routes
 */
struct mcfw_filter {
	struct list_head list;
	struct mcfw_match m;
};

/**
 * struct mcfw_flushed - an owner whose routes a batch flushed
 * @list: in mcfw_batch.flushed
 * @owner: the owner
 */
struct mcfw_flushed {
	struct list_head list;
	char owner[MCFW_OWNER_MAX + 1];
};

/**
 * struct mcfw_batch - a batch staged by one socket
 * @sk: the socket (compared, never dereferenced)
 * @portid: its netlink port
 * @cfg_gen: mcfw_net.cfg_gen when the batch began
 * @flags: &enum mcfw_batch_flags
 * @staged: &struct mcfw_staged hashed by name
 * @list: the same, in order
 * @zeros: counters to zero at commit (&struct mcfw_filter)
 * @flushed: owners flushed (&struct mcfw_flushed)
 * @flush_all: every owner was flushed
 * @failed: a command of the batch was refused: the commit will be
 * @n_staged: commands of the sender staged without failure
 * @n_add: staged routes the table has not (present, not live)
 * @n_del: live routes staged absent
 * @n_mem: routes allocated ahead of the commit (mcfw_route_alloc())
 * @ctrs_blk: the block the counters of the routes it adds are carved
 *	from, or NULL
 */
struct mcfw_batch {
	const struct sock *sk;
	u32 portid;
	unsigned int cfg_gen;
	u32 flags;
	struct rhashtable staged;
	struct list_head list;
	struct list_head zeros;
	struct list_head flushed;
	bool flush_all;
	bool failed;
	unsigned int n_staged;
	unsigned int n_add;
	unsigned int n_del;
	unsigned int n_mem;
	struct mcfw_ctrs_block *ctrs_blk;
};

static const struct rhashtable_params mcfw_staged_params = {
	.head_offset		= offsetof(struct mcfw_staged, node),
	.key_offset		= offsetof(struct mcfw_staged, key),
	.key_len		= sizeof(struct mcfw_skey),
	.automatic_shrinking	= true,
};

static void mcfw_skey_set(struct mcfw_skey *key, const struct mcfw_key *k,
			  const char *iif)
{
	memset(key, 0, sizeof(*key));
	key->rkey = *k;
	strscpy(key->iif, iif, sizeof(key->iif));
}

/**
 * mcfw_batch_of - the batch the sender of a request stages, if any
 * @mn: the namespace's state
 * @skb: the request
 * @portid: its sender's port
 *
 * Context: @mn->lock held.
 * Return: the batch, or NULL.
 */
struct mcfw_batch *mcfw_batch_of(struct mcfw_net *mn,
				 const struct sk_buff *skb, u32 portid)
{
	struct mcfw_batch *b = mn->batch;

	lockdep_assert_held(&mn->lock);
	if (b && b->portid == portid && b->sk == NETLINK_CB(skb).sk)
		return b;
	return NULL;
}

/**
 * mcfw_batch_owned_by - the port of the socket staging a batch
 * @b: the batch, or NULL
 * @portid: where to store the port
 *
 * Return: false if there is no batch.
 */
bool mcfw_batch_owned_by(const struct mcfw_batch *b, u32 *portid)
{
	if (!b)
		return false;
	*portid = b->portid;
	return true;
}

/**
 * mcfw_batch_begin - start a batch for the sender of a request
 * @mn: the namespace's state
 * @skb: the request
 * @portid: its sender's port
 * @flags: &enum mcfw_batch_flags
 * @owner: the owner %MCFW_BATCH_F_REPLACE_OWNER replaces; NULL: all
 * @extack: where to say why it failed
 *
 * Context: process context, @mn->lock held.
 * Return: 0, -EBUSY if a batch is staged already, or -ENOMEM.
 */
int mcfw_batch_begin(struct mcfw_net *mn, const struct sk_buff *skb,
		     u32 portid, u32 flags, const char *owner,
		     struct netlink_ext_ack *extack)
{
	struct mcfw_batch *b;
	int err;

	lockdep_assert_held(&mn->lock);
	if (mn->batch) {
		if (mcfw_batch_of(mn, skb, portid))
			NL_SET_ERR_MSG(extack, "This socket already stages a batch");
		else
			NL_SET_ERR_MSG(extack,
				       "Another batch is being staged in this namespace");
		return -EBUSY;
	}
	b = kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b)
		return -ENOMEM;
	err = rhashtable_init(&b->staged, &mcfw_staged_params);
	if (err) {
		kfree(b);
		return err;
	}
	b->sk = NETLINK_CB(skb).sk;
	b->portid = portid;
	b->cfg_gen = mn->cfg_gen;
	b->flags = flags;
	INIT_LIST_HEAD(&b->list);
	INIT_LIST_HEAD(&b->zeros);
	INIT_LIST_HEAD(&b->flushed);
	mn->batch = b;
	if (flags & MCFW_BATCH_F_REPLACE_OWNER) {
		err = mcfw_batch_flush(mn, b, owner, extack);
		if (err < 0) {
			mcfw_batch_free(mn);
			return err;
		}
		/* Not one of the sender's commands. */
		b->n_staged = 0;
	}
	return 0;
}

/**
 * mcfw_batch_free - drop the namespace's batch, if any
 * @mn: the namespace's state
 *
 * Context: process context, @mn->lock held.
 */
void mcfw_batch_free(struct mcfw_net *mn)
{
	struct mcfw_batch *b = mn->batch;
	struct mcfw_staged *s, *stmp;
	struct mcfw_filter *f, *ftmp;
	struct mcfw_flushed *o, *otmp;

	lockdep_assert_held(&mn->lock);
	if (!b)
		return;
	mn->batch = NULL;
	/* First: it stops the table's deferred resize, which walks @s. */
	rhashtable_destroy(&b->staged);
	list_for_each_entry_safe(s, stmp, &b->list, list) {
		mcfw_route_free(s->mem);
		kfree(s->cfg.oifs);
		kfree(s);
		cond_resched();
	}
	list_for_each_entry_safe(f, ftmp, &b->zeros, list)
		kfree(f);
	list_for_each_entry_safe(o, otmp, &b->flushed, list)
		kfree(o);
	mcfw_ctrs_block_put(b->ctrs_blk);
	kfree(b);
}

/**
 * mcfw_batch_refused - note that a command of the sender's batch failed
 * @mn: the namespace's state
 * @skb: the request
 * @portid: its sender's port
 *
 * A batch is all or nothing: once one of its commands was refused, for
 * whatever reason, its commit is refused too.
 *
 * Context: process context, @mn->lock not held.
 */
void mcfw_batch_refused(struct mcfw_net *mn, const struct sk_buff *skb,
			u32 portid)
{
	struct mcfw_batch *b;

	mutex_lock(&mn->lock);
	b = mcfw_batch_of(mn, skb, portid);
	if (b)
		b->failed = true;
	mutex_unlock(&mn->lock);
}

/* A refused command dooms the batch; returns @err. Others are counted. */
static int mcfw_batch_err(struct mcfw_batch *b, int err)
{
	if (err < 0)
		b->failed = true;
	else
		b->n_staged++;
	return err;
}

/* The batch stays valid only while nobody else changes routes. */
static int mcfw_batch_check(struct mcfw_net *mn, struct mcfw_batch *b,
			    struct netlink_ext_ack *extack)
{
	if (b->cfg_gen == mn->cfg_gen)
		return 0;
	NL_SET_ERR_MSG(extack,
		       "Routes were changed by another command while this batch was staged; nothing was applied");
	return -EAGAIN;
}

static struct mcfw_staged *mcfw_staged_find(struct mcfw_batch *b,
					    const struct mcfw_key *k,
					    const char *iif)
{
	struct mcfw_skey key;

	mcfw_skey_set(&key, k, iif);
	return rhashtable_lookup_fast(&b->staged, &key, mcfw_staged_params);
}

static bool mcfw_batch_flushed(const struct mcfw_batch *b, const char *owner)
{
	const struct mcfw_flushed *o;

	if (b->flush_all)
		return true;
	list_for_each_entry(o, &b->flushed, list)
		if (!strcmp(o->owner, owner))
			return true;
	return false;
}

/*
 * The owner of the route of that name as the batch leaves the table, or
 * NULL if there is no such route.
 */
static const char *mcfw_batch_view(struct mcfw_net *mn, struct mcfw_batch *b,
				   const struct mcfw_key *k, const char *iif)
{
	struct mcfw_staged *s = mcfw_staged_find(b, k, iif);
	struct mcfw_route *rt;

	if (s)
		return s->present ? s->cfg.owner : NULL;
	rt = mcfw_route_find(mn, k, iif);
	if (!rt || mcfw_batch_flushed(b, rt->owner))
		return NULL;
	return rt->owner;
}

/* Stages @s present or absent, keeping count of what the batch adds. */
static void mcfw_staged_set(struct mcfw_batch *b, struct mcfw_staged *s,
			    bool present)
{
	if (s->present && !s->live)
		b->n_add--;
	else if (!s->present && s->live)
		b->n_del--;
	s->present = present;
	if (present && !s->live)
		b->n_add++;
	else if (!present && s->live)
		b->n_del++;
}

/*
 * A new staged entry of a name, absent; there is none yet. @live: the
 * table has a route of that name.
 */
static struct mcfw_staged *mcfw_staged_new(struct mcfw_batch *b,
					   const struct mcfw_key *k,
					   const char *iif,
					   bool live)
{
	struct mcfw_staged *s;
	int err;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return ERR_PTR(-ENOMEM);
	mcfw_skey_set(&s->key, k, iif);
	err = rhashtable_insert_fast(&b->staged, &s->node, mcfw_staged_params);
	if (err) {
		kfree(s);
		return ERR_PTR(err);
	}
	list_add_tail(&s->list, &b->list);
	s->live = live;
	b->n_del += live;
	return s;
}

/* The staged entry of a name, created (absent) if there is none. */
static struct mcfw_staged *mcfw_staged_get(struct mcfw_net *mn,
					   struct mcfw_batch *b,
					   const struct mcfw_key *k,
					   const char *iif)
{
	struct mcfw_staged *s = mcfw_staged_find(b, k, iif);

	return s ?: mcfw_staged_new(b, k, iif,
				    mcfw_route_find(mn, k, iif));
}

static void mcfw_staged_absent(struct mcfw_batch *b, struct mcfw_staged *s)
{
	mcfw_staged_set(b, s, false);
	mcfw_route_free(s->mem);
	s->mem = NULL;
	kfree(s->cfg.oifs);
	s->cfg.oifs = NULL;
	s->cfg.n_oifs = 0;
}

static int __mcfw_batch_route_set(struct mcfw_net *mn, struct mcfw_batch *b,
				  struct mcfw_route_cfg *cfg, bool replace,
				  struct netlink_ext_ack *extack)
{
	struct mcfw_staged *s;
	struct mcfw_route *rt;
	const char *owner;
	int err;

	err = mcfw_batch_check(mn, b, extack);
	if (err)
		return err;
	/* mcfw_batch_view(), keeping what it finds. */
	s = mcfw_staged_find(b, &cfg->key, cfg->iif);
	rt = mcfw_route_find(mn, &cfg->key, cfg->iif);
	if (s)
		owner = s->present ? s->cfg.owner : NULL;
	else
		owner = rt && !mcfw_batch_flushed(b, rt->owner) ? rt->owner : NULL;
	if (owner && !replace) {
		if (strcmp(owner, cfg->owner))
			NL_SET_ERR_MSG(extack, "Route exists and has another owner");
		else
			NL_SET_ERR_MSG(extack,
				       "Route exists (use replace to change it)");
		return -EEXIST;
	}
	if (!(b->flags & MCFW_BATCH_F_WAIT)) {
		err = mcfw_route_cfg_devs_exist(mn, cfg, extack);
		if (err)
			return err;
	}
	/* What the batch adds alone cannot exceed the cap (see commit). */
	if (!rt && !(s && s->present) &&
	    b->n_add >= READ_ONCE(mcfw_route_max)) {
		NL_SET_ERR_MSG(extack,
			       "This batch adds more routes than the module parameter route_max allows");
		return -ENOSPC;
	}

	if (!s) {
		s = mcfw_staged_new(b, &cfg->key, cfg->iif, rt);
		if (IS_ERR(s))
			return PTR_ERR(s);
	}
	kfree(s->cfg.oifs);
	s->cfg = *cfg;
	/* The staged route owns the outputs now. */
	cfg->oifs = NULL;
	cfg->n_oifs = 0;
	mcfw_staged_set(b, s, true);

	/*
	 * A route the commit will add (the table has none of that name,
	 * and a batch is refused if the table changes): allocate it now,
	 * while the sender is still sending, rather than in the commit.
	 * Without memory now, the commit tries again. Counters come from
	 * blocks only once the batch has added enough routes to fill
	 * them, so that small batches take no more than they need.
	 */
	if (s->mem && s->mem->ctrs->n != s->cfg.n_oifs) {
		mcfw_route_free(s->mem);
		s->mem = NULL;
	}
	if (!rt && !s->mem && !b->failed) {
		s->mem = mcfw_route_alloc(s->cfg.n_oifs,
					  b->n_mem >= MCFW_CTRS_BLOCK_MIN ?
					  &b->ctrs_blk : NULL);
		b->n_mem += !!s->mem;
	}
	return 0;
}

/**
 * mcfw_batch_route_set - stage a route add or replace
 * @mn: the namespace's state
 * @b: the batch
 * @cfg: the route; on success the batch takes its outputs (@cfg->oifs
 *	is then NULL), on error they stay the caller's
 * @replace: replacing a route of that name is allowed
 * @extack: where to say why it failed
 *
 * Context: process context, @mn->lock held.
 * Return: 0 or a negative errno; on error the batch is unchanged.
 */
int mcfw_batch_route_set(struct mcfw_net *mn, struct mcfw_batch *b,
			 struct mcfw_route_cfg *cfg, bool replace,
			 struct netlink_ext_ack *extack)
{
	return mcfw_batch_err(b, __mcfw_batch_route_set(mn, b, cfg, replace, extack));
}

static int __mcfw_batch_route_del(struct mcfw_net *mn, struct mcfw_batch *b,
				  const struct mcfw_key *k, const char *iif,
				  struct netlink_ext_ack *extack)
{
	struct mcfw_staged *s;
	struct mcfw_route *rt;
	struct mcfw_entry *e;
	int err, n = 0;

	err = mcfw_batch_check(mn, b, extack);
	if (err)
		return err;
	if (iif) {
		if (!mcfw_batch_view(mn, b, k, iif))
			goto none;
		s = mcfw_staged_get(mn, b, k, iif);
		if (IS_ERR(s))
			return PTR_ERR(s);
		mcfw_staged_absent(b, s);
		return 1;
	}

	/* Every input: the live routes the batch left, and its own. */
	rcu_read_lock();
	e = mcfw_entry_lookup(mn, k);
	rcu_read_unlock();
	if (e) {
		hlist_for_each_entry(rt, &e->routes, enode) {
			if (!mcfw_batch_view(mn, b, k, rt->iif->name))
				continue;
			s = mcfw_staged_get(mn, b, k, rt->iif->name);
			if (IS_ERR(s))
				return PTR_ERR(s);
			mcfw_staged_absent(b, s);
			n++;
		}
	}
	list_for_each_entry(s, &b->list, list) {
		if (s->present && !memcmp(&s->key.rkey, k, sizeof(*k))) {
			mcfw_staged_absent(b, s);
			n++;
		}
	}
	if (n)
		return n;
none:
	NL_SET_ERR_MSG(extack, "No such route");
	return -ENOENT;
}

/**
 * mcfw_batch_route_del - stage a route delete
 * @mn: the namespace's state
 * @b: the batch
 * @k: family, source (any: zero) and group
 * @iif: input interface name, or NULL for every input
 * @extack: where to say why it failed
 *
 * Context: process context, @mn->lock held.
 * Return: the number of routes it deletes, or a negative errno (-ENOENT
 * if none); on error the batch is unchanged.
 */
int mcfw_batch_route_del(struct mcfw_net *mn, struct mcfw_batch *b,
			 const struct mcfw_key *k, const char *iif,
			 struct netlink_ext_ack *extack)
{
	return mcfw_batch_err(b, __mcfw_batch_route_del(mn, b, k, iif, extack));
}

static int __mcfw_batch_flush(struct mcfw_net *mn, struct mcfw_batch *b,
			      const char *owner, struct netlink_ext_ack *extack)
{
	struct mcfw_flushed *o = NULL;
	struct mcfw_staged *s;
	struct mcfw_route *rt;
	int err, n = 0;

	err = mcfw_batch_check(mn, b, extack);
	if (err)
		return err;
	if (owner && !mcfw_batch_flushed(b, owner)) {
		o = kzalloc(sizeof(*o), GFP_KERNEL_ACCOUNT);
		if (!o)
			return -ENOMEM;
		strscpy(o->owner, owner, sizeof(o->owner));
	}

	/* Count what goes: live routes still in the view, staged ones. */
	for (rt = mcfw_route_first(mn, NULL, NULL); rt;
	     rt = mcfw_route_next(rt)) {
		if ((!owner || !strcmp(rt->owner, owner)) &&
		    !mcfw_batch_flushed(b, rt->owner) &&
		    !mcfw_staged_find(b, &rt->entry->key, rt->iif->name))
			n++;
	}
	list_for_each_entry(s, &b->list, list) {
		if (s->present && (!owner || !strcmp(s->cfg.owner, owner))) {
			mcfw_staged_absent(b, s);
			n++;
		}
	}
	if (o)
		list_add_tail(&o->list, &b->flushed);
	if (!owner)
		b->flush_all = true;
	return n;
}

/**
 * mcfw_batch_flush - stage the removal of an owner's routes
 * @mn: the namespace's state
 * @b: the batch
 * @owner: the owner, or NULL for every owner
 * @extack: where to say why it failed
 *
 * Context: process context, @mn->lock held.
 * Return: the number of routes it removes, or a negative errno.
 */
int mcfw_batch_flush(struct mcfw_net *mn, struct mcfw_batch *b,
		     const char *owner, struct netlink_ext_ack *extack)
{
	return mcfw_batch_err(b, __mcfw_batch_flush(mn, b, owner, extack));
}

static int __mcfw_batch_zero(struct mcfw_net *mn, struct mcfw_batch *b,
			     const struct mcfw_match *m,
			     struct netlink_ext_ack *extack)
{
	struct mcfw_filter *f;
	int err;

	err = mcfw_batch_check(mn, b, extack);
	if (err)
		return err;
	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return -ENOMEM;
	f->m = *m;
	list_add_tail(&f->list, &b->zeros);
	return 0;
}

/**
 * mcfw_batch_zero - stage the zeroing of counters
 * @mn: the namespace's state
 * @b: the batch
 * @m: the routes whose counters the commit zeroes (copied)
 * @extack: where to say why it failed
 *
 * Context: process context, @mn->lock held.
 * Return: 0 or a negative errno.
 */
int mcfw_batch_zero(struct mcfw_net *mn, struct mcfw_batch *b,
		    const struct mcfw_match *m, struct netlink_ext_ack *extack)
{
	return mcfw_batch_err(b, __mcfw_batch_zero(mn, b, m, extack));
}

/* Undoes what mcfw_batch_prepare() did for @s. */
static void mcfw_staged_unprepare(struct mcfw_net *mn, struct mcfw_staged *s)
{
	if (s->plan == MCFW_PLAN_ADD)
		mcfw_route_unlink(mn, s->rt);
	else if (s->plan == MCFW_PLAN_REPLACE)
		mcfw_oifs_release(mn, s->oifs, true);
	s->plan = MCFW_PLAN_NONE;
}

/* Builds what @s needs; nothing a packet uses changes. */
static int mcfw_staged_prepare(struct mcfw_net *mn, struct mcfw_batch *b,
			       struct mcfw_staged *s,
			       struct netlink_ext_ack *extack)
{
	u8 cur = mn->gencursor;
	struct mcfw_route *rt;

	rt = mcfw_route_find(mn, &s->key.rkey, s->key.iif);
	s->rt = rt;
	if (!s->present) {
		s->plan = rt ? MCFW_PLAN_DEL : MCFW_PLAN_NONE;
		return 0;
	}
	if (!rt) {
		rt = mcfw_route_create(mn, &s->cfg, BIT(cur), s->mem, extack);
		s->mem = NULL;
		if (IS_ERR(rt))
			return PTR_ERR(rt);
		s->rt = rt;
		s->plan = MCFW_PLAN_ADD;
		return 0;
	}
	if (mcfw_route_same(mn, rt, &s->cfg)) {
		s->plan = MCFW_PLAN_SAME;
		return 0;
	}
	/* A large batch carves the new arrays' counters from its blocks. */
	s->oifs = mcfw_oifs_build(mn, &s->cfg,
				  mcfw_dereference(rt->oifs[cur], mn), NULL,
				  b->n_staged >= MCFW_CTRS_BLOCK_MIN ?
				  &b->ctrs_blk : NULL);
	if (IS_ERR(s->oifs)) {
		NL_SET_ERR_MSG(extack, "Out of memory for the outputs of a route");
		return PTR_ERR(s->oifs);
	}
	s->plan = MCFW_PLAN_REPLACE;
	return 0;
}

/* Live routes the batch removes without naming them (flushed owners). */
static struct mcfw_route **mcfw_batch_flushed_routes(struct mcfw_net *mn,
						     struct mcfw_batch *b,
						     unsigned int *n)
{
	struct mcfw_route **v, *rt;
	unsigned int i = 0;

	*n = 0;
	if (!b->flush_all && list_empty(&b->flushed))
		return NULL;
	v = kvmalloc_array(mn->nr_routes ?: 1, sizeof(*v), GFP_KERNEL);
	if (!v)
		return ERR_PTR(-ENOMEM);
	for (rt = mcfw_route_first(mn, NULL, NULL); rt;
	     rt = mcfw_route_next(rt)) {
		if (mcfw_batch_flushed(b, rt->owner) &&
		    !mcfw_staged_find(b, &rt->entry->key, rt->iif->name))
			v[i++] = rt;
	}
	*n = i;
	return v;
}

/**
 * mcfw_batch_commit - apply a batch as one transaction
 * @mn: the namespace's state
 * @b: the batch; freed whether the commit succeeds or not
 * @count: how many commands the sender says it sent, or NULL
 * @res: what the commit did
 * @extack: where to say why it failed
 *
 * Context: process context, @mn->lock held; sleeps for a grace period.
 * Return: 0, or a negative errno and nothing changed.
 */
int mcfw_batch_commit(struct mcfw_net *mn, struct mcfw_batch *b,
		      const u32 *count, struct mcfw_commit_result *res,
		      struct netlink_ext_ack *extack)
{
	struct mcfw_route **gone = NULL;
	struct mcfw_filter *f;
	struct mcfw_staged *s;
	struct mcfw_route *rt;
	unsigned int n_gone, i;
	bool changed = false;
	u8 next;
	int err;

	lockdep_assert_held(&mn->lock);
	memset(res, 0, sizeof(*res));
	/* Overtaken first: the caller may want to try again. */
	err = mcfw_batch_check(mn, b, extack);
	if (err)
		goto out;
	if (b->failed) {
		NL_SET_ERR_MSG(extack,
			       "A command of this batch was refused; nothing was applied");
		err = -EINVAL;
		goto out;
	}
	if (count && *count != b->n_staged) {
		NL_SET_ERR_MSG(extack,
			       "Commands of this batch were refused before they reached it; nothing was applied");
		err = -EINVAL;
		goto out;
	}

	/* 1. Build what can fail; on failure undo it all. */
	gone = mcfw_batch_flushed_routes(mn, b, &n_gone);
	if (IS_ERR(gone)) {
		err = PTR_ERR(gone);
		gone = NULL;
		goto out;
	}
	err = mcfw_table_room(mn, b->n_add, b->n_del + n_gone, extack);
	if (err)
		goto out;
	list_for_each_entry(s, &b->list, list) {
		err = mcfw_staged_prepare(mn, b, s, extack);
		if (err)
			break;
		cond_resched();
	}
	if (err) {
		list_for_each_entry_continue_reverse(s, &b->list, list)
			mcfw_staged_unprepare(mn, s);
		goto out;
	}

	/* 2. Publish the next generation and flip to it. */
	next = !mn->gencursor;
	list_for_each_entry(s, &b->list, list) {
		switch (s->plan) {
		case MCFW_PLAN_REPLACE:
			mcfw_route_stage(mn, s->rt, s->oifs);
			changed = true;
			break;
		case MCFW_PLAN_DEL:
			WRITE_ONCE(s->rt->genmask, s->rt->genmask | BIT(next));
			changed = true;
			break;
		case MCFW_PLAN_ADD:
			changed = true;
			break;
		default:
			break;
		}
	}
	for (i = 0; i < n_gone; i++)
		WRITE_ONCE(gone[i]->genmask, gone[i]->genmask | BIT(next));
	changed |= n_gone;
	if (changed) {
		/*
		 * Orders the stores above (genmask, oifs[next]) before the
		 * flip; pairs with smp_load_acquire() in the hook.
		 */
		smp_store_release(&mn->gencursor, next);
		synchronize_rcu();
	}

	/* 3. Nobody reads the old generation: tidy up, announce. */
	list_for_each_entry(s, &b->list, list) {
		switch (s->plan) {
		case MCFW_PLAN_ADD:
			mcfw_route_settle(mn, s->rt, NULL);
			mcfw_ntf_route(mn, s->rt, MCFW_EV_ADD);
			res->added++;
			break;
		case MCFW_PLAN_REPLACE:
			mcfw_route_settle(mn, s->rt, &s->cfg);
			mcfw_ntf_route(mn, s->rt, MCFW_EV_REPLACE);
			res->replaced++;
			break;
		case MCFW_PLAN_DEL:
			mcfw_ntf_route(mn, s->rt, MCFW_EV_DEL);
			mcfw_route_unlink(mn, s->rt);
			res->removed++;
			break;
		case MCFW_PLAN_SAME:
			res->unchanged++;
			break;
		case MCFW_PLAN_NONE:
			break;
		}
		cond_resched();
	}
	for (i = 0; i < n_gone; i++) {
		mcfw_ntf_route(mn, gone[i], MCFW_EV_DEL);
		mcfw_route_unlink(mn, gone[i]);
		res->removed++;
		cond_resched();
	}
	list_for_each_entry(f, &b->zeros, list)
		for (rt = mcfw_route_first(mn, NULL, NULL); rt;
		     rt = mcfw_route_next(rt))
			if (mcfw_route_matches(rt, &f->m))
				mcfw_route_zero(mn, rt);
	if (changed)
		mcfw_table_changed(mn, true);
out:
	kvfree(gone);
	mcfw_batch_free(mn);
	return err;
}
