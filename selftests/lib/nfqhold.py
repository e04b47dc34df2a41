#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""An NFQUEUE client for mcfw's selftests, over raw nfnetlink: it binds
queue QUEUE (IPv4), prints "ready", holds the packets the queue hands it
until COUNT arrived, prints "held COUNT", waits for a line on its
standard input, then gives each held packet the verdict ACCEPT. It
prints "accepted N refused M" (M: verdicts the kernel refused, ENOENT
when the queue was flushed meanwhile) and exits.

    nfqhold.py QUEUE COUNT
"""
import errno
import socket
import struct
import sys

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET, NFQNL_MSG_VERDICT, NFQNL_MSG_CONFIG = 0, 1, 2
NFQA_PACKET_HDR = 1
NFQA_VERDICT_HDR = 2
NFQA_CFG_CMD, NFQA_CFG_PARAMS = 1, 2
NFQNL_CFG_CMD_BIND = 1
NFQNL_COPY_META = 1
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2
NF_ACCEPT = 1


def attr(kind, payload):
    n = 4 + len(payload)
    return struct.pack("HH", n, kind) + payload + b"\0" * (-n % 4)


def message(sock, seq, kind, queue, attrs, flags=NLM_F_REQUEST | NLM_F_ACK):
    body = struct.pack("BBH", socket.AF_UNSPEC, 0, socket.htons(queue))
    body += b"".join(attrs)
    hdr = struct.pack("IHHII", 16 + len(body),
                      (NFNL_SUBSYS_QUEUE << 8) | kind, flags, seq, 0)
    sock.send(hdr + body)


def messages(data):
    """(type, seq, payload) of each netlink message of a datagram."""
    off = 0
    while off + 16 <= len(data):
        n, kind, _flags, seq, _pid = struct.unpack_from("IHHII", data, off)
        if n < 16:
            break
        yield kind, seq, data[off + 16:off + n]
        off += (n + 3) & ~3


def attrs(payload):
    off = 4  # struct nfgenmsg
    while off + 4 <= len(payload):
        n, kind = struct.unpack_from("HH", payload, off)
        if n < 4:
            break
        yield kind & 0x7fff, payload[off + 4:off + n]
        off += (n + 3) & ~3


def ack(sock, seq):
    """0, or the errno of the kernel's answer to request seq."""
    while True:
        for kind, s, payload in messages(sock.recv(65536)):
            if kind == NLMSG_ERROR and s == seq:
                return -struct.unpack_from("i", payload)[0]


def main():
    queue, count = int(sys.argv[1]), int(sys.argv[2])
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                         NETLINK_NETFILTER)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    sock.bind((0, 0))
    seq = 1
    cmd = struct.pack("BxH", NFQNL_CFG_CMD_BIND, socket.htons(socket.AF_INET))
    message(sock, seq, NFQNL_MSG_CONFIG, queue, [attr(NFQA_CFG_CMD, cmd)])
    err = ack(sock, seq)
    if err:
        sys.exit("nfqhold: bind: " + errno.errorcode.get(err, str(err)))
    seq += 1
    params = struct.pack(">IB", 0, NFQNL_COPY_META)
    message(sock, seq, NFQNL_MSG_CONFIG, queue, [attr(NFQA_CFG_PARAMS, params)])
    err = ack(sock, seq)
    if err:
        sys.exit("nfqhold: params: " + errno.errorcode.get(err, str(err)))
    print("ready", flush=True)

    ids = []
    while len(ids) < count:
        for kind, _s, payload in messages(sock.recv(65536)):
            if kind != (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
                continue
            for a, value in attrs(payload):
                if a == NFQA_PACKET_HDR:
                    ids.append(struct.unpack_from(">I", value)[0])
    print("held %d" % len(ids), flush=True)
    sys.stdin.readline()

    accepted = refused = 0
    for pid in ids:
        seq += 1
        verdict = struct.pack(">II", NF_ACCEPT, pid)
        message(sock, seq, NFQNL_MSG_VERDICT, queue,
                [attr(NFQA_VERDICT_HDR, verdict)])
        if ack(sock, seq):
            refused += 1
        else:
            accepted += 1
    print("accepted %d refused %d" % (accepted, refused), flush=True)


if __name__ == "__main__":
    main()
