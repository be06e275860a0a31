#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one hand-built request to the anp generic netlink family and print
the kernel's answer as one line: "<errno name> <extack message>" (errno
name "OK" for success) and, when the kernel names a missing attribute,
" miss=<type>".  anpctl never sends malformed requests; this does, to test
the family's strict validation.

Usage: genl_raw.py [--flags N] CMD [TYPE:KIND:VALUE ...]
  KIND is u8, u16, u32, in (dotted IPv4, 4 bytes), hex (raw bytes).
"""
import errno
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
NLM_F_ACK_TLVS = 0x200
NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_MISS_TYPE = 5
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2


def align(n):
    return (n + 3) & ~3


def attr(atype, payload):
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    return hdr + payload + b"\0" * (align(len(payload)) - len(payload))


def parse_attrs(data):
    out = {}
    while len(data) >= 4:
        alen, atype = struct.unpack_from("=HH", data)
        if alen < 4:
            break
        out[atype & 0x3fff] = data[4:alen]
        data = data[align(alen):]
    return out


class Genl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                               NETLINK_GENERIC)
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.s.bind((0, 0))
        self.seq = 1

    def request(self, family, cmd, attrs, flags=NLM_F_REQUEST | NLM_F_ACK,
                version=1):
        payload = struct.pack("=BBH", cmd, version, 0) + attrs
        self.seq += 1
        msg = struct.pack("=IHHII", 16 + len(payload), family, flags,
                          self.seq, 0) + payload
        self.s.send(msg)
        replies = []
        while True:
            data = self.s.recv(65536)
            while len(data) >= 16:
                mlen, mtype, mflags, seq, _ = struct.unpack_from("=IHHII",
                                                                 data)
                body = data[16:mlen]
                data = data[align(mlen):]
                if seq != self.seq:
                    continue
                if mtype == NLMSG_ERROR:
                    err = struct.unpack_from("=i", body)[0]
                    tlv = {}
                    if mflags & NLM_F_ACK_TLVS:
                        # NETLINK_CAP_ACK: only the request's header
                        tlv = parse_attrs(body[4 + 16:])
                    return err, tlv, replies
                replies.append(body[4:])

    def family(self, name):
        err, _, replies = self.request(
            GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
            attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"))
        if err:
            sys.exit("family %s: %s" % (name, os.strerror(-err)))
        return struct.unpack("=H", parse_attrs(replies[0])[CTRL_ATTR_FAMILY_ID][:2])[0]


def build(spec):
    atype, kind, value = spec.split(":", 2)
    atype = int(atype)
    if kind == "u8":
        return attr(atype, struct.pack("=B", int(value)))
    if kind == "u16":
        return attr(atype, struct.pack("=H", int(value)))
    if kind == "u32":
        return attr(atype, struct.pack("=I", int(value)))
    if kind == "in":
        return attr(atype, socket.inet_aton(value))
    if kind == "hex":
        return attr(atype, bytes.fromhex(value))
    sys.exit("bad attribute spec " + spec)


def main():
    args = sys.argv[1:]
    flags = NLM_F_REQUEST | NLM_F_ACK
    if args[:1] == ["--flags"]:
        flags |= int(args[1], 0)
        args = args[2:]
    g = Genl()
    fam = g.family("anp")
    err, tlv, _ = g.request(fam, int(args[0]),
                            b"".join(build(a) for a in args[1:]), flags)
    name = "OK" if err == 0 else errno.errorcode.get(-err, str(-err))
    line = name
    if NLMSGERR_ATTR_MSG in tlv:
        line += " " + tlv[NLMSGERR_ATTR_MSG].rstrip(b"\0").decode()
    if NLMSGERR_ATTR_MISS_TYPE in tlv:
        line += " miss=%d" % struct.unpack("=I", tlv[NLMSGERR_ATTR_MISS_TYPE][:4])[0]
    print(line)


if __name__ == "__main__":
    main()
