#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A minimal multicast routing daemon for mcfw's selftests: it opens the
kernel's mroute socket (MRT_INIT), makes VIFs of the interfaces it is
given and installs one (S,G) MFC entry from the first to the others,
prints "ready", and keeps the socket open until it is killed.

    mrouted.py SOURCE GROUP IIF OIF [OIF...]
"""
import socket
import struct
import sys
import time

MRT_INIT, MRT_ADD_VIF, MRT_ADD_MFC = 200, 202, 204
VIFF_USE_IFINDEX = 0x8
MAXVIFS = 32


def main():
    src, grp, *devs = sys.argv[1:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IGMP)
    s.setsockopt(socket.IPPROTO_IP, MRT_INIT, struct.pack("i", 1))
    for vifi, dev in enumerate(devs):
        # struct vifctl: vifi, flags, threshold, rate_limit, ifindex, rmt
        vif = struct.pack("HBBIiI", vifi, VIFF_USE_IFINDEX, 1, 0,
                          socket.if_nametoindex(dev), 0)
        s.setsockopt(socket.IPPROTO_IP, MRT_ADD_VIF, vif)
    ttls = bytes([0] + [1] * (len(devs) - 1) + [0] * (MAXVIFS - len(devs)))
    # struct mfcctl: origin, group, parent, ttls[32], 3 counters, expire
    mfc = struct.pack("4s4sH32sIIIi", socket.inet_aton(src),
                      socket.inet_aton(grp), 0, ttls, 0, 0, 0, 0)
    s.setsockopt(socket.IPPROTO_IP, MRT_ADD_MFC, mfc)
    print("ready", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
