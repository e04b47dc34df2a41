/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mcfw - in-kernel IP multicast forwarder: the generic netlink contract
 * shared by the mcfw module and mcfwctl.
 *
 * Family "mcfw", version MCFW_GENL_VERSION. Every command and attribute
 * below is ABI: new ones are only ever appended before the __MAX entries.
 *
 * Commands that change state require CAP_NET_ADMIN in the initial user
 * namespace (GENL_ADMIN_PERM); commands that only read are open to all.
 */
#ifndef _UAPI_LINUX_MCFW_H
#define _UAPI_LINUX_MCFW_H

#include <linux/types.h>

#define MCFW_GENL_NAME		"mcfw"
#define MCFW_GENL_VERSION	1

/**
 * enum mcfw_cmd - generic netlink commands of the mcfw family
 * @MCFW_CMD_UNSPEC: unused
 * @MCFW_CMD_INFO_GET: do: reply with %MCFW_A_VERSION, %MCFW_A_ROUTE_COUNT,
 *	%MCFW_A_IFACE_COUNT and %MCFW_A_OIF_MAX for the caller's namespace.
 *	Takes no attributes.
 * @MCFW_CMD_ROUTE_FLUSH: do (admin): remove every route of the caller's
 *	namespace. Takes no attributes; the reply carries
 *	%MCFW_A_ROUTE_COUNT, the number of routes removed.
 */
enum mcfw_cmd {
	MCFW_CMD_UNSPEC,
	MCFW_CMD_INFO_GET,
	MCFW_CMD_ROUTE_FLUSH,

	/* private: */
	__MCFW_CMD_MAX,
};

#define MCFW_CMD_MAX (__MCFW_CMD_MAX - 1)

/**
 * enum mcfw_attr - top-level attributes of the mcfw family
 * @MCFW_A_UNSPEC: unused
 * @MCFW_A_PAD: padding for 64-bit attributes
 * @MCFW_A_VERSION: string, the module's version
 * @MCFW_A_ROUTE_COUNT: u32, number of routes in the namespace
 * @MCFW_A_IFACE_COUNT: u32, number of interfaces mcfw tracks in the
 *	namespace (inputs and outputs of routes)
 * @MCFW_A_OIF_MAX: u32, the most output interfaces one route may have
 *	(module parameter oif_max)
 */
enum mcfw_attr {
	MCFW_A_UNSPEC,
	MCFW_A_PAD,
	MCFW_A_VERSION,
	MCFW_A_ROUTE_COUNT,
	MCFW_A_IFACE_COUNT,
	MCFW_A_OIF_MAX,

	/* private: */
	__MCFW_A_MAX,
};

#define MCFW_A_MAX (__MCFW_A_MAX - 1)

#endif /* _UAPI_LINUX_MCFW_H */
