// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw - in-kernel IP multicast forwarder: the netfilter hook and replication.
 *
 * The hook sits in NF_INET_PRE_ROUTING after every other chain (priority
 * NF_IP_PRI_LAST - 1): the router's raw, mangle, NAT and filter chains
 * see each packet first, and one they drop is never forwarded. With
 * connection tracking loaded, nf_defrag has reassembled fragments by
 * then; copies of a reassembled datagram are refragmented on output by
 * the largest fragment received (IPCB frag_max_size), as ip_forward()
 * does. Without it, fragments are forwarded as they came. A packet with
 * a route is copied to each output; the original is always accepted and
 * continues into the local stack, so local listeners still receive it.
 *
 * Each copy gets a private head (the TTL and checksum are written there,
 * never into data another holder of the packet sees) and keeps the
 * original's conntrack entry, as ipmr's clones do. It then traverses the
 * FORWARD and POST_ROUTING hooks with its output device set (unless the
 * module parameter firewall is off), carrying a route to its group when
 * the namespace has such hooks (for their rt and fib expressions), gets
 * its link-layer header built directly (the multicast MAC of the group on
 * Ethernet devices, none on tunnels) and goes to dev_queue_xmit(). The
 * data after the headers is copied at most once per packet, then shared
 * by the copies (see mcfw_share_data()). No ICMP error is ever sent
 * about multicast. An output that translates (DEV@GROUP[:PORT]) rewrites
 * its copy's group and UDP port in that private head (mcfw_translate());
 * such a copy leaves untracked, and everything after the rewrite (its
 * route, its MAC, the hooks) sees the group it carries.
 */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/jiffies.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter_ipv4.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/addrconf.h>
#include <net/arp.h>
#ifdef MCFW_HAVE_NET_GSO_H	/* 6.4 moved the GSO helpers there */
#include <net/gso.h>
#endif
#include <net/ip.h>
#include <net/l3mdev.h>
#include <net/ndisc.h>
#include <net/neighbour.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "mcfw.h"

/* After defragmentation, conntrack and every chain of the router's. */
#define MCFW_HOOK_PRIORITY	(NF_IP_PRI_LAST - 1)

/* Puts the link-layer header on a copy and transmits it; consumes @skb. */
int mcfw_xmit(struct sk_buff *skb, struct net_device *dev)
{
	bool v6 = mcfw_skb_v6(skb);
	__be32 grp = v6 ? 0 : ip_hdr(skb)->daddr;
	struct neighbour *n;
	int err;

	if (!dev->header_ops)		/* tunnels, WireGuard: no L2 header */
		return dev_queue_xmit(skb);

	if (dev->type == ARPHRD_ETHER) {
		u8 mac[ETH_ALEN];

		if (v6)
			ipv6_eth_mc_map(&ipv6_hdr(skb)->daddr, mac);
		else
			ip_eth_mc_map(grp, mac);
		err = dev_hard_header(skb, dev, ntohs(skb->protocol), mac,
				      NULL, skb->len);
		if (err < 0) {
			kfree_skb(skb);
			return NET_XMIT_DROP;
		}
		return dev_queue_xmit(skb);
	}

	/* Other link layers: let the neighbour layer map the group. */
	if (v6) {
		n = __ipv6_neigh_lookup_noref(dev, &ipv6_hdr(skb)->daddr);
		if (!n)
			n = __neigh_create(&nd_tbl, &ipv6_hdr(skb)->daddr, dev,
					   false);
	} else {
		n = __ipv4_neigh_lookup_noref(dev, (__force u32)grp);
		if (!n)
			n = __neigh_create(&arp_tbl, &grp, dev, false);
	}
	if (IS_ERR(n)) {
		kfree_skb(skb);
		return NET_XMIT_DROP;
	}
	return neigh_output(n, skb, false);
}

int mcfw_frag_output(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	int ret = mcfw_xmit(skb, skb_dst(skb)->dev);

	/* net_xmit_eval() evaluates its argument twice. */
	return net_xmit_eval(ret) ? -ENOBUFS : 0;
}

/* The route to @skb's group out of @dev (a reference), or NULL. */
static struct rtable *mcfw_route_lookup(struct net *net, struct sk_buff *skb,
					struct net_device *dev)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct rtable *rt;
	struct flowi4 fl4;

	/*
	 * By group and output only (no protocol, no TOS): the route is
	 * cached per output, for every packet of the route.
	 */
	rt = ip_route_output_ports(net, &fl4, NULL, iph->daddr, 0, 0, 0, 0, 0,
				   dev->ifindex);
	if (IS_ERR(rt))
		return NULL;
	if (rt->dst.dev != dev) {
		ip_rt_put(rt);
		return NULL;
	}
	return rt;
}

/*
 * Gives a copy the route to its group out of @oif's device @dev, for the
 * hooks' rt and fib expressions and for fragmentation, as ipmr gives its
 * copies one. A multicast output route is allocated anew by every lookup
 * (it is not cached by the FIB), so @oif caches it: a valid one is used
 * without a reference (the copy is sent, or its dst forced by a queue,
 * under this RCU read section; the route is freed only after a grace
 * period); a stale one (the FIB or the device changed: dst_check()) is
 * replaced. False if there is no route (the device has no IPv4, or the
 * FIB sends the group elsewhere): the hooks' targets (MASQUERADE, REJECT,
 * TCPMSS) read the route without checking for one, so such a copy must
 * not meet them. Called under RCU.
 */
static bool mcfw_route_copy(struct net *net, struct sk_buff *skb,
			    struct mcfw_oif *oif, struct net_device *dev)
{
	struct dst_entry *dst = rcu_dereference(oif->dst), *old;
	struct rtable *rt;

	if (likely(dst && dst->dev == dev && dst_check(dst, 0))) {
		skb_dst_set_noref(skb, dst);
		return true;
	}
	rt = mcfw_route_lookup(net, skb, dev);
	if (!rt)
		return false;
	skb_dst_set(skb, dst_clone(&rt->dst));
	old = unrcu_pointer(xchg(&oif->dst, RCU_INITIALIZER(&rt->dst)));
	dst_release(old);
	return true;
}

/*
 * The route of a unicast output @oif: to its address, in the routing
 * table of the route's input @in (its VRF), as a forwarded datagram's
 * would be; cached in @oif as mcfw_route_copy() caches a group's, with
 * the source the routing table chose in @oif->saddr. dst_check() fails
 * once any route or address changes (the FIB's generation), so a stale
 * route is never used. NULL if the address is not reachable by unicast
 * (no route, a local, broadcast or blackhole route). Called under RCU;
 * the result is valid until it ends.
 */
static struct dst_entry *mcfw_unicast_dst(struct net *net,
					  struct mcfw_oif *oif,
					  const struct net_device *in)
{
	struct dst_entry *dst = rcu_dereference(oif->dst), *old;
	struct flowi4 fl4 = {
		.daddr = oif->ucast.ip,
		.flowi4_oif = l3mdev_master_ifindex_rcu(in),
		.flowi4_scope = RT_SCOPE_UNIVERSE,
		/* Copies are UDP: IPsec policies for UDP apply to them. */
		.flowi4_proto = IPPROTO_UDP,
	};
	struct rtable *rt;

	if (likely(dst && dst_check(dst, 0)))
		return dst;
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return NULL;
	if (rt->rt_type != RTN_UNICAST) {
		ip_rt_put(rt);
		return NULL;
	}
	/* An IPsec policy's bundle, or the route itself (consumed). */
	dst = xfrm_lookup_route(net, &rt->dst, flowi4_to_flowi(&fl4), NULL, 0);
	if (IS_ERR(dst))
		return NULL;
	/* Readers take the source after the route; a race reads the old. */
	WRITE_ONCE(oif->saddr, fl4.saddr);
	old = unrcu_pointer(xchg(&oif->dst, RCU_INITIALIZER(dst)));
	dst_release(old);
	return dst;
}

/*
 * A copy too big for its output without DF, or a datagram nf_defrag
 * reassembled: fragment it, as ip_forward() would (ip_do_fragment() cuts
 * to the largest fragment received, if smaller than the MTU).
 */
static int mcfw_fragment(struct net *net, struct sk_buff *skb,
			 struct net_device *dev)
{
	struct rtable *rt;

	if (!skb_dst(skb)) {
		rt = mcfw_route_lookup(net, skb, dev);
		if (!rt) {
			kfree_skb(skb);
			return -EHOSTUNREACH;
		}
		skb_dst_set(skb, &rt->dst);
	}
	return ip_do_fragment(net, NULL, skb, mcfw_frag_output);
}

/* As qdisc_pkt_len_init() counts a GSO packet for the wire. */
struct mcfw_wire mcfw_wire_of(const struct sk_buff *skb)
{
	const struct skb_shared_info *shinfo = skb_shinfo(skb);
	struct mcfw_wire w = { .pkts = 1, .bytes = skb->len };
	const struct tcphdr *th;
	unsigned int hdr, segs;
	struct tcphdr _th;
	int toff;

	if (!skb_is_gso(skb))
		return w;
	/* The headers every segment has: outer ones, tunnel, inner ones. */
	toff = skb->encapsulation ? skb_inner_transport_offset(skb) :
				    skb_transport_offset(skb);
	hdr = toff - skb_network_offset(skb);
	if (shinfo->gso_type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6)) {
		th = skb_header_pointer(skb, toff, sizeof(_th), &_th);
		if (th)
			hdr += __tcp_hdrlen(th);
	} else if (shinfo->gso_type & SKB_GSO_UDP_L4) {
		hdr += sizeof(struct udphdr);
	}
	segs = shinfo->gso_segs;
	/* From an untrusted source (virtio_net_hdr) it is to be computed. */
	if (!segs || (shinfo->gso_type & SKB_GSO_DODGY)) {
		if (skb->len <= hdr || !shinfo->gso_size)
			return w;
		segs = DIV_ROUND_UP(skb->len - hdr, shinfo->gso_size);
	}
	if (segs > 1) {
		/* skb->len holds the headers once; each segment has them. */
		w.bytes += (segs - 1) * hdr;
		w.pkts = segs;
	}
	return w;
}

bool mcfw_too_big(const struct sk_buff *skb, unsigned int mtu)
{
	if (skb_is_gso(skb))
		return !skb_gso_validate_network_len(skb, mtu);
	return skb->len > mtu;
}

/*
 * Whether @skb, too big for @mtu, is dropped rather than fragmented, as
 * ip_exceeds_mtu() decides for ip_forward(): with DF, unless nf_defrag
 * reassembled it from fragments that each fit (they are cut again to the
 * largest of them); a GRO packet whose segments do not fit is not ours
 * to cut. Multicast gets no ICMP: the copy is counted.
 */
static bool mcfw_exceeds_mtu(const struct sk_buff *skb, unsigned int mtu)
{
	u16 frag_max = IPCB(skb)->frag_max_size;

	if (likely(!mcfw_too_big(skb, mtu)))
		return false;
	if (skb_is_gso(skb))
		return true;
	if (!(ip_hdr(skb)->frag_off & htons(IP_DF)))
		return false;
	return !frag_max || frag_max > mtu;
}

/*
 * Does @iph start a datagram whose UDP (or UDP-Lite) header a translated
 * output rewrites? Fragments after the first carry no UDP header.
 */
static bool mcfw_l4_rewritable(const struct iphdr *iph)
{
	return (iph->protocol == IPPROTO_UDP ||
		iph->protocol == IPPROTO_UDPLITE) &&
	       !(iph->frag_off & htons(IP_OFFSET)) &&
	       ntohs(iph->tot_len) >= iph->ihl * 4 + sizeof(struct udphdr);
}

/*
 * A translated or unicast output's rewrite of its copy @skb (a private
 * head: see mcfw_output()), or a relay's of the datagram it consumes
 * (whose head skb_ensure_writable() unshares if it is a clone, and whose
 * CHECKSUM_COMPLETE sum the helpers below keep right): the destination address
 * @daddr, the source @saddr (0: kept) and for UDP the destination port
 * @port (0: kept), with the IP and UDP checksums updated incrementally, as
 * openvswitch's set_ipv4() and NAT's udp_manip_pkt() do (a replacement
 * by the same value changes nothing).
 *
 * - Fragments after the first get the new addresses only (their UDP
 *   header is in the first), so the receiver reassembles them.
 * - A zero UDP checksum (none) stays zero; a computed one never becomes
 *   zero (CSUM_MANGLED_0).
 * - CHECKSUM_PARTIAL (a GRO or UDP GSO packet, a local sender's offload):
 *   the field holds the pseudo-header sum, which covers the address but
 *   not the port. skb_forward_csum() has made CHECKSUM_COMPLETE none.
 * - Other protocols (multicast is UDP; no other that is forwarded has a
 *   checksum over the addresses) get the addresses in the IP header only. A
 *   GSO packet of theirs, or a UDP one that is a tunnel's, is refused:
 *   what its segments' inner checksums cover is not ours to redo.
 *
 * The copy leaves untracked: the original's conntrack entry holds the
 * original tuple, and no conntrack hook sees a forwarded copy to give it
 * an entry of its own. Return: 0, or a negative errno to drop the copy.
 */
int mcfw_translate(struct sk_buff *skb, __be32 daddr, __be32 saddr,
		   __be16 port)
{
	bool l4 = mcfw_l4_rewritable(ip_hdr(skb));
	unsigned int off = skb_network_offset(skb) + ip_hdrlen(skb);
	struct iphdr *iph;
	struct udphdr *uh;
	bool here = false;
	int err;

	if (unlikely(skb_is_gso(skb) &&
		     (!l4 || skb->encapsulation ||
		      !(skb_shinfo(skb)->gso_type & SKB_GSO_UDP_L4))))
		return -EOPNOTSUPP;
	err = skb_ensure_writable(skb, off + (l4 ? sizeof(*uh) : 0));
	if (unlikely(err))
		return err;
	if (l4) {
		here = skb->ip_summed == CHECKSUM_PARTIAL &&
		       skb_checksum_start(skb) == skb->data + off &&
		       skb->csum_offset == offsetof(struct udphdr, check);
		/*
		 * Offloaded for an inner header: complete it first. That may
		 * move the data (a shared fragment is linearised): the
		 * headers are found after it.
		 */
		if (skb->ip_summed == CHECKSUM_PARTIAL && !here) {
			err = skb_checksum_help(skb);
			if (unlikely(err))
				return err;
		}
	} else if (skb->ip_summed == CHECKSUM_PARTIAL) {
		err = skb_checksum_help(skb);
		if (unlikely(err))
			return err;
	}
	iph = ip_hdr(skb);
	saddr = saddr ?: iph->saddr;
	if (l4) {
		uh = (struct udphdr *)(skb->data + off);
		if (uh->check || here) {
			inet_proto_csum_replace4(&uh->check, skb, iph->daddr,
						 daddr, true);
			inet_proto_csum_replace4(&uh->check, skb, iph->saddr,
						 saddr, true);
			if (port)
				inet_proto_csum_replace2(&uh->check, skb,
							 uh->dest, port, false);
			if (!uh->check)
				uh->check = CSUM_MANGLED_0;
		}
		if (port)
			uh->dest = port;
	}
	csum_replace4(&iph->check, iph->daddr, daddr);
	iph->daddr = daddr;
	csum_replace4(&iph->check, iph->saddr, saddr);
	iph->saddr = saddr;
	skb_clear_hash(skb);
	nf_reset_ct(skb);
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	skb_set_nfct(skb, IP_CT_UNTRACKED);
#endif
	return 0;
}

/*
 * Below this much data after the headers, copying it per output costs
 * less than sharing it.
 */
#define MCFW_SHARE_MIN	256

/*
 * A packet whose data is all in its head (most veth, tunnel and
 * copybreak receive paths) would be copied whole for every output.
 * Instead, copy the data after the headers once, into a page fragment of
 * our own, and let every output's copy refer to it: a copy then costs a
 * small head and a page reference. The fragment is not the original's,
 * so nothing the original meets later (NAT, decryption in place, a
 * tcpdump) can change what the copies carry, and SKBFL_SHARED_FRAG tells
 * the copies' own paths not to write it in place.
 *
 * Returns a packet to copy from instead of @skb, or NULL to copy @skb.
 */
static struct sk_buff *mcfw_share_data(const struct sk_buff *skb)
{
	unsigned int hlen, plen, off;
	struct sk_buff *t;
	struct page *page;
	void *data;

	if (mcfw_skb_v6(skb)) {
		/* A copy writes the hop limit; a translated one UDP's too. */
		hlen = sizeof(struct ipv6hdr);
		if (ipv6_hdr(skb)->nexthdr == IPPROTO_UDP &&
		    skb->len >= hlen + sizeof(struct udphdr))
			hlen += sizeof(struct udphdr);
	} else {
		hlen = ip_hdrlen(skb);
		/* A translated output rewrites the UDP header: keep it. */
		if (mcfw_l4_rewritable(ip_hdr(skb)))
			hlen += sizeof(struct udphdr);
	}
	/* skb_checksum_help() wants the checksum field in the head. */
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		hlen = max_t(unsigned int, hlen,
			     skb_checksum_start_offset(skb) +
			     skb->csum_offset + sizeof(__sum16));
	/* Paged data is shared by __pskb_copy() already. */
	if (skb_is_nonlinear(skb) || skb->len < hlen + MCFW_SHARE_MIN ||
	    skb->len - hlen > PAGE_SIZE)
		return NULL;
	plen = skb->len - hlen;

	t = alloc_skb(hlen, GFP_ATOMIC);
	if (unlikely(!t))
		return NULL;
	data = netdev_alloc_frag(plen);
	if (unlikely(!data)) {
		kfree_skb(t);
		return NULL;
	}
	skb_put_data(t, skb->data, hlen);
	memcpy(data, skb->data + hlen, plen);
	page = virt_to_head_page(data);
	off = (u8 *)data - (u8 *)page_address(page);
	skb_add_rx_frag(t, 0, page, off, plen, plen);
	skb_shinfo(t)->flags |= SKBFL_SHARED_FRAG;

	/* Header offsets count from the head, which is the IP header here. */
	skb_copy_header(t, skb);
	skb_headers_offset_update(t, -(int)skb_headroom(skb));
	skb_reset_mac_header(t);
	return t;
}

/* Is @grp inside @iface's boundary? Called under RCU. */
bool mcfw_bounded(const struct mcfw_iface *iface, __be32 grp)
{
	const struct mcfw_boundary *b = rcu_dereference(iface->boundary);
	unsigned int i;

	if (likely(!b))
		return false;
	for (i = 0; i < b->n; i++)
		if (b->p[i].family == AF_INET &&
		    (grp & b->p[i].mask.ip) == b->p[i].addr.ip)
			return true;
	return false;
}

/*
 * A copy past its hooks: fragmented if it must be (too big without DF, or
 * reassembled by nf_defrag), else sent. 0, or a negative errno if it was
 * not sent.
 */
static int mcfw_finish_output(struct net *net, struct sock *sk,
			      struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	unsigned int mtu = READ_ONCE(dev->mtu);
	int ret;

	/*
	 * A unicast output's copy leaves as a forwarded datagram does, by
	 * its route's output (ip_output(): IPsec, lightweight tunnels, the
	 * next hop's neighbour, fragmentation), without POST_ROUTING a
	 * second time.
	 */
	if (unlikely(mcfw_skb_v6(skb) ?
		     !ipv6_addr_is_multicast(&ipv6_hdr(skb)->daddr) :
		     !ipv4_is_multicast(ip_hdr(skb)->daddr))) {
		if (unlikely(!skb_dst(skb))) {
			kfree_skb(skb);
			return -EHOSTUNREACH;
		}
		if (mcfw_skb_v6(skb))
			IP6CB(skb)->flags |= IP6SKB_REROUTED;
		else
			IPCB(skb)->flags |= IPSKB_REROUTED;
		ret = dst_output(net, sk, skb);
		if (ret < 0)
			return ret;
		return net_xmit_eval(ret) ? -ENOBUFS : 0;
	}
	if (mcfw_skb_v6(skb)) {
		/* Reassembled by nf_defrag_ipv6: cut as it came. */
		if (unlikely(IP6CB(skb)->frag_max_size &&
			     skb->len > IP6CB(skb)->frag_max_size))
			return mcfw_fragment6(net, skb, dev);
	} else if (unlikely(IPCB(skb)->frag_max_size ||
			    mcfw_too_big(skb, mtu))) {
		return mcfw_fragment(net, skb, dev);
	}
	/* net_xmit_eval() evaluates its argument twice. */
	ret = mcfw_xmit(skb, dev);
	return net_xmit_eval(ret) ? -ENOBUFS : 0;
}

static int mcfw_forward_finish(struct net *net, struct sock *sk,
			       struct sk_buff *skb)
{
	return NF_HOOK(mcfw_skb_nfproto(skb), NF_INET_POST_ROUTING, net, sk,
		       skb, NULL, skb->dev, mcfw_finish_output);
}

/* Does the namespace have hooks a copy traverses? Called under RCU. */
static bool mcfw_copies_hooked(const struct net *net, bool v6)
{
	if (v6)
		return rcu_access_pointer(net->nf.hooks_ipv6[NF_INET_FORWARD]) ||
		       rcu_access_pointer(net->nf.hooks_ipv6[NF_INET_POST_ROUTING]);
	return rcu_access_pointer(net->nf.hooks_ipv4[NF_INET_FORWARD]) ||
	       rcu_access_pointer(net->nf.hooks_ipv4[NF_INET_POST_ROUTING]);
}

/*
 * The source of a copy out of @dev of a route or relay with snat: the
 * address a datagram this host sent out of @dev would have
 * (inet_select_addr(): the device's primary address; without one, an
 * address of another device of its L3 domain; with none, 0 and the
 * copy keeps its source). Called under RCU.
 */
static __be32 mcfw_snat_addr(const struct net_device *dev)
{
	return inet_select_addr(dev, 0, RT_SCOPE_UNIVERSE);
}

/*
 * Sends one copy of @skb (@w on the wire, arrived on @in) out of @oif;
 * with @snat, from @oif's device's address (see mcfw_snat_addr()). An
 * IPv6 copy too big for its output is dropped (routers do not fragment
 * IPv6): *@ptb gets the smallest such MTU, for mcfw_replicate() to tell
 * the source. Called with BHs disabled, under RCU.
 */
static void mcfw_output(struct net *net, struct sk_buff *skb,
			struct net_device *in, struct mcfw_wire w,
			struct mcfw_oif *oif, bool snat, unsigned int *ptb)
{
	bool v6 = mcfw_skb_v6(skb);
	const struct in6_addr *usrc6 = NULL;
	struct dst_entry *udst = NULL;
	enum mcfw_counter why;
	struct net_device *dev;
	struct sk_buff *nskb;
	unsigned int mtu;
	int err;

	if (mcfw_hops(skb) <= oif->ttl) {
		why = MCFW_C_SCOPE_DROP;
		goto drop;
	}
	if (unlikely(oif->unicast)) {
		/* Routed: the route says which device, and its MTU. */
		udst = v6 ? mcfw_unicast_dst6(net, oif, in, &usrc6) :
			    mcfw_unicast_dst(net, oif, in);
		if (unlikely(!udst)) {
			why = MCFW_C_DOWN_DROP;
			goto drop;
		}
		dev = udst->dev;
		mtu = dst_mtu(udst);
	} else {
		dev = rcu_dereference(oif->iface->dev);
		/* The group the copy carries on the wire. */
		if (unlikely(v6 ? mcfw_bounded6(oif->iface,
						mcfw_addr_any(&oif->grp) ?
						&ipv6_hdr(skb)->daddr :
						&oif->grp.in6) :
				  mcfw_bounded(oif->iface,
					       oif->grp.ip ?: ip_hdr(skb)->daddr))) {
			why = MCFW_C_BOUNDARY_DROP;
			goto drop;
		}
		/* An absent output waits in place. */
		if (unlikely(!dev || !netif_running(dev) ||
			     !netif_carrier_ok(dev))) {
			why = MCFW_C_DOWN_DROP;
			goto drop;
		}
		mtu = v6 ? mcfw_dev_mtu6(dev) : READ_ONCE(dev->mtu);
		if (unlikely(!mtu)) {		/* IPv6 is off on it */
			why = MCFW_C_DOWN_DROP;
			goto drop;
		}
	}
	if (unlikely(v6 ? mcfw_exceeds_mtu6(skb, mtu) :
			  mcfw_exceeds_mtu(skb, mtu))) {
		if (v6)
			*ptb = min(*ptb, mtu);
		why = MCFW_C_MTU_DROP;
		goto drop;
	}

	/* A private head with room for the link-layer header; pages shared. */
	nskb = __pskb_copy(skb, LL_RESERVED_SPACE(dev), GFP_ATOMIC);
	if (unlikely(!nskb)) {
		why = MCFW_C_XMIT_DROP;
		goto drop;
	}
	/* __pskb_copy() keeps the header offsets of the old headroom. */
	skb_headers_offset_update(nskb, skb_headroom(nskb) - skb_headroom(skb));
	/* Pages are shared with the other copies, and maybe the original. */
	if (skb_shinfo(nskb)->nr_frags)
		skb_shinfo(nskb)->flags |= SKBFL_SHARED_FRAG;
	/*
	 * Not skb_scrub_packet(): the copy keeps its conntrack entry. It
	 * drops the original's dst, if it had one in PRE_ROUTING (a
	 * collect_md tunnel's metadata, br_netfilter's fake route): the copy
	 * gets its own route below.
	 */
	skb_dst_drop(nskb);
	skb_ext_reset(nskb);
	nskb->pkt_type = PACKET_HOST;
	nskb->skb_iif = 0;
	nf_reset_trace(nskb);
#ifdef CONFIG_NET_SWITCHDEV
	nskb->offload_fwd_mark = 0;
	nskb->offload_l3_fwd_mark = 0;
#endif
	skb_clear_tstamp(nskb);
	nskb->dev = dev;
	skb_forward_csum(nskb);
	if (v6) {
		/* Reassembled by nf_defrag_ipv6: refragmented on output. */
		nskb->ignore_df = !!IP6CB(nskb)->frag_max_size;
		IP6CB(nskb)->flags |= IP6SKB_FORWARDED;
		ipv6_hdr(nskb)->hop_limit--;
	} else {
		nskb->ignore_df = 0;
		IPCB(nskb)->flags |= IPSKB_FORWARDED;
		ip_decrease_ttl(ip_hdr(nskb));
	}
	if (unlikely(mcfw_oif_translates(oif) || snat)) {
		if (v6 && oif->unicast)
			err = mcfw_translate6(nskb, &oif->ucast.in6, usrc6,
					      oif->port);
		else if (v6)
			err = mcfw_output_translate6(nskb, oif, dev, snat);
		else if (oif->unicast)
			err = mcfw_translate(nskb, oif->ucast.ip,
					     READ_ONCE(oif->saddr), oif->port);
		else
			err = mcfw_translate(nskb,
					     oif->grp.ip ?: ip_hdr(nskb)->daddr,
					     snat ? mcfw_snat_addr(dev) : 0,
					     oif->port);
		if (unlikely(err)) {
			kfree_skb(nskb);
			why = MCFW_C_XMIT_DROP;
			goto drop;
		}
	}
	/* Valid under this RCU read section, as mcfw_route_copy()'s. */
	if (unlikely(udst))
		skb_dst_set_noref(nskb, udst);

	if (likely(READ_ONCE(mcfw_firewall))) {
		/* A route for the hooks' rt and fib expressions. */
		if (!udst && mcfw_copies_hooked(net, v6) &&
		    unlikely(v6 ? !mcfw_route_copy6(net, nskb, oif, dev) :
				  !mcfw_route_copy(net, nskb, oif, dev))) {
			kfree_skb(nskb);
			why = MCFW_C_XMIT_DROP;
			goto drop;
		}
		err = NF_HOOK(mcfw_skb_nfproto(nskb), NF_INET_FORWARD, net, NULL,
			      nskb, in, dev, mcfw_forward_finish);
	} else {
		/* No hook confirms it: the copy must not hold it unconfirmed. */
		nf_reset_ct(nskb);
		err = mcfw_finish_output(net, NULL, nskb);
	}
	/* A hook dropped it (-EPERM), or it was not sent. */
	if (unlikely(err < 0)) {
		why = err == -EPERM ? MCFW_C_FILTER_DROP : MCFW_C_XMIT_DROP;
		goto drop;
	}

	/* A unicast output has no interface of ours to count on. */
	if (likely(oif->iface))
		mcfw_count2(oif->iface->stats, MCFW_C_OUT_PACKETS, w.pkts,
			    MCFW_C_OUT_BYTES, w.bytes);
	return;

drop:
	/*
	 * The output's copies sent are what it was handed less these: the
	 * handing (mcfw_forward()) is seen first; pairs with smp_rmb() in
	 * mcfw_oif_read().
	 */
	smp_mb__before_atomic();
	atomic64_add(w.pkts, &oif->stats->drops);
	atomic64_add(w.bytes, &oif->stats->drop_bytes);
	if (likely(oif->iface))
		mcfw_count_n(oif->iface->stats, why, w.pkts);
}

/*
 * A route's rate limit, the generic cell rate algorithm: a packet passes
 * unless the bucket owes its burst or more; one that passes adds its
 * cost at the rate (ns for its segments, or its bytes, as the kernel's
 * packet schedulers compute it). Packets over the rate do not write: a
 * flood of them, on any number of CPUs, only reads @r->tat, and writes
 * happen at most at the configured rate.
 */
static bool mcfw_rate_allow(struct mcfw_rate *r, struct mcfw_wire w)
{
	s64 now = ktime_get_mono_fast_ns();
	s64 tat = atomic64_read(&r->tat);
	s64 cost;

	cost = r->pkts ? psched_pkt2t_ns(&r->pr, w.pkts) :
			 psched_l2t_ns(&r->br, w.bytes);
	do {
		if (tat - now >= (s64)r->burst)
			return false;
	} while (!atomic64_try_cmpxchg(&r->tat, &tat, max(tat, now) + cost));
	return true;
}

/**
 * mcfw_forward - forward a packet by its route
 * @net: the namespace
 * @rt: the route
 * @oifs: its outputs in the packet's generation
 * @skb: the packet, IPv4 or IPv6, which stays the caller's
 * @in: the device it arrived on
 * @w: what it stands for on the wire
 *
 * Context: bottom halves disabled, under RCU.
 */
void mcfw_forward(struct net *net, struct mcfw_route *rt,
		  struct mcfw_oifs *oifs, struct sk_buff *skb,
		  struct net_device *in, struct mcfw_wire w)
{
	mcfw_count2(rt->stats, MCFW_C_PACKETS, w.pkts, MCFW_C_BYTES, w.bytes);
	mcfw_count2(rt->iif->stats, MCFW_C_PACKETS, w.pkts, MCFW_C_BYTES,
		    w.bytes);
	/* Written only when it changes: most packets leave the line clean. */
	if (READ_ONCE(rt->lastuse) != (jiffies | 1))
		WRITE_ONCE(rt->lastuse, jiffies | 1);

	/* Never an ICMP Time Exceeded about multicast (RFC 1812, 4443). */
	if (mcfw_hops(skb) <= 1) {
		mcfw_count_n(rt->stats, MCFW_C_TTL_DROP, w.pkts);
		mcfw_count_n(rt->iif->stats, MCFW_C_TTL_DROP, w.pkts);
		return;
	}
	if (unlikely(oifs->rate.pkts | oifs->rate.bits) &&
	    !mcfw_rate_allow(&oifs->rate, w)) {
		mcfw_count_n(rt->stats, MCFW_C_RATE_DROP, w.pkts);
		mcfw_count_n(rt->iif->stats, MCFW_C_RATE_DROP, w.pkts);
		return;
	}

	mcfw_replicate(net, oifs, skb, in, w);
}

/**
 * mcfw_replicate - send a copy of a packet out of each output
 * @net: the namespace
 * @oifs: the outputs (a route's or a relay's)
 * @skb: the packet, which stays the caller's
 * @in: the device it arrived on
 * @w: what it stands for on the wire
 *
 * Context: bottom halves disabled, under RCU.
 */
void mcfw_replicate(struct net *net, struct mcfw_oifs *oifs,
		    struct sk_buff *skb, struct net_device *in,
		    struct mcfw_wire w)
{
	unsigned int i, ptb = UINT_MAX;
	struct sk_buff *shared = NULL;

	/* Handed to every output: each counts its copies sent from this. */
	mcfw_count2(oifs->fwd, MCFW_C_PACKETS, w.pkts, MCFW_C_BYTES, w.bytes);
	if (oifs->n > 1)
		shared = mcfw_share_data(skb);
	for (i = 0; i < oifs->n; i++)
		mcfw_output(net, shared ?: skb, in, w, &oifs->oif[i],
			    oifs->snat, &ptb);
	consume_skb(shared);
	/* One Packet Too Big per packet, however many outputs refused it. */
	if (unlikely(ptb != UINT_MAX))
		mcfw_packet_too_big(skb, ptb);
}

/*
 * The route of @e active in @gen whose input is @in; *@any is set to the
 * first active route of @e on another input, for the RPF count. Called
 * under RCU.
 */
static struct mcfw_route *mcfw_route_on(const struct mcfw_entry *e,
					const struct net_device *in, u8 gen,
					struct mcfw_route **any)
{
	struct mcfw_route *rt;

	hlist_for_each_entry_rcu(rt, &e->routes, enode) {
		if (!mcfw_route_active(rt, gen))
			continue;
		if (rcu_access_pointer(rt->iif->dev) == in)
			return rt;
		if (!*any)
			*any = rt;
	}
	return NULL;
}

/**
 * mcfw_lookup - the route of a packet, as the kernel's multicast routing
 *	finds it
 * @mn: the namespace's state
 * @k: the packet's family, source and group; its source is cleared when
 *	the (*,G) entry is looked up
 * @in: the device it arrived on
 * @gen: the generation of the table it sees
 * @ep: where to store the entry the route was found in
 * @rpf: where to store a route of the pair on another input, when none
 *	is on @in (an RPF failure); NULL on entry
 *
 * The (S,G) entry first. An (S,G) route claims S's packets of G:
 * arriving on an input none of the entry's routes has (or while its
 * route waits for its input), they failed the RPF check, and no (*,G)
 * route of that input forwards them, so a wildcard cannot make a loop.
 * Only without an (S,G) route is the (*,G) entry looked up. Each is one
 * hash lookup and a walk of that entry's routes, one per input, whatever
 * the source: a flood of spoofed sources costs each packet the same.
 *
 * Context: under RCU, BHs disabled.
 * Return: the route, or NULL.
 */
struct mcfw_route *mcfw_lookup(struct mcfw_net *mn, struct mcfw_key *k,
			       const struct net_device *in, u8 gen,
			       struct mcfw_entry **ep, struct mcfw_route **rpf)
{
	struct mcfw_entry *e = mcfw_entry_lookup(mn, k);
	struct mcfw_route *rt = e ? mcfw_route_on(e, in, gen, rpf) : NULL;

	if (!rt && !*rpf) {
		memset(&k->src, 0, sizeof(k->src));
		e = mcfw_entry_lookup(mn, k);
		rt = e ? mcfw_route_on(e, in, gen, rpf) : NULL;
	}
	*ep = e;
	return rt;
}

/*
 * A source no router forwards from, as ip_route_input_mc() refuses it:
 * 0.0.0.0/8, 127.0.0.0/8 (unless the input routes localnet), multicast
 * and the limited broadcast address.
 */
static bool mcfw_martian(__be32 src, const struct net_device *in)
{
	struct in_device *in_dev;

	if (ipv4_is_loopback(src)) {
		in_dev = __in_dev_get_rcu(in);
		return !in_dev || !IN_DEV_ROUTE_LOCALNET(in_dev);
	}
	return mcfw_is_zeronet(src) || ipv4_is_multicast(src) ||
	       ipv4_is_lbcast(src);
}

/*
 * The options policy: the counter of the reason a packet with options is
 * not forwarded, or %MCFW_C_NR to forward it as it is. Malformed options
 * (as ip_options_compile() would refuse them: a length past the header,
 * a pointer before the data) first; then Router Alert, which is for the
 * local stack (RFC 2113); then source routing the input does not accept
 * (accept_source_route, as ip_rcv_options() has it); then Record Route
 * and Timestamp, which each copy would have to fill in for its own
 * output: dropped rather than forwarded wrong. Other options (NOP, End,
 * security, stream ID...) are forwarded as they came.
 */
static enum mcfw_counter mcfw_options(const struct sk_buff *skb,
				      struct net_device *in)
{
	const u8 *p = skb_network_header(skb) + sizeof(struct iphdr);
	int left = ip_hdrlen(skb) - sizeof(struct iphdr);
	bool ra = false, srr = false, record = false;
	struct in_device *in_dev;
	u8 len;

	while (left > 0 && p[0] != IPOPT_END) {
		if (p[0] == IPOPT_NOOP) {
			p++;
			left--;
			continue;
		}
		if (left < 2 || p[1] < 2 || p[1] > left)
			return MCFW_C_BADOPT_DROP;
		len = p[1];
		switch (p[0]) {
		case IPOPT_RA:
			if (len != 4)
				return MCFW_C_BADOPT_DROP;
			ra = true;
			break;
		case IPOPT_LSRR:
		case IPOPT_SSRR:
		case IPOPT_RR:
			if (len < 3 || p[2] < 4)
				return MCFW_C_BADOPT_DROP;
			if (p[0] == IPOPT_RR)
				record = true;
			else
				srr = true;
			break;
		case IPOPT_TIMESTAMP:
			if (len < 4 || p[2] < 5)
				return MCFW_C_BADOPT_DROP;
			record = true;
			break;
		}
		p += len;
		left -= len;
	}
	if (ra)
		return MCFW_C_RA_DROP;
	if (srr) {
		in_dev = __in_dev_get_rcu(in);
		if (!in_dev || !IN_DEV_SOURCE_ROUTE(in_dev))
			return MCFW_C_SRR_DROP;
	}
	return record ? MCFW_C_RECORD_DROP : MCFW_C_NR;
}

/*
 * Does the kernel's multicast routing own @in (a VIF of an mrouted or
 * pimd socket: its mc_forwarding is set)? Then ipmr forwards what
 * arrives there, after PRE_ROUTING, and mcfw leaves it alone: the two
 * never both forward one packet.
 */
static bool mcfw_ipmr_owns(struct net_device *in)
{
	struct in_device *in_dev = __in_dev_get_rcu(in);

	return in_dev && IN_DEV_MFORWARD(in_dev);
}

/*
 * Called with rcu_read_lock() held, in softirq or process context.
 *
 * The header was validated by ip_rcv(); fragments and short L4 data
 * reach here and are forwarded as they are, options as mcfw_options()
 * has it.
 *
 * The route is found by mcfw_lookup(), as the kernel's multicast
 * routing finds it.
 */
static unsigned int mcfw_hook_v4(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct mcfw_route *rt, *rpf = NULL;
	enum mcfw_counter why;
	struct mcfw_entry *e;
	struct mcfw_net *mn;
	struct mcfw_key k;
	u32 segs;
	u8 gen;

	/* 224.0.0.0/24 is link-local: never forwarded (RFC 5771). */
	if (!ipv4_is_multicast(iph->daddr) ||
	    ipv4_is_local_multicast(iph->daddr))
		return NF_ACCEPT;
	/* IGMP is the local stack's: reports are sent to the group itself. */
	if (iph->protocol == IPPROTO_IGMP)
		return NF_ACCEPT;
	/* Our own multicast looped back to us is not ours to forward. */
	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return NF_ACCEPT;

	mn = mcfw_pernet(state->net);
	if (!READ_ONCE(mn->nr_routes))
		return NF_ACCEPT;
	/* ipmr's VIFs are its own: not forwarded, not counted. */
	if (unlikely(mcfw_ipmr_owns(state->in)))
		return NF_ACCEPT;

	local_bh_disable();
	/* One generation for the whole packet: see "DOC: Locking". */
	gen = smp_load_acquire(&mn->gencursor);
	k = mcfw_key4(iph->saddr, iph->daddr);
	rt = mcfw_lookup(mn, &k, state->in, gen, &e, &rpf);
	/*
	 * (S,G) routes refuse martian sources: only (*,G) meets them (found
	 * by either lookup: a packet from 0.0.0.0 has the (*,G) key).
	 */
	if (rt && !e->key.src.ip &&
	    unlikely(mcfw_martian(iph->saddr, state->in))) {
		why = MCFW_C_MARTIAN_DROP;
		goto drop;
	}
	if (rt && unlikely(mcfw_bounded(rt->iif, iph->daddr))) {
		why = MCFW_C_BOUNDARY_DROP;
		goto drop;
	}
	if (rt && unlikely(iph->ihl > 5)) {
		why = mcfw_options(skb, state->in);
		if (why != MCFW_C_NR)
			goto drop;
	}
	if (likely(rt))
		mcfw_forward(state->net, rt, rcu_dereference(rt->oifs[gen]), skb,
			     state->in, mcfw_wire_of(skb));
	else if (rpf)
		/* Routes of the pair exist, but not on this input. */
		mcfw_count_n(rpf->stats, MCFW_C_RPF_FAIL, mcfw_wire_of(skb).pkts);
out:
	local_bh_enable();

	return NF_ACCEPT;

drop:
	segs = mcfw_wire_of(skb).pkts;
	mcfw_count_n(rt->stats, why, segs);
	mcfw_count_n(rt->iif->stats, why, segs);
	goto out;
}

static const struct nf_hook_ops mcfw_nf_ops_v4 = {
	.hook		= mcfw_hook_v4,
	.pf		= NFPROTO_IPV4,
	.hooknum	= NF_INET_PRE_ROUTING,
	.priority	= MCFW_HOOK_PRIORITY,
};

/**
 * mcfw_hook_register - start seeing a namespace's IPv4 and IPv6 packets
 * @mn: the namespace's state
 *
 * Context: process context, from pernet init.
 * Return: 0 or a negative errno.
 */
int mcfw_hook_register(struct mcfw_net *mn)
{
	int err;

	err = nf_register_net_hook(mn->net, &mcfw_nf_ops_v4);
	if (err)
		return err;
	err = nf_register_net_hook(mn->net, &mcfw_nf_ops_v6);
	if (err)
		goto v4;
	err = nf_register_net_hook(mn->net, &mcfw_relay_nf_ops);
	if (err)
		goto v6;
	err = nf_register_net_hook(mn->net, &mcfw_relay_nf_ops6);
	if (err)
		goto relay;
	return 0;
relay:
	nf_unregister_net_hook(mn->net, &mcfw_relay_nf_ops);
v6:
	nf_unregister_net_hook(mn->net, &mcfw_nf_ops_v6);
v4:
	nf_unregister_net_hook(mn->net, &mcfw_nf_ops_v4);
	return err;
}

/**
 * mcfw_hook_unregister - stop seeing a namespace's packets
 * @mn: the namespace's state
 *
 * Only called for namespaces whose mcfw_hook_register() succeeded.
 * Hooks already running may still be using @mn when this returns; the
 * caller waits for an RCU grace period before freeing what they read.
 *
 * Context: process context, from pernet pre_exit.
 */
void mcfw_hook_unregister(struct mcfw_net *mn)
{
	nf_unregister_net_hook(mn->net, &mcfw_relay_nf_ops6);
	nf_unregister_net_hook(mn->net, &mcfw_relay_nf_ops);
	nf_unregister_net_hook(mn->net, &mcfw_nf_ops_v6);
	nf_unregister_net_hook(mn->net, &mcfw_nf_ops_v4);
}
