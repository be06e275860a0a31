// SPDX-License-Identifier: GPL-2.0
/*
 * UDP (RFC 768) for the ANP host, and the SOCK_DGRAM socket calls.
 *
 * Input (anp_udp_rcv, BH): length checks, the checksum, then demux
 * (sock.c: connected 4-tuple, bound address, wildcard).  Every drop is
 * counted: a short or inconsistent header in UdpInErrors, a bad
 * checksum in UdpInCsumErrors and UdpInErrors, a unicast datagram for a
 * port nobody holds in UdpNoPorts (and answered with ICMP Port
 * Unreachable), a broadcast nobody takes in UdpIgnoredMulti, a full
 * receive buffer in UdpRcvbufErrors and UdpInErrors (and the socket's
 * sk_drops).  UdpInDatagrams counts datagrams queued to a socket (Linux
 * counts them when read; the contract counts them on delivery).
 *
 * Queued datagrams keep their IP and UDP headers in the headroom;
 * skb->data is at the payload, so skb->len is the datagram's size.
 * The receive queue is bounded by SO_RCVBUF through sk_rmem_alloc
 * (sock_queue_rcv_skb); sends are bounded by SO_SNDBUF through
 * sk_wmem_alloc (sock_alloc_send_pskb), as raw and ping sockets do:
 * there is no protocol-wide memory pressure accounting.
 *
 * Socket call semantics are Linux UDP's (errno included); where this
 * differs it says so beside the code: MSG_MORE/UDP_CORK corking is not
 * supported (MSG_MORE is ignored), and no IP_RECVERR error queue
 * (MSG_ERRQUEUE always finds it empty: EAGAIN).
 */
#include <kunit/visibility.h>
#include <linux/icmp.h>
#include <linux/module.h>
#include <linux/sockios.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/udp.h>
#include <asm/ioctls.h>

#include "anp.h"

/* ---- wire --------------------------------------------------------- */

void anp_udp_set_csum(struct sk_buff *skb, __be32 saddr, __be32 daddr)
{
	struct udphdr *uh = (struct udphdr *)skb->data;
	__wsum csum;

	/*
	 * RFC 768: the checksum covers a pseudo header (source,
	 * destination, protocol, UDP length), the header and the data;
	 * "If the computed checksum is zero, it is transmitted as all
	 * ones" (zero means "no checksum").
	 */
	uh->check = 0;
	csum = skb_checksum(skb, 0, skb->len, 0);
	uh->check = csum_tcpudp_magic(saddr, daddr, skb->len, IPPROTO_UDP,
				      csum);
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
	skb->ip_summed = CHECKSUM_NONE;
}
EXPORT_SYMBOL_IF_KUNIT(anp_udp_set_csum);

/* RFC 768: a received checksum of zero means none was sent. */
static bool anp_udp_csum_ok(struct sk_buff *skb, const struct iphdr *iph)
{
	const struct udphdr *uh = udp_hdr(skb);

	if (!uh->check)
		return true;
	return !csum_tcpudp_magic(iph->saddr, iph->daddr, skb->len,
				  IPPROTO_UDP,
				  skb_checksum(skb, 0, skb->len, 0));
}

/*
 * Queue one datagram (skb->data at its UDP header) to sk.  Consumes
 * skb.  BH, RCU.
 */
static void anp_udp_queue(struct anp_net *an, struct sock *sk,
			  struct sk_buff *skb)
{
	int err;

	__skb_pull(skb, sizeof(struct udphdr));
	err = sock_queue_rcv_skb(sk, skb);
	if (err) {
		/* Bounded by SO_RCVBUF: never an unbounded queue. */
		if (err == -ENOMEM)
			ANP_INC_STATS(an, ANP_MIB_UDP_RCVBUF_ERRORS);
		ANP_INC_STATS(an, ANP_MIB_UDP_IN_ERRORS);
		kfree_skb(skb);
		return;
	}
	ANP_INC_STATS(an, ANP_MIB_UDP_IN_DATAGRAMS);
}

struct anp_udp_bcast {
	struct anp_net *an;
	struct sk_buff *skb;
};

static void anp_udp_bcast_one(struct sock *sk, void *arg)
{
	struct anp_udp_bcast *b = arg;
	struct sk_buff *clone;

	clone = skb_clone(b->skb, GFP_ATOMIC);
	if (!clone) {
		atomic_inc(&sk->sk_drops);
		ANP_INC_STATS(b->an, ANP_MIB_UDP_IN_ERRORS);
		return;
	}
	anp_udp_queue(b->an, sk, clone);
}

void anp_udp_rcv(struct anp_net *an, struct sk_buff *skb)
{
	struct anp_port_table *pt = anp_port_table(an, IPPROTO_UDP);
	const struct iphdr *iph = ip_hdr(skb);
	struct anp_udp_bcast b;
	const struct udphdr *uh;
	struct sock *sk;
	unsigned int ulen;

	/* RFC 768: an 8-byte header; Length covers header and data. */
	if (!pskb_may_pull(skb, sizeof(*uh)))
		goto err;
	skb_reset_transport_header(skb);
	uh = udp_hdr(skb);
	ulen = ntohs(uh->len);
	if (ulen < sizeof(*uh) || ulen > skb->len)
		goto err;
	if (ulen < skb->len && pskb_trim_rcsum(skb, ulen))
		goto err;
	iph = ip_hdr(skb);
	uh = udp_hdr(skb);
	if (!anp_udp_csum_ok(skb, iph)) {
		/* Counted as Linux does: InCsumErrors and InErrors. */
		ANP_INC_STATS(an, ANP_MIB_UDP_IN_CSUM_ERRORS);
		goto err;
	}

	rcu_read_lock();
	if (anp_ip_is_bcast(an, iph->daddr)) {
		/*
		 * RFC 1122 3.3.6: broadcasts are received like unicast;
		 * as Linux, each socket of the port that would take the
		 * datagram gets its own copy.
		 */
		b.an = an;
		b.skb = skb;
		if (!anp_port_bcast_walk(pt, iph->saddr, uh->source,
					 iph->daddr, uh->dest,
					 anp_udp_bcast_one, &b))
			ANP_INC_STATS(an, ANP_MIB_UDP_IGNORED_MULTI);
		rcu_read_unlock();
		consume_skb(skb);
		return;
	}
	sk = anp_port_lookup(pt, iph->saddr, uh->source, iph->daddr,
			     uh->dest);
	if (sk) {
		anp_udp_queue(an, sk, skb);
		rcu_read_unlock();
		return;
	}
	rcu_read_unlock();

	/*
	 * RFC 1122 4.1.3.1: a datagram for a port with no listener
	 * SHOULD be answered with ICMP Port Unreachable (anp_icmp_send
	 * applies RFC 1122 3.2.2's exceptions and the rate limit).
	 */
	ANP_INC_STATS(an, ANP_MIB_UDP_NO_PORTS);
	anp_icmp_send(an, skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
	consume_skb(skb);
	return;

err:
	ANP_INC_STATS(an, ANP_MIB_UDP_IN_ERRORS);
	kfree_skb(skb);
}
EXPORT_SYMBOL_IF_KUNIT(anp_udp_rcv);

void anp_udp_err(struct anp_net *an, const struct iphdr *iph,
		 const struct udphdr *uh, u8 type, u8 code, __be32 info)
{
	struct anp_port_table *pt = anp_port_table(an, IPPROTO_UDP);
	bool fatal = false;
	struct sock *sk;
	int err;

	err = anp_icmp_err_errno(type, code, &fatal);
	/*
	 * RFC 1122 4.1.3.3: UDP MUST pass ICMP errors up.  As Linux
	 * without IP_RECVERR: only a hard error, and only to a socket
	 * connected to the flow (the quoted datagram went from
	 * iph->saddr:uh->source to iph->daddr:uh->dest).
	 */
	if (!err || !fatal)
		return;
	rcu_read_lock();
	sk = anp_port_lookup(pt, iph->daddr, uh->dest, iph->saddr,
			     uh->source);
	if (sk && sk->sk_state == TCP_ESTABLISHED) {
		WRITE_ONCE(sk->sk_err, err);
		sk_error_report(sk);
	}
	rcu_read_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(anp_udp_err);

/* ---- socket calls ------------------------------------------------- */

static void anp_udp_destruct(struct sock *sk)
{
	skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&sk->sk_error_queue);
}

/* Called by anp_create() for a new SOCK_DGRAM socket. */
static int anp_udp_init(struct sock *sk)
{
	sk->sk_destruct = anp_udp_destruct;
	return 0;
}

static int anp_dgram_release(struct socket *sock)
{
	struct sock *sk = sock->sk;

	if (!sk)
		return 0;
	lock_sock(sk);
	/* The port is free as soon as close() returns. */
	anp_sock_unhash(sk);
	sk->sk_shutdown = SHUTDOWN_MASK;
	sock_orphan(sk);
	release_sock(sk);
	anp_sock_list_del(sk);
	skb_queue_purge(&sk->sk_receive_queue);
	sock->sk = NULL;
	/* SOCK_RCU_FREE: freed after the readers that may still see it. */
	sock_put(sk);
	return 0;
}

static int anp_dgram_bind(struct socket *sock, struct sockaddr *uaddr,
			  int addr_len)
{
	return anp_sock_bind(sock->sk, uaddr, addr_len);
}

static int anp_dgram_connect(struct socket *sock, struct sockaddr *uaddr,
			     int addr_len, int flags)
{
	struct sockaddr_anp *sa = (struct sockaddr_anp *)uaddr;
	struct sock *sk = sock->sk;
	int err;

	/* inet_dgram_connect(), then ip4_datagram_connect(). */
	if (addr_len < sizeof(sa->sanp_family))
		return -EINVAL;
	lock_sock(sk);
	if (sa->sanp_family == AF_UNSPEC) {
		anp_sock_disconnect(sk);
		err = 0;
		goto out;
	}
	err = anp_sock_autobind(sk);
	if (err)
		goto out;
	err = -EINVAL;
	if (addr_len < sizeof(*sa))
		goto out;
	err = -EAFNOSUPPORT;
	if (sa->sanp_family != AF_ANP)
		goto out;
	err = anp_sock_dgram_connect(sk, sa->sanp_addr, sa->sanp_port);
out:
	release_sock(sk);
	return err;
}

static int anp_dgram_getname(struct socket *sock, struct sockaddr *uaddr,
			     int peer)
{
	return anp_sock_getname(sock, uaddr, peer);
}

static int anp_dgram_ioctl(struct socket *sock, unsigned int cmd,
			   unsigned long arg)
{
	struct sock *sk = sock->sk;
	struct sk_buff *skb;
	int amount;

	switch (cmd) {
	case SIOCOUTQ:
		amount = sk_wmem_alloc_get(sk);
		break;
	case SIOCINQ:
		/* As Linux UDP: the size of the next datagram, not all. */
		spin_lock_bh(&sk->sk_receive_queue.lock);
		skb = skb_peek(&sk->sk_receive_queue);
		amount = skb ? skb->len : 0;
		spin_unlock_bh(&sk->sk_receive_queue.lock);
		break;
	default:
		return -ENOIOCTLCMD;
	}
	return put_user(amount, (int __user *)arg);
}

static int anp_dgram_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	int err = 0;

	/* inet_shutdown(): SHUT_RD/WR/RDWR (0..2) become 1..3. */
	how++;
	if ((how & ~SHUTDOWN_MASK) || !how)
		return -EINVAL;
	lock_sock(sk);
	/*
	 * As Linux: an unconnected socket reports ENOTCONN but is shut
	 * down anyway (wakes pollers; recv then returns 0).
	 */
	if (sk->sk_state != TCP_ESTABLISHED)
		err = -ENOTCONN;
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | how);
	sk->sk_state_change(sk);
	release_sock(sk);
	return err;
}

/*
 * SOL_ANP options.  SO_REUSEPORT: Linux 6.1's sock_setsockopt() refuses
 * SOL_SOCKET/SO_REUSEPORT (EOPNOTSUPP) on any family but AF_INET and
 * AF_INET6 and gives a protocol no way to take it, so an AF_ANP socket
 * sets it at level SOL_ANP (same name, same int); getsockopt at
 * SOL_SOCKET reads it back as usual.
 */
static int anp_dgram_setsockopt_anp(struct sock *sk, int optname,
				    sockptr_t optval, unsigned int optlen)
{
	int val;

	if (optname != SO_REUSEPORT)
		return -ENOPROTOOPT;
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	lock_sock(sk);
	sk->sk_reuseport = !!val;
	release_sock(sk);
	return 0;
}

static int anp_dgram_setsockopt(struct socket *sock, int level, int optname,
				sockptr_t optval, unsigned int optlen)
{
	struct anp_sock *as = anp_sk(sock->sk);
	int val = 0, err = 0;

	if (level == SOL_ANP)
		return anp_dgram_setsockopt_anp(sock->sk, optname, optval,
						optlen);
	if (level != SOL_IP)
		return -ENOPROTOOPT;	/* SOL_UDP: no option (no cork) */
	switch (optname) {
	case IP_TOS:
	case IP_TTL:
		break;
	default:
		return -ENOPROTOOPT;
	}
	/* do_ip_setsockopt(): an int, or one byte. */
	if (optlen >= sizeof(int)) {
		if (copy_from_sockptr(&val, optval, sizeof(val)))
			return -EFAULT;
	} else if (optlen >= sizeof(char)) {
		unsigned char ucval;

		if (copy_from_sockptr(&ucval, optval, sizeof(ucval)))
			return -EFAULT;
		val = ucval;
	}

	lock_sock(sock->sk);
	switch (optname) {
	case IP_TOS:
		/* A datagram socket keeps all 8 bits, ECN included. */
		as->tos = val;
		break;
	case IP_TTL:
		/* 1..255, or -1 for the default. */
		if (optlen < 1 || (val != -1 && (val < 1 || val > 255)))
			err = -EINVAL;
		else
			as->ttl = val == -1 ? 0 : val;
		break;
	}
	release_sock(sock->sk);
	return err;
}

static int anp_dgram_getsockopt(struct socket *sock, int level, int optname,
				char __user *optval, int __user *optlen)
{
	struct anp_sock *as = anp_sk(sock->sk);
	int val, len;

	if (level == SOL_ANP && optname == SO_REUSEPORT)
		val = sock->sk->sk_reuseport;
	else if (level == SOL_IP && optname == IP_TOS)
		val = READ_ONCE(as->tos);
	else if (level == SOL_IP && optname == IP_TTL)
		val = READ_ONCE(as->ttl) ?: ANP_DEFAULT_TTL;
	else
		return -ENOPROTOOPT;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	/* do_ip_getsockopt(): one byte when asked for less than an int. */
	if (len < sizeof(int) && len > 0 && val >= 0 && val <= 255) {
		unsigned char ucval = val;

		len = 1;
		if (put_user(len, optlen) ||
		    copy_to_user(optval, &ucval, 1))
			return -EFAULT;
		return 0;
	}
	len = min_t(unsigned int, sizeof(int), len);
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

static int anp_dgram_sendmsg(struct socket *sock, struct msghdr *msg,
			     size_t len)
{
	DECLARE_SOCKADDR(struct sockaddr_anp *, sa, msg->msg_name);
	struct sock *sk = sock->sk;
	struct anp_net *an = anp_net(sock_net(sk));
	struct anp_sock *as = anp_sk(sk);
	struct anp_ip_tx tx = { .protocol = IPPROTO_UDP };
	size_t hlen = ANP_IP_HEADROOM + sizeof(struct udphdr);
	size_t data_len = 0;
	__be16 sport, dport;
	struct sk_buff *skb;
	struct udphdr *uh;
	int err;

	/* inet_send_prepare(): an unbound socket gets a port first. */
	lock_sock(sk);
	err = anp_sock_autobind(sk);
	sport = htons(sk->sk_num);
	release_sock(sk);
	if (err)
		return err;

	/* RFC 768 / RFC 791: 65535 - 20 - 8 bytes at most. */
	if (len > ANP_UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;

	if (sa) {
		if (msg->msg_namelen < sizeof(*sa))
			return -EINVAL;
		if (sa->sanp_family != AF_ANP) {
			if (sa->sanp_family != AF_UNSPEC)
				return -EAFNOSUPPORT;
		}
		tx.daddr = sa->sanp_addr;
		dport = sa->sanp_port;
		if (!dport)
			return -EINVAL;
	}

	lock_sock(sk);
	if (!sa) {
		if (sk->sk_state != TCP_ESTABLISHED) {
			release_sock(sk);
			return -EDESTADDRREQ;
		}
		tx.daddr = sk->sk_daddr;
		dport = sk->sk_dport;
	}
	tx.saddr = as->saddr;
	tx.tos = as->tos;
	tx.ttl = as->ttl;
	tx.bcast_ok = sock_flag(sk, SOCK_BROADCAST);
	release_sock(sk);

	/* As Linux's routing: INADDR_ANY as a destination is this host. */
	if (!tx.daddr)
		tx.daddr = htonl(INADDR_LOOPBACK);
	if (!tx.bcast_ok && anp_ip_is_bcast(an, tx.daddr))
		return -EACCES;
	if (!tx.saddr) {
		err = anp_ip_route_saddr(an, tx.daddr, &tx.saddr);
		if (err)
			return err;
	} else if (ipv4_is_loopback(tx.saddr) &&
		   !anp_ip_is_local(an, tx.daddr)) {
		/* Linux: a loopback source never leaves the host. */
		return -EINVAL;
	}

	/* Large datagrams go in pages, as unix_dgram_sendmsg() does. */
	if (len > SKB_MAX_ALLOC) {
		data_len = min_t(size_t, len - SKB_MAX_ALLOC,
				 MAX_SKB_FRAGS * PAGE_SIZE);
		data_len = PAGE_ALIGN(data_len);
	}
	/* Waits for SO_SNDBUF room (or EAGAIN); reports a pending sk_err. */
	skb = sock_alloc_send_pskb(sk, hlen + len - data_len, data_len,
				   msg->msg_flags & MSG_DONTWAIT, &err,
				   PAGE_ALLOC_COSTLY_ORDER);
	if (!skb) {
		if (err == -EAGAIN)
			ANP_INC_STATS(an, ANP_MIB_UDP_SNDBUF_ERRORS);
		return err;
	}
	skb_reserve(skb, hlen);
	skb_put(skb, len - data_len);
	skb->data_len = data_len;
	skb->len = len;
	err = skb_copy_datagram_from_iter(skb, 0, &msg->msg_iter, len);
	if (err) {
		kfree_skb(skb);
		return err;
	}

	/* RFC 768: source port, destination port, length, checksum. */
	uh = skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = sport;
	uh->dest = dport;
	uh->len = htons(skb->len);
	anp_udp_set_csum(skb, tx.saddr, tx.daddr);
	skb->priority = READ_ONCE(sk->sk_priority);
	skb->mark = READ_ONCE(sk->sk_mark);

	err = anp_ip_send(an, skb, &tx);
	if (err == -ENOBUFS) {
		/* Linux without IP_RECVERR: counted, reported as sent. */
		ANP_INC_STATS(an, ANP_MIB_UDP_SNDBUF_ERRORS);
		err = 0;
	} else if (!err) {
		ANP_INC_STATS(an, ANP_MIB_UDP_OUT_DATAGRAMS);
	}
	return err ?: len;
}

static int anp_dgram_recvmsg(struct socket *sock, struct msghdr *msg,
			     size_t len, int flags)
{
	DECLARE_SOCKADDR(struct sockaddr_anp *, sa, msg->msg_name);
	struct sock *sk = sock->sk;
	struct sk_buff *skb;
	size_t copied, ulen;
	int err;

	/* No IP_RECVERR: the error queue is always empty. */
	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;

	/* A pending sk_err first; MSG_PEEK, MSG_DONTWAIT, SO_RCVTIMEO. */
	skb = skb_recv_datagram(sk, flags, &err);
	if (!skb)
		return err;

	ulen = skb->len;
	copied = len;
	if (copied > ulen)
		copied = ulen;
	else if (copied < ulen)
		msg->msg_flags |= MSG_TRUNC;
	err = skb_copy_datagram_msg(skb, 0, msg, copied);
	if (err) {
		if (!(flags & MSG_PEEK)) {
			atomic_inc(&sk->sk_drops);
			ANP_INC_STATS(anp_net(sock_net(sk)),
				      ANP_MIB_UDP_IN_ERRORS);
		}
		skb_free_datagram(sk, skb);
		return err;
	}
	sock_recv_cmsgs(msg, sk, skb);

	if (sa) {
		sa->sanp_family = AF_ANP;
		sa->sanp_port = udp_hdr(skb)->source;
		sa->sanp_addr = ip_hdr(skb)->saddr;
		memset(sa->sanp_zero, 0, sizeof(sa->sanp_zero));
		msg->msg_namelen = sizeof(*sa);
	}
	/* MSG_TRUNC: the datagram's real size (MSG_WAITALL is ignored). */
	err = flags & MSG_TRUNC ? ulen : copied;
	skb_free_datagram(sk, skb);
	return err;
}

const struct proto_ops anp_dgram_ops = {
	.family		= PF_ANP,
	.owner		= THIS_MODULE,
	.release	= anp_dgram_release,
	.bind		= anp_dgram_bind,
	.connect	= anp_dgram_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= anp_dgram_getname,
	.poll		= datagram_poll,
	.ioctl		= anp_dgram_ioctl,
	.listen		= sock_no_listen,
	.shutdown	= anp_dgram_shutdown,
	.setsockopt	= anp_dgram_setsockopt,
	.getsockopt	= anp_dgram_getsockopt,
	.sendmsg	= anp_dgram_sendmsg,
	.recvmsg	= anp_dgram_recvmsg,
	.mmap		= sock_no_mmap,
	.sendpage	= sock_no_sendpage,
};

struct proto anp_udp_proto = {
	.name		= "ANP-UDP",
	.owner		= THIS_MODULE,
	.init		= anp_udp_init,
	.obj_size	= sizeof(struct anp_sock),
};
EXPORT_SYMBOL_IF_KUNIT(anp_udp_proto);
