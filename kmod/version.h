/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MCFW_VERSION_H
#define _MCFW_VERSION_H

#ifndef MCFW_VERSION
#define MCFW_VERSION "0.1.0"
#endif

#endif /* _MCFW_VERSION_H */
