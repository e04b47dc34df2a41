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
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/addrconf.h>
#include <net/ip6_fib.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/l3mdev.h>
#include <net/xfrm.h>

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
	/*
	 * ip6_fragment() gives each fragment a reference of the copy's
	 * route, which may be the output's cached one, set without: take
	 * one (NULL if the route is going: then drop the copy).
	 */
	if (unlikely(!v6ops || !v6ops->fragment || !skb_dst_force(skb))) {
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

/* Where a rewrite must update a checksum over the addresses, and how. */
static bool mcfw_l4_csum6(u8 proto, unsigned int *csum_off, bool *udp)
{
	*udp = proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE;
	switch (proto) {
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		*csum_off = offsetof(struct udphdr, check);
		return true;
	case IPPROTO_ICMPV6:
		*csum_off = offsetof(struct icmp6hdr, icmp6_cksum);
		return true;
	case IPPROTO_TCP:
		*csum_off = offsetof(struct tcphdr, check);
		return true;
	}
	return false;
}

/**
 * mcfw_translate6 - rewrite an IPv6 copy's addresses and UDP port
 * @skb: the copy (a private head: see mcfw_output())
 * @daddr: its new destination
 * @saddr: its new source, or NULL to keep it
 * @port: its UDP destination port, or 0 to keep it
 *
 * mcfw_translate() for IPv6, which has no header checksum: the transport
 * checksum, which covers the addresses in IPv6 (UDP, ICMPv6, TCP), is
 * updated incrementally after the extension headers, in the first
 * fragment only (the others get the addresses only). A UDP checksum
 * never becomes zero; CHECKSUM_PARTIAL keeps its pseudo-header sum; a
 * GSO packet other than UDP's own is refused. The copy leaves untracked.
 *
 * Return: 0, or a negative errno to drop the copy.
 */
int mcfw_translate6(struct sk_buff *skb, const struct in6_addr *daddr,
		    const struct in6_addr *saddr, __be16 port)
{
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	unsigned int csum_off = 0;
	bool l4 = false, udp = false, here = false;
	struct ipv6hdr *ip6h;
	struct udphdr *uh;
	__be16 frag_off;
	__sum16 *csum;
	int off, err;

	off = ipv6_skip_exthdr(skb, skb_network_offset(skb) + sizeof(*ip6h),
			       &nexthdr, &frag_off);
	if (off >= 0 && !(frag_off & htons(IP6_OFFSET)))
		l4 = mcfw_l4_csum6(nexthdr, &csum_off, &udp) &&
		     off + csum_off + sizeof(*csum) <= skb->len &&
		     (!udp || off + sizeof(struct udphdr) <= skb->len);
	if (unlikely(skb_is_gso(skb) &&
		     (!udp || !l4 || skb->encapsulation ||
		      !(skb_shinfo(skb)->gso_type & SKB_GSO_UDP_L4))))
		return -EOPNOTSUPP;
	err = skb_ensure_writable(skb, l4 ? off + max_t(unsigned int,
							csum_off + sizeof(*csum),
							udp ? sizeof(struct udphdr) : 0) :
				  skb_network_offset(skb) + sizeof(*ip6h));
	if (unlikely(err))
		return err;
	if (l4) {
		here = skb->ip_summed == CHECKSUM_PARTIAL &&
		       skb_checksum_start(skb) == skb->data + off &&
		       skb->csum_offset == csum_off;
		/* Offloaded for another header: complete it (it may move). */
		if (skb->ip_summed == CHECKSUM_PARTIAL && !here) {
			err = skb_checksum_help(skb);
			if (unlikely(err))
				return err;
		}
		ip6h = ipv6_hdr(skb);
		saddr = saddr ?: &ip6h->saddr;
		uh = (struct udphdr *)(skb->data + off);
		csum = (__sum16 *)(skb->data + off + csum_off);
		/* A UDP checksum of zero (tunnels only, RFC 6935) stays so. */
		if (!udp || *csum || here) {
			inet_proto_csum_replace16(csum, skb,
						  ip6h->daddr.s6_addr32,
						  daddr->s6_addr32, true);
			inet_proto_csum_replace16(csum, skb,
						  ip6h->saddr.s6_addr32,
						  saddr->s6_addr32, true);
			if (udp && port)
				inet_proto_csum_replace2(csum, skb, uh->dest,
							 port, false);
			if (udp && !*csum)
				*csum = CSUM_MANGLED_0;
		}
		if (udp && port)
			uh->dest = port;
	} else if (skb->ip_summed == CHECKSUM_PARTIAL) {
		err = skb_checksum_help(skb);
		if (unlikely(err))
			return err;
	}
	ip6h = ipv6_hdr(skb);
	ip6h->saddr = *(saddr ?: &ip6h->saddr);
	ip6h->daddr = *daddr;
	skb_clear_hash(skb);
	nf_reset_ct(skb);
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	skb_set_nfct(skb, IP_CT_UNTRACKED);
#endif
	return 0;
}

/**
 * mcfw_output_translate6 - an IPv6 output's rewrite of its copy
 * @skb: the copy
 * @oif: the output: its group and port
 * @dev: its device
 * @snat: the copy leaves with the address a datagram this host sent out
 *	of @dev to its group would have (ipv6_dev_get_saddr(); none, or a
 *	link-local one: kept)
 *
 * Context: under RCU, BHs disabled.
 * Return: 0, or a negative errno to drop the copy.
 */
int mcfw_output_translate6(struct sk_buff *skb, const struct mcfw_oif *oif,
			   const struct net_device *dev, bool snat)
{
	const struct in6_addr *daddr = &ipv6_hdr(skb)->daddr;
	struct in6_addr saddr, grp;

	if (!mcfw_addr_any(&oif->grp))
		daddr = &oif->grp.in6;
	grp = *daddr;
	/* A link-local source would not leave the next link: keep it. */
	if (snat && !ipv6_dev_get_saddr(dev_net(dev), dev, &grp, 0, &saddr) &&
	    !(ipv6_addr_type(&saddr) & IPV6_ADDR_LINKLOCAL))
		return mcfw_translate6(skb, &grp, &saddr, oif->port);
	return mcfw_translate6(skb, &grp, NULL, oif->port);
}

/**
 * mcfw_dev_mtu6 - an output's IPv6 MTU, as ip6_forward() takes it
 * @dev: the output
 *
 * Context: under RCU.
 * Return: its IPv6 MTU (mtu6, which router advertisements may lower
 * below the device's), or 0 if IPv6 is off on it (no copy goes out).
 */
unsigned int mcfw_dev_mtu6(const struct net_device *dev)
{
	struct inet6_dev *idev = __in6_dev_get(dev);

	if (!idev || READ_ONCE(idev->cnf.disable_ipv6))
		return 0;
	return READ_ONCE(idev->cnf.mtu6);
}

static void mcfw_ucast6_free_rcu(struct rcu_head *head)
{
	struct mcfw_ucast6 *u6 = container_of(head, struct mcfw_ucast6, rcu);

	dst_release(u6->dst);
	kfree(u6);
}

/**
 * mcfw_ucast6_free - free an IPv6 unicast output's route, now
 * @u6: it, or NULL
 *
 * Context: no reader can see it any more.
 */
void mcfw_ucast6_free(struct mcfw_ucast6 *u6)
{
	if (!u6)
		return;
	dst_release(u6->dst);
	kfree(u6);
}

/**
 * mcfw_unicast_dst6 - the route of an IPv6 unicast output
 * @net: the namespace
 * @oif: the output
 * @in: the route's input, whose VRF's table routes the copies
 * @saddr: where to store the source its copies leave with
 *
 * mcfw_unicast_dst() for IPv6: ip6_route_output() in the input's VRF,
 * then the IPsec policies (xfrm_lookup_route()), cached in @oif with the
 * source address chosen for it (ipv6_dev_get_saddr() on the route's
 * device) and the route's cookie, in one allocation replaced whole when
 * dst_check() finds it stale. NULL if the address has no unicast route
 * (none, a local, anycast or reject route), or no source for it.
 *
 * Context: under RCU, BHs disabled; the result is valid until it ends.
 */
struct dst_entry *mcfw_unicast_dst6(struct net *net, struct mcfw_oif *oif,
				    const struct net_device *in,
				    const struct in6_addr **saddr)
{
	struct mcfw_ucast6 *u6 = rcu_dereference(oif->u6), *old;
	struct flowi6 fl6 = {
		.daddr = oif->ucast.in6,
		.flowi6_oif = l3mdev_master_ifindex_rcu(in),
		/* Copies are UDP: IPsec policies for UDP apply to them. */
		.flowi6_proto = IPPROTO_UDP,
	};
	struct dst_entry *dst;
	struct rt6_info *rt;

	if (likely(u6 && dst_check(u6->dst, u6->cookie))) {
		*saddr = &u6->saddr;
		return u6->dst;
	}
	dst = ip6_route_output(net, NULL, &fl6);
	rt = container_of(dst, struct rt6_info, dst);
	if (dst->error ||
	    (rt->rt6i_flags & (RTF_LOCAL | RTF_ANYCAST | RTF_REJECT)))
		goto release;
	u6 = kzalloc(sizeof(*u6), GFP_ATOMIC);
	if (!u6)
		goto release;
	u6->cookie = rt6_get_cookie(rt);
	if (ipv6_dev_get_saddr(net, dst->dev, &fl6.daddr, 0, &u6->saddr))
		goto free;
	fl6.saddr = u6->saddr;
	/* An IPsec policy's bundle, or the route itself (consumed). */
	dst = xfrm_lookup_route(net, dst, flowi6_to_flowi(&fl6), NULL, 0);
	if (IS_ERR(dst)) {
		kfree(u6);
		return NULL;
	}
	u6->dst = dst;
	old = unrcu_pointer(xchg(&oif->u6, RCU_INITIALIZER(u6)));
	if (old)
		call_rcu(&old->rcu, mcfw_ucast6_free_rcu);
	*saddr = &u6->saddr;
	return dst;

free:
	kfree(u6);
release:
	dst_release(dst);
	return NULL;
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

	bool ra = IP6CB(skb)->flags & IP6SKB_ROUTERALERT;

	if (likely(nexthdr == IPPROTO_UDP))
		return ra ? MCFW_C_RA_DROP : MCFW_C_NR;
	off = ipv6_skip_exthdr(skb, sizeof(struct ipv6hdr), &nexthdr,
			       &frag_off);
	/*
	 * Truncated; or No Next Header, which is harmless (the walk leaves
	 * @nexthdr as it was then: right after the fixed header only).
	 */
	if (off < 0)
		return nexthdr == NEXTHDR_NONE ? MCFW_C_NR : MCFW_C_BADOPT_DROP;
	/* The walk reads each header's first bytes only: the last may lie. */
	if (off > skb->len)
		return MCFW_C_BADOPT_DROP;
	/* MLD (which always has a Router Alert) first: not ours at all. */
	if (nexthdr == IPPROTO_ICMPV6 && !(frag_off & htons(IP6_OFFSET))) {
		type = skb_header_pointer(skb, off, sizeof(_type), &_type);
		switch (type ? *type : 0) {
		case ICMPV6_MGM_QUERY:
		case ICMPV6_MGM_REPORT:
		case ICMPV6_MGM_REDUCTION:
		case ICMPV6_MLD2_REPORT:
			return MCFW_MLD;
		}
	}
	return ra ? MCFW_C_RA_DROP : MCFW_C_NR;
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
	rt = mcfw_lookup(mn, &k, state->in, gen, &e, &rpf);
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
