// SPDX-License-Identifier: GPL-2.0
/*
 * ipmr-routes - add many routes to the kernel's ipmr, for the benchmark.
 *
 *   ipmr-routes add -i IIF -o OIFS -g GROUP -c COUNT -s SOURCE [-f FIRST]
 *   ipmr-routes flush
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

static char vif_name[MAXVIFS][IF_NAMESIZE];
static struct mfcctl mfc;
static int nr_oifs;

static void fail(const char *what)
{
	fprintf(stderr, "ipmr-routes: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ipmr-routes add -i IIF -o OIFS -g GROUP -c COUNT -s SOURCE [-f FIRST]\n"
		"       ipmr-routes flush\n");
	exit(2);
}

static void read_vifs(void)
{
	FILE *f = fopen("/proc/net/ip_mr_vif", "r");
	char line[256], name[IF_NAMESIZE];
	int vif;

	if (!f)
		fail("/proc/net/ip_mr_vif");
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
	(void)arg;
	mfc.mfcc_ttls[vif_of(name)] = 1;
	nr_oifs++;
}

int main(int argc, char **argv)
{
	const char *iif = NULL, *oifs = NULL, *group = NULL, *source = NULL;
	unsigned long count = 0, first = 0, i;
	struct timespec t0, t1;
	struct in_addr g0;
	char *list, *item;
	int fd, opt;

	if (argc < 2)
		usage();
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);
	if (fd < 0)
		fail("socket");

	if (!strcmp(argv[1], "flush")) {
		int flags = MRT_FLUSH_MFC | MRT_FLUSH_MFC_STATIC;

		if (argc != 2)
			usage();
		if (setsockopt(fd, IPPROTO_IP, MRT_FLUSH, &flags, sizeof(flags)))
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
	if (!iif || !oifs || !group || !source || optind != argc ||
	    inet_pton(AF_INET, group, &g0) != 1 ||
	    inet_pton(AF_INET, source, &mfc.mfcc_origin) != 1)
		usage();

	read_vifs();
	mfc.mfcc_parent = vif_of(iif);
	list = strdup(oifs);
	for (item = strtok(list, ","); item; item = strtok(NULL, ","))
		ifrange_each(item, add_oif, NULL);
	free(list);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = first; i < count; i++) {
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
