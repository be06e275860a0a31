/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * AF_ANP: a second TCP/IP host inside the Linux kernel, reached through
 * the ordinary socket calls and a generic netlink control plane.
 *
 * Address family number
 * ---------------------
 * AF_ANP is 19, the number once used by AF_ECONET.  Econet was removed in
 * Linux 3.5; 6.1 has no implementation and no in-tree module alias
 * ("net-pf-19") for it, and 19 is below AF_MAX (46), which sock_register()
 * and lockdep's per-family key arrays require.  The other numbers with no
 * 6.1 implementation (13, 18, 22, 25) would do as well; 19 was picked as
 * the one whose old user has been gone longest.
 *
 * Addresses
 * ---------
 * struct sockaddr_anp has the size and layout of struct sockaddr_in, so a
 * program written for AF_INET may keep using sockaddr_in and only set
 * sin_family to AF_ANP.
 */
#ifndef _UAPI_LINUX_ANP_H
#define _UAPI_LINUX_ANP_H

#include <linux/types.h>
#include <linux/socket.h>

#define AF_ANP		19
#define PF_ANP		AF_ANP

/* Socket option level for options that have no AF_INET equivalent. */
#define SOL_ANP		300

struct sockaddr_anp {
	__kernel_sa_family_t	sanp_family;	/* AF_ANP */
	__be16			sanp_port;	/* port, network byte order */
	__be32			sanp_addr;	/* IPv4 address, network order */
	unsigned char		sanp_zero[8];	/* must be zero, as sin_zero */
};

/*
 * Generic netlink control plane
 * -----------------------------
 * Family ANP_GENL_NAME, version ANP_GENL_VERSION.  Every command acts on
 * the ANP host of the caller's network namespace.  NEW and DEL commands
 * need CAP_NET_ADMIN in the user namespace that owns that netns; GET
 * commands are open to everyone.  Rejections carry an extack message.
 */
#define ANP_GENL_NAME		"anp"
#define ANP_GENL_VERSION	1

enum anp_genl_cmd {
	ANP_CMD_UNSPEC,
	ANP_CMD_ADDR_NEW,	/* IFINDEX, ADDR, PREFIXLEN */
	ANP_CMD_ADDR_DEL,	/* IFINDEX, ADDR, PREFIXLEN */
	ANP_CMD_ADDR_GET,	/* dump: IFINDEX, ADDR, PREFIXLEN, LLADDR */
	ANP_CMD_ROUTE_NEW,	/* DST, PREFIXLEN, GATEWAY, [IFINDEX],
				 * [ROUTE_RTO_MIN]
				 */
	ANP_CMD_ROUTE_DEL,	/* DST, PREFIXLEN, [GATEWAY], [IFINDEX] */
	ANP_CMD_ROUTE_GET,	/* dump: DST, PREFIXLEN, [GATEWAY], IFINDEX,
				 * ROUTE_TYPE, [ROUTE_RTO_MIN]
				 */
	ANP_CMD_NEIGH_GET,	/* dump: IFINDEX, ADDR, [LLADDR], NEIGH_STATE */
	ANP_CMD_STATS_GET,	/* do: STATS { STAT { STAT_NAME, STAT_VALUE } } */
	ANP_CMD_SOCK_GET,	/* dump: SOCK_TYPE, SOCK_PROTO, SOCK_STATE,
				 * SOCK_LADDR, SOCK_LPORT, SOCK_RADDR,
				 * SOCK_RPORT, SOCK_RQUEUE, SOCK_WQUEUE,
				 * SOCK_DROPS, SOCK_UID, SOCK_INODE
				 */

	__ANP_CMD_MAX,
	ANP_CMD_MAX = __ANP_CMD_MAX - 1
};

enum anp_genl_attr {
	ANP_A_UNSPEC,
	ANP_A_PAD,
	ANP_A_IFINDEX,		/* u32: an anp device of this netns */
	ANP_A_ADDR,		/* be32: IPv4 address */
	ANP_A_PREFIXLEN,	/* u8: 0..32 */
	ANP_A_DST,		/* be32: route destination */
	ANP_A_GATEWAY,		/* be32: route next hop */
	ANP_A_LLADDR,		/* binary, ETH_ALEN: a MAC address */
	ANP_A_NEIGH_STATE,	/* u8: enum anp_neigh_state */
	ANP_A_ROUTE_TYPE,	/* u8: enum anp_route_type */
	ANP_A_STATS,		/* nest of ANP_A_STAT */
	ANP_A_STAT,		/* nest: STAT_NAME, STAT_VALUE */
	ANP_A_STAT_NAME,	/* string: e.g. "IpInReceives" */
	ANP_A_STAT_VALUE,	/* u64 */
	ANP_A_SOCK_TYPE,	/* u8: SOCK_DGRAM, SOCK_STREAM, ... */
	ANP_A_SOCK_PROTO,	/* u8: IPPROTO_UDP, IPPROTO_TCP, 0 */
	ANP_A_SOCK_STATE,	/* u8: enum anp_sock_state */
	ANP_A_SOCK_LADDR,	/* be32: local address (0: any) */
	ANP_A_SOCK_LPORT,	/* u16: local port, host order (0: none) */
	ANP_A_SOCK_RADDR,	/* be32: peer address (0: none) */
	ANP_A_SOCK_RPORT,	/* u16: peer port, host order */
	ANP_A_SOCK_RQUEUE,	/* u32: bytes in the receive queue */
	ANP_A_SOCK_WQUEUE,	/* u32: bytes in the send queue */
	ANP_A_SOCK_DROPS,	/* u32: datagrams dropped at the socket */
	ANP_A_SOCK_UID,		/* u32: owner uid, in the caller's userns */
	ANP_A_SOCK_INODE,	/* u64: socket inode, as ss shows */
	ANP_A_ROUTE_RTO_MIN,	/* u32: minimum RTO in ms for TCP over the
				 * route, 1..120000 (absent: the default
				 * 200 ms), as ip route's rto_min
				 */

	__ANP_A_MAX,
	ANP_A_MAX = __ANP_A_MAX - 1
};

enum anp_neigh_state {
	ANP_NEIGH_NONE,
	ANP_NEIGH_INCOMPLETE,	/* ARP request sent, no answer yet */
	ANP_NEIGH_REACHABLE,	/* answered within the reachable time */
	ANP_NEIGH_STALE,	/* older than the reachable time; still used,
				 * re-resolved on its next use
				 */
	ANP_NEIGH_FAILED,	/* no answer after all retries */
};

/* A socket's state as `anpctl sockets` shows it (the names ss uses). */
enum anp_sock_state {
	ANP_SOCK_UNCONN,	/* datagram socket without a peer */
	ANP_SOCK_ESTAB,		/* connected */
	ANP_SOCK_LISTEN,
	ANP_SOCK_CLOSE,		/* released, not yet freed */
	/* TCP (RFC 9293 3.3.2); ESTAB and LISTEN above, a closed TCP
	 * socket with a file is UNCONN (as ss shows it).
	 */
	ANP_SOCK_SYN_SENT,
	ANP_SOCK_SYN_RECV,
	ANP_SOCK_FIN_WAIT1,
	ANP_SOCK_FIN_WAIT2,
	ANP_SOCK_TIME_WAIT,
	ANP_SOCK_CLOSE_WAIT,
	ANP_SOCK_LAST_ACK,
	ANP_SOCK_CLOSING,
};

enum anp_route_type {
	ANP_ROUTE_NONE,
	ANP_ROUTE_CONNECTED,	/* from an address's subnet */
	ANP_ROUTE_STATIC,	/* added with ANP_CMD_ROUTE_NEW */
};

#endif /* _UAPI_LINUX_ANP_H */
