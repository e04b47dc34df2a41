// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw - in-kernel IP multicast forwarder: the route table.
 *
 * The table itself (routes keyed by source, group and input interface) is
 * not built yet; what exists is the writer-side contract every later
 * operation follows: callers hold mcfw_net.lock.
 */

#include <linux/lockdep.h>

#include "mcfw.h"

/**
 * mcfw_routes_flush - remove every route of a namespace
 * @mn: the namespace's state
 *
 * Context: process context, with @mn->lock held.
 * Return: the number of routes removed.
 */
unsigned int mcfw_routes_flush(struct mcfw_net *mn)
{
	unsigned int removed = mn->nr_routes;

	lockdep_assert_held(&mn->lock);

	WRITE_ONCE(mn->nr_routes, 0);
	return removed;
}
