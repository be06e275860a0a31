// SPDX-License-Identifier: GPL-2.0
/*
 * Socket plumbing shared by the AF_ANP socket types: the host's socket
 * list, the port tables, receive demultiplexing and the bind/connect
 * address rules.
 *
 * Socket list
 * -----------
 * Every AF_ANP socket of a netns, whatever its type, is on its host's
 * list from anp_create() to release, in creation order.  anp_sock_walk()
 * reads it under RCU (sockets are SOCK_RCU_FREE) for the netlink dump.
 *
 * Port tables
 * -----------
 * Each transport protocol owns one struct anp_port_table per host (UDP
 * now; TCP reuses the object).  A bound socket is in three hash tables
 * of ANP_PORT_HASH_SIZE chains:
 *
 *   port  by local port: every bound socket (bind conflicts, ephemeral
 *         port search, broadcast delivery)
 *   bind  by (local address, port): unconnected sockets (demux)
 *   conn  by (peer address, peer port, local port): connected sockets
 *
 * A socket is in exactly one of bind and conn.  Lookups on the receive
 * path walk one chain of conn, then one of bind for the destination
 * address, then one of bind for the wildcard: the most specific match
 * first (RFC 768 only says a datagram goes to its destination port;
 * the order is Linux UDP's and the course seeds' "simple
 * demultiplexer"), never a scan of every socket.  Readers hold RCU;
 * writers hold the table's BH spinlock.  A socket that moves between
 * chains (connect, disconnect) may make a concurrent reader miss it
 * once, as with Linux's UDP rehash.
 *
 * Bind rules (those of Linux's inet_bind() and udp_lib_get_port()):
 *  - sockaddr shorter than sockaddr_anp: EINVAL; a family other than
 *    AF_ANP: EINVAL, as issue 3 specifies (inet_bind() gives
 *    EAFNOSUPPORT here; connect and sendto do give EAFNOSUPPORT, as
 *    AF_INET), except AF_UNSPEC with INADDR_ANY (the compat case
 *    inet_bind() accepts).
 *  - the address must be INADDR_ANY, one of the host's addresses, in
 *    127/8 (the host's loopback, RFC 1122 3.2.1.3), a broadcast address
 *    of the host or multicast (Linux accepts both; the socket then sends
 *    from the route's source): else EADDRNOTAVAIL.
 *  - a port below net.ipv4.ip_unprivileged_port_start without
 *    CAP_NET_BIND_SERVICE in the netns' user namespace: EACCES.
 *  - already bound (or connected): EINVAL.
 *  - two sockets conflict on a port when their addresses overlap (equal,
 *    or either is the wildcard), unless both set SO_REUSEADDR, or both
 *    set SO_REUSEPORT with the same effective uid: EADDRINUSE.
 *  - port 0: an ephemeral port from the netns' ip_local_port_range
 *    (net.ipv4.ip_local_port_range, 32768-60999 by default), searched
 *    from a random start and wrapping once round the range, skipping
 *    ip_local_reserved_ports; none free: EADDRINUSE (EAGAIN for an
 *    automatic bind, as inet_autobind() gives).
 */
#include <kunit/visibility.h>
#include <linux/capability.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/ip.h>

#include "tcp.h"

#define ANP_PORT_HASH_BITS	8
#define ANP_PORT_HASH_SIZE	BIT(ANP_PORT_HASH_BITS)

struct anp_port_table {
	spinlock_t lock;		/* writers of the three tables; BH */
	u32 seed;
	struct hlist_head port[ANP_PORT_HASH_SIZE];
	struct hlist_head bind[ANP_PORT_HASH_SIZE];
	struct hlist_head conn[ANP_PORT_HASH_SIZE];
};

struct anp_sock_table {
	spinlock_t lock;		/* writers of list and gen */
	struct list_head list;		/* anp_sock.list_node; RCU */
	unsigned int gen;		/* bumped by every list change */
	struct anp_port_table udp;
	struct anp_port_table tcp;
};

static void anp_port_table_init(struct anp_port_table *pt)
{
	int i;

	spin_lock_init(&pt->lock);
	pt->seed = get_random_u32();
	for (i = 0; i < ANP_PORT_HASH_SIZE; i++) {
		INIT_HLIST_HEAD(&pt->port[i]);
		INIT_HLIST_HEAD(&pt->bind[i]);
		INIT_HLIST_HEAD(&pt->conn[i]);
	}
}

static bool anp_port_table_empty(struct anp_port_table *pt)
{
	int i;

	for (i = 0; i < ANP_PORT_HASH_SIZE; i++)
		if (!hlist_empty(&pt->port[i]) || !hlist_empty(&pt->bind[i]) ||
		    !hlist_empty(&pt->conn[i]))
			return false;
	return true;
}

int anp_sock_net_init(struct anp_net *an)
{
	struct anp_sock_table *st;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	spin_lock_init(&st->lock);
	INIT_LIST_HEAD(&st->list);
	anp_port_table_init(&st->udp);
	anp_port_table_init(&st->tcp);
	an->socks = st;
	return 0;
}

void anp_sock_net_exit(struct anp_net *an)
{
	struct anp_sock_table *st = an->socks;

	if (!st)
		return;
	/* Every socket holds its netns (or, in KUnit, is released first). */
	WARN_ON_ONCE(!list_empty(&st->list));
	WARN_ON_ONCE(!anp_port_table_empty(&st->udp));
	WARN_ON_ONCE(!anp_port_table_empty(&st->tcp));
	kfree(st);
	an->socks = NULL;
}

struct anp_port_table *anp_port_table(struct anp_net *an, int protocol)
{
	switch (protocol) {
	case IPPROTO_UDP:
		return &an->socks->udp;
	case IPPROTO_TCP:
		return &an->socks->tcp;
	default:
		return NULL;
	}
}
EXPORT_SYMBOL_IF_KUNIT(anp_port_table);

static struct anp_port_table *anp_sk_ports(const struct sock *sk)
{
	return anp_port_table(anp_net(sock_net(sk)), sk->sk_protocol);
}

/* ---- the socket list ---------------------------------------------- */

void anp_sock_list_add(struct sock *sk)
{
	struct anp_sock_table *st = anp_net(sock_net(sk))->socks;

	/* BH: TCP children join from input, orphans leave from timers. */
	spin_lock_bh(&st->lock);
	list_add_tail_rcu(&anp_sk(sk)->list_node, &st->list);
	WRITE_ONCE(st->gen, st->gen + 1);
	spin_unlock_bh(&st->lock);
}

void anp_sock_list_del(struct sock *sk)
{
	struct anp_sock_table *st = anp_net(sock_net(sk))->socks;
	struct anp_sock *as = anp_sk(sk);

	/* Once, from release: RCU readers may still be on the node. */
	spin_lock_bh(&st->lock);
	list_del_rcu(&as->list_node);
	WRITE_ONCE(st->gen, st->gen + 1);
	spin_unlock_bh(&st->lock);
}

struct sock *anp_sock_grab_orphan(struct anp_net *an, int protocol)
{
	struct anp_sock *as;

	rcu_read_lock();
	list_for_each_entry_rcu(as, &an->socks->list, list_node) {
		struct sock *sk = &as->sk;

		if (sk->sk_protocol == protocol && sock_flag(sk, SOCK_DEAD) &&
		    refcount_inc_not_zero(&sk->sk_refcnt)) {
			rcu_read_unlock();
			return sk;
		}
	}
	rcu_read_unlock();
	return NULL;
}

static const u8 anp_tcp_states[TCP_MAX_STATES] = {
	[TCP_ESTABLISHED]	= ANP_SOCK_ESTAB,
	[TCP_SYN_SENT]		= ANP_SOCK_SYN_SENT,
	[TCP_SYN_RECV]		= ANP_SOCK_SYN_RECV,
	[TCP_FIN_WAIT1]		= ANP_SOCK_FIN_WAIT1,
	[TCP_FIN_WAIT2]		= ANP_SOCK_FIN_WAIT2,
	[TCP_TIME_WAIT]		= ANP_SOCK_TIME_WAIT,
	[TCP_CLOSE]		= ANP_SOCK_UNCONN,
	[TCP_CLOSE_WAIT]	= ANP_SOCK_CLOSE_WAIT,
	[TCP_LAST_ACK]		= ANP_SOCK_LAST_ACK,
	[TCP_LISTEN]		= ANP_SOCK_LISTEN,
	[TCP_CLOSING]		= ANP_SOCK_CLOSING,
};

static u8 anp_sock_state(const struct sock *sk)
{
	int state = READ_ONCE(sk->sk_state);

	/* A TCP orphan still runs its state machine: show where it is. */
	if (sk->sk_protocol == IPPROTO_TCP && state < TCP_MAX_STATES &&
	    (state != TCP_CLOSE || !sock_flag(sk, SOCK_DEAD)))
		return anp_tcp_states[state];
	if (sock_flag(sk, SOCK_DEAD))
		return ANP_SOCK_CLOSE;
	switch (sk->sk_state) {
	case TCP_ESTABLISHED:
		return ANP_SOCK_ESTAB;
	case TCP_LISTEN:
		return ANP_SOCK_LISTEN;
	default:
		return ANP_SOCK_UNCONN;
	}
}

/*
 * The list's generation: a walk resumed at *pos is consistent with the
 * part before it only while this has not changed (the netlink dump
 * flags NLM_F_DUMP_INTR otherwise, as Linux's dumps do).  Never 0, which
 * netlink takes as "no generation".
 */
unsigned int anp_sock_gen(struct anp_net *an)
{
	return READ_ONCE(an->socks->gen) | 1U << 31;
}

/*
 * The uid is translated into the user namespace of the task running
 * the walk (the netlink dump's reader), as `ss` shows it.  fn runs
 * under rcu_read_lock() and must not sleep.
 */
int anp_sock_walk(struct anp_net *an, unsigned long *pos,
		  int (*fn)(void *arg, const struct anp_sock_info *si),
		  void *arg)
{
	struct user_namespace *ns = current_user_ns();
	struct anp_sock_info si;
	unsigned long i = 0;
	struct anp_sock *as;
	int err = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(as, &an->socks->list, list_node) {
		struct sock *sk = &as->sk;

		if (i++ < *pos)
			continue;
		memset(&si, 0, sizeof(si));
		si.type = sk->sk_type;
		si.protocol = sk->sk_protocol;
		si.state = anp_sock_state(sk);
		si.laddr = READ_ONCE(sk->sk_rcv_saddr);
		si.lport = READ_ONCE(sk->sk_num);
		si.raddr = READ_ONCE(sk->sk_daddr);
		si.rport = ntohs(READ_ONCE(sk->sk_dport));
		if (sk->sk_protocol == IPPROTO_TCP) {
			anp_tcp_queues(sk, &si.rqueue, &si.wqueue);
		} else {
			si.rqueue = sk_rmem_alloc_get(sk);
			si.wqueue = sk_wmem_alloc_get(sk);
		}
		si.drops = atomic_read(&sk->sk_drops);
		si.uid = from_kuid_munged(ns, sk->sk_uid);
		si.inode = sock_i_ino(sk);
		err = fn(arg, &si);
		if (err)
			break;
		(*pos)++;
	}
	rcu_read_unlock();
	return err;
}

/* ---- hashing ------------------------------------------------------ */

static struct hlist_head *anp_port_chain(struct anp_port_table *pt, u16 port)
{
	return &pt->port[jhash_1word(port, pt->seed) &
			 (ANP_PORT_HASH_SIZE - 1)];
}

static struct hlist_head *anp_bind_chain(struct anp_port_table *pt,
					 __be32 addr, u16 port)
{
	return &pt->bind[jhash_2words((__force u32)addr, port, pt->seed) &
			 (ANP_PORT_HASH_SIZE - 1)];
}

static struct hlist_head *anp_conn_chain(struct anp_port_table *pt,
					 __be32 raddr, __be16 rport, u16 lport)
{
	return &pt->conn[jhash_3words((__force u32)raddr,
				      (__force u32)rport, lport, pt->seed) &
			 (ANP_PORT_HASH_SIZE - 1)];
}

/*
 * A UDP socket is in conn when connected; a TCP one from SYN-SENT or
 * SYN-RECEIVED until CLOSED (listeners and closed sockets are in bind).
 */
static bool anp_port_is_conn(const struct sock *sk)
{
	if (sk->sk_protocol == IPPROTO_TCP)
		return sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_LISTEN;
	return sk->sk_state == TCP_ESTABLISHED;
}

/* Put sk in bind or conn by its current state.  pt->lock held. */
static void anp_port_link(struct anp_port_table *pt, struct sock *sk)
{
	struct anp_sock *as = anp_sk(sk);

	if (anp_port_is_conn(sk))
		hlist_add_head_rcu(&as->conn_node,
				   anp_conn_chain(pt, sk->sk_daddr,
						  sk->sk_dport, sk->sk_num));
	else
		hlist_add_head_rcu(&as->bind_node,
				   anp_bind_chain(pt, sk->sk_rcv_saddr,
						  sk->sk_num));
}

static void anp_port_unlink(struct sock *sk)
{
	struct anp_sock *as = anp_sk(sk);

	if (!hlist_unhashed(&as->conn_node))
		hlist_del_init_rcu(&as->conn_node);
	if (!hlist_unhashed(&as->bind_node))
		hlist_del_init_rcu(&as->bind_node);
}

/*
 * Would sk, bound to addr, conflict with another holder of port?  The
 * rule of Linux's udp_lib_lport_inuse().  pt->lock held.
 */
static bool anp_port_in_use(struct anp_port_table *pt, struct sock *sk,
			    __be32 addr, u16 port)
{
	struct anp_sock *as;
	struct sock *sk2;

	hlist_for_each_entry(as, anp_port_chain(pt, port), port_node) {
		sk2 = &as->sk;
		if (sk2 == sk || sk2->sk_num != port)
			continue;
		/*
		 * SO_REUSEADDR on both: UDP shares the port outright; TCP
		 * unless the other one listens (Linux's inet_bind_conflict:
		 * a TIME-WAIT or other connection is no obstacle then).
		 */
		if (sk2->sk_reuse && sk->sk_reuse &&
		    (sk->sk_protocol != IPPROTO_TCP ||
		     READ_ONCE(sk2->sk_state) != TCP_LISTEN))
			continue;
		/* Different specific addresses never clash. */
		if (sk2->sk_rcv_saddr && addr && sk2->sk_rcv_saddr != addr)
			continue;
		/* SO_REUSEPORT on both, same effective uid. */
		if (sk2->sk_reuseport && sk->sk_reuseport &&
		    uid_eq(sk2->sk_uid, sk->sk_uid))
			continue;
		return true;
	}
	return false;
}

/* Hash sk with its sk_rcv_saddr on port.  pt->lock held. */
static void anp_port_insert(struct anp_port_table *pt, struct sock *sk,
			    u16 port)
{
	sk->sk_num = port;
	hlist_add_head_rcu(&anp_sk(sk)->port_node, anp_port_chain(pt, port));
	anp_port_link(pt, sk);
}

int anp_port_get_range(struct anp_port_table *pt, struct sock *sk, u16 snum,
		       int low, int high, u32 rand)
{
	struct net *net = sock_net(sk);
	__be32 addr = sk->sk_rcv_saddr;
	u32 n, first, i;
	int err = 0;

	if (WARN_ON_ONCE(sk->sk_num))
		return -EINVAL;
	spin_lock_bh(&pt->lock);
	if (snum) {
		if (anp_port_in_use(pt, sk, addr, snum))
			err = -EADDRINUSE;
		else
			anp_port_insert(pt, sk, snum);
		goto out;
	}
	err = -EADDRINUSE;
	if (low < 1 || high < low || high > 65535)
		goto out;
	n = high - low + 1;
	first = reciprocal_scale(rand, n);
	for (i = 0; i < n; i++) {
		u16 port = low + (first + i) % n;

		if (inet_is_local_reserved_port(net, port))
			continue;
		if (anp_port_in_use(pt, sk, addr, port))
			continue;
		anp_port_insert(pt, sk, port);
		err = 0;
		break;
	}
out:
	spin_unlock_bh(&pt->lock);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(anp_port_get_range);

int anp_port_get(struct anp_port_table *pt, struct sock *sk, u16 snum)
{
	int low, high;

	inet_get_local_port_range(sock_net(sk), &low, &high);
	return anp_port_get_range(pt, sk, snum, low, high, get_random_u32());
}
EXPORT_SYMBOL_IF_KUNIT(anp_port_get);

void anp_port_unhash(struct anp_port_table *pt, struct sock *sk)
{
	struct anp_sock *as = anp_sk(sk);

	spin_lock_bh(&pt->lock);
	if (!hlist_unhashed(&as->port_node)) {
		anp_port_unlink(sk);
		hlist_del_init_rcu(&as->port_node);
		sk->sk_num = 0;
	}
	spin_unlock_bh(&pt->lock);
}
EXPORT_SYMBOL_IF_KUNIT(anp_port_unhash);

void anp_port_set_peer(struct anp_port_table *pt, struct sock *sk,
		       __be32 rcv_saddr, __be32 daddr, __be16 dport,
		       bool connected)
{
	spin_lock_bh(&pt->lock);
	anp_port_unlink(sk);
	WRITE_ONCE(sk->sk_rcv_saddr, rcv_saddr);
	WRITE_ONCE(sk->sk_daddr, daddr);
	WRITE_ONCE(sk->sk_dport, dport);
	/* TCP moves through its own states; connected follows them. */
	if (sk->sk_protocol != IPPROTO_TCP)
		sk->sk_state = connected ? TCP_ESTABLISHED : TCP_CLOSE;
	if (!hlist_unhashed(&anp_sk(sk)->port_node))
		anp_port_link(pt, sk);
	spin_unlock_bh(&pt->lock);
}
EXPORT_SYMBOL_IF_KUNIT(anp_port_set_peer);

/* pt->lock held: does a connection hold this 4-tuple already? */
static bool anp_port_conn_exists(struct anp_port_table *pt, __be32 laddr,
				 u16 lport, __be32 raddr, __be16 rport)
{
	struct anp_sock *as;

	hlist_for_each_entry(as, anp_conn_chain(pt, raddr, rport, lport),
			     conn_node) {
		struct sock *sk2 = &as->sk;

		if (sk2->sk_num == lport && sk2->sk_daddr == raddr &&
		    sk2->sk_dport == rport && sk2->sk_rcv_saddr == laddr)
			return true;
	}
	return false;
}

int anp_port_connect(struct anp_port_table *pt, struct sock *sk,
		     __be32 laddr, __be32 raddr, __be16 rport)
{
	int err = 0;

	spin_lock_bh(&pt->lock);
	if (anp_port_conn_exists(pt, laddr, sk->sk_num, raddr, rport)) {
		err = -EADDRNOTAVAIL;
		goto out;
	}
	anp_port_unlink(sk);
	WRITE_ONCE(sk->sk_rcv_saddr, laddr);
	WRITE_ONCE(sk->sk_daddr, raddr);
	WRITE_ONCE(sk->sk_dport, rport);
	anp_port_link(pt, sk);
out:
	spin_unlock_bh(&pt->lock);
	return err;
}

int anp_port_inherit(struct anp_port_table *pt, struct sock *child,
		     const struct sock *parent)
{
	int err = 0;

	spin_lock_bh(&pt->lock);
	/* The listener may have been unhashed since the lookup. */
	if (!parent->sk_num ||
	    anp_port_conn_exists(pt, child->sk_rcv_saddr, parent->sk_num,
				 child->sk_daddr, child->sk_dport)) {
		err = -EADDRINUSE;
		goto out;
	}
	anp_port_insert(pt, child, parent->sk_num);
out:
	spin_unlock_bh(&pt->lock);
	return err;
}

/* ---- lookup (RCU) ------------------------------------------------- */

/*
 * Among the unconnected sockets bound to exactly (addr, port), the one
 * to deliver to: the most recently bound, or, when that one is in an
 * SO_REUSEPORT group, a member of the group picked by the flow's hash
 * (Linux spreads a reuseport group's flows the same way).
 */
static struct sock *anp_bind_lookup(struct anp_port_table *pt, __be32 addr,
				    u16 port, u32 flow)
{
	struct sock *first = NULL, *sk;
	struct anp_sock *as;
	unsigned int n = 0, pick;
	struct hlist_head *chain = anp_bind_chain(pt, addr, port);

	hlist_for_each_entry_rcu(as, chain, bind_node) {
		sk = &as->sk;
		if (READ_ONCE(sk->sk_num) != port ||
		    READ_ONCE(sk->sk_rcv_saddr) != addr)
			continue;
		if (!first) {
			first = sk;
			if (!sk->sk_reuseport)
				return sk;
		}
		if (sk->sk_reuseport)
			n++;
	}
	if (!first || n < 2)
		return first;
	pick = reciprocal_scale(flow, n);
	hlist_for_each_entry_rcu(as, chain, bind_node) {
		sk = &as->sk;
		if (READ_ONCE(sk->sk_num) != port ||
		    READ_ONCE(sk->sk_rcv_saddr) != addr || !sk->sk_reuseport)
			continue;
		if (!pick--)
			return sk;
	}
	return first;
}

struct sock *anp_port_lookup(struct anp_port_table *pt, __be32 saddr,
			     __be16 sport, __be32 daddr, __be16 dport)
{
	u16 port = ntohs(dport);
	struct anp_sock *as;
	struct sock *sk;
	u32 flow;

	/* 1. A connected socket whose 4-tuple is exactly this datagram's. */
	hlist_for_each_entry_rcu(as, anp_conn_chain(pt, saddr, sport, port),
				 conn_node) {
		__be32 rcv = READ_ONCE(as->sk.sk_rcv_saddr);

		sk = &as->sk;
		if (READ_ONCE(sk->sk_daddr) == saddr &&
		    READ_ONCE(sk->sk_dport) == sport &&
		    READ_ONCE(sk->sk_num) == port &&
		    (!rcv || rcv == daddr))
			return sk;
	}
	flow = jhash_3words((__force u32)saddr, (__force u32)daddr,
			    (__force u32)sport << 16 | (__force u32)dport,
			    pt->seed);
	/* 2. Bound to the destination address; 3. to the wildcard. */
	sk = anp_bind_lookup(pt, daddr, port, flow);
	if (sk)
		return sk;
	return anp_bind_lookup(pt, 0, port, flow);
}
EXPORT_SYMBOL_IF_KUNIT(anp_port_lookup);

int anp_port_bcast_walk(struct anp_port_table *pt, __be32 saddr,
			__be16 sport, __be32 daddr, __be16 dport,
			void (*fn)(struct sock *sk, void *arg), void *arg)
{
	u16 port = ntohs(dport);
	int n = 0;
	struct anp_sock *as;

	hlist_for_each_entry_rcu(as, anp_port_chain(pt, port), port_node) {
		struct sock *sk = &as->sk;
		__be32 rcv = READ_ONCE(sk->sk_rcv_saddr);
		__be32 peer = READ_ONCE(sk->sk_daddr);
		__be16 pport = READ_ONCE(sk->sk_dport);

		/* Linux's __udp_is_mcast_sock(): wildcard or that address,
		 * and a connected socket only from its peer.
		 */
		if (READ_ONCE(sk->sk_num) != port || (rcv && rcv != daddr) ||
		    (peer && peer != saddr) || (pport && pport != sport))
			continue;
		fn(sk, arg);
		n++;
	}
	return n;
}

/* ---- bind, connect, names ----------------------------------------- */

/* RCU held.  The address rule of the comment at the top. */
static bool anp_sock_addr_bindable(struct anp_net *an, __be32 addr)
{
	return !addr || ipv4_is_loopback(addr) || ipv4_is_multicast(addr) ||
	       anp_addr_is_local(an, addr) || anp_ip_is_bcast(an, addr);
}

int anp_sock_bind(struct sock *sk, struct sockaddr *uaddr, int addr_len)
{
	struct sockaddr_anp *sa = (struct sockaddr_anp *)uaddr;
	struct anp_port_table *pt = anp_sk_ports(sk);
	struct net *net = sock_net(sk);
	struct anp_net *an = anp_net(net);
	__be32 addr;
	bool ok;
	u16 snum;
	int err;

	if (addr_len < sizeof(*sa))
		return -EINVAL;
	/* Issue 3's rule: EINVAL (inet_bind() gives EAFNOSUPPORT). */
	if (sa->sanp_family != AF_ANP &&
	    (sa->sanp_family != AF_UNSPEC || sa->sanp_addr != htonl(INADDR_ANY)))
		return -EINVAL;
	addr = sa->sanp_addr;
	rcu_read_lock();
	ok = anp_sock_addr_bindable(an, addr);
	rcu_read_unlock();
	if (!ok)
		return -EADDRNOTAVAIL;
	snum = ntohs(sa->sanp_port);
	if (snum && inet_port_requires_bind_service(net, snum) &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;

	lock_sock(sk);
	err = -EINVAL;
	if (sk->sk_state != TCP_CLOSE || sk->sk_num)
		goto out;
	sk->sk_rcv_saddr = addr;
	/* Broadcast and multicast binds send from the route's source. */
	anp_sk(sk)->saddr = ipv4_is_multicast(addr) ||
			    (addr && anp_ip_is_bcast(an, addr)) ? 0 : addr;
	err = anp_port_get(pt, sk, snum);
	if (err) {
		sk->sk_rcv_saddr = 0;
		anp_sk(sk)->saddr = 0;
		goto out;
	}
	if (addr)
		sk->sk_userlocks |= SOCK_BINDADDR_LOCK;
	if (snum)
		sk->sk_userlocks |= SOCK_BINDPORT_LOCK;
	sk->sk_daddr = 0;
	sk->sk_dport = 0;
out:
	release_sock(sk);
	return err;
}

int anp_sock_autobind(struct sock *sk)
{
	sock_owned_by_me(sk);
	if (sk->sk_num)
		return 0;
	/* inet_autobind(): EAGAIN when no port is free. */
	return anp_port_get(anp_sk_ports(sk), sk, 0) ? -EAGAIN : 0;
}

int anp_sock_dgram_connect(struct sock *sk, __be32 daddr, __be16 dport)
{
	struct anp_net *an = anp_net(sock_net(sk));
	struct anp_sock *as = anp_sk(sk);
	__be32 saddr;
	int err;

	sock_owned_by_me(sk);
	/* As Linux's routing: INADDR_ANY as a destination is this host. */
	if (!daddr)
		daddr = htonl(INADDR_LOOPBACK);
	if (anp_ip_is_bcast(an, daddr) && !sock_flag(sk, SOCK_BROADCAST))
		return -EACCES;
	saddr = as->saddr;
	if (!saddr) {
		err = anp_ip_route_saddr(an, daddr, &saddr);
		if (err)
			return err;
	}
	if (!as->saddr)
		as->saddr = saddr;
	/* Connected even to port 0, as Linux (datagrams go to port 0). */
	anp_port_set_peer(anp_sk_ports(sk), sk, sk->sk_rcv_saddr ?: saddr,
			  daddr, dport, true);
	return 0;
}

void anp_sock_disconnect(struct sock *sk)
{
	struct anp_port_table *pt = anp_sk_ports(sk);
	__be32 rcv = sk->sk_rcv_saddr;

	sock_owned_by_me(sk);
	/* Linux's __udp_disconnect(): forget what connect() chose. */
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK)) {
		anp_sk(sk)->saddr = 0;
		rcv = 0;
	}
	anp_port_set_peer(pt, sk, rcv, 0, 0, false);
	if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
		anp_port_unhash(pt, sk);
}

void anp_sock_unhash(struct sock *sk)
{
	struct anp_port_table *pt = anp_sk_ports(sk);

	if (pt)
		anp_port_unhash(pt, sk);
}

int anp_sock_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct sockaddr_anp *sa = (struct sockaddr_anp *)uaddr;
	struct sock *sk = sock->sk;

	memset(sa, 0, sizeof(*sa));
	sa->sanp_family = AF_ANP;
	lock_sock(sk);
	if (peer) {
		/* inet_getname(): no peer port or not connected. */
		if (!sk->sk_dport || sk->sk_state != TCP_ESTABLISHED) {
			release_sock(sk);
			return -ENOTCONN;
		}
		sa->sanp_port = sk->sk_dport;
		sa->sanp_addr = sk->sk_daddr;
	} else {
		sa->sanp_port = htons(sk->sk_num);
		sa->sanp_addr = sk->sk_rcv_saddr ?: anp_sk(sk)->saddr;
	}
	release_sock(sk);
	return sizeof(*sa);
}
