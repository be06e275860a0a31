// SPDX-License-Identifier: GPL-2.0
/*
 * AF_ANP: module init/exit and the socket family.
 *
 * socket(AF_ANP, type, protocol) accepts the types of the ANP host:
 *
 *   SOCK_STREAM     IPPROTO_TCP (or 0)  TCP on the wire
 *   SOCK_DGRAM      IPPROTO_UDP (or 0)  UDP on the wire
 *   SOCK_SEQPACKET  0                   local, Unix-style
 *
 * and rejects the rest with the errno inet_create() gives for the same
 * call: EINVAL for a protocol outside 0..IPPROTO_MAX-1, ESOCKTNOSUPPORT
 * for a type the family lacks, EPROTONOSUPPORT for a protocol the type
 * does not speak.  (__sock_create() already gives EINVAL for a type
 * outside 0..SOCK_MAX-1.)
 *
 * Each type has its own proto_ops table, chosen in anp_create() as
 * af_vsock does.  SOCK_DGRAM is UDP (udp.c: anp_dgram_ops,
 * anp_udp_proto), SOCK_STREAM is TCP (tcp.c: anp_stream_ops,
 * anp_tcp_proto).  The local socket work fills the SOCK_SEQPACKET table
 * in; until then every operation of its except release, and the
 * SOL_SOCKET options the core handles, fails with EOPNOTSUPP.
 *
 * Every socket is SOCK_RCU_FREE (port lookups and the socket dump find
 * sockets under RCU) and on its host's socket list (sock.c) until
 * released.
 *
 * A socket holds a reference on the module (proto_ops.owner and
 * proto.owner), so anp.ko cannot be removed while one is open.
 */
#include <linux/in.h>
#include <linux/module.h>
#include <linux/net.h>
#include <net/sock.h>

#include "anp.h"

static struct proto anp_proto = {
	.name		= "ANP",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct anp_sock),
};

static int anp_release(struct socket *sock)
{
	struct sock *sk = sock->sk;

	if (!sk)
		return 0;

	lock_sock(sk);
	sock_orphan(sk);
	release_sock(sk);
	anp_sock_list_del(sk);
	sock->sk = NULL;
	sock_put(sk);
	return 0;
}

/*
 * No socket ioctl of our own yet.  -ENOIOCTLCMD lets sock_do_ioctl() fall
 * back to the generic device ioctls, as for AF_INET.
 */
static int anp_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	return -ENOIOCTLCMD;
}

#define ANP_UNIMPLEMENTED_OPS			\
	.family		= PF_ANP,		\
	.owner		= THIS_MODULE,		\
	.release	= anp_release,		\
	.bind		= sock_no_bind,		\
	.connect	= sock_no_connect,	\
	.socketpair	= sock_no_socketpair,	\
	.accept		= sock_no_accept,	\
	.getname	= sock_no_getname,	\
	.ioctl		= anp_ioctl,		\
	.listen		= sock_no_listen,	\
	.shutdown	= sock_no_shutdown,	\
	.sendmsg	= sock_no_sendmsg,	\
	.recvmsg	= sock_no_recvmsg,	\
	.mmap		= sock_no_mmap,		\
	.sendpage	= sock_no_sendpage

static const struct proto_ops anp_seqpacket_ops = { ANP_UNIMPLEMENTED_OPS };

struct anp_sock_type {
	int type;
	int protocol;		/* the one protocol it speaks; 0 picks it */
	const struct proto_ops *ops;
	struct proto *prot;
};

static const struct anp_sock_type anp_sock_types[] = {
	{ SOCK_STREAM,		IPPROTO_TCP,	&anp_stream_ops,    &anp_tcp_proto },
	{ SOCK_DGRAM,		IPPROTO_UDP,	&anp_dgram_ops,	    &anp_udp_proto },
	{ SOCK_SEQPACKET,	0,		&anp_seqpacket_ops, &anp_proto },
};

static const struct anp_sock_type *anp_sock_type_find(int type)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(anp_sock_types); i++)
		if (anp_sock_types[i].type == type)
			return &anp_sock_types[i];
	return NULL;
}

static int anp_create(struct net *net, struct socket *sock, int protocol,
		      int kern)
{
	const struct anp_sock_type *t;
	struct sock *sk;

	/* The checks of inet_create(), in its order. */
	if (protocol < 0 || protocol >= IPPROTO_MAX)
		return -EINVAL;

	t = anp_sock_type_find(sock->type);
	if (!t)
		return -ESOCKTNOSUPPORT;
	if (protocol && protocol != t->protocol)
		return -EPROTONOSUPPORT;

	sk = sk_alloc(net, PF_ANP, GFP_KERNEL, t->prot, kern);
	if (!sk)
		return -ENOBUFS;

	sock->state = SS_UNCONNECTED;
	sock->ops = t->ops;
	sock_init_data(sock, sk);
	sk->sk_protocol = t->protocol;
	/* Port lookups and the socket dump read sockets under RCU. */
	sock_set_flag(sk, SOCK_RCU_FREE);
	INIT_LIST_HEAD(&anp_sk(sk)->list_node);
	if (sk->sk_prot->init) {
		int err = sk->sk_prot->init(sk);

		if (err) {
			sock->sk = NULL;
			sk->sk_socket = NULL;
			sk_free(sk);
			return err;
		}
	}
	/* Every socket, whatever its type, is in its host's list. */
	anp_sock_list_add(sk);
	return 0;
}

static const struct net_proto_family anp_family_ops = {
	.family	= PF_ANP,
	.create	= anp_create,
	.owner	= THIS_MODULE,
};

static int __init anp_init(void)
{
	int err;

	/* sockaddr_anp is sockaddr_in with another family number. */
	BUILD_BUG_ON(sizeof(struct sockaddr_anp) != sizeof(struct sockaddr_in));
	BUILD_BUG_ON(offsetof(struct sockaddr_anp, sanp_port) !=
		     offsetof(struct sockaddr_in, sin_port));
	BUILD_BUG_ON(offsetof(struct sockaddr_anp, sanp_addr) !=
		     offsetof(struct sockaddr_in, sin_addr));

	/* Hosts first: devices and sockets are created inside one. */
	err = anp_host_init();
	if (err)
		return err;

	/* The proto before the family that hands out its sockets. */
	err = proto_register(&anp_proto, 1);
	if (err)
		goto err_host;
	err = proto_register(&anp_udp_proto, 1);
	if (err)
		goto err_proto;
	err = proto_register(&anp_tcp_proto, 1);
	if (err)
		goto err_udp_proto;

	err = sock_register(&anp_family_ops);
	if (err)
		goto err_tcp_proto;

	err = anp_dev_init();
	if (err)
		goto err_sock;

	err = anp_netlink_init();
	if (err)
		goto err_dev;

	return 0;

err_dev:
	anp_dev_exit();
err_sock:
	sock_unregister(PF_ANP);
err_tcp_proto:
	proto_unregister(&anp_tcp_proto);
err_udp_proto:
	proto_unregister(&anp_udp_proto);
err_proto:
	proto_unregister(&anp_proto);
err_host:
	anp_host_exit();
	return err;
}

static void __exit anp_exit(void)
{
	anp_netlink_exit();
	anp_dev_exit();		/* deletes every anp device in every netns */
	sock_unregister(PF_ANP);
	/* Hosts before protos: TCP orphans end in each host's exit. */
	anp_host_exit();
	/* SOCK_RCU_FREE sockets free into their proto's slab. */
	rcu_barrier();
	proto_unregister(&anp_tcp_proto);
	proto_unregister(&anp_udp_proto);
	proto_unregister(&anp_proto);
}

module_init(anp_init);
module_exit(anp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("AF_ANP: a second TCP/IP host behind a NAPI-polled virtual NIC");
MODULE_AUTHOR("The AF_ANP developers");
MODULE_ALIAS_NETPROTO(PF_ANP);
