// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw - in-kernel IP multicast forwarder: relays, unicast turned back
 * into multicast.
 *
 * A relay is keyed by a local unicast address, a UDP port and an input
 * interface name (or none: any input). UDP datagrams to that address and
 * port, delivered to this host, are taken in NF_INET_LOCAL_IN after every
 * chain of the router's (the INPUT firewall applies to them; nf_defrag
 * and the local delivery path have reassembled them), before conntrack
 * confirms them (so they leave no entry): they are consumed, never
 * reaching a socket nor causing an ICMP port unreachable, and sent as the
 * relay's multicast group out of its outputs, by the same replication as
 * a route's (mcfw_replicate()). The datagram's source is kept. Its TTL
 * becomes the smaller of the relay's and the arriving TTL minus one, so
 * that a loop of relays and routes always ends. A relay's address need
 * not be local when it is added from a file (it waits, as routes wait
 * for interfaces): a datagram only reaches LOCAL_IN for a local address,
 * so a waiting relay simply matches nothing.
 *
 * Relays are few (at most %MCFW_RELAY_MAX a namespace) and hashed by
 * address and port; writers hold mcfw_net.lock, the hook reads under RCU.
 */

#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/jhash.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/udp.h>
#ifdef MCFW_HAVE_NET_GSO_H	/* 6.4 moved the GSO helpers there */
#include <net/gso.h>
#endif
#include <net/addrconf.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "mcfw.h"

/* IPv4 addresses have the rest of the union zero: one hash for both. */
static u32 mcfw_relay_hash(const struct mcfw_net *mn,
			   const union nf_inet_addr *addr, __be16 port)
{
	return jhash2((const u32 *)addr->all, ARRAY_SIZE(addr->all),
		      mn->relay_seed ^ (__force u32)port) &
	       (MCFW_RELAY_HASH - 1);
}

static bool mcfw_relay_is(const struct mcfw_relay *r, u8 family,
			  const union nf_inet_addr *addr, __be16 port)
{
	return r->port == port && r->family == family &&
	       nf_inet_addr_cmp(&r->addr, addr);
}

/**
 * mcfw_relay_find - the relay of a key
 * @mn: the namespace's state
 * @family: its address's family
 * @addr: its address
 * @port: its port
 * @iif: its input interface's name, "" for any
 *
 * Context: @mn->lock held.
 * Return: the relay, or NULL.
 */
struct mcfw_relay *mcfw_relay_find(struct mcfw_net *mn, u8 family,
				   const union nf_inet_addr *addr,
				   __be16 port, const char *iif)
{
	struct mcfw_relay *r;

	hlist_for_each_entry(r, &mn->relays[mcfw_relay_hash(mn, addr, port)],
			     node)
		if (mcfw_relay_is(r, family, addr, port) &&
		    !strcmp(r->iif, iif))
			return r;
	return NULL;
}

/*
 * The relay a datagram to @addr:@port arriving on @in is for: the one of
 * @in's name, else the one of any input. Called under RCU.
 */
static struct mcfw_relay *mcfw_relay_lookup(struct mcfw_net *mn, u8 family,
					    const union nf_inet_addr *addr,
					    __be16 port,
					    const struct net_device *in)
{
	struct mcfw_relay *r, *any = NULL;

	hlist_for_each_entry_rcu(r, &mn->relays[mcfw_relay_hash(mn, addr, port)],
				 node) {
		if (!mcfw_relay_is(r, family, addr, port))
			continue;
		if (!r->iif[0])
			any = r;
		else if (in && !strncmp(r->iif, in->name, IFNAMSIZ))
			return r;
	}
	return any;
}

/**
 * mcfw_relay_local - is an address one of the namespace's own
 * @net: the namespace
 * @family: its family
 * @addr: the address
 *
 * Return: true if it is a local unicast address of @net.
 */
bool mcfw_relay_local(struct net *net, u8 family,
		      const union nf_inet_addr *addr)
{
	if (family == AF_INET6)
		return ipv6_chk_addr(net, &addr->in6, NULL, 0);
	return inet_addr_type(net, addr->ip) == RTN_LOCAL;
}

static void mcfw_relay_free_rcu(struct rcu_head *head)
{
	struct mcfw_relay *r = container_of(head, struct mcfw_relay, rcu);

	/* A replaced relay's counters are its successor's. */
	if (!r->replaced)
		free_percpu(r->stats);
	kfree(r);
}

/**
 * mcfw_relay_set - add a relay, or replace one
 * @mn: the namespace's state
 * @cfg: the relay, with its outputs
 * @replace: a relay of the same key may be replaced
 * @extack: for the reason of a refusal
 *
 * A replace keeps the counters of the relay and of the outputs it keeps:
 * the new relay takes the old one's place in its hash chain, and its
 * counters.
 *
 * Context: @mn->lock held.
 * Return: the relay, or an ERR_PTR().
 */
struct mcfw_relay *mcfw_relay_set(struct mcfw_net *mn,
				  const struct mcfw_relay_cfg *cfg, bool replace,
				  struct netlink_ext_ack *extack)
{
	struct mcfw_relay *r = mcfw_relay_find(mn, cfg->route.key.family,
					       &cfg->addr, cfg->port, cfg->iif);
	struct mcfw_oifs *oifs, *old = NULL;
	struct mcfw_relay *n;

	lockdep_assert_held(&mn->lock);
	if (r && !replace) {
		NL_SET_ERR_MSG(extack, "Relay exists");
		return ERR_PTR(-EEXIST);
	}
	if (!r && mn->nr_relays >= MCFW_RELAY_MAX) {
		NL_SET_ERR_MSG(extack, "Too many relays in this namespace");
		return ERR_PTR(-ENOSPC);
	}
	if (r)
		old = mcfw_dereference(r->oifs, mn);
	oifs = mcfw_oifs_build(mn, &cfg->route, old, NULL, NULL);
	if (IS_ERR(oifs))
		return ERR_CAST(oifs);
	n = kzalloc(sizeof(*n), GFP_KERNEL_ACCOUNT);
	if (n && !r)
		n->stats = mcfw_stats_alloc(MCFW_C_NR);
	if (!n || (!r && !n->stats)) {
		kfree(n);
		mcfw_oifs_release(mn, oifs, true);
		return ERR_PTR(-ENOMEM);
	}
	n->family = cfg->route.key.family;
	n->addr = cfg->addr;
	n->port = cfg->port;
	strscpy(n->iif, cfg->iif, IFNAMSIZ);
	n->from = cfg->from;
	n->grp = cfg->route.key.grp;
	n->gport = cfg->gport;
	n->ttl = cfg->ttl;
	RCU_INIT_POINTER(n->oifs, oifs);
	if (r) {
		/* Readers of the old one count into the same counters. */
		n->stats = r->stats;
		memcpy(n->base, r->base, sizeof(n->base));
		r->replaced = true;
		hlist_replace_rcu(&r->node, &n->node);
		mcfw_oifs_retire(mn, old);
		call_rcu(&r->rcu, mcfw_relay_free_rcu);
		return n;
	}
	hlist_add_head_rcu(&n->node,
			   &mn->relays[mcfw_relay_hash(mn, &n->addr, n->port)]);
	WRITE_ONCE(mn->nr_relays, mn->nr_relays + 1);
	return n;
}

/**
 * mcfw_relay_del - remove a relay
 * @mn: the namespace's state
 * @r: the relay
 *
 * Context: @mn->lock held.
 */
void mcfw_relay_del(struct mcfw_net *mn, struct mcfw_relay *r)
{
	lockdep_assert_held(&mn->lock);
	hlist_del_rcu(&r->node);
	WRITE_ONCE(mn->nr_relays, mn->nr_relays - 1);
	mcfw_oifs_release(mn, mcfw_dereference(r->oifs, mn), false);
	call_rcu(&r->rcu, mcfw_relay_free_rcu);
}

/**
 * mcfw_relay_exit - remove every relay of a namespace
 * @mn: the namespace's state
 *
 * Context: @mn->lock held, namespace teardown.
 */
void mcfw_relay_exit(struct mcfw_net *mn)
{
	struct hlist_node *tmp;
	struct mcfw_relay *r;
	unsigned int i;

	for (i = 0; i < MCFW_RELAY_HASH; i++)
		hlist_for_each_entry_safe(r, tmp, &mn->relays[i], node)
			mcfw_relay_del(mn, r);
}

/*
 * Rewrites @skb, now ours, into the relay's multicast datagram: group,
 * port, checksums (mcfw_translate(), which leaves it untracked) and a TTL
 * one above what its copies carry (mcfw_output() decrements it).
 */
static int mcfw_relay_rewrite(struct sk_buff *skb, const struct mcfw_relay *r,
			      u8 ttl)
{
	struct iphdr *iph;
	int err;

	if (r->family == AF_INET6) {
		err = mcfw_translate6(skb, &r->grp.in6, NULL, r->gport);
		if (!err)
			ipv6_hdr(skb)->hop_limit = ttl;
		return err;
	}
	err = mcfw_translate(skb, r->grp.ip, 0, r->gport);
	if (err)
		return err;
	iph = ip_hdr(skb);
	csum_replace2(&iph->check, htons(iph->ttl << 8), htons(ttl << 8));
	iph->ttl = ttl;
	return 0;
}

/*
 * Relays one datagram (not GSO) of @r, and consumes it. Called with BHs
 * disabled, under RCU.
 */
static void mcfw_relay_one(const struct nf_hook_state *state,
			   struct mcfw_relay *r, struct sk_buff *skb)
{
	struct mcfw_wire w = mcfw_wire_of(skb);
	u8 ttl = mcfw_hops(skb);

	mcfw_count2(r->stats, MCFW_C_PACKETS, w.pkts, MCFW_C_BYTES, w.bytes);
	/* A TTL of 1 ends here, counted: no loop of relays goes on. */
	if (ttl <= 1) {
		mcfw_count_n(r->stats, MCFW_C_TTL_DROP, w.pkts);
		kfree_skb(skb);
		return;
	}
	ttl = min_t(u8, r->ttl, ttl - 1) + 1;
	if (unlikely(mcfw_relay_rewrite(skb, r, ttl))) {
		mcfw_count_n(r->stats, MCFW_C_XMIT_DROP, w.pkts);
		kfree_skb(skb);
		return;
	}
	mcfw_replicate(state->net, rcu_dereference(r->oifs), skb, state->in, w);
	consume_skb(skb);
}

/*
 * The offset of @skb's UDP header, and its addresses, if it is a whole
 * UDP datagram (not a fragment); else -1.
 */
static int mcfw_relay_udp(const struct sk_buff *skb, union nf_inet_addr *src,
			  union nf_inet_addr *dst)
{
	const struct ipv6hdr *ip6h;
	const struct iphdr *iph;
	unsigned int foff;
	__be16 frag_off;
	u8 nexthdr;
	int off;

	if (mcfw_skb_v6(skb)) {
		ip6h = ipv6_hdr(skb);
		nexthdr = ip6h->nexthdr;
		off = ipv6_skip_exthdr(skb, skb_network_offset(skb) +
					    sizeof(*ip6h), &nexthdr, &frag_off);
		if (off < 0 || nexthdr != IPPROTO_UDP || frag_off)
			return -1;
		/*
		 * IPv6 reassembles after LOCAL_IN (unless nf_defrag_ipv6 did
		 * before): a first fragment is not a datagram.
		 */
		foff = 0;
		if (ipv6_find_hdr(skb, &foff, NEXTHDR_FRAGMENT, NULL,
				  NULL) == NEXTHDR_FRAGMENT)
			return -1;
		src->in6 = ip6h->saddr;
		dst->in6 = ip6h->daddr;
		return off;
	}
	iph = ip_hdr(skb);
	if (iph->protocol != IPPROTO_UDP || ip_is_fragment(iph))
		return -1;
	src->ip = iph->saddr;
	dst->ip = iph->daddr;
	return skb_network_offset(skb) + ip_hdrlen(skb);
}

/*
 * NF_INET_LOCAL_IN, after every chain of the router's: a UDP datagram to
 * a relay's address and port is consumed and replicated as multicast.
 */
static unsigned int mcfw_relay_hook(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct mcfw_net *mn = mcfw_pernet(state->net);
	union nf_inet_addr saddr = {}, daddr = {};
	struct sk_buff *segs, *next;
	const struct udphdr *uh;
	struct mcfw_relay *r;
	struct udphdr _uh;
	int off;

	if (likely(!READ_ONCE(mn->nr_relays)))
		return NF_ACCEPT;
	off = mcfw_relay_udp(skb, &saddr, &daddr);
	if (off < 0)
		return NF_ACCEPT;
	uh = skb_header_pointer(skb, off, sizeof(_uh), &_uh);
	if (!uh)
		return NF_ACCEPT;
	r = mcfw_relay_lookup(mn, state->pf == NFPROTO_IPV6 ? AF_INET6 :
							      AF_INET,
			      &daddr, uh->dest, state->in);
	if (!r)
		return NF_ACCEPT;
	/* Another sender's: the host's own business. */
	if (!mcfw_addr_any(&r->from) && !nf_inet_addr_cmp(&r->from, &saddr))
		return NF_ACCEPT;

	local_bh_disable();
	/*
	 * A GSO packet (a local UDP_SEGMENT sender over lo, fraglist GRO)
	 * is its datagrams, each relayed with headers of its own.
	 */
	if (unlikely(skb_is_gso(skb))) {
		segs = skb_gso_segment(skb, 0);
		if (IS_ERR_OR_NULL(segs)) {
			mcfw_count_n(r->stats, MCFW_C_XMIT_DROP,
				     mcfw_wire_of(skb).pkts);
			kfree_skb(skb);
			goto out;
		}
		consume_skb(skb);
		skb_list_walk_safe(segs, skb, next) {
			skb_mark_not_on_list(skb);
			mcfw_relay_one(state, r, skb);
		}
	} else {
		mcfw_relay_one(state, r, skb);
	}
out:
	local_bh_enable();
	return NF_STOLEN;
}

const struct nf_hook_ops mcfw_relay_nf_ops = {
	.hook		= mcfw_relay_hook,
	.pf		= NFPROTO_IPV4,
	.hooknum	= NF_INET_LOCAL_IN,
	/* After the router's chains, before conntrack confirms. */
	.priority	= NF_IP_PRI_LAST - 1,
};

const struct nf_hook_ops mcfw_relay_nf_ops6 = {
	.hook		= mcfw_relay_hook,
	.pf		= NFPROTO_IPV6,
	.hooknum	= NF_INET_LOCAL_IN,
	.priority	= NF_IP6_PRI_LAST - 1,
};
