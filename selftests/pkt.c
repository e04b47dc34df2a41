// SPDX-License-Identifier: GPL-2.0
/*
 * pkt - hand-made IPv4 multicast frames for mcfw's selftests, sent and
 * checked with AF_PACKET, below every socket layer that would refuse or
 * repair them.
 *
 *   pkt send DEV CASE...       one frame of each CASE out of DEV
 *   pkt capture DEV SECONDS [IDLE_MS]
 *                              every IPv4 frame to 239.20.0.1 that
 *                              arrives on DEV for SECONDS (or until none
 *                              came for IDLE_MS after the last), one
 *                              line each
 *   pkt list                   the cases
 *   pkt send6 DEV GROUP [-S SRC] [-p PORT] [-n COUNT] [-s SIZE] [-t HLIM]
 *             [-a] [-d N] [-x | -X] [-m TYPE] [-r PPS]
 *                              IPv6 frames to GROUP out of DEV (below)
 *   pkt capture6 DEV GROUP SECONDS [IDLE_MS]
 *                              every IPv6 frame to GROUP that arrives on
 *                              DEV, checked, one line each (below)
 *
 * Each case's frame is to group 239.20.0.1 from 10.1.0.2, with the case's
 * number as its IP identification and a payload derived from it, so that
 * capture can rebuild what was sent and compare. capture prints
 *
 *   case NAME ttl T iplen L ok        (or "bad: WHAT")
 *
 * where ok means: a sound IPv4 header (version 4, IHL >= 5, tot_len no
 * more than the frame and no less than the header, a right checksum) and
 * every byte but TTL and checksum as the case sent it, nothing after
 * tot_len.
 *
 * IPv6: send6 sends COUNT frames (default 1; paced at PPS if given) to
 * GROUP from SRC (default: DEV's first address that is not link-local;
 * any address may be given, "::" or a link-local one among them) with
 * hop limit HLIM (default 64), each of these headers in this order:
 *   -a     a Hop-by-Hop Options header holding a Router Alert (RFC 2711,
 *          value 0: MLD)
 *   -d N   N Destination Options headers, 8 bytes each (a PadN)
 *   -x     a Destination Options header cut short: it says 2048 bytes,
 *          the frame ends 8 bytes into it (the payload length is the
 *          frame's: only the extension header is truncated); nothing
 *          follows it. Its next header is the upper layer's (UDP, or
 *          ICMPv6 with -m): the chain ends past the frame
 *   -X     the same, its next header another Destination Options
 *          header: the chain goes on past the frame
 * then, unless -x, a UDP datagram to PORT (default 5001) of SIZE payload
 * bytes (default 64) numbered and patterned as selftests/mcast sends
 * them (so mcast recv counts them and checks the payload), with a right
 * checksum; or with -m TYPE an ICMPv6 message of TYPE instead: 130, 131
 * and 132 are MLDv1 query, report and done for GROUP, 143 an MLDv2
 * report (one record: change to exclude, GROUP), 128 an echo request
 * with SIZE bytes of data, any other type 4 zero bytes and SIZE of
 * data. The Ethernet destination is GROUP's (33:33:...), the source
 * DEV's address.
 *
 * capture6 prints, for each frame to GROUP that arrives on DEV,
 *
 *   frame hlim H plen L exthdrs N udp ok    (or icmp6 TYPE, proto P;
 *                                            "bad: WHAT" for ok)
 *
 * where N counts the extension headers before the upper layer and ok
 * means: a sound IPv6 header (version 6, the payload length the frame's),
 * every extension header whole, and for UDP a right checksum, a length
 * the datagram's and the payload mcast (or send6) sends; for ICMPv6 a
 * right checksum.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/types.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define GROUP		"239.20.0.1"
#define SOURCE		"10.1.0.2"
#define TTL		64

/* How a case's frame differs from a plain UDP datagram. */
struct pcase {
	const char *name;
	unsigned int ihl;	/* header length in words */
	unsigned int iplen;	/* tot_len; 0: the whole IP part */
	unsigned int datalen;	/* bytes after the IP header in the frame */
	unsigned int framelen;	/* Ethernet frame, 0: header and IP part */
	unsigned int version;
	unsigned short frag;	/* frag_off, host order */
	bool badsum;
	const char *why;	/* what it tests */
	const char *saddr;	/* NULL: SOURCE */
	unsigned char proto;	/* 0: UDP */
	const char *opts;	/* the options, NULL: a Router Alert */
};

static const struct pcase cases[] = {
	{ "udp",      5, 0,  8 + 64,   0, 4, 0, false, "a plain datagram" },
	{ "big",      5, 0,  8 + 1400, 0, 4, 0, false, "a full-size datagram" },
	{ "options",  6, 0,  8 + 32,   0, 4, 0, false, "IP options (router alert)" },
	{ "hdronly",  5, 0,  0,        0, 4, 0, false, "an IP header and nothing else" },
	{ "l4short",  5, 0,  4,        0, 4, 0, false, "half a UDP header" },
	{ "frag1",    5, 0,  8 + 64,   0, 4, IP_MF, false, "a first fragment" },
	{ "frag2",    5, 0,  32,       0, 4, 9, false, "a last fragment" },
	{ "padded",   5, 28, 8,        60, 4, 0, false, "a frame padded past tot_len" },
	{ "badsum",   5, 0,  8 + 16,   0, 4, 0, true,  "a wrong header checksum" },
	{ "longlen",  5, 200, 8 + 16,  0, 4, 0, false, "tot_len past the frame" },
	{ "shortlen", 5, 16, 8 + 16,   0, 4, 0, false, "tot_len shorter than the header" },
	{ "ihl4",     4, 0,  8 + 16,   0, 4, 0, false, "IHL 4" },
	{ "ihl15",   15, 40, 0,        0, 4, 0, false, "IHL 15, past tot_len" },
	{ "version6", 5, 0,  8 + 16,   0, 6, 0, false, "version 6 in an IPv4 frame" },
	{ "runt",     5, 0,  0,        14 + 12, 4, 0, false, "a frame shorter than an IP header" },
	/* Sound frames no router forwards (martian sources, IGMP). */
	{ "src0",     5, 0,  8 + 16,   0, 4, 0, false, "a source in 0.0.0.0/8",
	  .saddr = "0.1.2.3" },
	{ "srcany",   5, 0,  8 + 16,   0, 4, 0, false, "the source 0.0.0.0",
	  .saddr = "0.0.0.0" },
	{ "srclo",    5, 0,  8 + 16,   0, 4, 0, false, "a loopback source",
	  .saddr = "127.0.0.1" },
	{ "srcmc",    5, 0,  8 + 16,   0, 4, 0, false, "a multicast source",
	  .saddr = "224.1.2.3" },
	{ "srcbc",    5, 0,  8 + 16,   0, 4, 0, false, "the broadcast source",
	  .saddr = "255.255.255.255" },
	{ "igmp",     5, 0,  8,        0, 4, 0, false, "IGMP to the group",
	  .proto = 2 },
	/* Options other than a Router Alert (the "options" case). */
	{ "optnop",   6, 0,  8 + 16,   0, 4, 0, false, "options: NOPs and End",
	  .opts = "\x01\x01\x01\x00" },
	{ "optlsrr",  7, 0,  8 + 16,   0, 4, 0, false, "options: loose source route",
	  .opts = "\x83\x07\x04\x0a\x02\x00\x02\x00" },
	{ "optrr",    7, 0,  8 + 16,   0, 4, 0, false, "options: record route",
	  .opts = "\x07\x07\x04\x00\x00\x00\x00\x00" },
	{ "optts",    7, 0,  8 + 16,   0, 4, 0, false, "options: timestamp",
	  .opts = "\x44\x08\x05\x00\x00\x00\x00\x00" },
	{ "optbad",   6, 0,  8 + 16,   0, 4, 0, false, "options: a length past the header",
	  .opts = "\x44\x0a\x05\x00" },
};

static void die(const char *what)
{
	fprintf(stderr, "pkt: %s: %s\n", what, strerror(errno));
	exit(1);
}

static unsigned short csum(const void *p, size_t len)
{
	const unsigned char *b = p;
	unsigned long s = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (b[i] << 8) | b[i + 1];
	if (len & 1)
		s += b[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons(~s & 0xffff);
}

/*
 * The frame of case @c (number @id) in @f; returns its length. The IP
 * part is built whole (header, options, data), then cut or padded as the
 * case says.
 */
static size_t build(const struct pcase *c, unsigned int id, unsigned char *f)
{
	unsigned int hlen = c->ihl * 4, i, full;
	unsigned char *ip = f + ETH_HLEN, *data;
	struct iphdr *h = (struct iphdr *)ip;
	in_addr_t g = inet_addr(GROUP);

	memset(f, 0, 2048);
	/* 01:00:5e + the group's low 23 bits; a locally administered source. */
	f[0] = 0x01; f[1] = 0x00; f[2] = 0x5e;
	f[3] = ((unsigned char *)&g)[1] & 0x7f;
	f[4] = ((unsigned char *)&g)[2];
	f[5] = ((unsigned char *)&g)[3];
	f[6] = 0x02; f[7] = 0x6d; f[8] = 0x63; f[9] = 0x66; f[10] = 0x77;
	f[11] = id;
	f[12] = ETH_P_IP >> 8;
	f[13] = ETH_P_IP & 0xff;

	full = (hlen < 20 ? 20 : hlen) + c->datalen;
	h->version = c->version;
	h->ihl = c->ihl;
	h->tot_len = htons(c->iplen ?: full);
	h->id = htons(id);
	h->frag_off = htons(c->frag);
	h->ttl = TTL;
	h->protocol = c->proto ?: IPPROTO_UDP;
	h->saddr = inet_addr(c->saddr ?: SOURCE);
	h->daddr = g;
	if (c->opts && hlen > 20) {
		memcpy(ip + 20, c->opts, hlen - 20);
	} else if (hlen > 20 && hlen <= 24) {
		/* Router alert (RFC 2113): type 148, length 4, value 0. */
		ip[20] = 148;
		ip[21] = 4;
	}
	data = ip + (hlen < 20 ? 20 : hlen);
	if (c->datalen >= 8 && !(c->frag & 0x1fff) && !c->proto) {
		/* A UDP header to port 5001, without a checksum. */
		data[0] = 5001 >> 8; data[1] = 5001 & 0xff;
		data[2] = 5001 >> 8; data[3] = 5001 & 0xff;
		data[4] = c->datalen >> 8; data[5] = c->datalen & 0xff;
		i = 8;
	} else {
		i = 0;
	}
	for (; i < c->datalen; i++)
		data[i] = (unsigned char)(id * 31 + i);
	h->check = 0;
	h->check = csum(ip, hlen < 20 ? 20 : hlen > full ? full : hlen);
	if (c->badsum)
		h->check ^= 0x5a5a;
	return c->framelen ?: ETH_HLEN + full;
}

static int open_on(const char *dev)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
	};
	int fd;

	sll.sll_ifindex = if_nametoindex(dev);
	if (!sll.sll_ifindex)
		die(dev);
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0)
		die("socket");
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind");
	return fd;
}

static const struct pcase *find(const char *name, unsigned int *id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (!strcmp(cases[i].name, name)) {
			*id = i + 1;
			return &cases[i];
		}
	}
	return NULL;
}

static int do_send(const char *dev, int n, char **names)
{
	static unsigned char f[2048];
	const struct pcase *c;
	unsigned int id;
	int fd, i;
	size_t len;

	fd = open_on(dev);
	for (i = 0; i < n; i++) {
		c = find(names[i], &id);
		if (!c) {
			fprintf(stderr, "pkt: no case %s\n", names[i]);
			return 2;
		}
		len = build(c, id, f);
		if (send(fd, f, len, 0) != (ssize_t)len)
			die(names[i]);
	}
	close(fd);
	return 0;
}

/* What is wrong with frame @f of @len bytes, or NULL. */
static const char *check(const unsigned char *f, size_t len, const char **name,
			 unsigned int *ttl, unsigned int *iplen)
{
	static unsigned char want[2048];
	const struct iphdr *h = (const struct iphdr *)(f + ETH_HLEN);
	const struct iphdr *w = (const struct iphdr *)(want + ETH_HLEN);
	unsigned int id, hlen, tot;
	const struct pcase *c;

	*name = "?";
	if (len < ETH_HLEN + 20)
		return "shorter than an IP header";
	id = ntohs(h->id);
	if (id < 1 || id > ARRAY_SIZE(cases))
		return "no case's identification";
	c = &cases[id - 1];
	*name = c->name;
	hlen = h->ihl * 4;
	tot = ntohs(h->tot_len);
	*ttl = h->ttl;
	*iplen = tot;
	if (h->version != 4 || hlen < 20)
		return "not a sound IPv4 header";
	if (tot < hlen || tot > len - ETH_HLEN)
		return "tot_len outside the frame";
	if (len - ETH_HLEN != tot)
		return "bytes after tot_len";
	if (csum(h, hlen) != 0)
		return "wrong header checksum";
	build(c, id, want);
	if (ntohs(w->tot_len) != tot)
		return "not the length the case sent";
	if (memcmp(f + ETH_HLEN + 9, want + ETH_HLEN + 9, 1) ||
	    memcmp(f + ETH_HLEN, want + ETH_HLEN, 8) ||
	    memcmp(f + ETH_HLEN + 12, want + ETH_HLEN + 12, tot - 12))
		return "bytes changed on the way";
	return NULL;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int do_capture(const char *dev, double seconds, double idle)
{
	static unsigned char f[65536];
	double end, until, left;
	struct pollfd p;
	const char *name, *bad;
	unsigned int ttl, iplen;
	in_addr_t g = inet_addr(GROUP);
	ssize_t len;
	int fd;

	fd = open_on(dev);
	printf("ready\n");
	fflush(stdout);
	end = now() + seconds;
	until = end;
	p.fd = fd;
	p.events = POLLIN;
	for (;;) {
		/* Other frames (ARP, IPv6, IGMP) do not extend an idle wait. */
		left = until - now();
		if (left <= 0 ||
		    poll(&p, 1, left > INT_MAX / 1000 ? INT_MAX : (int)(left * 1000) + 1) <= 0)
			break;
		len = recv(fd, f, sizeof(f), 0);
		if (len < ETH_HLEN + 20 || f[12] != (ETH_P_IP >> 8) ||
		    f[13] != (ETH_P_IP & 0xff) ||
		    ((const struct iphdr *)(f + ETH_HLEN))->daddr != g)
			continue;
		if (idle > 0 && now() + idle < end)
			until = now() + idle;
		ttl = 0;
		iplen = 0;
		bad = check(f, len, &name, &ttl, &iplen);
		printf("case %s ttl %u iplen %u %s%s\n", name, ttl, iplen,
		       bad ? "bad: " : "ok", bad ?: "");
		fflush(stdout);
	}
	return 0;
}

/* A number of seconds, or of milliseconds, >= 0; -1 if not one. */
static double number(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < 0 || v > 1e6)
		return -1;
	return v;
}

static void usage(void)
{
	fputs("Usage: pkt send DEV CASE...\n"
	      "       pkt capture DEV SECONDS [IDLE_MS]\n"
	      "       pkt list\n"
	      "       pkt send6 DEV GROUP [-S SRC] [-p PORT] [-n COUNT] [-s SIZE] [-t HLIM]\n"
	      "                 [-a] [-d N] [-x | -X] [-m TYPE] [-r PPS]\n"
	      "       pkt capture6 DEV GROUP SECONDS [IDLE_MS]\n", stderr);
	exit(2);
}

/* IPv6 (send6, capture6) */

#define FRAME6_MAX	65536
#define PAYLOAD6_MAX	8192
#define DSTOPTS_MAX	1024
#define PORT6		5001

struct send6 {
	struct in6_addr group;
	struct in6_addr src;
	bool has_src;
	unsigned int port;
	unsigned long count;
	unsigned int size;
	unsigned int hlim;
	bool ra;
	unsigned int dstopts;
	bool truncated;
	bool trunc_more;	/* -X: a header follows the truncated one */
	int icmp_type;		/* -1: UDP */
	unsigned long pps;
};

/* The payload mcast sends: sequence number, then a pattern of it. */
static unsigned char pattern6(__u32 seq, size_t i)
{
	return (unsigned char)(seq * 31 + i * 7);
}

/* The one's complement sum of @len bytes at @p, added to @s. */
static __u32 sum16(__u32 s, const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (p[i] << 8) | p[i + 1];
	if (len & 1)
		s += p[len - 1] << 8;
	return s;
}

static __u16 fold(__u32 s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* The upper-layer checksum (RFC 8200 8.1) of @len bytes at @l4. */
static __u16 csum6(const struct ip6_hdr *h, unsigned char proto,
		   const unsigned char *l4, size_t len)
{
	__u32 s = 0;

	s = sum16(s, (const unsigned char *)&h->ip6_src, 16);
	s = sum16(s, (const unsigned char *)&h->ip6_dst, 16);
	s += len >> 16;
	s += len & 0xffff;
	s += proto;
	s = sum16(s, l4, len);
	return ~fold(s) & 0xffff;
}

/* DEV's first IPv6 address that is not link-local. */
static bool dev_addr6(const char *dev, struct in6_addr *a)
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if (getifaddrs(&ifa))
		die("getifaddrs");
	for (i = ifa; i && !found; i = i->ifa_next) {
		const struct sockaddr_in6 *sin6;

		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET6 ||
		    strcmp(i->ifa_name, dev))
			continue;
		sin6 = (const struct sockaddr_in6 *)i->ifa_addr;
		if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr))
			continue;
		*a = sin6->sin6_addr;
		found = true;
	}
	freeifaddrs(ifa);
	return found;
}

/* Frame @seq of @o from Ethernet source @mac in @f; returns its length. */
static size_t build6(const struct send6 *o, const unsigned char *mac,
		     __u32 seq, unsigned char *f)
{
	struct ip6_hdr *h = (struct ip6_hdr *)(f + ETH_HLEN);
	unsigned char *p = f + ETH_HLEN + sizeof(*h), *nh = &h->ip6_nxt;
	unsigned char upper = o->icmp_type >= 0 ? IPPROTO_ICMPV6 : IPPROTO_UDP;
	unsigned char *l4;
	size_t len, i;
	unsigned int k;

	memset(f, 0, ETH_HLEN + sizeof(*h));
	f[0] = 0x33;
	f[1] = 0x33;
	memcpy(f + 2, &o->group.s6_addr[12], 4);
	memcpy(f + 6, mac, 6);
	f[12] = ETH_P_IPV6 >> 8;
	f[13] = ETH_P_IPV6 & 0xff;
	h->ip6_flow = htonl(6u << 28);
	h->ip6_hlim = o->hlim;
	h->ip6_src = o->src;
	h->ip6_dst = o->group;

	if (o->ra) {
		/* Next, length 0 (8 bytes), Router Alert 0, PadN of 0. */
		*nh = IPPROTO_HOPOPTS;
		nh = p;
		p[1] = 0;
		p[2] = 5;
		p[3] = 2;
		p[4] = 0;
		p[5] = 0;
		p[6] = 1;
		p[7] = 0;
		p += 8;
	}
	for (k = 0; k < o->dstopts; k++) {
		/* Next, length 0, PadN of 4 zero bytes. */
		*nh = IPPROTO_DSTOPTS;
		nh = p;
		memset(p + 1, 0, 7);
		p[2] = 1;
		p[3] = 4;
		p += 8;
	}
	if (o->truncated) {
		/* (255 + 1) * 8 bytes said, 8 given, and the frame ends. */
		*nh = IPPROTO_DSTOPTS;
		p[0] = o->trunc_more ? IPPROTO_DSTOPTS : upper;
		p[1] = 255;
		p[2] = 1;
		p[3] = 4;
		memset(p + 4, 0, 4);
		p += 8;
		len = p - f;
		h->ip6_plen = htons(len - ETH_HLEN - sizeof(*h));
		return len;
	}
	*nh = upper;
	l4 = p;
	if (upper == IPPROTO_UDP) {
		unsigned char *d = l4 + 8;

		len = 8 + o->size;
		memcpy(d, &seq, sizeof(seq));
		for (i = sizeof(seq); i < o->size; i++)
			d[i] = pattern6(seq, i);
		l4[0] = o->port >> 8;
		l4[1] = o->port & 0xff;
		l4[2] = o->port >> 8;
		l4[3] = o->port & 0xff;
		l4[4] = len >> 8;
		l4[5] = len & 0xff;
		l4[6] = 0;
		l4[7] = 0;
	} else {
		l4[0] = o->icmp_type;
		l4[1] = 0;
		l4[2] = 0;
		l4[3] = 0;
		switch (o->icmp_type) {
		case 130:
		case 131:
		case 132:
			/* Maximum response delay, reserved, the group. */
			memset(l4 + 4, 0, 4);
			memcpy(l4 + 8, &o->group, 16);
			len = 24;
			break;
		case 143:
			/* Reserved, 1 record: change to exclude {}, GROUP. */
			memset(l4 + 4, 0, 4);
			l4[7] = 1;
			l4[8] = 4;
			memset(l4 + 9, 0, 3);
			memcpy(l4 + 12, &o->group, 16);
			len = 28;
			break;
		default:
			/* Echo: identifier, sequence; others 4 zero bytes. */
			memset(l4 + 4, 0, 4);
			if (o->icmp_type == 128) {
				l4[6] = seq >> 8;
				l4[7] = seq & 0xff;
			}
			for (i = 0; i < o->size; i++)
				l4[8 + i] = pattern6(seq, i);
			len = 8 + o->size;
			break;
		}
	}
	h->ip6_plen = htons(l4 + len - (unsigned char *)h - sizeof(*h));
	k = csum6(h, upper, l4, len);
	/* UDP: a computed 0 is sent as 0xffff (RFC 8200 8.1). */
	if (upper == IPPROTO_UDP && !k)
		k = 0xffff;
	l4[upper == IPPROTO_UDP ? 6 : 2] = k >> 8;
	l4[upper == IPPROTO_UDP ? 7 : 3] = k & 0xff;
	return l4 + len - f;
}

static int do_send6(int argc, char **argv)
{
	static unsigned char f[FRAME6_MAX];
	struct send6 o = {
		.port = PORT6,
		.count = 1,
		.size = 64,
		.hlim = 64,
		.icmp_type = -1,
	};
	const char *dev = argv[2];
	unsigned char mac[6];
	struct ifreq ifr = { 0 };
	double start, due;
	unsigned long n;
	size_t len;
	int fd, c;

	if (inet_pton(AF_INET6, argv[3], &o.group) != 1)
		usage();
	optind = 4;
	while ((c = getopt(argc, argv, "S:p:n:s:t:ad:xXm:r:")) != -1) {
		switch (c) {
		case 'S':
			if (inet_pton(AF_INET6, optarg, &o.src) != 1)
				usage();
			o.has_src = true;
			break;
		case 'p':
			o.port = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			o.count = strtoul(optarg, NULL, 0);
			break;
		case 's':
			o.size = strtoul(optarg, NULL, 0);
			break;
		case 't':
			o.hlim = strtoul(optarg, NULL, 0);
			break;
		case 'a':
			o.ra = true;
			break;
		case 'd':
			o.dstopts = strtoul(optarg, NULL, 0);
			break;
		case 'x':
			o.truncated = true;
			break;
		case 'X':
			o.truncated = true;
			o.trunc_more = true;
			break;
		case 'm':
			o.icmp_type = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			o.pps = strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || o.port > 65535 || o.hlim > 255 ||
	    o.size < 4 || o.size > PAYLOAD6_MAX || o.dstopts > DSTOPTS_MAX ||
	    o.icmp_type > 255)
		usage();
	if (!o.has_src && !dev_addr6(dev, &o.src)) {
		fprintf(stderr, "pkt: %s has no IPv6 address that is not link-local: give -S\n",
			dev);
		return 1;
	}
	fd = open_on(dev);
	strncpy(ifr.ifr_name, dev, IFNAMSIZ - 1);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		die("SIOCGIFHWADDR");
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	start = now();
	for (n = 0; n < o.count; n++) {
		len = build6(&o, mac, n, f);
		if (send(fd, f, len, 0) != (ssize_t)len) {
			if (errno == ENOBUFS || errno == EAGAIN) {
				n--;
				usleep(1000);
				continue;
			}
			die("send");
		}
		if (o.pps) {
			due = start + (double)(n + 1) / o.pps;
			while (now() < due)
				usleep(100);
		}
	}
	close(fd);
	printf("sent %lu\n", n);
	return 0;
}

/* What is wrong with IPv6 frame @f of @len bytes, or NULL; the rest out. */
static const char *check6(const unsigned char *f, size_t len,
			  unsigned int *exthdrs, char *what, size_t wlen)
{
	const struct ip6_hdr *h = (const struct ip6_hdr *)(f + ETH_HLEN);
	const unsigned char *end = f + len, *p, *l4;
	unsigned char nh;
	size_t hl, ulen, i;
	__u32 seq;

	*exthdrs = 0;
	snprintf(what, wlen, "-");
	if ((ntohl(h->ip6_flow) >> 28) != 6)
		return "not version 6";
	if (ntohs(h->ip6_plen) != len - ETH_HLEN - sizeof(*h))
		return "the payload length is not the frame's";
	nh = h->ip6_nxt;
	p = (const unsigned char *)(h + 1);
	while (nh == IPPROTO_HOPOPTS || nh == IPPROTO_DSTOPTS ||
	       nh == IPPROTO_ROUTING || nh == IPPROTO_FRAGMENT) {
		if (end - p < 8)
			return "truncated extension header";
		hl = nh == IPPROTO_FRAGMENT ? 8 : (p[1] + 1) * 8;
		if ((size_t)(end - p) < hl)
			return "truncated extension header";
		(*exthdrs)++;
		nh = p[0];
		p += hl;
	}
	l4 = p;
	ulen = end - l4;
	if (nh == IPPROTO_UDP) {
		snprintf(what, wlen, "udp");
		if (ulen < 8)
			return "short UDP header";
		if ((size_t)((l4[4] << 8) | l4[5]) != ulen)
			return "UDP length is not the datagram's";
		if (!l4[6] && !l4[7])
			return "no UDP checksum";
		if (csum6(h, IPPROTO_UDP, l4, ulen) != 0)
			return "wrong UDP checksum";
		if (ulen < 8 + sizeof(seq))
			return "UDP payload shorter than a sequence number";
		memcpy(&seq, l4 + 8, sizeof(seq));
		for (i = sizeof(seq); i < ulen - 8; i++)
			if (l4[8 + i] != pattern6(seq, i))
				return "UDP payload changed on the way";
		return NULL;
	}
	if (nh == IPPROTO_ICMPV6) {
		if (ulen < 4) {
			snprintf(what, wlen, "icmp6 -");
			return "short ICMPv6 header";
		}
		snprintf(what, wlen, "icmp6 %u", l4[0]);
		if (csum6(h, IPPROTO_ICMPV6, l4, ulen) != 0)
			return "wrong ICMPv6 checksum";
		return NULL;
	}
	snprintf(what, wlen, "proto %u", nh);
	return NULL;
}

static int do_capture6(const char *dev, const char *group, double seconds,
		       double idle)
{
	static unsigned char f[FRAME6_MAX];
	struct sockaddr_ll from;
	socklen_t fromlen;
	struct in6_addr g;
	double end, until, left;
	struct pollfd p;
	const struct ip6_hdr *h = (const struct ip6_hdr *)(f + ETH_HLEN);
	const char *bad;
	char what[32];
	unsigned int exthdrs;
	ssize_t len;
	int fd;

	if (inet_pton(AF_INET6, group, &g) != 1)
		usage();
	fd = open_on(dev);
	printf("ready\n");
	fflush(stdout);
	end = now() + seconds;
	until = end;
	p.fd = fd;
	p.events = POLLIN;
	for (;;) {
		left = until - now();
		if (left <= 0 ||
		    poll(&p, 1, left > INT_MAX / 1000 ? INT_MAX : (int)(left * 1000) + 1) <= 0)
			break;
		fromlen = sizeof(from);
		len = recvfrom(fd, f, sizeof(f), 0, (struct sockaddr *)&from,
			       &fromlen);
		if (len < (ssize_t)(ETH_HLEN + sizeof(*h)) ||
		    from.sll_pkttype == PACKET_OUTGOING ||
		    f[12] != (ETH_P_IPV6 >> 8) || f[13] != (ETH_P_IPV6 & 0xff) ||
		    memcmp(&h->ip6_dst, &g, sizeof(g)))
			continue;
		if (idle > 0 && now() + idle < end)
			until = now() + idle;
		bad = check6(f, len, &exthdrs, what, sizeof(what));
		printf("frame hlim %u plen %u exthdrs %u %s %s%s\n",
		       h->ip6_hlim, ntohs(h->ip6_plen), exthdrs, what,
		       bad ? "bad: " : "ok", bad ?: "");
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc >= 3 && !strcmp(argv[1], "send"))
		return do_send(argv[2], argc - 3, argv + 3);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "capture") &&
	    number(argv[3]) >= 0 && (argc == 4 || number(argv[4]) >= 0))
		return do_capture(argv[2], number(argv[3]),
				  argc == 5 ? number(argv[4]) / 1000 : 0);
	if (argc >= 4 && !strcmp(argv[1], "send6"))
		return do_send6(argc, argv);
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "capture6") &&
	    number(argv[4]) >= 0 && (argc == 5 || number(argv[5]) >= 0))
		return do_capture6(argv[2], argv[3], number(argv[4]),
				   argc == 6 ? number(argv[5]) / 1000 : 0);
	if (argc == 2 && !strcmp(argv[1], "list")) {
		for (i = 0; i < ARRAY_SIZE(cases); i++)
			printf("%s\t%s\n", cases[i].name, cases[i].why);
		return 0;
	}
	usage();
	return 2;
}
