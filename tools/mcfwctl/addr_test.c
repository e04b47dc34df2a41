// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the address helpers: make check.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

static int failures;

static void expect(const char *name, const char *got, const char *want)
{
	if (strcmp(got ?: "(null)", want ?: "(null)")) {
		fprintf(stderr, "FAIL %s\n  got:  %s\n  want: %s\n", name,
			got ?: "(null)", want ?: "(null)");
		failures++;
	}
}

static void expect_int(const char *name, int got, int want)
{
	if (got != want) {
		fprintf(stderr, "FAIL %s\n  got:  %d\n  want: %d\n", name, got,
			want);
		failures++;
	}
}

static struct ipaddr addr(const char *s)
{
	struct ipaddr a;

	if (ipaddr_parse(s, &a) < 0) {
		fprintf(stderr, "FAIL parsing %s\n", s);
		exit(2);
	}
	return a;
}

/* "ADDR[:PORT]" parsed and printed back, or "bad address"/"bad port". */
static const char *port_round_trip(const char *word)
{
	static char buf[IPADDR_PORT_STRLEN];
	struct ipaddr a;
	__u16 port;

	switch (ipaddr_port_parse(word, &a, &port)) {
	case -1:
		return "bad address";
	case -2:
		return "bad port";
	}
	return ipaddr_port_fmt(&a, port, buf);
}

static int cmp(const char *x, const char *y)
{
	struct ipaddr a = addr(x), b = addr(y);
	int d = ipaddr_cmp(&a, &b);

	return d < 0 ? -1 : d > 0;
}

static const char *group_error(const char *s)
{
	struct ipaddr g = addr(s);

	return ipaddr_group_error(&g);
}

static const char *unicast_error(const char *s)
{
	struct ipaddr u = addr(s);

	return ipaddr_unicast_error(&u);
}

static int clean(const char *s, unsigned int len)
{
	struct ipaddr a = addr(s);

	return ipaddr_prefix_clean(&a, len);
}

int main(void)
{
	struct ipaddr a;

	expect_int("v4 family", addr("239.1.1.1").family, AF_INET);
	expect_int("v6 family", addr("ff3e::1").family, AF_INET6);
	expect_int("garbage", ipaddr_parse("239.1.1", &a), -1);

	expect("v4", port_round_trip("239.1.1.1"), "239.1.1.1");
	expect("v4 port", port_round_trip("239.1.1.1:6000"), "239.1.1.1:6000");
	expect("v4 brackets", port_round_trip("[239.1.1.1]:6000"),
	       "239.1.1.1:6000");
	expect("v6", port_round_trip("ff3e::9000:1"), "ff3e::9000:1");
	expect("v6 brackets", port_round_trip("[ff3e::9000:1]"),
	       "ff3e::9000:1");
	expect("v6 port", port_round_trip("[FF3E:0::9000:1]:6001"),
	       "[ff3e::9000:1]:6001");
	expect("v6 port 0", port_round_trip("[ff3e::1]:0"), "bad port");
	expect("v6 port too big", port_round_trip("[ff3e::1]:65536"),
	       "bad port");
	expect("v6 empty port", port_round_trip("[ff3e::1]:"), "bad port");
	expect("v6 unclosed", port_round_trip("[ff3e::1:6000"), "bad address");
	expect("v6 trailing", port_round_trip("[ff3e::1]6000"), "bad address");
	expect("v4 bad port", port_round_trip("10.0.0.1:x"), "bad port");
	expect("one colon", port_round_trip("ff3e:1"), "bad address");
	expect("too long",
	       port_round_trip("[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535x"),
	       "bad address");

	expect_int("v4 before v6", cmp("239.255.255.255", "ff00::1"), -1);
	expect_int("v6 after v4", cmp("ff3e::1", "224.0.1.1"), 1);
	expect_int("v4 numeric", cmp("239.1.1.2", "239.1.1.10"), -1);
	expect_int("v6 numeric", cmp("ff3e::2", "ff3e::10"), -1);
	expect_int("v6 equal", cmp("ff3e::1", "ff3e:0:0::1"), 0);

	expect("v4 group", group_error("239.1.1.1"), NULL);
	expect("v4 unicast group", group_error("10.1.1.1"),
	       "is not a multicast address");
	expect("v4 link-local group", group_error("224.0.0.5"),
	       "is in 224.0.0.0/24 (link-local)");
	expect("v6 global group", group_error("ff3e::8000:1"), NULL);
	expect("v6 site group", group_error("ff05::1"), NULL);
	expect("v6 realm group", group_error("ff03::1"), NULL);
	expect("v6 unicast group", group_error("2001:db8::1"),
	       "is not a multicast address");
	expect("v6 reserved scope", group_error("ff00::1"),
	       "is of reserved scope 0 (IPv6 groups of scope 0 to 2 are never forwarded)");
	expect("v6 interface-local", group_error("ff01::1"),
	       "is interface-local (scope 1; IPv6 groups of scope 0 to 2 are never forwarded)");
	expect("v6 link-local", group_error("ff02::1"),
	       "is link-local (scope 2; IPv6 groups of scope 0 to 2 are never forwarded)");
	expect("v6 link-local, flags", group_error("ff12::5"),
	       "is link-local (scope 2; IPv6 groups of scope 0 to 2 are never forwarded)");

	expect("v4 unicast", unicast_error("10.2.0.2"), NULL);
	expect("v4 loopback", unicast_error("127.0.0.1"), "not a unicast address");
	expect("v4 multicast", unicast_error("239.1.1.1"),
	       "a multicast address (give it as DEV@GROUP)");
	expect("v6 unicast", unicast_error("2001:db8::5"), NULL);
	expect("v6 unspecified", unicast_error("::"), "not a unicast address");
	expect("v6 loopback", unicast_error("::1"), "not a unicast address");
	expect("v6 multicast", unicast_error("ff3e::1"),
	       "a multicast address (give it as DEV@GROUP)");
	expect("v6 link-local", unicast_error("fe80::1"),
	       "a link-local address (copies are routed: a global one)");

	expect_int("v4 /8 clean", clean("239.0.0.0", 8), 1);
	expect_int("v4 /8 host bits", clean("239.1.0.0", 8), 0);
	expect_int("v4 /32", clean("239.1.1.1", 32), 1);
	expect_int("v4 /12", clean("239.16.0.0", 12), 1);
	expect_int("v4 /12 host bits", clean("239.24.0.0", 12), 0);
	expect_int("v6 /16 clean", clean("ff05::", 16), 1);
	expect_int("v6 /16 host bits", clean("ff05::1", 16), 0);
	expect_int("v6 /12", clean("ff30::", 12), 1);
	expect_int("v6 /12 host bits", clean("ff38::", 12), 0);
	expect_int("v6 /128", clean("ff3e::1", 128), 1);

	if (failures) {
		fprintf(stderr, "%d address test(s) failed\n", failures);
		return 1;
	}
	printf("addr_test: all tests passed\n");
	return 0;
}
