// SPDX-License-Identifier: GPL-2.0
/*
 * mcfwctl - IPv4 and IPv6 addresses: parsed, printed, compared, checked.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "mcfwctl.h"

int ipaddr_parse(const char *s, struct ipaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->v4) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, s, &a->v6) == 1)
		a->family = AF_INET6;
	else
		return -1;
	return 0;
}

const char *ipaddr_family_name(const struct ipaddr *a)
{
	return a->family == AF_INET6 ? "IPv6" : "IPv4";
}

const void *ipaddr_bytes(const struct ipaddr *a)
{
	return a->family == AF_INET6 ? (const void *)&a->v6 :
				       (const void *)&a->v4;
}

size_t ipaddr_len(const struct ipaddr *a)
{
	return a->family == AF_INET6 ? sizeof(a->v6) : sizeof(a->v4);
}

const char *ipaddr_fmt(const struct ipaddr *a, char *buf)
{
	if (!inet_ntop(a->family == AF_INET6 ? AF_INET6 : AF_INET,
		       ipaddr_bytes(a), buf, IPADDR_STRLEN))
		strcpy(buf, "?");
	return buf;
}

const char *ipaddr_port_fmt(const struct ipaddr *a, __u16 port, char *buf)
{
	char addr[IPADDR_STRLEN];

	ipaddr_fmt(a, addr);
	if (!port)
		strcpy(buf, addr);
	else if (a->family == AF_INET6)
		snprintf(buf, IPADDR_PORT_STRLEN, "[%s]:%u", addr, port);
	else
		snprintf(buf, IPADDR_PORT_STRLEN, "%s:%u", addr, port);
	return buf;
}

/*
 * Cut "ADDR[:PORT]" in place: the address, without brackets, with *@port
 * at the port's digits or NULL; NULL if the brackets are bad.
 */
static char *split_port(char *s, char **port)
{
	char *p;

	*port = NULL;
	if (*s == '[') {
		p = strchr(s, ']');
		if (!p || (p[1] && p[1] != ':'))
			return NULL;
		*p = '\0';
		if (p[1])
			*port = p + 2;
		return s + 1;
	}
	/* One ':' is IPv4's ADDR:PORT; an IPv6 address has more. */
	p = strchr(s, ':');
	if (p && !strchr(p + 1, ':')) {
		*p = '\0';
		*port = p + 1;
	}
	return s;
}

int ipaddr_parse_port(const char *s, __u16 *port)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v < 1 || v > 65535)
		return -1;
	*port = v;
	return 0;
}

int ipaddr_port_parse(const char *word, struct ipaddr *a, __u16 *port)
{
	char buf[IPADDR_PORT_STRLEN], *addr, *p;

	*port = 0;
	if (strlen(word) >= sizeof(buf))
		return -1;
	strcpy(buf, word);
	addr = split_port(buf, &p);
	if (!addr || ipaddr_parse(addr, a) < 0)
		return -1;
	if (p && ipaddr_parse_port(p, port) < 0)
		return -2;
	return 0;
}

int ipaddr_cmp(const struct ipaddr *a, const struct ipaddr *b)
{
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	/* Network order: the bytes compare as the numbers do. */
	return memcmp(ipaddr_bytes(a), ipaddr_bytes(b), ipaddr_len(a));
}

bool ipaddr_equal(const struct ipaddr *a, const struct ipaddr *b)
{
	return !ipaddr_cmp(a, b);
}

bool ipaddr_is_multicast(const struct ipaddr *a)
{
	if (a->family == AF_INET6)
		return a->v6.s6_addr[0] == 0xff;
	return IN_MULTICAST(ntohl(a->v4.s_addr));
}

/* RFC 4291 and 7346: the scope is the low nibble of the second byte. */
static unsigned int ipaddr_scope6(const struct ipaddr *g)
{
	return g->v6.s6_addr[1] & 0xf;
}

const char *ipaddr_group_error(const struct ipaddr *g)
{
	static const char * const scopes[] = {
		"is of reserved scope 0 (IPv6 groups of scope 0 to 2 are never forwarded)",
		"is interface-local (scope 1; IPv6 groups of scope 0 to 2 are never forwarded)",
		"is link-local (scope 2; IPv6 groups of scope 0 to 2 are never forwarded)",
	};

	if (!ipaddr_is_multicast(g))
		return "is not a multicast address";
	if (g->family == AF_INET6)
		return ipaddr_scope6(g) < ARRAY_SIZE(scopes) ?
		       scopes[ipaddr_scope6(g)] : NULL;
	if ((ntohl(g->v4.s_addr) & 0xffffff00) == 0xe0000000)
		return "is in 224.0.0.0/24 (link-local)";
	return NULL;
}

bool ipaddr_is_unicast(const struct ipaddr *a)
{
	__u32 u;

	if (ipaddr_is_multicast(a))
		return false;
	if (a->family == AF_INET6)
		return !IN6_IS_ADDR_UNSPECIFIED(&a->v6);
	u = ntohl(a->v4.s_addr);
	return u != 0xffffffff && (u >> 24);
}

const char *ipaddr_unicast_error(const struct ipaddr *a)
{
	if (ipaddr_is_multicast(a))
		return "a multicast address (give it as DEV@GROUP)";
	if (!ipaddr_is_unicast(a))
		return "not a unicast address";
	if (a->family == AF_INET6) {
		if (IN6_IS_ADDR_LOOPBACK(&a->v6))
			return "not a unicast address";
		if (IN6_IS_ADDR_LINKLOCAL(&a->v6))
			return "a link-local address (copies are routed: a global one)";
		return NULL;
	}
	if ((ntohl(a->v4.s_addr) >> 24) == 127)
		return "not a unicast address";
	return NULL;
}

bool ipaddr_prefix_clean(const struct ipaddr *a, unsigned int len)
{
	const __u8 *b = ipaddr_bytes(a);
	size_t i = len / 8;

	if (len % 8 && (b[i++] & (0xff >> (len % 8))))
		return false;
	for (; i < ipaddr_len(a); i++)
		if (b[i])
			return false;
	return true;
}
