/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mcfwctl - interface boundaries as save writes them and batches read
 * them back.
 */
#ifndef MCFWCTL_IFACE_H
#define MCFWCTL_IFACE_H

#include <stdbool.h>

#include "nl.h"

/*
 * The IFACE_SET request of "iface set DEV boundary ..." (argv[0] is
 * "set"); @what names it in diagnostics. 0 with *@msg set, or the exit
 * status after a diagnostic.
 */
/* The iface command a word names, abbreviated as on the command line. */
const char *iface_cmd_name(const char *word);
int iface_set_msg(struct mcfw_nl *nl, int argc, char **argv,
		  const char *what, struct nl_msg **msg);

/* Print "iface set DEV boundary ..." for each boundary. 0, or -1. */
int iface_save(struct mcfw_nl *nl);

#endif /* MCFWCTL_IFACE_H */
