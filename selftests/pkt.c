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
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc >= 3 && !strcmp(argv[1], "send"))
		return do_send(argv[2], argc - 3, argv + 3);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "capture") &&
	    number(argv[3]) >= 0 && (argc == 4 || number(argv[4]) >= 0))
		return do_capture(argv[2], number(argv[3]),
				  argc == 5 ? number(argv[4]) / 1000 : 0);
	if (argc == 2 && !strcmp(argv[1], "list")) {
		for (i = 0; i < ARRAY_SIZE(cases); i++)
			printf("%s\t%s\n", cases[i].name, cases[i].why);
		return 0;
	}
	fputs("Usage: pkt send DEV CASE...\n"
	      "       pkt capture DEV SECONDS [IDLE_MS]\n"
	      "       pkt list\n", stderr);
	return 2;
}
