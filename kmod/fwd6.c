// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw - in-kernel IP multicast forwarder: what IPv6 does its own way.
 *
 * The IPv6 hook finds a packet's route, checks it and hands it to the
 * data path both families share (mcfw_forward() in fwd.c: counters, hop
 * limit, rate limit, replication, the FORWARD and POST_ROUTING hooks).
 * What differs is here:
 *
 * - Groups of scope 0 to 2 (reserved, interface-local, link-local; the
 *   scope nibble, whatever the flags) never leave their link: they are
 *   not looked at, and cannot be routed (RFC 4291, 7346).
 * - A Hop-by-Hop Router Alert (ip6_rcv_core() parsed the option before
 *   PRE_ROUTING: IP6SKB_ROUTERALERT) is for the local stack: counted as
 *   ra_drop, never forwarded. MLD messages are the local stack's whatever
 *   their destination: never forwarded, not counted, as IGMP for IPv4.
 *   Other extension headers are walked with ipv6_skip_exthdr(), which
 *   reads no byte past the packet; a truncated chain is badopt_drop.
 * - A copy larger than its output's MTU is dropped (routers do not
 *   fragment IPv6) and counted as mtu_drop. The source is sent one
 *   ICMPv6 Packet Too Big per packet, with the smallest MTU among the
 *   outputs that refused it: RFC 4443 2.4 (e.3) makes it the exception
 *   to "no ICMPv6 error about multicast", so that Path MTU Discovery
 *   works for multicast, and ip6mr sends one too (ip6_fragment() on its
 *   copy). icmpv6_send() is not rate limited for Packet Too Big (the
 *   kernel exempts it, for PMTU discovery); one per packet is what
 *   ip6_forward() sends for unicast.
 * - A datagram nf_defrag_ipv6 reassembled (frag_max_size set) is cut
 *   again on output to the largest fragment received, as ip6_forward()
 *   does, with the kernel's own ip6_fragment() (through nf_ipv6_ops, as
 *   the bridge's netfilter does); fragments arriving as they are go out
 *   as they are.
 * - Sources no router forwards from: the unspecified address, loopback,
 *   multicast, IPv4-mapped and link-local ones (RFC 4007: a link-local
 *   source never leaves its link). Only (*,G) routes meet them: (S,G)
 *   routes cannot be made for them.
 * - A hop limit of 1 or less is counted as ttl_drop; no ICMPv6 Time
 *   Exceeded is sent about multicast.
 */

#include <linux/icmpv6.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <net/addrconf.h>
#include <net/ip6_fib.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>

#include "mcfw.h"

/* After defragmentation, conntrack and every chain of the router's. */
#define MCFW_HOOK6_PRIORITY	(NF_IP6_PRI_LAST - 1)

/**
 * mcfw_bounded6 - is an IPv6 group inside an interface's boundary
 * @iface: the interface
 * @grp: the group
 *
 * Its scope (RFC 4007 zones: whatever the flags, so ff15:: and ff35:: are
 * of scope 5 as ff05:: is), or one of its IPv6 prefixes.
 *
 * Context: under RCU.
 * Return: true if it is.
 */
bool mcfw_bounded6(const struct mcfw_iface *iface, const struct in6_addr *grp)
{
	const struct mcfw_boundary *b = rcu_dereference(iface->boundary);
	unsigned int i;

	if (likely(!b))
		return false;
	if (IPV6_ADDR_MC_SCOPE(grp) <= b->scope6)
		return true;
	for (i = 0; i < b->n; i++)
		if (b->p[i].family == AF_INET6 &&
		    !ipv6_masked_addr_cmp(&b->p[i].addr.in6,
					  &b->p[i].mask.in6, grp))
			return true;
	return false;
}

/**
 * mcfw_exceeds_mtu6 - is an IPv6 copy dropped for its output's MTU
 * @skb: the packet
 * @mtu: the output's MTU
 *
 * As ip6_pkt_too_big() has it for ip6_forward(): too big, unless
 * nf_defrag_ipv6 reassembled it from fragments that each fit (they are
 * cut again, see mcfw_fragment6()); a GRO packet whose segments fit is
 * not too big.
 *
 * Return: true to drop it.
 */
bool mcfw_exceeds_mtu6(const struct sk_buff *skb, unsigned int mtu)
{
	u16 frag_max = IP6CB(skb)->frag_max_size;

	if (likely(!mcfw_too_big(skb, mtu)))
		return false;
	if (skb_is_gso(skb))
		return true;
	return !frag_max || frag_max > mtu;
}

/* The route to @skb's group out of @dev (a reference), or NULL. */
static struct dst_entry *mcfw_route_lookup6(struct net *net,
					    const struct sk_buff *skb,
					    struct net_device *dev)
{
	struct flowi6 fl6 = {
		.flowi6_oif = dev->ifindex,
		.daddr = ipv6_hdr(skb)->daddr,
	};
	struct dst_entry *dst;

	dst = ip6_route_output(net, NULL, &fl6);
	if (dst->error || dst->dev != dev) {
		dst_release(dst);
		return NULL;
	}
	return dst;
}

/**
 * mcfw_route_copy6 - give an IPv6 copy the route to its group
 * @net: the namespace
 * @skb: the copy
 * @oif: its output, which caches the route with its cookie
 * @dev: the output's device
 *
 * As mcfw_route_copy() for IPv4: the route the hooks' rt and fib
 * expressions read, cached in @oif and checked with its cookie (the FIB's
 * serial number) before each use.
 *
 * Context: under RCU, BHs disabled.
 * Return: false if the group has no route out of @dev.
 */
bool mcfw_route_copy6(struct net *net, struct sk_buff *skb,
		      struct mcfw_oif *oif, struct net_device *dev)
{
	struct dst_entry *dst = rcu_dereference(oif->dst), *old;

	if (likely(dst && dst->dev == dev &&
		   dst_check(dst, READ_ONCE(oif->cookie)))) {
		skb_dst_set_noref(skb, dst);
		return true;
	}
	dst = mcfw_route_lookup6(net, skb, dev);
	if (!dst)
		return false;
	skb_dst_set(skb, dst_clone(dst));
	WRITE_ONCE(oif->cookie, rt6_get_cookie(container_of(dst, struct rt6_info, dst)));
	old = unrcu_pointer(xchg(&oif->dst, RCU_INITIALIZER(dst)));
	dst_release(old);
	return true;
}

/**
 * mcfw_fragment6 - cut a reassembled IPv6 copy as it arrived
 * @net: the namespace
 * @skb: the copy, consumed
 * @dev: its output
 *
 * ip6_fragment() cuts to the largest fragment received (frag_max_size);
 * it needs the copy's route.
 *
 * Return: 0, or a negative errno if it was not sent.
 */
int mcfw_fragment6(struct net *net, struct sk_buff *skb,
		   struct net_device *dev)
{
	const struct nf_ipv6_ops *v6ops = nf_get_ipv6_ops();
	struct dst_entry *dst;

	if (!skb_dst(skb)) {
		dst = mcfw_route_lookup6(net, skb, dev);
		if (!dst) {
			kfree_skb(skb);
			return -EHOSTUNREACH;
		}
		skb_dst_set(skb, dst);
	}
	if (unlikely(!v6ops || !v6ops->fragment)) {
		kfree_skb(skb);
		return -EOPNOTSUPP;
	}
	return v6ops->fragment(net, NULL, skb, mcfw_frag_output);
}

/**
 * mcfw_packet_too_big - tell an IPv6 packet's source it was too big
 * @skb: the packet as it arrived
 * @mtu: the smallest MTU of the outputs that dropped it
 *
 * Context: under RCU, BHs disabled.
 */
void mcfw_packet_too_big(struct sk_buff *skb, unsigned int mtu)
{
	if (mcfw_skb_v6(skb))
		icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0,
			    max_t(unsigned int, mtu, IPV6_MIN_MTU));
}

/* A source no router forwards from; see the comment at the top. */
static bool mcfw_martian6(const struct in6_addr *src)
{
	int type = ipv6_addr_type(src);

	return type == IPV6_ADDR_ANY ||
	       (type & (IPV6_ADDR_LOOPBACK | IPV6_ADDR_MULTICAST |
			IPV6_ADDR_LINKLOCAL | IPV6_ADDR_MAPPED));
}

/* Does ip6mr own @in (a MIF of a pim6sd or smcroute socket)? */
static bool mcfw_ip6mr_owns(struct net_device *in)
{
	struct inet6_dev *idev = __in6_dev_get(in);

	return idev && atomic_read(&idev->cnf.mc_forwarding);
}

/* The result of mcfw_exthdrs() for MLD: not forwarded, not counted. */
#define MCFW_MLD	(MCFW_C_NR + 1)

/*
 * The extension header policy: %MCFW_C_NR to forward, the counter of
 * the reason not to, or %MCFW_MLD.
 */
static unsigned int mcfw_exthdrs(const struct sk_buff *skb)
{
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	u8 _type, *type;
	__be16 frag_off;
	int off;

	if (IP6CB(skb)->flags & IP6SKB_ROUTERALERT)
		return MCFW_C_RA_DROP;
	if (likely(nexthdr == IPPROTO_UDP))
		return MCFW_C_NR;
	off = ipv6_skip_exthdr(skb, sizeof(struct ipv6hdr), &nexthdr,
			       &frag_off);
	/* Truncated; or No Next Header, which is harmless. */
	if (off < 0)
		return nexthdr == NEXTHDR_NONE ? MCFW_C_NR : MCFW_C_BADOPT_DROP;
	/* The walk reads each header's first bytes only: the last may lie. */
	if (off > skb->len)
		return MCFW_C_BADOPT_DROP;
	if (nexthdr != IPPROTO_ICMPV6 || (frag_off & htons(IP6_OFFSET)))
		return MCFW_C_NR;
	type = skb_header_pointer(skb, off, sizeof(_type), &_type);
	if (!type)
		return MCFW_C_NR;
	switch (*type) {
	case ICMPV6_MGM_QUERY:
	case ICMPV6_MGM_REPORT:
	case ICMPV6_MGM_REDUCTION:
	case ICMPV6_MLD2_REPORT:
		return MCFW_MLD;
	}
	return MCFW_C_NR;
}

/*
 * Called with rcu_read_lock() held, in softirq or process context. The
 * header was validated by ipv6_rcv(). The route is found as for IPv4
 * (see mcfw_hook_v4()): the (S,G) entry, else the (*,G) one; an (S,G)
 * entry with routes only on other inputs is an RPF failure.
 */
static unsigned int mcfw_hook_v6(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct mcfw_route *rt, *rpf = NULL;
	struct mcfw_entry *e;
	struct mcfw_net *mn;
	struct mcfw_key k;
	unsigned int why;
	u32 segs;
	u8 gen;

	if (!ipv6_addr_is_multicast(&ip6h->daddr) ||
	    IPV6_ADDR_MC_SCOPE(&ip6h->daddr) <= IPV6_ADDR_SCOPE_LINKLOCAL)
		return NF_ACCEPT;
	/* Our own multicast looped back to us is not ours to forward. */
	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return NF_ACCEPT;

	mn = mcfw_pernet(state->net);
	if (!READ_ONCE(mn->nr_routes))
		return NF_ACCEPT;
	if (unlikely(mcfw_ip6mr_owns(state->in)))
		return NF_ACCEPT;

	local_bh_disable();
	/* One generation for the whole packet: see "DOC: Locking". */
	gen = smp_load_acquire(&mn->gencursor);
	k = mcfw_key6(&ip6h->saddr, &ip6h->daddr);
	e = mcfw_entry_lookup(mn, &k);
	rt = e ? mcfw_route_on(e, state->in, gen, &rpf) : NULL;
	if (!rt && !rpf) {
		memset(&k.src, 0, sizeof(k.src));
		e = mcfw_entry_lookup(mn, &k);
		rt = e ? mcfw_route_on(e, state->in, gen, &rpf) : NULL;
	}
	if (!rt && !rpf)
		goto out;
	/* MLD (sent from link-local sources) first: it is not ours at all. */
	why = mcfw_exthdrs(skb);
	if (unlikely(why == MCFW_MLD))
		goto out;
	if (!rt) {
		/* Routes of the pair exist, but not on this input. */
		mcfw_count_n(rpf->stats, MCFW_C_RPF_FAIL,
			     mcfw_wire_of(skb).pkts);
		goto out;
	}
	/*
	 * (S,G) routes refuse martian sources: only (*,G) meets them (found
	 * by either lookup: a packet from :: has the (*,G) key).
	 */
	if (mcfw_addr_any(&e->key.src) &&
	    unlikely(mcfw_martian6(&ip6h->saddr))) {
		why = MCFW_C_MARTIAN_DROP;
		goto drop;
	}
	if (unlikely(mcfw_bounded6(rt->iif, &ip6h->daddr))) {
		why = MCFW_C_BOUNDARY_DROP;
		goto drop;
	}
	if (unlikely(why != MCFW_C_NR))
		goto drop;
	mcfw_forward(state->net, rt, rcu_dereference(rt->oifs[gen]), skb,
		     state->in, mcfw_wire_of(skb));
out:
	local_bh_enable();
	return NF_ACCEPT;

drop:
	segs = mcfw_wire_of(skb).pkts;
	mcfw_count_n(rt->stats, why, segs);
	mcfw_count_n(rt->iif->stats, why, segs);
	goto out;
}

const struct nf_hook_ops mcfw_nf_ops_v6 = {
	.hook		= mcfw_hook_v6,
	.pf		= NFPROTO_IPV6,
	.hooknum	= NF_INET_PRE_ROUTING,
	.priority	= MCFW_HOOK6_PRIORITY,
};
