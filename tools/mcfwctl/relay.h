/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mcfwctl - relays (unicast to multicast) as commands, save and batches
 * see them.
 */
#ifndef MCFWCTL_RELAY_H
#define MCFWCTL_RELAY_H

#include <stdbool.h>

#include "nl.h"

/* The relay object's commands: argv[0] is "relay". */
int relay_main(int argc, char **argv);

/*
 * The request of "relay add|replace|del ..." (argv[0] is the command); a
 * file's (@batch) add replaces the relay of its key and waits for its
 * address and interfaces. 0 with *@msg set, or the exit status after a
 * diagnostic.
 */
int relay_msg(struct mcfw_nl *nl, int argc, char **argv, bool batch,
	      struct nl_msg **msg);

/* Print "relay add ..." for each relay. 0, or -1. */
int relay_save(struct mcfw_nl *nl);

#endif /* MCFWCTL_RELAY_H */
