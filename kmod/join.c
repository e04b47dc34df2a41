// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw - in-kernel IP multicast forwarder: group memberships on inputs.
 *
 * An IGMP-snooping switch forwards a group only to ports that joined it,
 * so a route joins its group on its input interface (source-specific for
 * an (S,G) route) unless it was added with nojoin: the interface reports
 * the membership with IGMP like any host's, and a static route pulls its
 * traffic by itself.
 *
 * The kernel offers source-specific memberships only to sockets, so they
 * are held on kernel UDP sockets of the namespace, as a program would
 * hold them, of the route's family. An IPv4 socket takes at most
 * net.ipv4.igmp_max_memberships groups and igmp_max_msf sources per
 * group, an IPv6 one %MCFW_JOIN6_GROUPS groups (their lists are socket
 * memory, bounded by net.core.optmem_max) and %MCFW_JOIN6_SOURCES
 * sources per group: a pool grows as needed. The
 * setsockopt() calls take RTNL, so they are made by the interface work
 * holding no lock, one membership at a time; mcfw_net.lock is only held
 * to pick what to do and to record what was done. A namespace's routes
 * hold at most join_max memberships (module parameter); routes beyond it
 * forward without joining, which "info" shows.
 */

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/sockptr.h>
#include <net/sock.h>

#include "mcfw.h"

/**
 * struct mcfw_jsock - a kernel socket holding memberships
 * @list: in mcfw_net.join_socks
 * @family: the socket's, AF_INET or AF_INET6
 * @sock: the socket
 * @groups: (group, interface) memberships it holds
 * @held: the mcfw_join.held_node of the memberships held on it
 */
struct mcfw_jsock {
	struct list_head list;
	u8 family;
	struct socket *sock;
	unsigned int groups;
	struct list_head held;
};

/**
 * struct mcfw_join - the membership a route wants and the one it holds
 * @list: in mcfw_net.joins
 * @pending: in mcfw_net.join_pending while @want and @have differ
 * @held_node: in @js->held while held
 * @key: the family, group and source (zero: any) of the route
 * @want: ifindex to hold it on, 0 for none
 * @have: ifindex it is held on, 0 for none
 * @js: the socket it is held on
 * @failed: joining on @want failed; not tried again until @want changes
 * @dead: the route is gone: freed once left
 */
struct mcfw_join {
	struct list_head list;
	struct list_head pending;
	struct list_head held_node;
	struct mcfw_key key;
	int want;
	int have;
	struct mcfw_jsock *js;
	bool failed;
	bool dead;
};

static void mcfw_join_queue(struct mcfw_net *mn, struct mcfw_join *j)
{
	if (list_empty(&j->pending))
		list_add_tail(&j->pending, &mn->join_pending);
	mcfw_iface_kick(mn);
}

static int mcfw_join_want(const struct mcfw_route *rt)
{
	return READ_ONCE(rt->iif->ifindex);
}

/**
 * mcfw_join_new - give a new route its membership, unless nojoin
 * @mn: the namespace's state
 * @rt: the route, its input set
 *
 * Context: @mn->lock held.
 * Return: 0 or -ENOMEM.
 */
int mcfw_join_new(struct mcfw_net *mn, struct mcfw_route *rt)
{
	struct mcfw_join *j;

	lockdep_assert_held(&mn->lock);
	rt->join = NULL;
	if (rt->flags & MCFW_RF_NOJOIN)
		return 0;
	j = kzalloc(sizeof(*j), GFP_KERNEL_ACCOUNT);
	if (!j)
		return -ENOMEM;
	INIT_LIST_HEAD(&j->pending);
	INIT_LIST_HEAD(&j->held_node);
	j->key = rt->entry->key;
	list_add_tail(&j->list, &mn->joins);
	rt->join = j;
	mcfw_join_update(mn, rt);
	return 0;
}

/**
 * mcfw_join_update - the route's input appeared or went away
 * @mn: the namespace's state
 * @rt: the route
 *
 * Context: @mn->lock held.
 */
void mcfw_join_update(struct mcfw_net *mn, struct mcfw_route *rt)
{
	struct mcfw_join *j = rt->join;
	int want;

	lockdep_assert_held(&mn->lock);
	if (!j)
		return;
	want = mcfw_join_want(rt);
	if (want == j->want)
		return;
	j->want = want;
	j->failed = false;
	mcfw_join_queue(mn, j);
}

/**
 * mcfw_join_release - the route is going: leave its group
 * @mn: the namespace's state
 * @rt: the route
 *
 * Context: @mn->lock held.
 */
void mcfw_join_release(struct mcfw_net *mn, struct mcfw_route *rt)
{
	struct mcfw_join *j = rt->join;

	lockdep_assert_held(&mn->lock);
	if (!j)
		return;
	rt->join = NULL;
	j->dead = true;
	j->want = 0;
	mcfw_join_queue(mn, j);
}

/**
 * mcfw_join_held - does the route hold the membership it wants
 * @rt: the route
 *
 * Context: the lock of the route's namespace held.
 * Return: true if it does.
 */
bool mcfw_join_held(const struct mcfw_route *rt)
{
	return rt->join && rt->join->have && rt->join->have == rt->join->want;
}

/*
 * Groups an IPv6 socket holds at most, and sources per group. IPv6 sets
 * no count, but charges each membership and source list to the socket's
 * option memory (net.core.optmem_max, 20 KiB by default on 6.1): 32
 * groups of 16 sources stay well below it (about 15 KiB), and the pool
 * opens another socket beyond.
 */
#define MCFW_JOIN6_GROUPS	32
#define MCFW_JOIN6_SOURCES	16

/* The MCAST_* options take either family's addresses: one call for both. */
static int mcfw_join_sockopt(struct socket *sock, int opt,
			     const struct mcfw_key *k, bool src, int ifindex)
{
	struct group_source_req gsr = { .gsr_interface = ifindex };
	struct sockaddr_in6 *g6 = (struct sockaddr_in6 *)&gsr.gsr_group;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&gsr.gsr_source;
	struct sockaddr_in *g = (struct sockaddr_in *)&gsr.gsr_group;
	struct sockaddr_in *s = (struct sockaddr_in *)&gsr.gsr_source;
	unsigned int len = sizeof(gsr);
	int level = SOL_IP;

	if (k->family == AF_INET6) {
		level = SOL_IPV6;
		g6->sin6_family = AF_INET6;
		g6->sin6_addr = k->grp.in6;
		s6->sin6_family = AF_INET6;
		if (src)
			s6->sin6_addr = k->src.in6;
	} else {
		g->sin_family = AF_INET;
		g->sin_addr.s_addr = k->grp.ip;
		s->sin_family = AF_INET;
		if (src)
			s->sin_addr.s_addr = k->src.ip;
	}
	/* struct group_req is the head of struct group_source_req. */
	if (opt == MCAST_JOIN_GROUP || opt == MCAST_LEAVE_GROUP)
		len = sizeof(struct group_req);
	return sock->ops->setsockopt(sock, level, opt, KERNEL_SOCKPTR(&gsr),
				     len);
}

/* Is @a's group the same as @b's (family and address)? */
static bool mcfw_join_same_group(const struct mcfw_join *a,
				 const struct mcfw_join *b)
{
	return a->key.family == b->key.family &&
	       nf_inet_addr_cmp(&a->key.grp, &b->key.grp);
}

static bool mcfw_join_ssm(const struct mcfw_join *j)
{
	return !mcfw_addr_any(&j->key.src);
}

/*
 * Joins of @grp on @ifindex held on @js, other than @self. Only what @js
 * holds is looked at (at most igmp_max_memberships groups of
 * igmp_max_msf sources), never every route's join.
 */
static unsigned int mcfw_join_sharing(const struct mcfw_join *self,
				      const struct mcfw_jsock *js,
				      int ifindex, bool *any_asm)
{
	const struct mcfw_join *j;
	unsigned int n = 0;

	*any_asm = false;
	list_for_each_entry(j, &js->held, held_node) {
		if (j == self || j->have != ifindex ||
		    !mcfw_join_same_group(j, self))
			continue;
		n++;
		if (!mcfw_join_ssm(j))
			*any_asm = true;
	}
	return n;
}

/*
 * A socket for @j's membership on @ifindex: one that holds the group
 * with room for another source (an (S,G) join), else one with room for
 * another group and without this one. *@new_group says which.
 */
static struct mcfw_jsock *mcfw_join_pick(struct mcfw_net *mn,
					 const struct mcfw_join *j,
					 int ifindex, bool *new_group)
{
	int max_groups = READ_ONCE(mn->net->ipv4.sysctl_igmp_max_memberships);
	int max_srcs = READ_ONCE(mn->net->ipv4.sysctl_igmp_max_msf);
	u8 family = j->key.family;
	struct mcfw_jsock *js;
	unsigned int n;
	bool any_asm;

	if (family == AF_INET6) {
		max_groups = MCFW_JOIN6_GROUPS;
		max_srcs = MCFW_JOIN6_SOURCES;
	}
	list_for_each_entry(js, &mn->join_socks, list) {
		if (js->family != family)
			continue;
		n = mcfw_join_sharing(j, js, ifindex, &any_asm);
		if (mcfw_join_ssm(j) && n && !any_asm && n < max_srcs) {
			*new_group = false;
			return js;
		}
	}
	list_for_each_entry(js, &mn->join_socks, list) {
		if (js->family != family)
			continue;
		n = mcfw_join_sharing(j, js, ifindex, &any_asm);
		if (!n && js->groups < max_groups) {
			*new_group = true;
			return js;
		}
	}
	js = kzalloc(sizeof(*js), GFP_KERNEL);
	if (!js)
		return NULL;
	js->family = family;
	if (sock_create_kern(mn->net, family, SOCK_DGRAM, IPPROTO_UDP,
			     &js->sock)) {
		kfree(js);
		return NULL;
	}
	INIT_LIST_HEAD(&js->held);
	list_add_tail(&js->list, &mn->join_socks);
	*new_group = true;
	return js;
}

/* What one pass of the work does to one membership. */
struct mcfw_join_op {
	bool join;
	bool new_group;
	int ifindex;
	struct mcfw_jsock *js;
};

/* Decides what to do for @j; false if nothing. Called with the lock. */
static bool mcfw_join_plan(struct mcfw_net *mn, struct mcfw_join *j,
			   struct mcfw_join_op *op)
{
	bool any_asm;

	if (j->have && j->have != j->want) {
		op->join = false;
		op->ifindex = j->have;
		op->js = j->js;
		/* The last source of a group on a socket leaves the group. */
		op->new_group = !mcfw_join_ssm(j) ||
				!mcfw_join_sharing(j, j->js, j->have, &any_asm);
		return true;
	}
	if (j->have || !j->want || j->failed)
		return false;
	if (READ_ONCE(mn->nr_joined) >= READ_ONCE(mcfw_join_max)) {
		j->failed = true;
		return false;
	}
	op->join = true;
	op->ifindex = j->want;
	op->js = mcfw_join_pick(mn, j, j->want, &op->new_group);
	if (!op->js) {
		j->failed = true;
		return false;
	}
	return true;
}

/* 0 or a negative errno; 1 if a leave had to leave the whole group. */
static int mcfw_join_do(const struct mcfw_join_op *op,
			const struct mcfw_key *k)
{
	struct socket *sock = op->js->sock;
	bool ssm = !mcfw_addr_any(&k->src);
	int err;

	if (op->join)
		return mcfw_join_sockopt(sock, ssm ? MCAST_JOIN_SOURCE_GROUP :
						     MCAST_JOIN_GROUP,
					 k, ssm, op->ifindex);
	if (!ssm)
		return mcfw_join_sockopt(sock, MCAST_LEAVE_GROUP, k, false,
					 op->ifindex);
	err = mcfw_join_sockopt(sock, MCAST_LEAVE_SOURCE_GROUP, k, true,
				op->ifindex);
	/*
	 * A source cannot be left once its device is gone; the group can,
	 * and with it every source this socket had there.
	 */
	if (err == -ENODEV)
		return mcfw_join_sockopt(sock, MCAST_LEAVE_GROUP, k, false,
					 op->ifindex) ?: 1;
	return err;
}

/* Records the outcome of @op for @j. Called with the lock. */
static void mcfw_join_done(struct mcfw_net *mn, struct mcfw_join *j,
			   const struct mcfw_join_op *op, int err)
{
	struct mcfw_join *o, *tmp;

	if (op->join) {
		if (err) {
			j->failed = true;
			return;
		}
		j->have = op->ifindex;
		j->js = op->js;
		list_add_tail(&j->held_node, &op->js->held);
		if (op->new_group)
			op->js->groups++;
		WRITE_ONCE(mn->nr_joined, mn->nr_joined + 1);
		return;
	}
	/*
	 * A leave cannot be retried usefully: consider it done. A failed
	 * leave of a source, or one that had to leave the whole group (1),
	 * leaves the group.
	 */
	if (op->new_group || err) {
		op->js->groups--;
		/* A whole group left: so are its other sources here. */
		list_for_each_entry_safe(o, tmp, &op->js->held, held_node) {
			if (o == j || o->have != op->ifindex ||
			    !mcfw_join_same_group(o, j))
				continue;
			list_del_init(&o->held_node);
			o->have = 0;
			o->js = NULL;
			WRITE_ONCE(mn->nr_joined, mn->nr_joined - 1);
			if (o->want)
				mcfw_join_queue(mn, o);
		}
	}
	list_del_init(&j->held_node);
	j->have = 0;
	j->js = NULL;
	WRITE_ONCE(mn->nr_joined, mn->nr_joined - 1);
}

/**
 * mcfw_join_run - bring memberships in line with what routes want
 * @mn: the namespace's state
 *
 * Context: the interface work; neither RTNL nor @mn->lock held.
 */
void mcfw_join_run(struct mcfw_net *mn)
{
	struct mcfw_join_op op;
	struct mcfw_join *j;
	struct mcfw_key key;
	bool act;
	int err;

	for (;;) {
		mutex_lock(&mn->lock);
		j = list_first_entry_or_null(&mn->join_pending,
					     struct mcfw_join, pending);
		if (!j) {
			mutex_unlock(&mn->lock);
			return;
		}
		list_del_init(&j->pending);
		act = mcfw_join_plan(mn, j, &op);
		key = j->key;
		mutex_unlock(&mn->lock);

		err = act ? mcfw_join_do(&op, &key) : 0;

		/* Only this work frees joins: @j is still there. */
		mutex_lock(&mn->lock);
		if (act)
			mcfw_join_done(mn, j, &op, err);
		if (j->have != j->want && !j->failed)
			mcfw_join_queue(mn, j);
		if (j->dead && !j->have) {
			list_del(&j->pending);
			list_del(&j->list);
			kfree(j);
		}
		mutex_unlock(&mn->lock);
		cond_resched();
	}
}

/**
 * mcfw_join_init - set up a namespace's memberships
 * @mn: the namespace's state
 *
 * Context: pernet init.
 */
void mcfw_join_init(struct mcfw_net *mn)
{
	INIT_LIST_HEAD(&mn->joins);
	INIT_LIST_HEAD(&mn->join_pending);
	INIT_LIST_HEAD(&mn->join_socks);
}

/**
 * mcfw_join_exit - drop every membership of a namespace
 * @mn: the namespace's state
 *
 * Every route is gone and the work will not run again. Closing a socket
 * leaves all its groups.
 *
 * Context: pernet exit, neither RTNL nor @mn->lock held.
 */
void mcfw_join_exit(struct mcfw_net *mn)
{
	struct mcfw_jsock *js, *jstmp;
	struct mcfw_join *j, *jtmp;

	list_for_each_entry_safe(js, jstmp, &mn->join_socks, list) {
		sock_release(js->sock);
		list_del(&js->list);
		kfree(js);
	}
	list_for_each_entry_safe(j, jtmp, &mn->joins, list) {
		WARN_ON_ONCE(!j->dead);
		list_del(&j->list);
		kfree(j);
	}
	INIT_LIST_HEAD(&mn->join_pending);
	mn->nr_joined = 0;
}
