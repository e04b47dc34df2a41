// SPDX-License-Identifier: GPL-2.0
/*
 * ipmr-routes - add many routes to the kernel's ipmr, for the benchmark.
 *
 *   ipmr-routes [-6] add -i IIF -o OIFS -g GROUP -c COUNT -s SOURCE [-f FIRST]
 *   ipmr-routes [-6] flush
 *
 * smcrouted owns the namespace's multicast routing socket and sets up the
 * VIFs, but it adds routes in quadratic time (14,337 routes took 243 s
 * under emulation), so at 100,000 routes the benchmark adds the routes
 * beyond the first ones here: MRT_ADD_MFC on a raw IGMP socket of our own,
 * which ipmr accepts from any socket with CAP_NET_ADMIN (it marks such
 * routes static). The routes are for the groups GROUP+FIRST ...
 * GROUP+COUNT-1 from SOURCE, arriving on IIF's VIF and copied to the VIFs
 * of OIFS (names or "name[A-B]" ranges, comma separated) with TTL
 * threshold 1. VIF numbers are read from /proc/net/ip_mr_vif.
 *
 * -6 does the same for ip6mr: MRT6_ADD_MFC on a raw ICMPv6 socket, MIF
 * numbers from /proc/net/ip6_mr_vif, groups counting in their last 32
 * bits.
 *
 * flush removes every route, static ones included (MRT_FLUSH), as
 * smcrouted's exit leaves static routes behind.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "ifrange.h"

#include <linux/mroute.h>
#include <linux/mroute6.h>

static char vif_name[MAXVIFS][IF_NAMESIZE];
static struct mfcctl mfc;
static struct mf6cctl mf6c;
static int nr_oifs, v6;

static void fail(const char *what)
{
	fprintf(stderr, "ipmr-routes: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ipmr-routes [-6] add -i IIF -o OIFS -g GROUP -c COUNT -s SOURCE [-f FIRST]\n"
		"       ipmr-routes [-6] flush\n");
	exit(2);
}

static void read_vifs(void)
{
	const char *path = v6 ? "/proc/net/ip6_mr_vif" : "/proc/net/ip_mr_vif";
	FILE *f = fopen(path, "r");
	char line[256], name[IF_NAMESIZE];
	int vif;

	if (!f)
		fail(path);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%d %15s", &vif, name) == 2 &&
		    vif >= 0 && vif < MAXVIFS)
			strcpy(vif_name[vif], name);
	fclose(f);
}

static int vif_of(const char *name)
{
	int vif;

	for (vif = 0; vif < MAXVIFS; vif++)
		if (!strcmp(vif_name[vif], name))
			return vif;
	fprintf(stderr, "ipmr-routes: %s is not a VIF\n", name);
	exit(1);
}

static void add_oif(const char *name, void *arg)
{
	int vif = vif_of(name);

	(void)arg;
	if (v6)
		IF_SET(vif, &mf6c.mf6cc_ifset);
	else
		mfc.mfcc_ttls[vif] = 1;
	nr_oifs++;
}

int main(int argc, char **argv)
{
	const char *iif = NULL, *oifs = NULL, *group = NULL, *source = NULL;
	unsigned long count = 0, first = 0, i;
	struct timespec t0, t1;
	struct in_addr g0;
	struct in6_addr g6;
	char *list, *item;
	int fd, opt, ok;

	if (argc > 1 && !strcmp(argv[1], "-6")) {
		v6 = 1;
		argv++;
		argc--;
	}
	if (argc < 2)
		usage();
	if (v6)
		fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	else
		fd = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);
	if (fd < 0)
		fail("socket");

	if (!strcmp(argv[1], "flush")) {
		int flags = MRT_FLUSH_MFC | MRT_FLUSH_MFC_STATIC;
		int flags6 = MRT6_FLUSH_MFC | MRT6_FLUSH_MFC_STATIC;

		if (argc != 2)
			usage();
		if (v6 && setsockopt(fd, IPPROTO_IPV6, MRT6_FLUSH, &flags6,
				     sizeof(flags6)))
			fail("MRT6_FLUSH");
		if (!v6 && setsockopt(fd, IPPROTO_IP, MRT_FLUSH, &flags,
				      sizeof(flags)))
			fail("MRT_FLUSH");
		return 0;
	}
	if (strcmp(argv[1], "add"))
		usage();
	optind = 2;
	while ((opt = getopt(argc, argv, "i:o:g:c:s:f:")) != -1) {
		switch (opt) {
		case 'i': iif = optarg; break;
		case 'o': oifs = optarg; break;
		case 'g': group = optarg; break;
		case 's': source = optarg; break;
		case 'c': count = strtoul(optarg, NULL, 0); break;
		case 'f': first = strtoul(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (!iif || !oifs || !group || !source || optind != argc)
		usage();
	if (v6)
		ok = inet_pton(AF_INET6, group, &g6) == 1 &&
		     inet_pton(AF_INET6, source,
			       &mf6c.mf6cc_origin.sin6_addr) == 1;
	else
		ok = inet_pton(AF_INET, group, &g0) == 1 &&
		     inet_pton(AF_INET, source, &mfc.mfcc_origin) == 1;
	if (!ok)
		usage();

	read_vifs();
	mfc.mfcc_parent = vif_of(iif);
	mf6c.mf6cc_parent = vif_of(iif);
	mf6c.mf6cc_origin.sin6_family = AF_INET6;
	mf6c.mf6cc_mcastgrp.sin6_family = AF_INET6;
	list = strdup(oifs);
	for (item = strtok(list, ","); item; item = strtok(NULL, ","))
		ifrange_each(item, add_oif, NULL);
	free(list);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = first; i < count; i++) {
		if (v6) {
			mf6c.mf6cc_mcastgrp.sin6_addr = g6;
			mf6c.mf6cc_mcastgrp.sin6_addr.s6_addr32[3] =
				htonl(ntohl(g6.s6_addr32[3]) + i);
			if (setsockopt(fd, IPPROTO_IPV6, MRT6_ADD_MFC, &mf6c,
				       sizeof(mf6c)))
				fail("MRT6_ADD_MFC");
			continue;
		}
		mfc.mfcc_mcastgrp.s_addr = htonl(ntohl(g0.s_addr) + i);
		if (setsockopt(fd, IPPROTO_IP, MRT_ADD_MFC, &mfc, sizeof(mfc)))
			fail("MRT_ADD_MFC");
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("ipmr-routes: added %lu routes (%d outputs each) in %.1f s\n",
	       count > first ? count - first : 0, nr_oifs,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	close(fd);
	return 0;
}
