// SPDX-License-Identifier: GPL-2.0
/*
 * The TCP engine (RFC 9293) driven with crafted segments, in the style
 * of smoltcp's tcp.rs tests: a segment goes in, the exact segment the
 * host answers with (flags, seq, ack, window, MSS option, length) and
 * the socket state after it are checked.
 *
 *   fake interface 201: host 10.99.0.2/24, the peer 10.99.0.1
 *
 * The sockets are real AF_ANP SOCK_STREAM kernel sockets
 * (sock_create_kern) driven through kernel_connect/accept/sendmsg/...;
 * their host is the one of init_net, since the engine finds its host
 * with anp_net(sock_net(sk)), so the fake interface is added to that
 * host for the test and removed after it.
 *
 * Timers are made deterministic: after every step each pending timer of
 * the sockets under test is pushed far into the future (it stays
 * armed, so the engine sees it as it left it), and a test fires one by
 * taking it off the wheel and calling its function as the timer softirq
 * would (tt_fire).
 */
#include <linux/etherdevice.h>
#include <linux/net.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "../tcp.h"
#include "utils.h"

#define HOST		ANP_TEST_IP(10, 99, 0, 2)
#define PEER		ANP_TEST_IP(10, 99, 0, 1)
#define TT_IFINDEX	201
#define HPORT		5000		/* the host's listener */
#define PPORT		40000		/* the peer's port */
#define PISS		1000		/* the peer's initial sequence number */
#define PWIN		65535		/* the window the peer offers */
#define PMSS		1460
#define PTS		0x10000		/* the peer's first TSval */
/* Our window: the receive buffer's half, capped (no window scaling). */
#define HWIN		65535
/* A timer pushed this far never fires during a test. */
#define TT_FAR		(1000 * HZ)
#define TT_SOCKS	8
#define TT_WATCH	8

#define DELTA(f, name)	anp_test_mib_delta((f)->ctx, ANP_MIB_##name)
#define F_SYN		TCPHDR_SYN
#define F_ACK		TCPHDR_ACK
#define F_FIN		TCPHDR_FIN
#define F_RST		TCPHDR_RST
#define F_PSH		TCPHDR_PSH

struct tt_fix {
	struct kunit *test;
	struct anp_test_ctx *ctx;
	struct anp_test_iface *t;
	u8 peer_mac[ETH_ALEN];
	u8 host_mac[ETH_ALEN];
	struct socket *socks[TT_SOCKS];	/* released by tt_exit */
	unsigned int n_socks;
	struct sock *watch[TT_WATCH];	/* timers held after each step */
	unsigned int n_watch;
	struct sock *held[TT_SOCKS];	/* orphans: tt_exit puts them */
	unsigned int n_held;
};

/* One connection as the peer sees it. */
struct tt_conn {
	struct socket *sock;
	struct sock *sk;
	struct anp_tcp_sock *tp;
	u16 lport;			/* the host's port */
	u16 pport;			/* the peer's port */
	u32 iss;			/* the host's ISS */
	u32 pnxt;			/* the peer's next sequence number */
	u32 hnxt;			/* the host's next sequence number */
	struct anp_tcp_opts popts;	/* options on tt_peer()'s segments */
	struct anp_tcp_opts hsyn;	/* the options of our SYN (SYN,ACK) */
};

/* A segment the peer sends. */
struct tt_seg {
	u8 flags;
	u32 seq;
	u32 ack;
	u16 win;
	u16 mss;			/* MSS option when non-zero */
	u32 len;			/* payload: tt_byte() of its seq */
	bool bad_csum;
	struct anp_tcp_opts opts;	/* other options (the MSS from mss) */
};

/* A segment the host sent. */
struct tt_out {
	u8 flags;
	u32 seq;
	u32 ack;
	u16 win;
	int mss;			/* -1: no MSS option */
	struct anp_tcp_opts opts;	/* every option, as parsed */
	u16 sport;
	u16 dport;
	u32 len;
	u32 bad;			/* first payload byte not tt_byte() */
};

/* The running test's fixture, for tt_exit(); one test at a time. */
static struct tt_fix *tt_cur;

/* The payload byte at sequence number seq, both directions. */
static u8 tt_byte(u32 seq)
{
	return (seq * 7 + 3) & 0xff;
}

static void tt_watch(struct tt_fix *f, struct sock *sk)
{
	unsigned int i;

	for (i = 0; i < f->n_watch; i++)
		if (f->watch[i] == sk)
			return;
	KUNIT_ASSERT_LT(f->test, f->n_watch, TT_WATCH);
	f->watch[f->n_watch++] = sk;
}

/* Push every pending timer of the watched sockets out of the test. */
static void tt_hold(struct tt_fix *f)
{
	unsigned int i;

	for (i = 0; i < f->n_watch; i++) {
		struct sock *sk = f->watch[i];
		struct anp_tcp_sock *tp = anp_tcp_sk(sk);

		/* Only a pending timer: its reference on sk stays as is. */
		mod_timer_pending(&tp->rtx_timer, jiffies + TT_FAR);
		mod_timer_pending(&tp->delack_timer, jiffies + TT_FAR);
		mod_timer_pending(&sk->sk_timer, jiffies + TT_FAR);
	}
}

/*
 * Fire a pending timer now, as the timer softirq would; false if it was
 * not pending.  The handler drops the reference the pending timer held.
 */
static bool tt_fire(struct tt_fix *f, struct timer_list *t)
{
	if (!del_timer(t))
		return false;
	local_bh_disable();
	t->function(t);
	local_bh_enable();
	tt_hold(f);
	return true;
}

static int tt_init(struct kunit *test)
{
	struct anp_test_ctx *ctx;
	struct tt_fix *f;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	if (!ctx || !f)
		return -ENOMEM;
	ctx->test = test;
	ctx->an = anp_net(&init_net);
	test->priv = ctx;
	f->test = test;
	f->ctx = ctx;
	tt_cur = f;
	f->t = anp_test_iface_new(test, TT_IFINDEX);
	/* Down while addressed: no gratuitous ARP to skip. */
	KUNIT_ASSERT_EQ(test, anp_test_addr_add(f->t, HOST, 24), 0);
	anp_test_iface_set_up(f->t, true);
	anp_test_linux_mac(TT_IFINDEX, f->peer_mac);
	anp_test_host_mac(TT_IFINDEX, f->host_mac);
	/* The peer's MAC known: segments go out at once, no ARP. */
	local_bh_disable();
	anp_neigh_update(&f->t->ifc, PEER, f->peer_mac, true);
	local_bh_enable();
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(f->t), 0);
	anp_test_mib_snap(ctx);
	return 0;
}

/*
 * Sockets go first, each with an abortive close (SO_LINGER 0) so none
 * lives on as an orphan; then the interface leaves init_net's host.
 */
static void tt_exit(struct kunit *test)
{
	struct anp_test_ctx *ctx = test->priv;
	struct tt_fix *f = tt_cur;
	unsigned int i;

	for (i = f ? f->n_socks : 0; i-- > 0;) {
		sock_no_linger(f->socks[i]->sk);
		sock_release(f->socks[i]);
	}
	for (i = f ? f->n_held : 0; i-- > 0;)
		sock_put(f->held[i]);
	tt_cur = NULL;
	if (!ctx)
		return;
	for (i = ctx->n_ifs; i-- > 0;)
		anp_test_iface_remove(ctx->ifs[i]);
	synchronize_rcu();
	for (i = ctx->n_ifs; i-- > 0;) {
		anp_test_tx_purge(ctx->ifs[i]);
		free_netdev(ctx->ifs[i]->dev);
		ctx->ifs[i] = NULL;
	}
	ctx->n_ifs = 0;
	test->priv = NULL;
}

static struct socket *tt_socket(struct tt_fix *f)
{
	struct socket *sock;

	KUNIT_ASSERT_LT(f->test, f->n_socks, TT_SOCKS);
	KUNIT_ASSERT_EQ(f->test, sock_create_kern(&init_net, PF_ANP,
						  SOCK_STREAM, 0, &sock), 0);
	f->socks[f->n_socks++] = sock;
	tt_watch(f, sock->sk);
	return sock;
}

static struct socket *tt_listener(struct tt_fix *f, u16 port, int backlog)
{
	struct sockaddr_anp sa = {
		.sanp_family = AF_ANP,
		.sanp_port = htons(port),
	};
	struct socket *sock = tt_socket(f);

	KUNIT_ASSERT_EQ(f->test, kernel_bind(sock, (struct sockaddr *)&sa,
					     sizeof(sa)), 0);
	KUNIT_ASSERT_EQ(f->test, kernel_listen(sock, backlog), 0);
	return sock;
}

/* Send len bytes with sendmsg flags (and MSG_DONTWAIT). */
static int tt_write_flags(struct tt_conn *c, u32 len, int flags)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | flags };
	struct kvec iov;
	u8 *buf;
	u32 i;
	int n;

	buf = kmalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	/* The bytes that follow what was written before. */
	for (i = 0; i < len; i++)
		buf[i] = tt_byte(c->tp->write_seq + i);
	iov.iov_base = buf;
	iov.iov_len = len;
	n = kernel_sendmsg(c->sock, &msg, &iov, 1, len);
	kfree(buf);
	return n;
}

static int tt_write(struct tt_conn *c, u32 len)
{
	return tt_write_flags(c, len, 0);
}

/*
 * Read what is there; expect want bytes, those of seq from on (0: end
 * of file; -EAGAIN: nothing yet).
 */
static void tt_read_expect(struct tt_fix *f, struct tt_conn *c, u32 from,
			   int want)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	size_t size = max(want, 0) + 16;
	struct kvec iov;
	u8 *buf;
	int n, i, bad = -1;

	buf = kunit_kzalloc(f->test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(f->test, buf);
	iov.iov_base = buf;
	iov.iov_len = size;
	n = kernel_recvmsg(c->sock, &msg, &iov, 1, size, MSG_DONTWAIT);
	KUNIT_EXPECT_EQ(f->test, n, want);
	for (i = 0; i < n && i < want; i++)
		if (buf[i] != tt_byte(from + i)) {
			bad = i;
			break;
		}
	KUNIT_EXPECT_EQ_MSG(f->test, bad, -1, "first wrong byte");
	tt_hold(f);
}

/* The peer sends s to connection c (or to HPORT from PPORT). */
static void tt_send(struct tt_fix *f, const struct tt_conn *c,
		    const struct tt_seg *s)
{
	struct anp_test_ip_spec spec = {
		.saddr = PEER, .daddr = HOST, .protocol = IPPROTO_TCP,
	};
	struct anp_tcp_opts opts = s->opts;
	unsigned int hlen;
	struct tcphdr *th;
	u8 *buf;
	u32 i;

	if (s->mss) {
		opts.present |= ANP_TCP_OPT_MSS;
		opts.mss = s->mss;
	}
	hlen = sizeof(struct tcphdr) + anp_tcp_opts_len(&opts);

	buf = kunit_kzalloc(f->test, hlen + s->len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(f->test, buf);
	th = (struct tcphdr *)buf;
	th->source = htons(c ? c->pport : PPORT);
	th->dest = htons(c ? c->lport : HPORT);
	th->seq = htonl(s->seq);
	th->ack_seq = htonl((s->flags & F_ACK) ? s->ack : 0);
	th->doff = hlen / 4;
	tcp_flag_byte(th) = s->flags;
	th->window = htons(s->win);
	anp_tcp_opts_write((u8 *)(th + 1), &opts);
	for (i = 0; i < s->len; i++)
		buf[hlen + i] = tt_byte(s->seq + i);
	th->check = csum_tcpudp_magic(PEER, HOST, hlen + s->len, IPPROTO_TCP,
				      csum_partial(buf, hlen + s->len, 0));
	if (s->bad_csum)
		th->check ^= htons(0x0101);
	spec.payload = buf;
	spec.payload_len = hlen + s->len;
	anp_test_ip_rcv(f->t, anp_test_ip(f->test, &spec));
	tt_hold(f);
}

/* Pop the next segment the host sent; false (test failed) if none. */
static bool tt_pop(struct tt_fix *f, struct tt_out *o, int line)
{
	struct kunit *test = f->test;
	const struct iphdr *iph;
	const struct tcphdr *th;
	struct sk_buff *skb;
	unsigned int tlen;
	const u8 *end;
	bool ok = false;

	memset(o, 0, sizeof(*o));
	o->mss = -1;
	skb = anp_test_tx_pop(f->t);
	if (!skb) {
		KUNIT_FAIL(test, "line %d: no segment sent", line);
		return false;
	}
	if (skb_linearize(skb) ||
	    !anp_test_expect_eth(test, skb, f->peer_mac, f->host_mac,
				 htons(ETH_P_IP)))
		goto out;
	iph = (const struct iphdr *)skb->data;
	KUNIT_EXPECT_EQ(test, iph->protocol, IPPROTO_TCP);
	KUNIT_EXPECT_EQ(test, iph->saddr, HOST);
	KUNIT_EXPECT_EQ(test, iph->daddr, PEER);
	KUNIT_EXPECT_EQ(test, ip_fast_csum(iph, iph->ihl), 0);
	if (iph->protocol != IPPROTO_TCP ||
	    ntohs(iph->tot_len) > skb->len ||
	    ntohs(iph->tot_len) < iph->ihl * 4 + sizeof(*th))
		goto out;
	th = (const struct tcphdr *)(skb->data + iph->ihl * 4);
	tlen = ntohs(iph->tot_len) - iph->ihl * 4;
	/* RFC 9293 3.1: the checksum over the pseudo header verifies. */
	KUNIT_EXPECT_EQ_MSG(test, csum_tcpudp_magic(HOST, PEER, tlen,
						    IPPROTO_TCP,
						    csum_partial(th, tlen, 0)),
			    0, "line %d: TCP checksum", line);
	o->flags = tcp_flag_byte(th);
	o->seq = ntohl(th->seq);
	o->ack = ntohl(th->ack_seq);
	o->win = ntohs(th->window);
	o->sport = ntohs(th->source);
	o->dport = ntohs(th->dest);
	end = (const u8 *)th + th->doff * 4;
	anp_tcp_opts_parse(th, &o->opts);
	if (o->opts.present & ANP_TCP_OPT_MSS)
		o->mss = o->opts.mss;
	o->len = tlen - th->doff * 4;
	for (o->bad = 0; o->bad < o->len; o->bad++)
		if (end[o->bad] != tt_byte(o->seq + o->bad))
			break;
	ok = true;
out:
	kfree_skb(skb);
	return ok;
}

/*
 * Expect the next segment to be exactly this one (win < 0: any window;
 * the ack field is checked only with ACK, and must be 0 without it);
 * its payload must be the bytes of its sequence numbers.
 */
static bool tt_expect(struct tt_fix *f, const struct tt_conn *c, int line,
		      u8 flags, u32 seq, u32 ack, int win, u32 len,
		      struct tt_out *out)
{
	struct kunit *test = f->test;
	struct tt_out o;

	if (!tt_pop(f, &o, line))
		return false;
	KUNIT_EXPECT_EQ_MSG(test, o.flags, flags, "line %d: flags", line);
	KUNIT_EXPECT_EQ_MSG(test, o.seq, seq, "line %d: seq", line);
	KUNIT_EXPECT_EQ_MSG(test, o.ack, (flags & F_ACK) ? ack : 0,
			    "line %d: ack", line);
	if (win >= 0)
		KUNIT_EXPECT_EQ_MSG(test, o.win, win, "line %d: window", line);
	KUNIT_EXPECT_EQ_MSG(test, o.len, len, "line %d: length", line);
	KUNIT_EXPECT_EQ_MSG(test, o.sport, c ? c->lport : HPORT,
			    "line %d: source port", line);
	KUNIT_EXPECT_EQ_MSG(test, o.dport, c ? c->pport : PPORT,
			    "line %d: destination port", line);
	KUNIT_EXPECT_EQ_MSG(test, o.bad, o.len, "line %d: payload byte",
			    line);
	if (out)
		*out = o;
	return o.flags == flags && o.seq == seq && o.len == len;
}

#define TT_EXPECT(f, c, flags, seq, ack, win, len)			\
	tt_expect(f, c, __LINE__, flags, seq, ack, win, len, NULL)

static void tt_none(struct tt_fix *f, int line)
{
	KUNIT_EXPECT_EQ_MSG(f->test, anp_test_tx_count(f->t), 0,
			    "line %d: segment sent", line);
}

#define TT_NONE(f)	tt_none(f, __LINE__)

static void tt_state(struct tt_fix *f, const struct tt_conn *c, int state,
		     int line)
{
	int now = READ_ONCE(c->sk->sk_state);

	KUNIT_EXPECT_EQ_MSG(f->test, now, state, "line %d: state", line);
}

#define TT_STATE(f, c, st)	tt_state(f, c, st, __LINE__)

/* A segment from the peer on c: seq pnxt, ack hnxt, window PWIN. */
static void tt_peer(struct tt_fix *f, struct tt_conn *c, u8 flags, u32 len)
{
	struct tt_seg s = {
		.flags = flags, .seq = c->pnxt, .ack = c->hnxt, .win = PWIN,
		.len = len, .opts = c->popts,
	};

	tt_send(f, c, &s);
}

/* The first child waiting in a listener's queues (not accepted). */
static struct sock *tt_child(struct socket *lsock)
{
	struct anp_tcp_sock *ltp = anp_tcp_sk(lsock->sk), *ctp;

	spin_lock_bh(&ltp->acc_lock);
	ctp = list_first_entry_or_null(&ltp->syn_q, struct anp_tcp_sock,
				       q_node) ?:
	      list_first_entry_or_null(&ltp->acc_q, struct anp_tcp_sock,
				       q_node);
	spin_unlock_bh(&ltp->acc_lock);
	return ctp ? &ctp->as.sk : NULL;
}

/*
 * A passive open on HPORT (RFC 9293 3.5 figure 6), checked step by
 * step; the peer's SYN carries the MSS option and opts, its final ACK
 * (and every tt_peer() segment after) c->popts, and offers final_win.
 * c: the accepted connection; o: our SYN,ACK.
 */
static void tt_passive_opts(struct tt_fix *f, struct tt_conn *c,
			    struct socket *lsock, u16 final_win, int hwin,
			    const struct anp_tcp_opts *opts, struct tt_out *o)
{
	struct kunit *test = f->test;
	struct tt_seg syn = {
		.flags = F_SYN, .seq = PISS, .win = PWIN, .mss = PMSS,
		.opts = *opts,
	};
	struct anp_tcp_opts popts = c->popts;
	struct socket *nsock;
	struct sock *child;

	memset(c, 0, sizeof(*c));
	c->lport = HPORT;
	c->pport = PPORT;
	c->popts = popts;
	tt_send(f, c, &syn);
	child = tt_child(lsock);
	KUNIT_ASSERT_NOT_NULL(test, child);
	tt_watch(f, child);
	tt_hold(f);
	KUNIT_ASSERT_TRUE(test, tt_expect(f, c, __LINE__, F_SYN | F_ACK,
					  anp_tcp_sk(child)->iss, PISS + 1,
					  hwin, 0, o));
	KUNIT_EXPECT_EQ(test, o->mss, PMSS);
	c->hsyn = o->opts;
	c->iss = o->seq;
	c->pnxt = PISS + 1;
	c->hnxt = c->iss + 1;
	syn.flags = F_ACK;
	syn.seq = c->pnxt;
	syn.ack = c->hnxt;
	syn.win = final_win;
	syn.mss = 0;
	syn.opts = c->popts;
	tt_send(f, c, &syn);
	TT_NONE(f);
	KUNIT_ASSERT_EQ(test, kernel_accept(lsock, &nsock, O_NONBLOCK), 0);
	KUNIT_ASSERT_LT(test, f->n_socks, TT_SOCKS);
	f->socks[f->n_socks++] = nsock;
	c->sock = nsock;
	c->sk = nsock->sk;
	c->tp = anp_tcp_sk(c->sk);
	KUNIT_EXPECT_PTR_EQ(test, c->sk, child);
	TT_STATE(f, c, TCP_ESTABLISHED);
}

/* The same with a SYN that has no other option than the MSS. */
static void tt_passive_on(struct tt_fix *f, struct tt_conn *c,
			  struct socket *lsock, u16 final_win, int hwin)
{
	struct anp_tcp_opts none = {};
	struct tt_out o;

	c->popts = none;
	tt_passive_opts(f, c, lsock, final_win, hwin, &none, &o);
	/* RFC 7323 3.2, 2.2, RFC 2018 2: nothing the SYN did not offer. */
	KUNIT_EXPECT_EQ(f->test, o.opts.present, ANP_TCP_OPT_MSS);
}

static void tt_passive(struct tt_fix *f, struct tt_conn *c, u16 final_win)
{
	tt_passive_on(f, c, tt_listener(f, HPORT, 4), final_win, HWIN);
}

/* A non-blocking connect to PEER:PPORT (sa) and our SYN, checked. */
static void tt_connect(struct tt_fix *f, struct tt_conn *c,
		       struct sockaddr_anp *sa)
{
	struct kunit *test = f->test;
	struct tt_out o;

	*sa = (struct sockaddr_anp){
		.sanp_family = AF_ANP,
		.sanp_port = htons(PPORT),
		.sanp_addr = PEER,
	};
	memset(c, 0, sizeof(*c));
	c->sock = tt_socket(f);
	c->sk = c->sock->sk;
	c->tp = anp_tcp_sk(c->sk);
	c->pport = PPORT;
	KUNIT_ASSERT_EQ(test, kernel_connect(c->sock, (struct sockaddr *)sa,
					     sizeof(*sa), O_NONBLOCK),
			-EINPROGRESS);
	tt_hold(f);
	c->lport = c->sk->sk_num;
	TT_STATE(f, c, TCP_SYN_SENT);
	/* <SEQ=ISS><CTL=SYN> with our MSS (RFC 9293 3.7.1). */
	KUNIT_ASSERT_TRUE(test, tt_expect(f, c, __LINE__, F_SYN, c->tp->iss, 0,
					  HWIN, 0, &o));
	KUNIT_EXPECT_EQ(test, o.mss, PMSS);
	c->hsyn = o.opts;
	c->iss = o.seq;
	c->hnxt = c->iss + 1;
}

/*
 * An active open to PEER:PPORT (RFC 9293 3.5 figure 6): connect, the
 * SYN, the peer's SYN,ACK offering PWIN, our ACK.
 */
static void tt_active(struct tt_fix *f, struct tt_conn *c)
{
	struct kunit *test = f->test;
	struct sockaddr_anp sa;
	struct tt_seg s = {
		.flags = F_SYN | F_ACK, .seq = PISS, .win = PWIN, .mss = PMSS,
	};

	tt_connect(f, c, &sa);
	s.ack = c->hnxt;
	tt_send(f, c, &s);
	c->pnxt = PISS + 1;
	/* RFC 9293 3.10.7.3: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>. */
	TT_EXPECT(f, c, F_ACK, c->hnxt, c->pnxt, HWIN, 0);
	TT_STATE(f, c, TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, kernel_connect(c->sock, (struct sockaddr *)&sa,
					     sizeof(sa), O_NONBLOCK), 0);
}

/* ---- opening ------------------------------------------------------- */

/*
 * RFC 9293 3.5 and 3.10.7.2: SYN to a listener -> SYN,ACK with the MSS
 * option (3.7.1) and an ISS from the RFC 6528 hash of the 4-tuple; the
 * child waits in SYN-RECEIVED; the final ACK makes it ESTABLISHED, on
 * the accept queue, and is not answered.
 */
static void tt_test_passive_open(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_seg syn = {
		.flags = F_SYN, .seq = PISS, .win = PWIN, .mss = PMSS,
	};
	struct tt_conn c = { .lport = HPORT, .pport = PPORT };
	struct tt_conn c2 = { .lport = HPORT, .pport = PPORT + 1 };
	struct socket *lsock, *nsock;
	struct sock *child, *child2;
	struct tt_out o, o2;
	u32 isn_now;

	lsock = tt_listener(f, HPORT, 4);
	tt_send(f, &c, &syn);
	child = tt_child(lsock);
	KUNIT_ASSERT_NOT_NULL(test, child);
	tt_watch(f, child);
	tt_hold(f);
	KUNIT_EXPECT_EQ(test, READ_ONCE(child->sk_state), TCP_SYN_RECV);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_PASSIVE_OPENS), 1);
	KUNIT_ASSERT_TRUE(test, tt_expect(f, &c, __LINE__, F_SYN | F_ACK,
					  anp_tcp_sk(child)->iss, PISS + 1,
					  HWIN, 0, &o));
	KUNIT_EXPECT_EQ(test, o.mss, PMSS);
	/*
	 * RFC 6528 3: ISN = M + F(4-tuple, key), M ticking every 4 us:
	 * the ISS is that of this 4-tuple, taken less than a second ago.
	 */
	isn_now = anp_tcp_isn(HOST, PEER, htons(HPORT), htons(PPORT));
	KUNIT_EXPECT_LT(test, isn_now - o.seq, 250000U);
	/* Not accepted before the handshake completes. */
	KUNIT_EXPECT_EQ(test, kernel_accept(lsock, &nsock, O_NONBLOCK),
			-EAGAIN);

	/* Another peer port: another ISS, from its own 4-tuple. */
	tt_send(f, &c2, &syn);
	KUNIT_ASSERT_TRUE(test, tt_pop(f, &o2, __LINE__));
	KUNIT_EXPECT_EQ(test, o2.flags, F_SYN | F_ACK);
	KUNIT_EXPECT_EQ(test, o2.ack, PISS + 1);
	KUNIT_EXPECT_EQ(test, o2.dport, PPORT + 1);
	KUNIT_EXPECT_EQ(test, o2.mss, PMSS);
	isn_now = anp_tcp_isn(HOST, PEER, htons(HPORT), htons(PPORT + 1));
	KUNIT_EXPECT_LT(test, isn_now - o2.seq, 250000U);
	KUNIT_EXPECT_NE(test, o.seq, o2.seq);
	KUNIT_EXPECT_NE(test, o.seq, 0U);

	/* RFC 9293 3.10.7.4 SYN-RECEIVED: an acceptable ACK. */
	syn.flags = F_ACK;
	syn.seq = PISS + 1;
	syn.ack = o.seq + 1;
	syn.mss = 0;
	tt_send(f, &c, &syn);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, READ_ONCE(child->sk_state), TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_CURR_ESTAB), 1);
	KUNIT_EXPECT_EQ(test, READ_ONCE(lsock->sk->sk_ack_backlog), 1);
	/* The ACK of our SYN acknowledges no data: cwnd is still IW. */
	KUNIT_EXPECT_EQ(test, anp_tcp_sk(child)->cc.cwnd,
			anp_cc_initial_window(PMSS));
	KUNIT_ASSERT_EQ(test, kernel_accept(lsock, &nsock, O_NONBLOCK), 0);
	f->socks[f->n_socks++] = nsock;
	KUNIT_EXPECT_PTR_EQ(test, nsock->sk, child);
	KUNIT_EXPECT_EQ(test, anp_tcp_sk(child)->snd_una, o.seq + 1);
	KUNIT_EXPECT_EQ(test, anp_tcp_sk(child)->rcv_nxt, PISS + 1);
	KUNIT_EXPECT_EQ(test, anp_tcp_sk(child)->snd_wnd, PWIN);
	KUNIT_EXPECT_EQ(test, anp_tcp_sk(child)->mss, PMSS);
	/* The second child still waits for its ACK. */
	child2 = tt_child(lsock);
	KUNIT_ASSERT_NOT_NULL(test, child2);
	KUNIT_EXPECT_EQ(test, READ_ONCE(child2->sk_state), TCP_SYN_RECV);
	KUNIT_EXPECT_EQ(test, kernel_accept(lsock, &nsock, O_NONBLOCK),
			-EAGAIN);
}

/*
 * RFC 9293 3.10.7.2: an ACK to a listener gets <SEQ=SEG.ACK><CTL=RST>;
 * 3.10.7.1: a SYN to a closed port gets <SEQ=0><ACK=SEG.SEQ+1>
 * <CTL=RST,ACK>; an RST gets nothing.
 */
static void tt_test_listen_rst(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_seg s = { .flags = F_ACK, .seq = PISS, .ack = 777,
			    .win = PWIN };
	struct tt_conn closed = { .lport = HPORT + 1, .pport = PPORT };

	tt_listener(f, HPORT, 4);
	tt_send(f, NULL, &s);
	TT_EXPECT(f, NULL, F_RST, 777, 0, 0, 0);
	s.flags = F_RST;
	tt_send(f, NULL, &s);
	TT_NONE(f);

	anp_test_mib_snap(f->ctx);
	s.flags = F_SYN;
	s.len = 0;
	tt_send(f, &closed, &s);
	TT_EXPECT(f, &closed, F_RST | F_ACK, 0, PISS + 1, 0, 0);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_NO_SOCKET), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_OUT_RSTS), 1);
}

/*
 * RFC 5961 3.2 in SYN-RECEIVED (RFC 9293 3.10.7.4, as Linux's
 * tcp_check_req): an RST at RCV.NXT ends the embryonic connection
 * silently; one elsewhere in the window draws a challenge ACK.
 */
static void tt_test_synrecv_rst(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_seg syn = { .flags = F_SYN, .seq = PISS, .win = PWIN,
			      .mss = PMSS };
	struct tt_seg rst = { .flags = F_RST, .win = PWIN };
	struct tt_conn c = { .lport = HPORT, .pport = PPORT };
	struct socket *lsock;
	struct sock *child;
	struct tt_out o;

	lsock = tt_listener(f, HPORT, 4);
	tt_send(f, &c, &syn);
	child = tt_child(lsock);
	KUNIT_ASSERT_NOT_NULL(test, child);
	tt_watch(f, child);
	KUNIT_ASSERT_TRUE(test, tt_pop(f, &o, __LINE__));
	anp_test_mib_snap(f->ctx);
	rst.seq = PISS + 2;
	tt_send(f, &c, &rst);
	TT_EXPECT(f, &c, F_ACK, o.seq + 1, PISS + 1, HWIN, 0);
	KUNIT_EXPECT_PTR_EQ(test, tt_child(lsock), child);
	KUNIT_EXPECT_EQ(test, READ_ONCE(child->sk_state), TCP_SYN_RECV);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_CHALLENGE_ACK), 1);

	rst.seq = PISS + 1;
	tt_send(f, &c, &rst);
	TT_NONE(f);
	f->n_watch--;		/* the child is freed */
	KUNIT_EXPECT_NULL(test, tt_child(lsock));
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_ATTEMPT_FAILS), 1);
}

/*
 * RFC 9293 3.7.1: no MSS option means 536; data on the handshake's
 * last ACK is taken (RFC 9293 3.10.7.4, SYN-RECEIVED then ESTABLISHED).
 */
static void tt_test_passive_no_mss_data(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_seg s = { .flags = F_SYN, .seq = PISS, .win = PWIN };
	struct tt_conn c = { .lport = HPORT, .pport = PPORT };
	struct socket *lsock, *nsock;
	struct tt_out o;

	lsock = tt_listener(f, HPORT, 4);
	tt_send(f, &c, &s);
	KUNIT_ASSERT_TRUE(test, tt_pop(f, &o, __LINE__));
	KUNIT_EXPECT_EQ(test, o.mss, PMSS);
	c.hnxt = o.seq + 1;
	c.pnxt = PISS + 1;
	s.flags = F_ACK | F_PSH;
	s.seq = c.pnxt;
	s.ack = c.hnxt;
	s.len = 20;
	tt_send(f, &c, &s);
	c.pnxt += 20;
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);
	KUNIT_ASSERT_EQ(test, kernel_accept(lsock, &nsock, O_NONBLOCK), 0);
	f->socks[f->n_socks++] = nsock;
	c.sock = nsock;
	c.sk = nsock->sk;
	c.tp = anp_tcp_sk(c.sk);
	TT_STATE(f, &c, TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, c.tp->mss, ANP_TCP_DEFAULT_MSS);
	tt_read_expect(f, &c, PISS + 1, 20);
	/* Segments no larger than 536; Nagle holds the small rest. */
	KUNIT_EXPECT_EQ(test, tt_write(&c, 600), 600);
	tt_hold(f);
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, ANP_TCP_DEFAULT_MSS);
	TT_NONE(f);
	c.hnxt += ANP_TCP_DEFAULT_MSS;
	tt_peer(f, &c, F_ACK, 0);
	TT_EXPECT(f, &c, F_ACK | F_PSH, c.hnxt, c.pnxt, -1,
		  600 - ANP_TCP_DEFAULT_MSS);
}

static void tt_test_active_open(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;

	tt_active(f, &c);
	KUNIT_EXPECT_EQ(test, c.tp->snd_una, c.iss + 1);
	KUNIT_EXPECT_EQ(test, c.tp->rcv_nxt, PISS + 1);
	KUNIT_EXPECT_EQ(test, c.tp->snd_wnd, PWIN);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_ACTIVE_OPENS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_CURR_ESTAB), 1);
	/* RFC 9293 3.10.7.3: no retransmission left to do. */
	KUNIT_EXPECT_FALSE(test, timer_pending(&c.tp->rtx_timer));
}

/*
 * RFC 9293 3.10.7.3 SYN-SENT: an ACK that does not cover our SYN gets
 * <SEQ=SEG.ACK><CTL=RST>; an RST with it is dropped; an RST with an
 * acceptable ACK is "connection reset" (connect: ECONNREFUSED).
 */
static void tt_test_synsent_rst(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct sockaddr_anp sa;
	struct tt_seg s = { .seq = 0, .win = 0 };
	struct tt_conn c;

	tt_connect(f, &c, &sa);

	/* SEG.ACK =< ISS: unacceptable. */
	s.flags = F_ACK;
	s.ack = c.iss;
	tt_send(f, &c, &s);
	TT_EXPECT(f, &c, F_RST, c.iss, 0, 0, 0);
	TT_STATE(f, &c, TCP_SYN_SENT);
	/* The same with RST: dropped, no reply. */
	s.flags = F_RST | F_ACK;
	tt_send(f, &c, &s);
	TT_NONE(f);
	TT_STATE(f, &c, TCP_SYN_SENT);
	/* RST without ACK: dropped. */
	s.flags = F_RST;
	tt_send(f, &c, &s);
	TT_NONE(f);
	TT_STATE(f, &c, TCP_SYN_SENT);

	anp_test_mib_snap(f->ctx);
	s.flags = F_RST | F_ACK;
	s.ack = c.iss + 1;
	tt_send(f, &c, &s);
	TT_NONE(f);
	TT_STATE(f, &c, TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c.sk->sk_err), ECONNREFUSED);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_ATTEMPT_FAILS), 1);
	KUNIT_EXPECT_EQ(test, kernel_connect(c.sock, (struct sockaddr *)&sa,
					     sizeof(sa), O_NONBLOCK),
			-ECONNREFUSED);
}

/*
 * RFC 9293 3.5 figure 7: a SYN in SYN-SENT -> SYN-RECEIVED and
 * <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> (our MSS on it).  The peer's SYN
 * is sent from s, which is left for the next segment.
 */
static void tt_simultaneous_syn(struct tt_fix *f, struct tt_conn *c,
				struct tt_seg *s)
{
	struct kunit *test = f->test;
	struct tt_out o;

	*s = (struct tt_seg){ .flags = F_SYN, .seq = PISS, .win = PWIN,
			      .mss = PMSS };
	tt_send(f, c, s);
	KUNIT_ASSERT_TRUE(test, tt_expect(f, c, __LINE__, F_SYN | F_ACK,
					  c->iss, PISS + 1, HWIN, 0, &o));
	KUNIT_EXPECT_EQ(test, o.mss, PMSS);
	TT_STATE(f, c, TCP_SYN_RECV);
}

/*
 * RFC 9293 3.5 figure 7: simultaneous open.  After the crossing SYNs,
 * the peer's ACK of our SYN -> ESTABLISHED.
 */
static void tt_test_simultaneous_open(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct sockaddr_anp sa;
	struct tt_conn c;
	struct tt_seg s;

	tt_connect(f, &c, &sa);
	tt_simultaneous_syn(f, &c, &s);
	s.flags = F_ACK;
	s.seq = PISS + 1;
	s.ack = c.iss + 1;
	s.mss = 0;
	tt_send(f, &c, &s);
	TT_NONE(f);
	TT_STATE(f, &c, TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, kernel_connect(c.sock, (struct sockaddr *)&sa,
					     sizeof(sa), O_NONBLOCK), 0);
}

/*
 * RFC 9293 3.5 figure 8 (and Linux's tcp_validate_incoming(), which
 * lets such a SYN,ACK pass in SYN-RECEIVED): in a simultaneous open the
 * peer's <SEQ=IRS><ACK=ISS+1><CTL=SYN,ACK> moves SYN-RECEIVED to
 * ESTABLISHED and is answered <SEQ=ISS+1><ACK=IRS+1><CTL=ACK>; it is no
 * SYN to challenge.
 */
static void tt_test_simultaneous_synack(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct sockaddr_anp sa;
	struct tt_conn c;
	struct tt_seg s;

	tt_connect(f, &c, &sa);
	tt_simultaneous_syn(f, &c, &s);
	anp_test_mib_snap(f->ctx);
	s.flags = F_SYN | F_ACK;
	s.ack = c.iss + 1;
	tt_send(f, &c, &s);
	TT_EXPECT(f, &c, F_ACK, c.iss + 1, PISS + 1, HWIN, 0);
	TT_NONE(f);
	TT_STATE(f, &c, TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, c.tp->snd_una, c.iss + 1);
	KUNIT_EXPECT_EQ(test, c.tp->rcv_nxt, PISS + 1);
	KUNIT_EXPECT_FALSE(test, timer_pending(&c.tp->rtx_timer));
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_SYN_CHALLENGE), 0);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_CURR_ESTAB), 1);
	KUNIT_EXPECT_EQ(test, kernel_connect(c.sock, (struct sockaddr *)&sa,
					     sizeof(sa), O_NONBLOCK), 0);
}

/*
 * RFC 9293 3.10.7.4 fourth check, SYN-RECEIVED of a passive open:
 * "return this connection to the LISTEN state".  Linux's
 * tcp_check_req() does so for a listener's request by dropping it with
 * a reset (embryonic_reset; for a SYN without ACK <SEQ=0>
 * <ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>), counted in TcpAttemptFails; the
 * listener carries on.  The SYN retransmitted at IRS still gets the
 * SYN,ACK again.
 */
static void tt_test_synrecv_syn(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_seg syn = { .flags = F_SYN, .seq = PISS, .win = PWIN,
			      .mss = PMSS };
	struct tt_conn c = { .lport = HPORT, .pport = PPORT };
	struct socket *lsock;
	struct sock *child;
	struct tt_out o;

	lsock = tt_listener(f, HPORT, 4);
	tt_send(f, &c, &syn);
	child = tt_child(lsock);
	KUNIT_ASSERT_NOT_NULL(test, child);
	tt_watch(f, child);
	tt_hold(f);
	KUNIT_ASSERT_TRUE(test, tt_pop(f, &o, __LINE__));
	tt_send(f, &c, &syn);
	TT_EXPECT(f, &c, F_SYN | F_ACK, o.seq, PISS + 1, HWIN, 0);
	KUNIT_EXPECT_PTR_EQ(test, tt_child(lsock), child);

	anp_test_mib_snap(f->ctx);
	syn.seq = PISS + 1;
	tt_send(f, &c, &syn);
	TT_EXPECT(f, &c, F_RST | F_ACK, 0, PISS + 2, 0, 0);
	TT_NONE(f);
	KUNIT_EXPECT_NULL(test, tt_child(lsock));
	if (!tt_child(lsock))
		f->n_watch--;	/* the child is freed */
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_ATTEMPT_FAILS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_OUT_RSTS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_CHALLENGE_ACK), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(lsock->sk->sk_state), TCP_LISTEN);

	/* The listener takes the same SYN as a new connection. */
	tt_send(f, &c, &syn);
	child = tt_child(lsock);
	KUNIT_ASSERT_NOT_NULL(test, child);
	tt_watch(f, child);
	tt_hold(f);
	KUNIT_ASSERT_TRUE(test, tt_pop(f, &o, __LINE__));
	KUNIT_EXPECT_EQ(test, o.flags, F_SYN | F_ACK);
	KUNIT_EXPECT_EQ(test, o.ack, PISS + 2);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_PASSIVE_OPENS), 1);
}

/*
 * A retransmitted SYN in SYN-RECEIVED gets the SYN,ACK again at most
 * once per 500 ms, as Linux's tcp_check_req() (tcp_oow_rate_limited(),
 * TCPACKSkippedSynRecv), and the retransmission timer restarts.
 */
static void tt_test_synrecv_syn_limited(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_seg syn = { .flags = F_SYN, .seq = PISS, .win = PWIN,
			      .mss = PMSS };
	struct tt_conn c = { .lport = HPORT, .pport = PPORT };
	struct anp_tcp_sock *ctp;
	struct socket *lsock;
	struct sock *child;
	struct tt_out o;

	lsock = tt_listener(f, HPORT, 4);
	tt_send(f, &c, &syn);
	child = tt_child(lsock);
	KUNIT_ASSERT_NOT_NULL(test, child);
	tt_watch(f, child);
	ctp = anp_tcp_sk(child);
	tt_hold(f);
	KUNIT_ASSERT_TRUE(test, tt_pop(f, &o, __LINE__));

	anp_test_mib_snap(f->ctx);
	tt_send(f, &c, &syn);
	TT_EXPECT(f, &c, F_SYN | F_ACK, o.seq, PISS + 1, HWIN, 0);
	KUNIT_EXPECT_TRUE(test, timer_pending(&ctp->rtx_timer));
	/* Again at once: nothing. */
	tt_send(f, &c, &syn);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_ACK_SKIPPED_SYN_RECV), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_RETRANS_SEGS), 1);
	/* Once the interval has passed, it is answered again. */
	ctp->last_oow_ack = jiffies - ANP_TCP_OOW_INTERVAL;
	tt_send(f, &c, &syn);
	TT_EXPECT(f, &c, F_SYN | F_ACK, o.seq, PISS + 1, HWIN, 0);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_RETRANS_SEGS), 2);
	KUNIT_EXPECT_EQ(test, READ_ONCE(child->sk_state), TCP_SYN_RECV);
}

/*
 * Make the neighbour resolution begun at (about) after give up, as if
 * ANP_NEIGH_RETRIES requests went unanswered, and wait for the ICMP Host
 * Unreachable it loops back for what it held (neigh.c).  Only ARP
 * requests reached the wire: the segments waited.
 */
static void tt_neigh_fail(struct tt_fix *f, unsigned long after)
{
	struct kunit *test = f->test;
	struct sk_buff *skb;
	unsigned int i;

	for (i = 1; i <= ANP_NEIGH_RETRIES; i++)
		anp_neigh_gc(f->ctx->an, after + i * ANP_NEIGH_RETRANS);
	KUNIT_ASSERT_EQ(test, anp_loop_sync(f->ctx->an, 5000), 0);
	tt_hold(f);
	KUNIT_EXPECT_GE(test, anp_test_tx_count(f->t), 1);
	while ((skb = anp_test_tx_pop(f->t))) {
		KUNIT_EXPECT_TRUE(test, skb->len >= ETH_HLEN &&
				  ((struct ethhdr *)skb->data)->h_proto ==
				  htons(ETH_P_ARP));
		kfree_skb(skb);
	}
}

/*
 * An on-link peer that never answers ARP: the failed resolution's ICMP
 * Host Unreachable (RFC 1122 3.2.2.1) ends a SYN-SENT connection with
 * EHOSTUNREACH, as Linux's tcp_v4_err; an established one only keeps it
 * as a soft error (RFC 1122 4.2.3.9), reported if it later times out.
 */
static void tt_test_arp_failure(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct sockaddr_anp sa = {
		.sanp_family = AF_ANP,
		.sanp_port = htons(PPORT),
		.sanp_addr = ANP_TEST_IP(10, 99, 0, 200),
	};
	struct socket *sock = tt_socket(f);
	unsigned long after;
	struct tt_conn c;

	KUNIT_ASSERT_EQ(test, kernel_connect(sock, (struct sockaddr *)&sa,
					     sizeof(sa), O_NONBLOCK),
			-EINPROGRESS);
	after = jiffies;
	tt_hold(f);
	tt_neigh_fail(f, after);
	KUNIT_EXPECT_EQ(test, sock->sk->sk_state, TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, READ_ONCE(sock->sk->sk_err), EHOSTUNREACH);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_ATTEMPT_FAILS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, ICMP_IN_DEST_UNREACHS), 1);
	KUNIT_EXPECT_EQ(test, kernel_connect(sock, (struct sockaddr *)&sa,
					     sizeof(sa), O_NONBLOCK),
			-EHOSTUNREACH);

	/* The peer's entry forgotten: the next segment waits for ARP. */
	tt_active(f, &c);
	anp_neigh_flush_iface(f->ctx->an, &f->t->ifc);
	KUNIT_ASSERT_EQ(test, tt_write(&c, 100), 100);
	after = jiffies;
	tt_hold(f);
	tt_neigh_fail(f, after);
	TT_STATE(f, &c, TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c.sk->sk_err), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c.sk->sk_err_soft), EHOSTUNREACH);
}

/* ---- data in ------------------------------------------------------- */

/*
 * RFC 1122 4.2.3.2: quick ACKs at the start; then an ACK at least for
 * every second full-sized segment, the first one delayed by the
 * delayed-ACK timer (at most 500 ms).
 */
static void tt_test_delayed_ack(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;

	tt_passive(f, &c, PWIN);
	/* Quick ACK mode: acknowledged at once. */
	tt_peer(f, &c, F_ACK, PMSS);
	c.pnxt += PMSS;
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);

	c.tp->quickack = 0;
	anp_test_mib_snap(f->ctx);
	tt_peer(f, &c, F_ACK, PMSS);
	c.pnxt += PMSS;
	TT_NONE(f);
	KUNIT_EXPECT_TRUE(test, timer_pending(&c.tp->delack_timer));
	/* The second full segment: both acknowledged now. */
	tt_peer(f, &c, F_ACK | F_PSH, PMSS);
	c.pnxt += PMSS;
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);

	/* A small segment alone waits for the timer. */
	tt_peer(f, &c, F_ACK | F_PSH, 10);
	c.pnxt += 10;
	TT_NONE(f);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->delack_timer));
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_DELAYED_ACKS), 1);
	tt_read_expect(f, &c, PISS + 1, 3 * PMSS + 10);
}

/*
 * RFC 9293 3.10.7.4 and RFC 5681 4.2: out-of-order data is held and
 * answered at once with a duplicate ACK; the segment that fills the gap
 * is answered at once with the cumulative ACK.
 */
static void tt_test_ofo(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_seg s = { .flags = F_ACK, .win = PWIN, .len = 100 };
	struct tt_conn c;

	tt_passive(f, &c, PWIN);
	c.tp->quickack = 0;
	anp_test_mib_snap(f->ctx);
	s.ack = c.hnxt;
	s.seq = c.pnxt + 200;
	tt_send(f, &c, &s);
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, HWIN, 0);
	s.seq = c.pnxt + 100;
	tt_send(f, &c, &s);
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, HWIN, 0);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_OFO_QUEUE), 2);
	KUNIT_EXPECT_EQ(test, c.tp->rcv_nxt, c.pnxt);
	tt_read_expect(f, &c, c.pnxt, -EAGAIN);

	s.seq = c.pnxt;
	tt_send(f, &c, &s);
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt + 300, -1, 0);
	tt_read_expect(f, &c, c.pnxt, 300);
	c.pnxt += 300;
	KUNIT_EXPECT_EQ(test, c.tp->ofo.segs, 0U);
}

/*
 * RFC 9293 3.10.7.4: a segment wholly before RCV.NXT is not acceptable
 * (an ACK is sent, it is dropped); one overlapping RCV.NXT is trimmed
 * to its new part.
 */
static void tt_test_overlap_trim(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_seg s = { .flags = F_ACK, .win = PWIN, .len = 100 };
	struct tt_conn c;
	u32 start;

	tt_passive(f, &c, PWIN);
	start = c.pnxt;
	s.ack = c.hnxt;
	s.seq = c.pnxt;
	tt_send(f, &c, &s);
	c.pnxt += 100;
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);

	/* 50 old bytes, 50 new ones. */
	s.seq = start + 50;
	tt_send(f, &c, &s);
	c.pnxt += 50;
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);

	/* All old: an ACK, counted out of window, nothing queued. */
	anp_test_mib_snap(f->ctx);
	s.seq = start;
	tt_send(f, &c, &s);
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_OUT_OF_WINDOW), 1);
	KUNIT_EXPECT_EQ(test, c.tp->rcv_nxt, c.pnxt);
	tt_read_expect(f, &c, start, 150);
}

/* A segment with a bad checksum is dropped and counted (RFC 9293 3.1). */
static void tt_test_bad_csum(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_seg s = { .flags = F_ACK, .win = PWIN, .len = 10,
			    .bad_csum = true };
	struct tt_conn c;
	struct socket *lsock;

	tt_passive(f, &c, PWIN);
	anp_test_mib_snap(f->ctx);
	s.seq = c.pnxt;
	s.ack = c.hnxt;
	tt_send(f, &c, &s);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->rcv_nxt, c.pnxt);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_IN_CSUM_ERRORS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_IN_ERRS), 1);

	/* A SYN with a bad checksum makes no child. */
	lsock = tt_listener(f, HPORT + 1, 4);
	s.flags = F_SYN;
	s.len = 0;
	s.mss = PMSS;
	c.lport = HPORT + 1;
	tt_send(f, &c, &s);
	TT_NONE(f);
	KUNIT_EXPECT_NULL(test, tt_child(lsock));
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_IN_CSUM_ERRORS), 2);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_IN_ERRS), 2);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_PASSIVE_OPENS), 0);
}

/*
 * Linux counts TcpInErrs only for a bad checksum, a malformed header
 * and a SYN in ESTABLISHED (tcp_validate_incoming()'s syn_inerr); the
 * discards RFC 9293 prescribes are no errors: an RST to a listener
 * (3.10.7.2: "An incoming RST should be ignored"), a segment to it
 * without SYN, RST or ACK, a segment without ACK in a synchronized
 * state (3.10.7.4 fifth check: "drop the segment").
 */
static void tt_test_in_errs(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn other = { .lport = HPORT, .pport = PPORT + 1 };
	struct tt_seg s = { .win = PWIN, .seq = PISS };
	struct tt_conn c;

	tt_passive(f, &c, PWIN);
	anp_test_mib_snap(f->ctx);
	s.flags = F_RST;
	tt_send(f, &other, &s);
	TT_NONE(f);
	s.flags = F_FIN;
	tt_send(f, &other, &s);
	TT_NONE(f);
	s.flags = F_PSH;
	s.seq = c.pnxt;
	s.len = 10;
	tt_send(f, &c, &s);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->rcv_nxt, c.pnxt);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_IN_SEGS), 3);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_IN_ERRS), 0);

	/* A SYN in ESTABLISHED: a challenge ACK and an input error. */
	s.flags = F_SYN;
	s.len = 0;
	s.mss = PMSS;
	tt_send(f, &c, &s);
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, HWIN, 0);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_SYN_CHALLENGE), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_IN_ERRS), 1);
	TT_STATE(f, &c, TCP_ESTABLISHED);
}

/* Our receive buffer, small enough to fill: SO_RCVBUF 4096 -> 8192. */
#define TT_SMALL_RCVBUF	4096

/*
 * Fill our receive window until it is zero: its right edge never moves
 * left (RFC 9293 3.8.6.2.2) and it opens by at least min(RCV.BUFF/2,
 * MSS) at a time (RFC 1122 4.2.3.3).  Returns the bytes sent.
 */
static u32 tt_fill_window(struct tt_fix *f, struct tt_conn *c, u32 wnd)
{
	struct kunit *test = f->test;
	struct tt_seg s = { .flags = F_ACK, .win = PWIN };
	u32 sent = 0, edge = c->pnxt + wnd;
	struct tt_out o;
	int i;

	for (i = 0; i < 16 && wnd; i++) {
		s.seq = c->pnxt;
		s.ack = c->hnxt;
		/* One skb: its truesize is what the window was made for. */
		s.len = wnd;
		tt_send(f, c, &s);
		c->pnxt += s.len;
		sent += s.len;
		if (!tt_expect(f, c, __LINE__, F_ACK, c->hnxt, c->pnxt, -1, 0,
			       &o))
			break;
		KUNIT_EXPECT_GE(test, c->pnxt + o.win, edge);
		if (o.win && c->pnxt + o.win != edge)
			KUNIT_EXPECT_GE(test, c->pnxt + o.win - edge,
					min(TT_SMALL_RCVBUF, PMSS));
		edge = c->pnxt + o.win;
		wnd = o.win;
	}
	KUNIT_EXPECT_EQ(test, wnd, 0U);
	return sent;
}

/*
 * RFC 9293 3.8.6 and 3.10.7.4: a full receive buffer closes the window;
 * a segment with data is then not acceptable (ACKed with the zero
 * window, its data not queued), a zero-window probe is answered; the
 * reader emptying the buffer sends the window update.
 */
static void tt_test_rcv_zero_window(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_seg s = { .flags = F_ACK, .win = PWIN, .len = 1 };
	struct socket *lsock;
	struct tt_conn c;
	u32 start, sent;

	lsock = tt_listener(f, HPORT, 4);
	sock_set_rcvbuf(lsock->sk, TT_SMALL_RCVBUF);
	tt_passive_on(f, &c, lsock, PWIN, TT_SMALL_RCVBUF);
	start = c.pnxt;
	sent = tt_fill_window(f, &c, TT_SMALL_RCVBUF);

	anp_test_mib_snap(f->ctx);
	s.seq = c.pnxt;
	s.ack = c.hnxt;
	tt_send(f, &c, &s);
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, 0, 0);
	KUNIT_EXPECT_EQ(test, c.tp->rcv_nxt, c.pnxt);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_ZERO_WINDOW_DROP), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_OUT_OF_WINDOW), 0);
	/* Linux's probe: <SEQ=RCV.NXT-1>, no data. */
	s.seq = c.pnxt - 1;
	s.len = 0;
	tt_send(f, &c, &s);
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, 0, 0);

	tt_read_expect(f, &c, start, sent);
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, TT_SMALL_RCVBUF, 0);
}

/*
 * RFC 9293 3.10.7.4: "If the RCV.WND is zero, no segments will be
 * acceptable, but special allowance should be made to accept valid
 * ACKs, URGs, and RSTs."  A segment at RCV.NXT with text or a FIN while
 * our window is zero: its ACK and window are taken (Linux runs
 * tcp_ack(); tcp_data_queue() then drops the rest), the text and the
 * FIN are not, and it is answered with an ACK at once.
 */
static void tt_test_rcv_zero_window_ack(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_seg s = { .flags = F_ACK | F_PSH, .win = 3000, .len = 10 };
	struct socket *lsock;
	struct tt_conn c;
	u32 start, sent, x;

	lsock = tt_listener(f, HPORT, 4);
	sock_set_rcvbuf(lsock->sk, TT_SMALL_RCVBUF);
	tt_passive_on(f, &c, lsock, PWIN, TT_SMALL_RCVBUF);
	start = c.pnxt;
	sent = tt_fill_window(f, &c, TT_SMALL_RCVBUF);
	x = c.hnxt;
	KUNIT_EXPECT_EQ(test, tt_write(&c, 100), 100);
	tt_hold(f);
	TT_EXPECT(f, &c, F_ACK | F_PSH, x, c.pnxt, 0, 100);

	anp_test_mib_snap(f->ctx);
	s.seq = c.pnxt;
	s.ack = x + 100;
	tt_send(f, &c, &s);
	TT_EXPECT(f, &c, F_ACK, x + 100, c.pnxt, 0, 0);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->snd_una, x + 100);
	KUNIT_EXPECT_EQ(test, c.tp->snd_wnd, 3000U);
	KUNIT_EXPECT_FALSE(test, timer_pending(&c.tp->rtx_timer));
	KUNIT_EXPECT_EQ(test, c.tp->rcv_nxt, c.pnxt);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_ZERO_WINDOW_DROP), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_OUT_OF_WINDOW), 0);

	/* A bare FIN at RCV.NXT: no room for it either (Linux 6.1). */
	s.flags = F_FIN | F_ACK;
	s.len = 0;
	tt_send(f, &c, &s);
	TT_EXPECT(f, &c, F_ACK, x + 100, c.pnxt, 0, 0);
	TT_STATE(f, &c, TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, c.tp->rcv_nxt, c.pnxt);

	tt_read_expect(f, &c, start, sent);
	TT_EXPECT(f, &c, F_ACK, x + 100, c.pnxt, TT_SMALL_RCVBUF, 0);
}

/* ---- data out ------------------------------------------------------ */

/*
 * RFC 896 / RFC 1122 4.2.3.4: a small segment goes when nothing is in
 * flight; the next waits for the ACK; TCP_NODELAY sends at once.
 */
static void tt_test_nagle(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;
	int one = 1;

	tt_passive(f, &c, PWIN);
	KUNIT_EXPECT_EQ(test, tt_write(&c, 100), 100);
	tt_hold(f);
	TT_EXPECT(f, &c, F_ACK | F_PSH, c.hnxt, c.pnxt, HWIN, 100);
	KUNIT_EXPECT_EQ(test, tt_write(&c, 100), 100);
	tt_hold(f);
	TT_NONE(f);
	c.hnxt += 100;
	tt_peer(f, &c, F_ACK, 0);
	TT_EXPECT(f, &c, F_ACK | F_PSH, c.hnxt, c.pnxt, HWIN, 100);
	c.hnxt += 100;

	KUNIT_EXPECT_EQ(test, c.sock->ops->setsockopt(c.sock, SOL_TCP,
						      TCP_NODELAY,
						      KERNEL_SOCKPTR(&one),
						      sizeof(one)), 0);
	KUNIT_EXPECT_EQ(test, tt_write(&c, 10), 10);
	tt_hold(f);
	TT_EXPECT(f, &c, F_ACK | F_PSH, c.hnxt, c.pnxt, HWIN, 10);
	c.hnxt += 10;
}

/*
 * RFC 1122 4.2.3.4 sender SWS avoidance: with a usable window below
 * both a full segment and half the largest window the peer offered,
 * nothing is sent until the override (persist) timer fires; then what
 * fits goes.
 */
static void tt_test_sender_sws(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_seg s = { .flags = F_ACK, .win = 1000 };
	struct tt_conn c;

	tt_passive(f, &c, PWIN);
	s.seq = c.pnxt;
	s.ack = c.hnxt;
	tt_send(f, &c, &s);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->snd_wnd, 1000U);
	KUNIT_EXPECT_EQ(test, tt_write(&c, 3000), 3000);
	tt_hold(f);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->tmode, (u8)ANP_TCP_T_PERSIST);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, HWIN, 1000);
	KUNIT_EXPECT_EQ(test, c.tp->snd_nxt, c.hnxt + 1000);
}

/*
 * RFC 9293 3.8.6.1: a zero window -> the persist timer; on expiry a
 * probe <SEQ=SND.UNA-1><ACK=RCV.NXT> (Linux's); the window that opens
 * stops it and the data goes.
 */
static void tt_test_zero_window_probe(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_seg s = { .flags = F_ACK, .win = 1000 };
	struct tt_conn c;

	tt_passive(f, &c, 0);
	KUNIT_EXPECT_EQ(test, c.tp->snd_wnd, 0U);
	anp_test_mib_snap(f->ctx);
	KUNIT_EXPECT_EQ(test, tt_write(&c, 100), 100);
	tt_hold(f);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->tmode, (u8)ANP_TCP_T_PERSIST);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_EXPECT(f, &c, F_ACK, c.hnxt - 1, c.pnxt, HWIN, 0);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_WIN_PROBES), 1);
	KUNIT_EXPECT_EQ(test, c.tp->tmode, (u8)ANP_TCP_T_PERSIST);
	KUNIT_EXPECT_TRUE(test, timer_pending(&c.tp->rtx_timer));
	/* Still zero: another probe. */
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_EXPECT(f, &c, F_ACK, c.hnxt - 1, c.pnxt, HWIN, 0);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_WIN_PROBES), 2);

	/* The window opens: data out, the retransmission timer on. */
	s.seq = c.pnxt;
	s.ack = c.hnxt;
	tt_send(f, &c, &s);
	TT_EXPECT(f, &c, F_ACK | F_PSH, c.hnxt, c.pnxt, HWIN, 100);
	KUNIT_EXPECT_EQ(test, c.tp->tmode, (u8)ANP_TCP_T_RTX);
	KUNIT_EXPECT_EQ(test, c.tp->probes, 0);
}

/*
 * RFC 9293 3.10.7.4 fifth check: the send window is taken from a
 * segment only when it is newer (SND.WL1 < SEG.SEQ, or SND.WL1 ==
 * SEG.SEQ and SND.WL2 =< SEG.ACK) and SND.UNA =< SEG.ACK; an old ACK
 * or an old segment does not move it.
 */
static void tt_test_window_update(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_seg s = { .flags = F_ACK };
	struct tt_conn c;
	u32 x;

	tt_passive(f, &c, PWIN);
	x = c.hnxt;
	KUNIT_EXPECT_EQ(test, tt_write(&c, 300), 300);
	tt_hold(f);
	TT_EXPECT(f, &c, F_ACK | F_PSH, x, c.pnxt, HWIN, 300);

	/* A new ACK, same SEG.SEQ: the window follows it. */
	s.seq = c.pnxt;
	s.ack = x + 100;
	s.win = 2000;
	tt_send(f, &c, &s);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->snd_una, x + 100);
	KUNIT_EXPECT_EQ(test, c.tp->snd_wnd, 2000U);
	KUNIT_EXPECT_EQ(test, c.tp->snd_wl1, c.pnxt);
	KUNIT_EXPECT_EQ(test, c.tp->snd_wl2, x + 100);

	/* A reordered older ACK (SEG.ACK < SND.UNA): ignored. */
	s.ack = x + 50;
	s.win = 500;
	tt_send(f, &c, &s);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->snd_una, x + 100);
	KUNIT_EXPECT_EQ(test, c.tp->snd_wnd, 2000U);

	/* Data at SND.WL1, ACK at SND.WL2: taken. */
	s.ack = x + 100;
	s.win = 3000;
	s.len = 10;
	tt_send(f, &c, &s);
	c.pnxt += 10;
	TT_EXPECT(f, &c, F_ACK, x + 300, c.pnxt, -1, 0);
	KUNIT_EXPECT_EQ(test, c.tp->snd_wnd, 3000U);

	/* A later segment may shrink it (SND.WL1 < SEG.SEQ). */
	s.seq = c.pnxt;
	s.win = 100;
	s.len = 0;
	tt_send(f, &c, &s);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->snd_wnd, 100U);
	KUNIT_EXPECT_EQ(test, c.tp->snd_wl1, c.pnxt);

	/* An old retransmitted segment: ACKed, dropped, no update. */
	s.seq = c.pnxt - 10;
	s.win = 9000;
	s.len = 10;
	tt_send(f, &c, &s);
	TT_EXPECT(f, &c, F_ACK, x + 300, c.pnxt, -1, 0);
	KUNIT_EXPECT_EQ(test, c.tp->snd_wnd, 100U);
	KUNIT_EXPECT_EQ(test, c.tp->snd_wl1, c.pnxt);
}

/*
 * The host sends n full segments of new data on c (the last with PSH);
 * returns the sequence number of the first.
 */
static u32 tt_send_segs(struct tt_fix *f, struct tt_conn *c, int n)
{
	u32 x = c->hnxt;
	int i;

	KUNIT_EXPECT_EQ(f->test, tt_write(c, n * PMSS), n * PMSS);
	tt_hold(f);
	for (i = 0; i < n; i++)
		TT_EXPECT(f, c, i == n - 1 ? F_ACK | F_PSH : F_ACK,
			  x + i * PMSS, c->pnxt, HWIN, PMSS);
	return x;
}

/*
 * RFC 5681 3.2: the third duplicate ACK retransmits the first
 * unacknowledged segment; RFC 6582 3.2: a partial ACK in recovery
 * retransmits the next one.
 */
static void tt_test_fast_retransmit(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;
	u32 x;
	int i;

	tt_passive(f, &c, PWIN);
	anp_test_mib_snap(f->ctx);
	x = tt_send_segs(f, &c, 4);
	TT_NONE(f);

	/* Duplicate ACKs: SEG.ACK == SND.UNA, no data, same window. */
	for (i = 0; i < 2; i++) {
		tt_peer(f, &c, F_ACK, 0);
		TT_NONE(f);
	}
	tt_peer(f, &c, F_ACK, 0);
	TT_EXPECT(f, &c, F_ACK, x, c.pnxt, HWIN, PMSS);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_FAST_RETRANS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_RETRANS_SEGS), 1);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_RECOVERY);
	/* More duplicates: no new data to send, nothing. */
	tt_peer(f, &c, F_ACK, 0);
	TT_NONE(f);

	/* A partial ACK: the next hole goes at once. */
	c.hnxt = x + PMSS;
	tt_peer(f, &c, F_ACK, 0);
	TT_EXPECT(f, &c, F_ACK, x + PMSS, c.pnxt, HWIN, PMSS);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_RECOVERY);

	/* Everything acknowledged: recovery over, no timer. */
	c.hnxt = x + 4 * PMSS;
	tt_peer(f, &c, F_ACK, 0);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_OPEN);
	KUNIT_EXPECT_EQ(test, c.tp->snd_una, c.hnxt);
	KUNIT_EXPECT_FALSE(test, timer_pending(&c.tp->rtx_timer));
}

/* The peer's next ACKs carry these n SACK blocks ({start, end} pairs). */
static void tt_sack_blocks(struct tt_conn *c, unsigned int n, const u32 *b)
{
	unsigned int i;

	c->popts.present = n ? ANP_TCP_OPT_SACK : 0;
	c->popts.num_sacks = n;
	for (i = 0; i < n; i++) {
		c->popts.sacks[i].start = b[2 * i];
		c->popts.sacks[i].end = b[2 * i + 1];
	}
}

/* A connection with SACK permitted both ways and nothing else. */
static void tt_passive_sack(struct tt_fix *f, struct tt_conn *c)
{
	struct anp_tcp_opts syn = { .present = ANP_TCP_OPT_SACK_OK };
	struct tt_out o;

	c->popts = (struct anp_tcp_opts){};
	tt_passive_opts(f, c, tt_listener(f, HPORT, 4), PWIN, HWIN, &syn, &o);
	KUNIT_EXPECT_TRUE(f->test, c->tp->sack_ok);
}

/*
 * The path's round trip is TT_RTT_US as far as RACK knows (min_RTT and
 * SRTT): its reordering window, min_RTT / 4, is then far longer than a
 * test runs, so only DupThresh SACKed segments, or the reordering
 * timeout the test fires, make a segment lost (RFC 8985 6.2 step 4).
 */
#define TT_RTT_US	1000000U

static void tt_rack_rtt(struct tt_conn *c)
{
	c->tp->rtt.srtt_us = TT_RTT_US;
	c->tp->rack.min_rtt_us = TT_RTT_US;
	c->tp->rack.min_rtt_stamp = tcp_jiffies32;
}

/*
 * A SACK connection on such a path, the counters snapped, n full
 * segments sent: the first one's sequence number.
 */
static u32 tt_sack_flight(struct tt_fix *f, struct tt_conn *c, int n)
{
	tt_passive_sack(f, c);
	tt_rack_rtt(c);
	anp_test_mib_snap(f->ctx);
	return tt_send_segs(f, c, n);
}

/* The peer's ACK (of c->hnxt) with the n SACK blocks in b. */
static void tt_peer_sack(struct tt_fix *f, struct tt_conn *c,
			 unsigned int n, const u32 *b)
{
	tt_sack_blocks(c, n, b);
	tt_peer(f, c, F_ACK, 0);
}

/*
 * RFC 6675 with RACK (RFC 8985 6.2) and two segments of six lost (S0,
 * S2): the first two duplicate ACKs SACK S1, then S3 and S4, inside
 * the reordering window: nothing is lost yet.  The third, whose blocks
 * make three SACKed segments (DupThresh: the window closes), makes
 * lost every segment sent before S4 and not delivered, S0 and S2;
 * recovery starts with S0, cwnd = ssthresh = 3 segments, and pipe (S0
 * again and S5) lets S2 go at once, in the same round trip, where
 * NewReno waits for a partial ACK.  SACKing S5, the partial ACK and
 * the full one send nothing new; the full one ends recovery.
 */
static void tt_test_sack_recovery(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c = {};
	u32 x, b[4];

	x = tt_sack_flight(f, &c, 6);

	b[0] = x + PMSS;
	b[1] = x + 2 * PMSS;
	tt_peer_sack(f, &c, 1, b);
	TT_NONE(f);
	b[0] = x + 3 * PMSS;
	b[1] = x + 4 * PMSS;
	b[2] = x + PMSS;
	b[3] = x + 2 * PMSS;
	tt_peer_sack(f, &c, 2, b);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->lost_out, 0U);
	KUNIT_EXPECT_EQ(test, c.tp->tmode, (u8)ANP_TCP_T_REO);
	b[1] = x + 5 * PMSS;
	tt_peer_sack(f, &c, 2, b);
	TT_EXPECT(f, &c, F_ACK, x, c.pnxt, HWIN, PMSS);
	TT_EXPECT(f, &c, F_ACK, x + 2 * PMSS, c.pnxt, HWIN, PMSS);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_RECOVERY);
	KUNIT_EXPECT_EQ(test, c.tp->cc.cwnd, 3U * PMSS);
	KUNIT_EXPECT_EQ(test, c.tp->pipe, 3U * PMSS);
	KUNIT_EXPECT_EQ(test, c.tp->lost_out, 2U);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_SACK_RECOVERY), 1);

	b[1] = x + 6 * PMSS;
	tt_peer_sack(f, &c, 2, b);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->sacked_out, 4U);
	KUNIT_EXPECT_EQ(test, c.tp->lost_out, 2U);

	/* S0 arrived: a partial ACK up to the hole at S2. */
	c.hnxt = x + 2 * PMSS;
	tt_peer_sack(f, &c, 1, b);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_RECOVERY);
	c.hnxt = x + 6 * PMSS;
	tt_peer_sack(f, &c, 0, b);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_OPEN);
	KUNIT_EXPECT_EQ(test, c.tp->cc.cwnd, 3U * PMSS);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_FAST_RETRANS), 2);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_RETRANS_SEGS), 2);
	KUNIT_EXPECT_FALSE(test, timer_pending(&c.tp->rtx_timer));
}

/*
 * RFC 6675 5: one duplicate ACK whose block SACKs four segments above
 * the first makes that one lost: recovery starts without waiting for
 * three duplicates.  An RTO then resends only that one (RFC 6675 5.1):
 * the four SACKed stay SACKed.
 */
static void tt_test_sack_lost_entry(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c = {};
	u32 x, b[2];

	tt_passive_sack(f, &c);
	x = tt_send_segs(f, &c, 5);
	b[0] = x + PMSS;
	b[1] = x + 5 * PMSS;
	tt_peer_sack(f, &c, 1, b);
	TT_EXPECT(f, &c, F_ACK, x, c.pnxt, HWIN, PMSS);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_RECOVERY);
	KUNIT_EXPECT_EQ(test, c.tp->sacked_out, 4U);

	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_EXPECT(f, &c, F_ACK, x, c.pnxt, HWIN, PMSS);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_LOSS);
	KUNIT_EXPECT_EQ(test, c.tp->sacked_out, 4U);
	c.hnxt = x + 5 * PMSS;
	tt_peer_sack(f, &c, 0, b);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_OPEN);
}

/*
 * Six segments, S0 and S2 lost: the peer SACKs S1 and S3-S5 in one ACK
 * (blocks left in b[4]), and fast recovery sends S0 and S2 again.
 * Returns S0's sequence number.
 */
static u32 tt_sack_two_holes(struct tt_fix *f, struct tt_conn *c, u32 *b)
{
	u32 x = tt_sack_flight(f, c, 6);

	b[0] = x + 3 * PMSS;
	b[1] = x + 6 * PMSS;
	b[2] = x + PMSS;
	b[3] = x + 2 * PMSS;
	tt_peer_sack(f, c, 2, b);
	TT_EXPECT(f, c, F_ACK, x, c->pnxt, HWIN, PMSS);
	TT_EXPECT(f, c, F_ACK, x + 2 * PMSS, c->pnxt, HWIN, PMSS);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(f->test, c->tp->cc.state, (u8)ANP_CC_RECOVERY);
	return x;
}

/*
 * Six segments, S0 and S2 lost; the peer SACKs S1 and S3-S5, recovery
 * sends S0 and S2 again, and both retransmissions are lost too.  RFC
 * 6675 5.1: the RTO keeps the scoreboard.  S0 goes (cwnd one segment);
 * its ACK (up to S2, S1 being held) doubles cwnd in slow start and
 * sends S2, the one lost segment left, and never the SACKed S3-S5; the
 * ACK of everything ends the RTO recovery.
 */
static void tt_test_sack_rto_keeps_scoreboard(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c = {};
	u32 x, b[4];

	x = tt_sack_two_holes(f, &c, b);

	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_EXPECT(f, &c, F_ACK, x, c.pnxt, HWIN, PMSS);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_LOSS);
	KUNIT_EXPECT_EQ(test, c.tp->cc.cwnd, (u32)PMSS);
	KUNIT_EXPECT_EQ(test, c.tp->sacked_out, 4U);
	KUNIT_EXPECT_EQ(test, c.tp->lost_out, 2U);
	KUNIT_EXPECT_EQ(test, c.tp->snd_nxt, x + 6 * PMSS);

	c.hnxt = x + 2 * PMSS;
	tt_peer_sack(f, &c, 1, b);
	TT_EXPECT(f, &c, F_ACK, x + 2 * PMSS, c.pnxt, HWIN, PMSS);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_LOSS);
	KUNIT_EXPECT_EQ(test, c.tp->cc.cwnd, 2U * PMSS);

	c.hnxt = x + 6 * PMSS;
	tt_peer_sack(f, &c, 0, b);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_OPEN);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_TIMEOUTS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_RETRANS_SEGS), 4);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_FAST_RETRANS), 2);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_SLOW_START_RETRANS), 2);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_SACK_RENEGING), 0);
	KUNIT_EXPECT_FALSE(test, timer_pending(&c.tp->rtx_timer));
}

/*
 * RFC 2018 8: a receiver may discard what it SACKed.  Here it SACKs
 * S0 at SND.UNA after recovery resent it, which only a receiver that
 * dropped data can do; the RTO that follows forgets every mark (as
 * Linux's tcp_enter_loss(), TcpExtTCPSACKReneging), so S1 and S2 go
 * again after S0 even though they were SACKed.
 */
static void tt_test_sack_reneging(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c = {};
	u32 x, b[4];

	x = tt_sack_two_holes(f, &c, b);
	b[0] = x;
	b[1] = x + 2 * PMSS;
	tt_peer_sack(f, &c, 1, b);
	TT_NONE(f);

	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_EXPECT(f, &c, F_ACK, x, c.pnxt, HWIN, PMSS);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_SACK_RENEGING), 1);
	KUNIT_EXPECT_EQ(test, c.tp->sacked_out, 0U);
	KUNIT_EXPECT_EQ(test, c.tp->lost_out, 6U);

	c.hnxt = x + PMSS;
	tt_peer_sack(f, &c, 0, b);
	TT_EXPECT(f, &c, F_ACK, x + PMSS, c.pnxt, HWIN, PMSS);
	TT_EXPECT(f, &c, F_ACK, x + 2 * PMSS, c.pnxt, HWIN, PMSS);
	TT_NONE(f);
}

/*
 * RFC 8985 6.2, 6.3: one SACK (S1 of three) inside the reordering
 * window marks nothing and arms the reordering timeout.  When the
 * window has passed (min_RTT made 1 us), the timeout finds S0 lost and
 * starts recovery with it: no third duplicate ACK is needed.
 */
static void tt_test_rack_reo_timeout(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c = {};
	u32 x, b[2];

	x = tt_sack_flight(f, &c, 3);
	b[0] = x + PMSS;
	b[1] = x + 2 * PMSS;
	tt_peer_sack(f, &c, 1, b);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->lost_out, 0U);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_OPEN);
	KUNIT_EXPECT_EQ(test, c.tp->tmode, (u8)ANP_TCP_T_REO);

	c.tp->rack.min_rtt_us = 1;
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_EXPECT(f, &c, F_ACK, x, c.pnxt, HWIN, PMSS);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_RECOVERY);
	KUNIT_EXPECT_EQ(test, c.tp->lost_out, 1U);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_SACK_RECOVERY), 1);
	KUNIT_EXPECT_EQ(test, c.tp->tmode, (u8)ANP_TCP_T_RTX);
}

/*
 * RFC 8985 6.2: a lost retransmission.  Of ten segments, an ACK SACKs
 * S1..S7: S0 is lost and goes again.  S10, written and sent after that
 * retransmission, is SACKed while S0 is not: the retransmission is lost
 * (TcpExtTCPLostRetransmit) and so are S8 and S9, sent before S10 and
 * not delivered; all three go at once, where RFC 6675 alone waited for
 * the RTO.
 */
static void tt_test_rack_lost_retransmit(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c = {};
	u32 x, b[4];

	x = tt_sack_flight(f, &c, 10);
	b[0] = x + PMSS;
	b[1] = x + 8 * PMSS;
	tt_peer_sack(f, &c, 1, b);
	TT_EXPECT(f, &c, F_ACK, x, c.pnxt, HWIN, PMSS);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->cc.cwnd, 5U * PMSS);
	KUNIT_EXPECT_EQ(test, c.tp->pipe, 3U * PMSS);

	KUNIT_EXPECT_EQ(test, tt_write(&c, PMSS), PMSS);
	tt_hold(f);
	TT_EXPECT(f, &c, F_ACK | F_PSH, x + 10 * PMSS, c.pnxt, HWIN, PMSS);
	TT_NONE(f);

	b[2] = b[0];
	b[3] = b[1];
	b[0] = x + 10 * PMSS;
	b[1] = x + 11 * PMSS;
	tt_peer_sack(f, &c, 2, b);
	TT_EXPECT(f, &c, F_ACK, x, c.pnxt, HWIN, PMSS);
	TT_EXPECT(f, &c, F_ACK, x + 8 * PMSS, c.pnxt, HWIN, PMSS);
	TT_EXPECT(f, &c, F_ACK | F_PSH, x + 9 * PMSS, c.pnxt, HWIN, PMSS);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_LOST_RETRANSMIT), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_RETRANS_SEGS), 4);
	KUNIT_EXPECT_EQ(test, c.tp->pipe, 3U * PMSS);

	c.hnxt = x + 11 * PMSS;
	tt_peer_sack(f, &c, 0, b);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_OPEN);
	KUNIT_EXPECT_FALSE(test, timer_pending(&c.tp->rtx_timer));
}

/*
 * RFC 8985 6.2 steps 3, 4: S0 is acknowledged after S1 was SACKed,
 * never retransmitted: the path reorders.  From then on three SACKed
 * segments above a hole (S2) do not make it lost at once, as RFC
 * 6675's DupThresh would: it waits out min_RTT / 4 in the reordering
 * timeout, and is lost only when that fires after the window.
 */
static void tt_test_rack_reordering(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c = {};
	u32 x, b[2];

	x = tt_sack_flight(f, &c, 6);
	b[0] = x + PMSS;
	b[1] = x + 2 * PMSS;
	tt_peer_sack(f, &c, 1, b);
	TT_NONE(f);
	KUNIT_EXPECT_FALSE(test, c.tp->rack.reord);
	c.hnxt = x + 2 * PMSS;
	tt_peer_sack(f, &c, 0, b);
	TT_NONE(f);
	KUNIT_EXPECT_TRUE(test, c.tp->rack.reord);

	/* The ACK's RTT sample made min_RTT tiny: a long path again. */
	tt_rack_rtt(&c);
	b[0] = x + 3 * PMSS;
	b[1] = x + 6 * PMSS;
	tt_peer_sack(f, &c, 1, b);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->sacked_out, 3U);
	KUNIT_EXPECT_EQ(test, c.tp->lost_out, 0U);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_OPEN);
	KUNIT_EXPECT_EQ(test, c.tp->tmode, (u8)ANP_TCP_T_REO);

	c.tp->rack.min_rtt_us = 1;
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_EXPECT(f, &c, F_ACK, x + 2 * PMSS, c.pnxt, HWIN, PMSS);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_RECOVERY);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_SACK_RECOVERY), 1);
}

/*
 * RFC 8985 6.2 step 3: two blocks in one ACK, the latest first as a
 * receiver lists them (RFC 2018 4): S3, then S1.  Which arrived first
 * the ACK does not say, so S1 is no reordering, though it lies below
 * RACK.fack once S3 is counted.  A later ACK whose block is below
 * RACK.fack is.
 */
static void tt_test_rack_blocks_one_ack(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c = {};
	u32 x, b[4];

	x = tt_sack_flight(f, &c, 6);
	b[0] = x + 3 * PMSS;
	b[1] = x + 4 * PMSS;
	b[2] = x + PMSS;
	b[3] = x + 2 * PMSS;
	tt_peer_sack(f, &c, 2, b);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->sacked_out, 2U);
	KUNIT_EXPECT_FALSE(test, c.tp->rack.reord);

	b[0] = x + PMSS;
	b[1] = x + 4 * PMSS;
	tt_peer_sack(f, &c, 1, b);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->sacked_out, 3U);
	KUNIT_EXPECT_TRUE(test, c.tp->rack.reord);
}

/*
 * RFC 8985 6.2 step 4: a D-SACK (the original of a segment sent twice
 * arrived after all) is reordering seen, and widens the reordering
 * window by one min_RTT / 4 per round trip that brings one: a second
 * D-SACK in the same round changes nothing, one in the next round
 * widens it again.
 */
static void tt_test_rack_dsack(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c = {};
	u32 x, b[2];
	int round;

	tt_passive_sack(f, &c);
	KUNIT_EXPECT_FALSE(test, c.tp->rack.reord);
	for (round = 0; round < 2; round++) {
		x = tt_send_segs(f, &c, 3);
		c.hnxt = x + 2 * PMSS;
		b[0] = x;
		b[1] = x + PMSS;
		tt_sack_blocks(&c, 1, b);
		tt_peer(f, &c, F_ACK, 0);
		TT_NONE(f);
		KUNIT_EXPECT_TRUE(test, c.tp->rack.reord);
		KUNIT_EXPECT_EQ(test, c.tp->rack.reo_wnd_mult, round + 2);
		/* The same round (S2 unacknowledged): no wider. */
		tt_peer(f, &c, F_ACK, 0);
		TT_NONE(f);
		KUNIT_EXPECT_EQ(test, c.tp->rack.reo_wnd_mult, round + 2);
		/* The round ends once SND.UNA reaches its SND.NXT. */
		c.hnxt = x + 3 * PMSS;
		tt_sack_blocks(&c, 0, b);
		tt_peer(f, &c, F_ACK, 0);
		TT_NONE(f);
	}
}

/*
 * RFC 3708, RFC 4015: reordering made RACK take S0 for lost (three
 * segments SACKed above it) and recovery halve cwnd.  The ACK that
 * ends recovery carries a D-SACK for S0: the original arrived too, the
 * only retransmission was spurious, and cwnd and ssthresh go back to
 * what they were (TcpExtTCPDSACKUndo).
 */
static void tt_test_dsack_undo(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c = {};
	u32 x, cwnd, ssthresh, b[2];

	tt_passive_sack(f, &c);
	tt_rack_rtt(&c);
	anp_test_mib_snap(f->ctx);
	cwnd = c.tp->cc.cwnd;
	ssthresh = c.tp->cc.ssthresh;
	x = tt_send_segs(f, &c, 5);
	b[0] = x + PMSS;
	b[1] = x + 4 * PMSS;
	tt_peer_sack(f, &c, 1, b);
	TT_EXPECT(f, &c, F_ACK, x, c.pnxt, HWIN, PMSS);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_RECOVERY);
	KUNIT_EXPECT_LT(test, c.tp->cc.cwnd, cwnd);
	KUNIT_EXPECT_EQ(test, c.tp->undo_retrans, 1U);

	c.hnxt = x + 5 * PMSS;
	b[0] = x;
	b[1] = x + PMSS;
	tt_peer_sack(f, &c, 1, b);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_OPEN);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_DSACK_UNDO), 1);
	KUNIT_EXPECT_GE(test, c.tp->cc.cwnd, cwnd);
	KUNIT_EXPECT_EQ(test, c.tp->cc.ssthresh, ssthresh);
}

/*
 * RFC 3708: a recovery whose retransmission was needed (no D-SACK
 * comes back for it) keeps its reduction.
 */
static void tt_test_dsack_no_undo(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c = {};
	u32 x, b[2];

	x = tt_sack_flight(f, &c, 5);
	b[0] = x + PMSS;
	b[1] = x + 4 * PMSS;
	tt_peer_sack(f, &c, 1, b);
	TT_EXPECT(f, &c, F_ACK, x, c.pnxt, HWIN, PMSS);
	c.hnxt = x + 5 * PMSS;
	tt_peer_sack(f, &c, 0, b);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_OPEN);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_DSACK_UNDO), 0);
	KUNIT_EXPECT_EQ(test, c.tp->cc.ssthresh, c.tp->cc.cwnd);
	KUNIT_EXPECT_LT(test, c.tp->cc.ssthresh, 5U * PMSS);
}

/*
 * RFC 8985 7: the tail of a flight is lost.  The probe timeout, armed
 * after the data went, sends the last segment again (nothing new
 * waits), then the RTO is armed (7.3).  An ACK up to TLP.end_seq
 * leaves the episode open; one beyond it (after a new segment) says
 * the probe repaired a loss: cwnd = ssthresh = half the flight, at
 * least two segments (7.4.2, TcpExtTCPLossProbeRecovery).
 */
static void tt_test_tlp_tail(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c = {};
	u32 x;

	tt_passive_sack(f, &c);
	anp_test_mib_snap(f->ctx);
	x = tt_send_segs(f, &c, 3);
	KUNIT_EXPECT_EQ(test, c.tp->tmode, (u8)ANP_TCP_T_TLP);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_EXPECT(f, &c, F_ACK | F_PSH, x + 2 * PMSS, c.pnxt, HWIN, PMSS);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_LOSS_PROBES), 1);
	KUNIT_EXPECT_EQ(test, c.tp->tmode, (u8)ANP_TCP_T_RTX);

	c.hnxt = x + 3 * PMSS;
	tt_peer(f, &c, F_ACK, 0);
	TT_NONE(f);
	KUNIT_EXPECT_TRUE(test, c.tp->rack.tlp_on);
	KUNIT_EXPECT_EQ(test, tt_write(&c, PMSS), PMSS);
	tt_hold(f);
	TT_EXPECT(f, &c, F_ACK | F_PSH, x + 3 * PMSS, c.pnxt, HWIN, PMSS);
	KUNIT_EXPECT_EQ(test, c.tp->tmode, (u8)ANP_TCP_T_RTX);
	c.hnxt = x + 4 * PMSS;
	tt_peer(f, &c, F_ACK, 0);
	TT_NONE(f);
	KUNIT_EXPECT_FALSE(test, c.tp->rack.tlp_on);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_LOSS_PROBE_RECOVERY), 1);
	KUNIT_EXPECT_EQ(test, c.tp->cc.ssthresh, 2U * PMSS);
	KUNIT_EXPECT_EQ(test, c.tp->cc.cwnd, 2U * PMSS);
	KUNIT_EXPECT_FALSE(test, timer_pending(&c.tp->rtx_timer));
}

/*
 * RFC 8985 7.3, 7.4: with the congestion window full and new data
 * waiting, the probe sends one new segment, whatever cwnd says; its
 * ACK ends the episode with no response.  A probe that resent old data
 * and drew a D-SACK (both copies arrived) ends it the same way.
 */
static void tt_test_tlp_new_data(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	u32 iw = anp_cc_initial_window(PMSS) / PMSS;
	struct tt_conn c = {};
	u32 x, cwnd, b[2];

	tt_passive_sack(f, &c);
	anp_test_mib_snap(f->ctx);
	x = tt_send_segs(f, &c, iw);
	KUNIT_EXPECT_EQ(test, tt_write(&c, PMSS), PMSS);
	tt_hold(f);
	TT_NONE(f);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_EXPECT(f, &c, F_ACK | F_PSH, x + iw * PMSS, c.pnxt, HWIN, PMSS);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_LOSS_PROBES), 1);
	KUNIT_EXPECT_FALSE(test, c.tp->rack.tlp_retrans);
	c.hnxt = x + (iw + 1) * PMSS;
	tt_peer(f, &c, F_ACK, 0);
	TT_NONE(f);
	KUNIT_EXPECT_FALSE(test, c.tp->rack.tlp_on);

	/* A probe of old data, and the D-SACK of its copy. */
	x = tt_send_segs(f, &c, 2);
	cwnd = c.tp->cc.cwnd;
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_EXPECT(f, &c, F_ACK | F_PSH, x + PMSS, c.pnxt, HWIN, PMSS);
	KUNIT_EXPECT_TRUE(test, c.tp->rack.tlp_retrans);
	c.hnxt = x + 2 * PMSS;
	b[0] = x + PMSS;
	b[1] = x + 2 * PMSS;
	tt_peer_sack(f, &c, 1, b);
	TT_NONE(f);
	KUNIT_EXPECT_FALSE(test, c.tp->rack.tlp_on);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_LOSS_PROBE_RECOVERY), 0);
	KUNIT_EXPECT_GE(test, c.tp->cc.cwnd, cwnd);
}

/*
 * RFC 3042 2 (RFC 5681 3.2 step 1): with cwnd full, the first and the
 * second duplicate ACK each send one new segment; the third retransmits
 * the first unacknowledged one (ssthresh from the flight without the
 * two); nothing more goes, though data waits.
 */
static void tt_test_limited_transmit(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	u32 iw = anp_cc_initial_window(PMSS) / PMSS;
	struct tt_conn c;
	u32 x, i, cwnd;

	tt_passive(f, &c, PWIN);
	x = c.hnxt;
	cwnd = c.tp->cc.cwnd;
	anp_test_mib_snap(f->ctx);
	KUNIT_EXPECT_EQ(test, tt_write(&c, (iw + 3) * PMSS), (iw + 3) * PMSS);
	tt_hold(f);
	for (i = 0; i < iw; i++)
		TT_EXPECT(f, &c, F_ACK, x + i * PMSS, c.pnxt, HWIN, PMSS);
	TT_NONE(f);

	tt_peer(f, &c, F_ACK, 0);
	TT_EXPECT(f, &c, F_ACK, x + iw * PMSS, c.pnxt, HWIN, PMSS);
	TT_NONE(f);
	tt_peer(f, &c, F_ACK, 0);
	TT_EXPECT(f, &c, F_ACK, x + (iw + 1) * PMSS, c.pnxt, HWIN, PMSS);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->cc.cwnd, cwnd);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_RETRANS_SEGS), 0);

	tt_peer(f, &c, F_ACK, 0);
	TT_EXPECT(f, &c, F_ACK, x, c.pnxt, HWIN, PMSS);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_FAST_RETRANS), 1);
	KUNIT_EXPECT_EQ(test, c.tp->cc.state, (u8)ANP_CC_RECOVERY);
	KUNIT_EXPECT_EQ(test, c.tp->cc.ssthresh, cwnd / 2);
	KUNIT_EXPECT_EQ(test, c.tp->snd_nxt, x + (iw + 2) * PMSS);
}

/*
 * RFC 6298 5.4-5.6: the retransmission timer resends the first
 * unacknowledged segment (go-back-N into a one-segment window).
 */
static void tt_test_rto(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;
	u32 x;

	tt_passive(f, &c, PWIN);
	x = c.hnxt;
	anp_test_mib_snap(f->ctx);
	KUNIT_EXPECT_EQ(test, tt_write(&c, 2 * PMSS), 2 * PMSS);
	tt_hold(f);
	TT_EXPECT(f, &c, F_ACK, x, c.pnxt, HWIN, PMSS);
	TT_EXPECT(f, &c, F_ACK | F_PSH, x + PMSS, c.pnxt, HWIN, PMSS);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_EXPECT(f, &c, F_ACK, x, c.pnxt, HWIN, PMSS);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_TIMEOUTS), 1);
	KUNIT_EXPECT_EQ(test, c.tp->cc.cwnd, (u32)PMSS);
	KUNIT_EXPECT_TRUE(test, timer_pending(&c.tp->rtx_timer));
	/* The ACK of the first: the second goes again. */
	c.hnxt = x + PMSS;
	tt_peer(f, &c, F_ACK, 0);
	TT_EXPECT(f, &c, F_ACK | F_PSH, x + PMSS, c.pnxt, HWIN, PMSS);
}

/* ---- RFC 5961 ------------------------------------------------------ */

/* RFC 5961 3.2: an RST with SEQ == RCV.NXT resets the connection. */
static void tt_test_rst_exact(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;

	tt_passive(f, &c, PWIN);
	anp_test_mib_snap(f->ctx);
	tt_peer(f, &c, F_RST, 0);
	TT_NONE(f);
	TT_STATE(f, &c, TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c.sk->sk_err), ECONNRESET);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_ESTAB_RESETS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_CURR_ESTAB), -1);
}

/*
 * The RFC 5961 cases below draw one challenge ACK per connection:
 * Linux 6.1 sends at most one per socket per 500 ms
 * (tcp_invalid_ratelimit), so a second one right after is not part of
 * the behaviour checked here.
 */
struct tt_5961_case {
	const char *name;
	u8 flags;
	s32 seq;		/* SEG.SEQ - RCV.NXT */
	s32 ack;		/* SEG.ACK - SND.NXT */
	u32 len;
	bool challenge;		/* a challenge ACK, else nothing */
};

static const struct tt_5961_case tt_5961_cases_tab[] = {
	/* RFC 5961 3.2: an RST in the window but not at RCV.NXT. */
	{ "RST at RCV.NXT+1", F_RST, 1, 0, 0, true },
	{ "RST,ACK at the window's last octet", F_RST | F_ACK, HWIN - 1, 0,
	  0, true },
	/* RFC 5961 3.2 / RFC 9293 3.10.7.4: outside, dropped silently. */
	{ "RST at RCV.NXT+RCV.WND", F_RST, HWIN, 0, 0, false },
	{ "RST at RCV.NXT-1", F_RST, -1, 0, 0, false },
	/* RFC 5961 4.2: a SYN, wherever it falls in the window. */
	{ "SYN in the window", F_SYN, 1000, 0, 0, true },
	{ "SYN at RCV.NXT", F_SYN, 0, 0, 0, true },
	/* RFC 5961 4.2 "irrespective of the sequence number", as Linux. */
	{ "SYN beyond the window", F_SYN, HWIN + 1000, 0, 0, true },
	{ "SYN before RCV.NXT", F_SYN, -1000, 0, 0, true },
	/* RFC 5961 5.2: SEG.ACK > SND.NXT, data dropped too. */
	{ "ACK beyond SND.NXT", F_ACK, 0, 1, 10, true },
	/* RFC 5961 5.2: SEG.ACK < SND.UNA - MAX.SND.WND. */
	{ "ACK before SND.UNA-MAX.SND.WND", F_ACK, 0, -PWIN - 1, 10, true },
	/* The edge itself is acceptable (an old duplicate). */
	{ "ACK at SND.UNA-MAX.SND.WND", F_ACK, 0, -PWIN, 0, false },
};

static void tt_5961_desc(const struct tt_5961_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(tt_5961, tt_5961_cases_tab, tt_5961_desc);

/*
 * The segment is not acted on: the connection stays ESTABLISHED with
 * its sequence variables, and the answer is <SEQ=SND.NXT><ACK=RCV.NXT>
 * <CTL=ACK> (counted in TCPChallengeACK, TCPSYNChallenge for a SYN) or
 * nothing at all.
 */
static void tt_test_5961(struct kunit *test)
{
	const struct tt_5961_case *k = test->param_value;
	struct tt_fix *f = tt_cur;
	struct tt_seg s = { .flags = k->flags, .win = PWIN, .len = k->len };
	struct tt_conn c;

	tt_passive(f, &c, PWIN);
	anp_test_mib_snap(f->ctx);
	s.seq = c.pnxt + k->seq;
	s.ack = c.hnxt + k->ack;
	if (k->flags & F_SYN)
		s.mss = PMSS;
	tt_send(f, &c, &s);
	if (k->challenge)
		TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, HWIN, 0);
	TT_NONE(f);
	TT_STATE(f, &c, TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c.sk->sk_err), 0);
	KUNIT_EXPECT_EQ(test, c.tp->rcv_nxt, c.pnxt);
	KUNIT_EXPECT_EQ(test, c.tp->snd_una, c.hnxt);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_CHALLENGE_ACK), k->challenge);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_SYN_CHALLENGE),
			k->challenge && (k->flags & F_SYN));
	/* Linux: a SYN in ESTABLISHED is an input error, the rest not. */
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_IN_ERRS), !!(k->flags & F_SYN));
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_OUT_RSTS), 0);
	tt_read_expect(f, &c, c.pnxt, -EAGAIN);
}

/*
 * RFC 5961 7, as Linux 6.1's tcp_send_challenge_ack(): at most one
 * challenge ACK per connection per ANP_TCP_OOW_INTERVAL (500 ms, Linux's
 * tcp_invalid_ratelimit); the second in-window RST in a row draws
 * nothing and is counted in TCPChallengeACKLimited.
 */
static void tt_test_challenge_per_socket(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_seg s = { .flags = F_RST, .win = PWIN };
	struct tt_conn c;

	tt_passive(f, &c, PWIN);
	anp_test_mib_snap(f->ctx);
	s.seq = c.pnxt + 1;
	tt_send(f, &c, &s);
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, HWIN, 0);
	s.seq = c.pnxt + 2;
	tt_send(f, &c, &s);
	TT_NONE(f);
	TT_STATE(f, &c, TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_CHALLENGE_ACK), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_CHALLENGE_LIMITED), 1);
}

/* ---- closing (RFC 9293 3.6) ---------------------------------------- */

/*
 * We close first: FIN-WAIT-1 -> (ACK of FIN) FIN-WAIT-2 -> (FIN)
 * TIME-WAIT, its FIN ACKed; a retransmitted FIN is ACKed again; 2 MSL
 * later CLOSED.
 */
static void tt_test_close_active(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;

	tt_passive(f, &c, PWIN);
	KUNIT_EXPECT_EQ(test, kernel_sock_shutdown(c.sock, SHUT_WR), 0);
	tt_hold(f);
	TT_EXPECT(f, &c, F_FIN | F_ACK, c.hnxt, c.pnxt, HWIN, 0);
	TT_STATE(f, &c, TCP_FIN_WAIT1);
	c.hnxt++;
	tt_peer(f, &c, F_ACK, 0);
	TT_NONE(f);
	TT_STATE(f, &c, TCP_FIN_WAIT2);
	KUNIT_EXPECT_FALSE(test, timer_pending(&c.tp->rtx_timer));

	tt_peer(f, &c, F_FIN | F_ACK, 0);
	c.pnxt++;
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);
	TT_STATE(f, &c, TCP_TIME_WAIT);
	KUNIT_EXPECT_TRUE(test, timer_pending(&c.sk->sk_timer));
	tt_read_expect(f, &c, 0, 0);

	/* RFC 9293 3.10.7.4 TIME-WAIT: the FIN again -> ACK, restart. */
	c.pnxt--;
	tt_peer(f, &c, F_FIN | F_ACK, 0);
	c.pnxt++;
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);
	TT_STATE(f, &c, TCP_TIME_WAIT);

	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.sk->sk_timer));
	TT_STATE(f, &c, TCP_CLOSE);
	TT_NONE(f);
}

/* FIN-WAIT-1 with FIN and the ACK of ours together -> TIME-WAIT. */
static void tt_test_close_fin_ack(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;

	tt_passive(f, &c, PWIN);
	KUNIT_EXPECT_EQ(test, kernel_sock_shutdown(c.sock, SHUT_WR), 0);
	tt_hold(f);
	TT_EXPECT(f, &c, F_FIN | F_ACK, c.hnxt, c.pnxt, HWIN, 0);
	c.hnxt++;
	tt_peer(f, &c, F_FIN | F_ACK, 0);
	c.pnxt++;
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);
	TT_STATE(f, &c, TCP_TIME_WAIT);
}

/*
 * The peer closes first: its FIN -> ACK at once, CLOSE-WAIT, EOF to
 * the reader; our close -> FIN, LAST-ACK; its ACK -> CLOSED.
 */
static void tt_test_close_passive(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;

	tt_passive(f, &c, PWIN);
	tt_peer(f, &c, F_FIN | F_ACK, 0);
	c.pnxt++;
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);
	TT_STATE(f, &c, TCP_CLOSE_WAIT);
	tt_read_expect(f, &c, 0, 0);

	KUNIT_EXPECT_EQ(test, kernel_sock_shutdown(c.sock, SHUT_WR), 0);
	tt_hold(f);
	TT_EXPECT(f, &c, F_FIN | F_ACK, c.hnxt, c.pnxt, -1, 0);
	TT_STATE(f, &c, TCP_LAST_ACK);
	c.hnxt++;
	tt_peer(f, &c, F_ACK, 0);
	TT_NONE(f);
	TT_STATE(f, &c, TCP_CLOSE);
}

/*
 * Both close at once (RFC 9293 3.6 figure 13): FIN-WAIT-1, the peer's
 * FIN without the ACK of ours -> ACK, CLOSING; the ACK -> TIME-WAIT.
 */
static void tt_test_close_simultaneous(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;
	u32 fin_seq;

	tt_passive(f, &c, PWIN);
	fin_seq = c.hnxt;
	KUNIT_EXPECT_EQ(test, kernel_sock_shutdown(c.sock, SHUT_WR), 0);
	tt_hold(f);
	TT_EXPECT(f, &c, F_FIN | F_ACK, fin_seq, c.pnxt, HWIN, 0);
	/* The peer's FIN acknowledges only what came before ours. */
	tt_peer(f, &c, F_FIN | F_ACK, 0);
	c.pnxt++;
	TT_EXPECT(f, &c, F_ACK, fin_seq + 1, c.pnxt, -1, 0);
	TT_STATE(f, &c, TCP_CLOSING);
	c.hnxt = fin_seq + 1;
	tt_peer(f, &c, F_ACK, 0);
	TT_NONE(f);
	TT_STATE(f, &c, TCP_TIME_WAIT);
	KUNIT_EXPECT_TRUE(test, timer_pending(&c.sk->sk_timer));
}

/* Close c actively (we send the first FIN) into TIME-WAIT. */
static void tt_to_timewait(struct tt_fix *f, struct tt_conn *c)
{
	KUNIT_EXPECT_EQ(f->test, kernel_sock_shutdown(c->sock, SHUT_WR), 0);
	tt_hold(f);
	TT_EXPECT(f, c, F_FIN | F_ACK, c->hnxt, c->pnxt, HWIN, 0);
	c->hnxt++;
	tt_peer(f, c, F_FIN | F_ACK, 0);
	c->pnxt++;
	TT_EXPECT(f, c, F_ACK, c->hnxt, c->pnxt, -1, 0);
	TT_STATE(f, c, TCP_TIME_WAIT);
}

/*
 * Linux 6.1 (tcp_v4_rcv(): TCP_TW_SYN with no listener is handled as
 * TCP_TW_ACK) and RFC 9293 3.10.7.4 fourth check: a SYN above
 * RCV.NXT for a TIME-WAIT connection whose port has no listener is
 * ACKed, and the TIME-WAIT stays.
 */
static void tt_test_timewait_syn_no_listener(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_seg s = { .flags = F_SYN, .win = PWIN, .mss = PMSS };
	struct tt_conn c;

	tt_active(f, &c);
	tt_to_timewait(f, &c);
	anp_test_mib_snap(f->ctx);
	/* Beyond the window, then inside it. */
	s.seq = c.pnxt + 100000;
	tt_send(f, &c, &s);
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);
	TT_STATE(f, &c, TCP_TIME_WAIT);
	s.seq = c.pnxt + 10;
	tt_send(f, &c, &s);
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);
	TT_NONE(f);
	TT_STATE(f, &c, TCP_TIME_WAIT);
	KUNIT_EXPECT_TRUE(test, timer_pending(&c.sk->sk_timer));
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_TW_RECYCLED), 0);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_OUT_RSTS), 0);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_NO_SOCKET), 0);
}

/*
 * A SYN at seq reached lsock: its new child (watched from now on)
 * answered <SEQ=ISS><ACK=seq+1><CTL=SYN,ACK>, in o.
 */
static bool tt_expect_new_child(struct tt_fix *f, struct tt_conn *c,
				struct socket *lsock, u32 seq, struct tt_out *o)
{
	struct sock *child = tt_child(lsock);

	KUNIT_EXPECT_NOT_NULL(f->test, child);
	if (!child)
		return false;
	tt_watch(f, child);
	tt_hold(f);
	return tt_expect(f, c, __LINE__, F_SYN | F_ACK, anp_tcp_sk(child)->iss,
			 seq + 1, HWIN, 0, o);
}

/*
 * RFC 9293 3.6.1 (RFC 1122 4.2.2.13), as Linux's TCP_TW_SYN: with a
 * listener on the port, a new SYN above RCV.NXT ends the TIME-WAIT
 * and the listener answers it with a new connection.
 */
static void tt_test_timewait_syn_listener(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_seg s = { .flags = F_SYN, .win = PWIN, .mss = PMSS };
	struct socket *lsock;
	struct tt_conn c;
	struct tt_out o;

	lsock = tt_listener(f, HPORT, 4);
	tt_passive_on(f, &c, lsock, PWIN, HWIN);
	tt_to_timewait(f, &c);
	anp_test_mib_snap(f->ctx);
	s.seq = c.pnxt + 100000;
	tt_send(f, &c, &s);
	TT_STATE(f, &c, TCP_CLOSE);
	KUNIT_ASSERT_TRUE(test, tt_expect_new_child(f, &c, lsock, s.seq, &o));
	KUNIT_EXPECT_EQ(test, o.mss, PMSS);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_TW_RECYCLED), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_PASSIVE_OPENS), 1);
}

/*
 * RFC 6191 2: with timestamps, a SYN below RCV.NXT still opens a new
 * incarnation when its TSval is above TS.Recent; one with an old TSval
 * is answered with an ACK and the TIME-WAIT stays.
 */
static void tt_test_timewait_syn_ts(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct anp_tcp_opts syn = { .present = ANP_TCP_OPT_TS, .tsval = PTS };
	struct tt_seg s = { .flags = F_SYN, .win = PWIN, .mss = PMSS };
	struct tt_conn c = {
		.popts = { .present = ANP_TCP_OPT_TS, .tsval = PTS + 10 },
	};
	struct socket *lsock;
	struct tt_out o;

	lsock = tt_listener(f, HPORT, 4);
	tt_passive_opts(f, &c, lsock, PWIN, HWIN, &syn, &o);
	tt_to_timewait(f, &c);
	anp_test_mib_snap(f->ctx);
	s.seq = c.pnxt - 1000;
	s.opts = c.popts;
	tt_send(f, &c, &s);
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);
	TT_STATE(f, &c, TCP_TIME_WAIT);
	s.opts.tsval = PTS + 11;
	tt_send(f, &c, &s);
	TT_STATE(f, &c, TCP_CLOSE);
	KUNIT_ASSERT_TRUE(test, tt_expect_new_child(f, &c, lsock, s.seq, &o));
	KUNIT_EXPECT_EQ(test, o.opts.tsecr, PTS + 11);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_TW_RECYCLED), 1);
}

/*
 * Linux 6.1 tcp_mtu_to_mss(): the send MSS is at least
 * tcp_min_snd_mss (48, CVE-2019-11479): a peer announcing MSS 1 gets
 * 48-byte segments, not 1-byte ones.
 */
static void tt_test_min_snd_mss(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_seg syn = { .flags = F_SYN, .seq = PISS, .win = PWIN,
			      .mss = 1 };
	struct tt_conn c = { .lport = HPORT, .pport = PPORT };
	struct socket *lsock, *nsock;
	struct tt_out o;

	lsock = tt_listener(f, HPORT, 4);
	tt_send(f, &c, &syn);
	KUNIT_ASSERT_TRUE(test, tt_pop(f, &o, __LINE__));
	c.iss = o.seq;
	c.hnxt = c.iss + 1;
	c.pnxt = PISS + 1;
	syn.flags = F_ACK;
	syn.seq = c.pnxt;
	syn.ack = c.hnxt;
	syn.mss = 0;
	tt_send(f, &c, &syn);
	KUNIT_ASSERT_EQ(test, kernel_accept(lsock, &nsock, O_NONBLOCK), 0);
	f->socks[f->n_socks++] = nsock;
	c.sock = nsock;
	c.sk = nsock->sk;
	c.tp = anp_tcp_sk(c.sk);
	tt_watch(f, c.sk);
	KUNIT_EXPECT_GE(test, c.tp->mss, 48);
	KUNIT_EXPECT_EQ(test, tt_write(&c, 100), 100);
	tt_hold(f);
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, HWIN, 48);
	anp_test_tx_purge(f->t);
}

/*
 * Linux 6.1 tcp_rcv_state_process(), LISTEN: "if (th->fin) goto
 * discard" for a SYN: a SYN,FIN makes no connection and no reply.
 */
static void tt_test_listen_syn_fin(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_seg syn = { .flags = F_SYN | F_FIN, .seq = PISS,
			      .win = PWIN, .mss = PMSS };
	struct socket *lsock;

	lsock = tt_listener(f, HPORT, 4);
	tt_send(f, NULL, &syn);
	TT_NONE(f);
	KUNIT_EXPECT_NULL(test, tt_child(lsock));
	anp_test_tx_purge(f->t);
}

/* ---- receive memory ------------------------------------------------ */

/*
 * The peer sends len bytes at seq on c in a segment whose skb carries
 * about fat more bytes of truesize than a plain one: the tail of its
 * payload sits in a frag_list skb of fat bytes, as a NIC's page-sized
 * buffers (and no skb with a frag_list can be coalesced into another).
 */
static void tr_send_fat(struct tt_fix *f, const struct tt_conn *c, u8 flags,
			u32 seq, u32 len, u32 fat)
{
	struct anp_test_ip_spec spec = {
		.saddr = PEER, .daddr = HOST, .protocol = IPPROTO_TCP,
	};
	unsigned int hlen = sizeof(struct tcphdr);
	struct sk_buff *skb, *tail;
	struct tcphdr *th;
	u32 i, k = len / 2;
	u8 *buf;

	buf = kunit_kzalloc(f->test, hlen + len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(f->test, buf);
	th = (struct tcphdr *)buf;
	th->source = htons(c->pport);
	th->dest = htons(c->lport);
	th->seq = htonl(seq);
	th->ack_seq = htonl(c->hnxt);
	th->doff = hlen / 4;
	tcp_flag_byte(th) = flags | F_ACK;
	th->window = htons(PWIN);
	for (i = 0; i < len; i++)
		buf[hlen + i] = tt_byte(seq + i);
	th->check = csum_tcpudp_magic(PEER, HOST, hlen + len, IPPROTO_TCP,
				      csum_partial(buf, hlen + len, 0));
	spec.payload = buf;
	spec.payload_len = hlen + len;
	skb = anp_test_ip(f->test, &spec);
	if (fat && k) {
		tail = alloc_skb(fat, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(f->test, tail);
		skb_put_data(tail, skb_tail_pointer(skb) - k, k);
		__skb_trim(skb, skb->len - k);
		skb_shinfo(skb)->frag_list = tail;
		skb->len += k;
		skb->data_len += k;
		skb->truesize += tail->truesize;
	}
	anp_test_ip_rcv(f->t, skb);
	tt_hold(f);
}

/* The right edge of the window the host offered last (RFC 9293 3.3.1). */
static u32 tr_edge(const struct tt_conn *c)
{
	return c->tp->rcv_wup + c->tp->rcv_wnd;
}

/*
 * RFC 9293 3.8.6 / 3.10.7.4: every in-window, in-order byte is taken,
 * whatever truesize the skbs carrying it have (Linux's
 * tcp_try_rmem_schedule(): coalesce, collapse, prune): the peer fills
 * the window with segments of five times their payload in truesize,
 * never read, until the window is closed; nothing is dropped and the
 * buffer stays bounded.
 */
static void tr_test_bloated_window(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;
	u32 start, len, sent = 0;
	int i;

	tt_passive(f, &c, PWIN);
	start = c.pnxt;
	anp_test_mib_snap(f->ctx);
	for (i = 0; i < 1000 && tr_edge(&c) != c.pnxt; i++) {
		len = min_t(u32, PMSS, tr_edge(&c) - c.pnxt);
		tr_send_fat(f, &c, 0, c.pnxt, len, 4 * PMSS);
		c.pnxt += len;
		sent += len;
		KUNIT_ASSERT_EQ(test, c.tp->rcv_nxt, c.pnxt);
		anp_test_tx_purge(f->t);
		/* A pending delayed ACK would move the edge: send it. */
		if (tr_edge(&c) == c.pnxt && tt_fire(f, &c.tp->delack_timer))
			anp_test_tx_purge(f->t);
	}
	KUNIT_EXPECT_EQ(test, tr_edge(&c), c.pnxt);
	/* More than one full window went in, and more than the buffer. */
	KUNIT_EXPECT_GT(test, sent, (u32)HWIN);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_RCVQ_DROP), 0);
	/* Room was made by compacting the queue, never by dropping. */
	KUNIT_EXPECT_GE(test, DELTA(f, TCP_PRUNE_CALLED), 1);
	KUNIT_EXPECT_GE(test, DELTA(f, TCP_RCV_COLLAPSED), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_RCV_PRUNED), 0);
	KUNIT_EXPECT_LE(test, atomic_read(&c.sk->sk_rmem_alloc),
			c.sk->sk_rcvbuf + 6 * PMSS);
	tt_read_expect(f, &c, start, sent);
}

/*
 * Linux's tcp_prune_ofo_queue(): in-order data that finds the buffer
 * full is taken at the expense of out-of-order data, never ACKed (RFC
 * 9293 3.10.7.4), dropped from its highest sequence number down.
 */
static void tr_test_prune_ofo(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct socket *lsock;
	struct tt_conn c;
	u32 start, seq;
	int i;

	lsock = tt_listener(f, HPORT, 4);
	sock_set_rcvbuf(lsock->sk, TT_SMALL_RCVBUF);
	tt_passive_on(f, &c, lsock, PWIN, TT_SMALL_RCVBUF);
	start = c.pnxt;
	/* Unread in-order data, then bloated segments after a gap, until
	 * the out-of-order queue has all the buffer left.
	 */
	tt_peer(f, &c, F_ACK, 100);
	c.pnxt += 100;
	for (i = 0, seq = c.pnxt + 200; i < 16; i++, seq += 100)
		tr_send_fat(f, &c, 0, seq, 100, 1024);
	KUNIT_ASSERT_GT(test, c.tp->ofo.segs, 1U);
	anp_test_tx_purge(f->t);
	anp_test_mib_snap(f->ctx);
	/* The gap filled: the in-order data goes in, pruning the queue. */
	tr_send_fat(f, &c, 0, c.pnxt, 100, 0);
	tr_send_fat(f, &c, 0, c.pnxt + 100, 100, 0);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_RCVQ_DROP), 0);
	/* As Linux: pruning counts in OfoPruned, not TCPOFODrop. */
	KUNIT_EXPECT_GE(test, DELTA(f, TCP_OFO_PRUNED), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_OFO_DROP), 0);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_RCV_PRUNED), 0);
	KUNIT_EXPECT_LE(test, atomic_read(&c.sk->sk_rmem_alloc) +
			c.tp->ofo.truesize, c.sk->sk_rcvbuf + 4 * PMSS);
	/* What was left of the out-of-order queue followed in order. */
	KUNIT_EXPECT_EQ(test, c.tp->ofo.segs, 0U);
	KUNIT_EXPECT_TRUE(test, anp_seq_geq(c.tp->rcv_nxt, c.pnxt + 300));
	c.pnxt = c.tp->rcv_nxt;
	anp_test_tx_purge(f->t);
	tt_read_expect(f, &c, start, c.pnxt - start);
}

/*
 * RFC 9293 3.10.7.4: a bare FIN beyond RCV.NXT is held like data (and
 * answered with a duplicate ACK); it is taken, the connection going to
 * CLOSE-WAIT, once the data before it arrives.
 */
static void tr_test_ofo_fin(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;

	tt_passive(f, &c, PWIN);
	anp_test_mib_snap(f->ctx);
	tr_send_fat(f, &c, F_FIN, c.pnxt + 100, 0, 0);
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);
	TT_STATE(f, &c, TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_OFO_QUEUE), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_IN_ERRS), 0);
	tt_peer(f, &c, F_ACK, 100);
	/* The 100 bytes and the FIN: RCV.NXT past both. */
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt + 101, -1, 0);
	TT_STATE(f, &c, TCP_CLOSE_WAIT);
	tt_read_expect(f, &c, c.pnxt, 100);
	tt_read_expect(f, &c, c.pnxt + 100, 0);
	c.pnxt += 101;
}

static struct kunit_case tt_open_cases[] = {
	KUNIT_CASE(tt_test_passive_open),
	KUNIT_CASE(tt_test_listen_rst),
	KUNIT_CASE(tt_test_synrecv_rst),
	KUNIT_CASE(tt_test_passive_no_mss_data),
	KUNIT_CASE(tt_test_min_snd_mss),
	KUNIT_CASE(tt_test_listen_syn_fin),
	KUNIT_CASE(tt_test_active_open),
	KUNIT_CASE(tt_test_synsent_rst),
	KUNIT_CASE(tt_test_simultaneous_open),
	KUNIT_CASE(tt_test_simultaneous_synack),
	KUNIT_CASE(tt_test_synrecv_syn),
	KUNIT_CASE(tt_test_synrecv_syn_limited),
	KUNIT_CASE(tt_test_arp_failure),
	{}
};

static struct kunit_case tt_data_cases[] = {
	KUNIT_CASE(tt_test_delayed_ack),
	KUNIT_CASE(tt_test_ofo),
	KUNIT_CASE(tt_test_overlap_trim),
	KUNIT_CASE(tt_test_bad_csum),
	KUNIT_CASE(tt_test_in_errs),
	KUNIT_CASE(tt_test_rcv_zero_window),
	KUNIT_CASE(tt_test_rcv_zero_window_ack),
	KUNIT_CASE(tt_test_nagle),
	KUNIT_CASE(tt_test_sender_sws),
	KUNIT_CASE(tt_test_zero_window_probe),
	KUNIT_CASE(tt_test_window_update),
	KUNIT_CASE(tt_test_fast_retransmit),
	KUNIT_CASE(tt_test_sack_recovery),
	KUNIT_CASE(tt_test_sack_lost_entry),
	KUNIT_CASE(tt_test_sack_rto_keeps_scoreboard),
	KUNIT_CASE(tt_test_sack_reneging),
	KUNIT_CASE(tt_test_rack_reo_timeout),
	KUNIT_CASE(tt_test_rack_lost_retransmit),
	KUNIT_CASE(tt_test_rack_reordering),
	KUNIT_CASE(tt_test_rack_blocks_one_ack),
	KUNIT_CASE(tt_test_rack_dsack),
	KUNIT_CASE(tt_test_dsack_undo),
	KUNIT_CASE(tt_test_dsack_no_undo),
	KUNIT_CASE(tt_test_tlp_tail),
	KUNIT_CASE(tt_test_tlp_new_data),
	KUNIT_CASE(tt_test_limited_transmit),
	KUNIT_CASE(tt_test_rto),
	{}
};

static struct kunit_case tt_5961_cases[] = {
	KUNIT_CASE(tt_test_rst_exact),
	KUNIT_CASE_PARAM(tt_test_5961, tt_5961_gen_params),
	KUNIT_CASE(tt_test_challenge_per_socket),
	{}
};

static struct kunit_case tt_close_cases[] = {
	KUNIT_CASE(tt_test_close_active),
	KUNIT_CASE(tt_test_close_fin_ack),
	KUNIT_CASE(tt_test_close_passive),
	KUNIT_CASE(tt_test_close_simultaneous),
	KUNIT_CASE(tt_test_timewait_syn_no_listener),
	KUNIT_CASE(tt_test_timewait_syn_listener),
	KUNIT_CASE(tt_test_timewait_syn_ts),
	{}
};

static struct kunit_case tt_rmem_cases[] = {
	KUNIT_CASE(tr_test_bloated_window),
	KUNIT_CASE(tr_test_prune_ofo),
	KUNIT_CASE(tr_test_ofo_fin),
	{}
};

static struct kunit_suite tt_open_suite = {
	.name = "anp-tcp-open",
	.init = tt_init,
	.exit = tt_exit,
	.test_cases = tt_open_cases,
};

static struct kunit_suite tt_data_suite = {
	.name = "anp-tcp-data",
	.init = tt_init,
	.exit = tt_exit,
	.test_cases = tt_data_cases,
};

static struct kunit_suite tt_5961_suite = {
	.name = "anp-tcp-rfc5961",
	.init = tt_init,
	.exit = tt_exit,
	.test_cases = tt_5961_cases,
};

static struct kunit_suite tt_close_suite = {
	.name = "anp-tcp-close",
	.init = tt_init,
	.exit = tt_exit,
	.test_cases = tt_close_cases,
};

static struct kunit_suite tt_rmem_suite = {
	.name = "anp-tcp-rmem",
	.init = tt_init,
	.exit = tt_exit,
	.test_cases = tt_rmem_cases,
};

/* ---- timers: keepalive (RFC 1122 4.2.3.6) -------------------------- */

/* setsockopt(SOL_TCP, opt, val) as a program would call it. */
static void tt_tcp_opt(struct tt_fix *f, struct tt_conn *c, int opt, int val)
{
	KUNIT_EXPECT_EQ(f->test,
			c->sock->ops->setsockopt(c->sock, SOL_TCP, opt,
						 KERNEL_SOCKPTR(&val),
						 sizeof(val)), 0);
	tt_hold(f);
}

/* SO_KEEPALIVE on, TCP_KEEPIDLE/KEEPINTVL/KEEPCNT in seconds and count. */
static void tt_keepalive_on(struct tt_fix *f, struct tt_conn *c, int idle,
			    int intvl, int cnt)
{
	int one = 1;

	KUNIT_EXPECT_EQ(f->test,
			sock_setsockopt(c->sock, SOL_SOCKET, SO_KEEPALIVE,
					KERNEL_SOCKPTR(&one), sizeof(one)), 0);
	tt_tcp_opt(f, c, TCP_KEEPIDLE, idle);
	tt_tcp_opt(f, c, TCP_KEEPINTVL, intvl);
	tt_tcp_opt(f, c, TCP_KEEPCNT, cnt);
	KUNIT_EXPECT_TRUE(f->test, timer_pending(&c->sk->sk_timer));
}

/* Time passes: everything the connection remembers is d jiffies older. */
static void tt_age(struct tt_conn *c, unsigned long d)
{
	c->tp->rcv_tstamp -= d;
	c->tp->probe_tstamp -= d;
}

/*
 * RFC 1122 4.2.3.6: no probe before TCP_KEEPIDLE of silence; then
 * <SEQ=SND.UNA-1><ACK=RCV.NXT><CTL=ACK> (no data, as Linux), again each
 * TCP_KEEPINTVL while unanswered; an answer resets the count.
 */
static void tt_test_keepalive_probe(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;
	int zero = 0;

	tt_passive(f, &c, PWIN);
	anp_test_mib_snap(f->ctx);
	tt_keepalive_on(f, &c, 10, 2, 3);
	TT_NONE(f);
	/* Not idle long enough: no probe, the timer waits on. */
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.sk->sk_timer));
	TT_NONE(f);
	KUNIT_EXPECT_TRUE(test, timer_pending(&c.sk->sk_timer));
	KUNIT_EXPECT_EQ(test, c.tp->probes, 0);

	tt_age(&c, 10 * HZ);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.sk->sk_timer));
	TT_EXPECT(f, &c, F_ACK, c.hnxt - 1, c.pnxt, -1, 0);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->probes, 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_KEEPALIVE_PROBES), 1);
	/* Unanswered: the next one TCP_KEEPINTVL later. */
	tt_age(&c, 2 * HZ);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.sk->sk_timer));
	TT_EXPECT(f, &c, F_ACK, c.hnxt - 1, c.pnxt, -1, 0);
	KUNIT_EXPECT_EQ(test, c.tp->probes, 2);

	/* The peer's ACK answers: not idle any more, the count is reset. */
	tt_peer(f, &c, F_ACK, 0);
	TT_NONE(f);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.sk->sk_timer));
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->probes, 0);
	TT_STATE(f, &c, TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_KEEPALIVE_PROBES), 2);

	/* SO_KEEPALIVE off: the timer stops. */
	KUNIT_EXPECT_EQ(test, sock_setsockopt(c.sock, SOL_SOCKET, SO_KEEPALIVE,
					      KERNEL_SOCKPTR(&zero),
					      sizeof(zero)), 0);
	KUNIT_EXPECT_FALSE(test, timer_pending(&c.sk->sk_timer));
}

/*
 * An answered probe resets the count even when TCP_KEEPINTVL >=
 * TCP_KEEPIDLE leaves the connection idle again at the next expiry
 * (Linux clears icsk_probes_out on every ACK): answered probes never
 * add up to TCP_KEEPCNT.
 */
static void tt_test_keepalive_answered(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;
	int i;

	tt_passive(f, &c, PWIN);
	tt_keepalive_on(f, &c, 1, 5, 2);
	tt_age(&c, HZ);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.sk->sk_timer));
		TT_EXPECT(f, &c, F_ACK, c.hnxt - 1, c.pnxt, -1, 0);
		KUNIT_EXPECT_EQ(test, c.tp->probes, 1);
		tt_peer(f, &c, F_ACK, 0);
		TT_NONE(f);
		tt_age(&c, 5 * HZ);
	}
	TT_STATE(f, &c, TCP_ESTABLISHED);
}

/*
 * TCP_KEEPCNT unanswered probes: the connection is aborted as Linux's
 * tcp_keepalive_timer does, <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>
 * and ETIMEDOUT for the user.
 */
static void tt_test_keepalive_timeout(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;
	int i;

	tt_passive(f, &c, PWIN);
	anp_test_mib_snap(f->ctx);
	tt_keepalive_on(f, &c, 10, 2, 3);
	tt_age(&c, 10 * HZ);
	for (i = 1; i <= 3; i++) {
		KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.sk->sk_timer));
		TT_EXPECT(f, &c, F_ACK, c.hnxt - 1, c.pnxt, -1, 0);
		KUNIT_EXPECT_EQ(test, c.tp->probes, i);
		tt_age(&c, 2 * HZ);
	}
	TT_STATE(f, &c, TCP_ESTABLISHED);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.sk->sk_timer));
	TT_EXPECT(f, &c, F_RST | F_ACK, c.hnxt, c.pnxt, -1, 0);
	TT_NONE(f);
	TT_STATE(f, &c, TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c.sk->sk_err), ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_KEEPALIVE_PROBES), 3);
	KUNIT_EXPECT_FALSE(test, timer_pending(&c.sk->sk_timer));
}

/* Data in flight: retransmission covers it, keepalive does not probe. */
static void tt_test_keepalive_busy(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;

	tt_passive(f, &c, PWIN);
	tt_keepalive_on(f, &c, 10, 2, 3);
	KUNIT_EXPECT_EQ(test, tt_write(&c, 100), 100);
	tt_hold(f);
	TT_EXPECT(f, &c, F_ACK | F_PSH, c.hnxt, c.pnxt, HWIN, 100);
	tt_age(&c, 10 * HZ);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.sk->sk_timer));
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->probes, 0);
	KUNIT_EXPECT_TRUE(test, timer_pending(&c.sk->sk_timer));
}

/* The next segment carries len bytes from seq (flags not checked). */
static void tt_expect_data(struct tt_fix *f, const struct tt_conn *c, u32 seq,
			   u32 len, int line)
{
	struct tt_out o;

	if (!tt_pop(f, &o, line))
		return;
	KUNIT_EXPECT_EQ_MSG(f->test, o.seq, seq, "line %d: seq", line);
	KUNIT_EXPECT_EQ_MSG(f->test, o.len, len, "line %d: length", line);
	KUNIT_EXPECT_EQ_MSG(f->test, o.bad, o.len, "line %d: payload byte",
			    line);
	KUNIT_EXPECT_EQ_MSG(f->test, o.ack, c->pnxt, "line %d: ack", line);
}

#define TT_DATA(f, c, seq, len)	tt_expect_data(f, c, seq, len, __LINE__)

/*
 * TCP_CORK (Linux's TCP_NAGLE_CORK): a partial segment waits even with
 * nothing in flight, a full one goes; what waits goes when the persist
 * timer's override fires (the ceiling), when the cork comes off, or
 * once when TCP_NODELAY is set.
 */
static void tt_test_cork(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;
	u32 x;

	tt_passive(f, &c, PWIN);
	x = c.hnxt;
	tt_tcp_opt(f, &c, TCP_CORK, 1);
	KUNIT_EXPECT_EQ(test, tt_write(&c, 100), 100);
	tt_hold(f);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, tt_write(&c, PMSS), PMSS);
	tt_hold(f);
	TT_DATA(f, &c, x, PMSS);
	TT_NONE(f);
	/* All acknowledged: the 100 bytes still wait, on the persist timer. */
	c.hnxt = x + PMSS;
	tt_peer(f, &c, F_ACK, 0);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->tmode, (u8)ANP_TCP_T_PERSIST);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_DATA(f, &c, x + PMSS, 100);
	TT_NONE(f);
	c.hnxt += 100;
	tt_peer(f, &c, F_ACK, 0);
	TT_NONE(f);

	/* Taking the cork off sends what it held. */
	KUNIT_EXPECT_EQ(test, tt_write(&c, 50), 50);
	tt_hold(f);
	TT_NONE(f);
	tt_tcp_opt(f, &c, TCP_CORK, 0);
	TT_DATA(f, &c, c.hnxt, 50);
	c.hnxt += 50;
	tt_peer(f, &c, F_ACK, 0);

	/* TCP_NODELAY flushes once; the cork stays on. */
	tt_tcp_opt(f, &c, TCP_CORK, 1);
	KUNIT_EXPECT_EQ(test, tt_write(&c, 10), 10);
	tt_hold(f);
	TT_NONE(f);
	tt_tcp_opt(f, &c, TCP_NODELAY, 1);
	TT_DATA(f, &c, c.hnxt, 10);
	c.hnxt += 10;
	tt_peer(f, &c, F_ACK, 0);
	KUNIT_EXPECT_EQ(test, tt_write(&c, 10), 10);
	tt_hold(f);
	TT_NONE(f);
}

/*
 * MSG_MORE (Linux's tcp_push() with TCP_NAGLE_CORK): TCP_CORK for one
 * call.  A partial segment waits, without PSH, even with nothing in
 * flight; the next send without MSG_MORE sends it with its own bytes
 * in one segment; a full segment goes at once; what waits goes when an
 * ACK lets Nagle send it, or when the persist timer's override fires.
 */
static void tt_test_msg_more(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;
	u32 x;

	tt_passive(f, &c, PWIN);
	x = c.hnxt;
	KUNIT_EXPECT_EQ(test, tt_write_flags(&c, 100, MSG_MORE), 100);
	tt_hold(f);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->tmode, (u8)ANP_TCP_T_PERSIST);
	KUNIT_EXPECT_EQ(test, tt_write(&c, 50), 50);
	tt_hold(f);
	TT_EXPECT(f, &c, F_ACK | F_PSH, x, c.pnxt, HWIN, 150);
	TT_NONE(f);
	KUNIT_EXPECT_FALSE(test, c.tp->cork);
	c.hnxt = x + 150;
	tt_peer(f, &c, F_ACK, 0);
	TT_NONE(f);

	/* A full segment goes; the rest waits for the ACK, then goes. */
	KUNIT_EXPECT_EQ(test, tt_write_flags(&c, PMSS + 100, MSG_MORE),
			PMSS + 100);
	tt_hold(f);
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, HWIN, PMSS);
	TT_NONE(f);
	c.hnxt += PMSS;
	tt_peer(f, &c, F_ACK, 0);
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, HWIN, 100);
	c.hnxt += 100;
	tt_peer(f, &c, F_ACK, 0);
	TT_NONE(f);

	/* Nothing follows: the persist timer's override sends it. */
	KUNIT_EXPECT_EQ(test, tt_write_flags(&c, 10, MSG_MORE), 10);
	tt_hold(f);
	TT_NONE(f);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, HWIN, 10);
	TT_NONE(f);
}

/*
 * TCP_USER_TIMEOUT (RFC 5482; Linux's retransmits_timed_out): data
 * unacknowledged that long since its first transmission ends the
 * connection at the next RTO expiry (never before one retry), however
 * few retries; the RTO is clamped to the time left.
 */
static void tt_test_user_timeout(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;
	u32 x;

	tt_passive(f, &c, PWIN);
	x = c.hnxt;
	anp_test_mib_snap(f->ctx);
	tt_tcp_opt(f, &c, TCP_USER_TIMEOUT, 3000);
	KUNIT_EXPECT_EQ(test, tt_write(&c, 100), 100);
	tt_hold(f);
	TT_DATA(f, &c, x, 100);
	/* The first expiry retransmits, whatever the time. */
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_DATA(f, &c, x, 100);
	TT_STATE(f, &c, TCP_ESTABLISHED);
	/* 1 s of the 3 gone: the next expiry retransmits again. */
	c.tp->rtx_start -= HZ;
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_DATA(f, &c, x, 100);
	TT_STATE(f, &c, TCP_ESTABLISHED);
	/* 3 s gone: a reset, ETIMEDOUT, after 2 retries of the 15. */
	c.tp->rtx_start -= 2 * HZ;
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_NONE(f);
	TT_STATE(f, &c, TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c.sk->sk_err), ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_ABORT_ON_TIMEOUT), 1);
}

/* The RTO timer never runs past the user timeout. */
static void tt_test_user_timeout_clamp(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;
	long left;

	tt_passive(f, &c, PWIN);
	tt_tcp_opt(f, &c, TCP_USER_TIMEOUT, 1500);
	KUNIT_EXPECT_EQ(test, tt_write(&c, 100), 100);
	tt_hold(f);
	TT_DATA(f, &c, c.hnxt, 100);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_DATA(f, &c, c.hnxt, 100);
	/*
	 * 1.4 s gone: the next expiry retransmits and re-arms for the
	 * 100 ms left, not the backed-off RTO (at least 400 ms).  Fired by
	 * hand to read the timer before tt_hold() pushes it away.
	 */
	c.tp->rtx_start -= msecs_to_jiffies(1400);
	KUNIT_ASSERT_TRUE(test, del_timer(&c.tp->rtx_timer));
	local_bh_disable();
	c.tp->rtx_timer.function(&c.tp->rtx_timer);
	local_bh_enable();
	KUNIT_EXPECT_TRUE(test, timer_pending(&c.tp->rtx_timer));
	left = (long)(c.tp->rtx_timer.expires - jiffies);
	tt_hold(f);
	TT_DATA(f, &c, c.hnxt, 100);
	KUNIT_EXPECT_GE(test, anp_rtt_rto(&c.tp->rtt), 400U * USEC_PER_MSEC);
	KUNIT_EXPECT_LE(test, left, (long)msecs_to_jiffies(100));
	KUNIT_EXPECT_GE(test, left, 0L);
}

/* With TCP_USER_TIMEOUT, that much silence after a probe ends it. */
static void tt_test_keepalive_user_timeout(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;

	tt_passive(f, &c, PWIN);
	tt_keepalive_on(f, &c, 10, 2, 100);
	tt_tcp_opt(f, &c, TCP_USER_TIMEOUT, 15000);
	tt_age(&c, 10 * HZ);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.sk->sk_timer));
	TT_EXPECT(f, &c, F_ACK, c.hnxt - 1, c.pnxt, -1, 0);
	/* 12 s of silence: another probe. */
	tt_age(&c, 2 * HZ);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.sk->sk_timer));
	TT_EXPECT(f, &c, F_ACK, c.hnxt - 1, c.pnxt, -1, 0);
	/* 15 s: over, after 2 of the 100 probes. */
	tt_age(&c, 3 * HZ);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.sk->sk_timer));
	TT_EXPECT(f, &c, F_RST | F_ACK, c.hnxt, c.pnxt, -1, 0);
	TT_STATE(f, &c, TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c.sk->sk_err), ETIMEDOUT);
}

/*
 * TCP_QUICKACK (Linux's __tcp_sock_set_quickack()): 0 delays the ACK
 * of a segment (RFC 1122 4.2.3.2) even while quick ACKs last; 1 sends
 * the ACK owed at once (the data read) and acknowledges the next
 * segment at once; a delayed ACK sent by its timer ends the mode 0.
 */
static void tt_test_quickack(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;

	tt_passive(f, &c, PWIN);
	tt_tcp_opt(f, &c, TCP_QUICKACK, 0);
	KUNIT_EXPECT_TRUE(test, c.tp->pingpong);
	tt_peer(f, &c, F_ACK | F_PSH, 10);
	c.pnxt += 10;
	TT_NONE(f);
	KUNIT_EXPECT_TRUE(test, timer_pending(&c.tp->delack_timer));
	tt_read_expect(f, &c, PISS + 1, 10);
	TT_NONE(f);

	tt_tcp_opt(f, &c, TCP_QUICKACK, 1);
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);
	KUNIT_EXPECT_FALSE(test, c.tp->pingpong);
	KUNIT_EXPECT_FALSE(test, c.tp->ack_pending);
	tt_peer(f, &c, F_ACK | F_PSH, 10);
	c.pnxt += 10;
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);

	/* Nothing owed: 1 only leaves the mode 0. */
	tt_tcp_opt(f, &c, TCP_QUICKACK, 0);
	tt_tcp_opt(f, &c, TCP_QUICKACK, 1);
	TT_NONE(f);
	KUNIT_EXPECT_FALSE(test, c.tp->pingpong);

	/* The delayed-ACK timer ends the mode 0. */
	tt_tcp_opt(f, &c, TCP_QUICKACK, 0);
	tt_peer(f, &c, F_ACK | F_PSH, 10);
	c.pnxt += 10;
	TT_NONE(f);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->delack_timer));
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);
	KUNIT_EXPECT_FALSE(test, c.tp->pingpong);
	tt_peer(f, &c, F_ACK | F_PSH, 10);
	c.pnxt += 10;
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);
}

/*
 * close() of c's socket as a program's: it may live on as an orphan,
 * which the test keeps a reference to (c->sk stays valid).  Its timers
 * are as close() left them: the caller holds them (tt_hold).
 */
static void tt_close(struct tt_fix *f, struct tt_conn *c)
{
	unsigned int i;

	for (i = 0; i < f->n_socks && f->socks[i] != c->sock; i++)
		;
	KUNIT_ASSERT_LT(f->test, i, f->n_socks);
	KUNIT_ASSERT_LT(f->test, f->n_held, TT_SOCKS);
	memmove(&f->socks[i], &f->socks[i + 1],
		(f->n_socks - i - 1) * sizeof(f->socks[0]));
	f->n_socks--;
	sock_hold(c->sk);
	f->held[f->n_held++] = c->sk;
	sock_release(c->sock);
	c->sock = NULL;
}

/* Our FIN, the peer's ACK of it: FIN-WAIT-2, not yet closed. */
static void tt_to_fin_wait2(struct tt_fix *f, struct tt_conn *c)
{
	KUNIT_EXPECT_EQ(f->test, kernel_sock_shutdown(c->sock, SHUT_WR), 0);
	tt_hold(f);
	TT_EXPECT(f, c, F_FIN | F_ACK, c->hnxt, c->pnxt, -1, 0);
	c->hnxt++;
	tt_peer(f, c, F_ACK, 0);
	TT_NONE(f);
	TT_STATE(f, c, TCP_FIN_WAIT2);
}

/*
 * TCP_LINGER2 (Linux's tcp_fin_time()): an orphan in FIN-WAIT-2 waits
 * that long for the peer's FIN (RFC 9293 3.10.4 leaves it open), then
 * ends without a segment.
 */
static void tt_test_linger2_timeout(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	unsigned long left;
	struct tt_conn c;

	tt_passive(f, &c, PWIN);
	tt_tcp_opt(f, &c, TCP_LINGER2, 5);
	KUNIT_EXPECT_EQ(test, c.tp->linger2, 5 * HZ);
	tt_to_fin_wait2(f, &c);
	tt_close(f, &c);
	/* Armed by close(): 5 s from now. */
	left = c.sk->sk_timer.expires - jiffies;
	KUNIT_EXPECT_TRUE(test, timer_pending(&c.sk->sk_timer));
	KUNIT_EXPECT_LE(test, left, 5UL * HZ);
	KUNIT_EXPECT_GT(test, left, 4UL * HZ);
	tt_hold(f);
	TT_NONE(f);
	TT_STATE(f, &c, TCP_FIN_WAIT2);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.sk->sk_timer));
	TT_STATE(f, &c, TCP_CLOSE);
	TT_NONE(f);
}

/* TCP_LINGER2 < 0: close() in FIN-WAIT-2 resets (Linux's tcp_close()). */
static void tt_test_linger2_reset(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;

	tt_passive(f, &c, PWIN);
	tt_tcp_opt(f, &c, TCP_LINGER2, -1);
	KUNIT_EXPECT_EQ(test, c.tp->linger2, -1);
	tt_to_fin_wait2(f, &c);
	anp_test_mib_snap(f->ctx);
	tt_close(f, &c);
	tt_hold(f);
	TT_EXPECT(f, &c, F_RST | F_ACK, c.hnxt, c.pnxt, 0, 0);
	TT_STATE(f, &c, TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_ABORT_ON_LINGER), 1);
}

/*
 * TCP_LINGER2 < 0: an orphan whose FIN is acknowledged ends at once,
 * without a segment (Linux's tcp_rcv_state_process(), TCPAbortOnData).
 */
static void tt_test_linger2_orphan(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;

	tt_passive(f, &c, PWIN);
	tt_tcp_opt(f, &c, TCP_LINGER2, -1);
	tt_close(f, &c);
	tt_hold(f);
	TT_EXPECT(f, &c, F_FIN | F_ACK, c.hnxt, c.pnxt, -1, 0);
	TT_STATE(f, &c, TCP_FIN_WAIT1);
	c.hnxt++;
	anp_test_mib_snap(f->ctx);
	tt_peer(f, &c, F_ACK, 0);
	TT_NONE(f);
	TT_STATE(f, &c, TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_ABORT_ON_DATA), 1);
}

/*
 * TCP_WINDOW_CLAMP (Linux's window_clamp): the window offered, from
 * the SYN,ACK of a listener's child on, is at most the clamp (RFC 9293
 * 3.8.6: the receiver chooses it; RFC 7323 2.3 Linux's clamp of it);
 * a smaller clamp does not shrink what was offered (RFC 9293
 * 3.8.6.2.2); 0 is refused once connected.
 */
static void tt_test_window_clamp(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct socket *lsock = tt_listener(f, HPORT, 4);
	int val = 3000, zero = 0;
	struct tt_conn c;

	KUNIT_EXPECT_EQ(test,
			lsock->ops->setsockopt(lsock, SOL_TCP, TCP_WINDOW_CLAMP,
					       KERNEL_SOCKPTR(&val),
					       sizeof(val)), 0);
	tt_passive_on(f, &c, lsock, PWIN, 3000);
	KUNIT_EXPECT_EQ(test, c.tp->window_clamp, 3000);
	tt_peer(f, &c, F_ACK, PMSS);
	c.pnxt += PMSS;
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, 3000, 0);
	tt_peer(f, &c, F_ACK, PMSS);
	c.pnxt += PMSS;
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, 3000, 0);

	/* Lowered: the 3000 offered stay, the right edge stops there. */
	tt_tcp_opt(f, &c, TCP_WINDOW_CLAMP, 2000);
	KUNIT_EXPECT_EQ(test, c.tp->window_clamp, 2000);
	tt_peer(f, &c, F_ACK | F_PSH, 500);
	c.pnxt += 500;
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, 2500, 0);
	tt_peer(f, &c, F_ACK | F_PSH, 500);
	c.pnxt += 500;
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, 2000, 0);

	/* Below SOCK_MIN_RCVBUF / 2: raised to it, as Linux. */
	tt_tcp_opt(f, &c, TCP_WINDOW_CLAMP, 1);
	KUNIT_EXPECT_EQ(test, c.tp->window_clamp, SOCK_MIN_RCVBUF / 2);
	KUNIT_EXPECT_EQ(test,
			c.sock->ops->setsockopt(c.sock, SOL_TCP,
						TCP_WINDOW_CLAMP,
						KERNEL_SOCKPTR(&zero),
						sizeof(zero)), -EINVAL);
	KUNIT_EXPECT_EQ(test, c.tp->window_clamp, SOCK_MIN_RCVBUF / 2);
	tt_read_expect(f, &c, PISS + 1, 2 * PMSS + 1000);
}

/*
 * A listener with TCP_DEFER_ACCEPT 7 s (3 SYN,ACK retransmissions:
 * 1 + 2 + 4 s); the peer's SYN answered, its bare ACK deferred
 * (dropped, counted in TCPDeferAcceptDrop): the child stays in
 * SYN-RECEIVED, nothing to accept, no segment sent.
 */
static struct sock *tt_deferred(struct tt_fix *f, struct tt_conn *c,
				struct socket **lsock)
{
	struct kunit *test = f->test;
	struct tt_seg s = {
		.flags = F_SYN, .seq = PISS, .win = PWIN, .mss = PMSS,
	};
	struct socket *nsock;
	struct sock *child;
	int val = 7;

	*lsock = tt_listener(f, HPORT, 4);
	KUNIT_EXPECT_EQ(test,
			(*lsock)->ops->setsockopt(*lsock, SOL_TCP,
						  TCP_DEFER_ACCEPT,
						  KERNEL_SOCKPTR(&val),
						  sizeof(val)), 0);
	KUNIT_EXPECT_EQ(test, anp_tcp_sk((*lsock)->sk)->defer_accept, 3);
	memset(c, 0, sizeof(*c));
	c->lport = HPORT;
	c->pport = PPORT;
	tt_send(f, c, &s);
	child = tt_child(*lsock);
	KUNIT_ASSERT_NOT_NULL(test, child);
	tt_watch(f, child);
	tt_hold(f);
	c->sk = child;
	c->tp = anp_tcp_sk(child);
	c->iss = c->tp->iss;
	c->pnxt = PISS + 1;
	c->hnxt = c->iss + 1;
	TT_EXPECT(f, c, F_SYN | F_ACK, c->iss, c->pnxt, HWIN, 0);
	anp_test_mib_snap(f->ctx);
	tt_peer(f, c, F_ACK, 0);
	TT_NONE(f);
	TT_STATE(f, c, TCP_SYN_RECV);
	KUNIT_EXPECT_TRUE(test, c->tp->defer_acked);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_DEFER_ACCEPT_DROP), 1);
	KUNIT_EXPECT_EQ(test, kernel_accept(*lsock, &nsock, O_NONBLOCK),
			-EAGAIN);
	return child;
}

/* The accepted child of lsock is c's socket. */
static void tt_accept_deferred(struct tt_fix *f, struct tt_conn *c,
			       struct socket *lsock)
{
	struct socket *nsock;

	KUNIT_ASSERT_EQ(f->test, kernel_accept(lsock, &nsock, O_NONBLOCK), 0);
	KUNIT_ASSERT_LT(f->test, f->n_socks, TT_SOCKS);
	f->socks[f->n_socks++] = nsock;
	c->sock = nsock;
	KUNIT_EXPECT_PTR_EQ(f->test, nsock->sk, c->sk);
	TT_STATE(f, c, TCP_ESTABLISHED);
}

/*
 * TCP_DEFER_ACCEPT (Linux's tcp_check_req()): data after the deferred
 * ACK completes the handshake; the child is accepted with its data,
 * acknowledged.
 */
static void tt_test_defer_accept_data(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct socket *lsock;
	struct tt_conn c;

	tt_deferred(f, &c, &lsock);
	tt_peer(f, &c, F_ACK | F_PSH, 10);
	c.pnxt += 10;
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);
	tt_accept_deferred(f, &c, lsock);
	tt_read_expect(f, &c, PISS + 1, 10);
}

/*
 * TCP_DEFER_ACCEPT with no data (Linux's syn_ack_recalc()): no SYN,ACK
 * again until the deferral's last retransmission (the third RTO), whose
 * ACK completes the handshake.
 */
static void tt_test_defer_accept_expiry(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct socket *lsock;
	struct tt_conn c;

	tt_deferred(f, &c, &lsock);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_NONE(f);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_NONE(f);
	TT_STATE(f, &c, TCP_SYN_RECV);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	TT_EXPECT(f, &c, F_SYN | F_ACK, c.iss, c.pnxt, -1, 0);
	KUNIT_EXPECT_EQ(test, c.tp->retries, 3);
	tt_peer(f, &c, F_ACK, 0);
	TT_NONE(f);
	tt_accept_deferred(f, &c, lsock);
}

/*
 * TCP_NOTSENT_LOWAT (Linux's tcp_stream_memory_free()): writable only
 * while twice the unsent bytes are under the mark; sending them (not
 * an ACK) wakes a writer that found no room, as tcp_check_space().
 */
static void tt_test_notsent_lowat(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;
	u32 x;

	tt_passive(f, &c, PWIN);
	x = c.hnxt;
	tt_tcp_opt(f, &c, TCP_CORK, 1);
	tt_tcp_opt(f, &c, TCP_NOTSENT_LOWAT, 1000);
	KUNIT_EXPECT_EQ(test, tt_write(&c, 400), 400);
	tt_hold(f);
	TT_NONE(f);
	KUNIT_EXPECT_TRUE(test, __sk_stream_is_writeable(c.sk, 1));
	KUNIT_EXPECT_EQ(test, tt_write(&c, 100), 100);
	tt_hold(f);
	KUNIT_EXPECT_FALSE(test, __sk_stream_is_writeable(c.sk, 1));
	KUNIT_EXPECT_TRUE(test, sk_stream_memory_free(c.sk));
	/* A writer waits; the bytes go when the cork comes off. */
	set_bit(SOCK_NOSPACE, &c.sock->flags);
	tt_tcp_opt(f, &c, TCP_CORK, 0);
	TT_DATA(f, &c, x, 500);
	KUNIT_EXPECT_TRUE(test, __sk_stream_is_writeable(c.sk, 1));
	KUNIT_EXPECT_FALSE(test, test_bit(SOCK_NOSPACE, &c.sock->flags));
}

/* ---- options: RFC 7323 timestamps and window scale, RFC 2018 SACK -- */

#define TT_OPT_ALL	(ANP_TCP_OPT_MSS | ANP_TCP_OPT_TS | \
			 ANP_TCP_OPT_SACK_OK | ANP_TCP_OPT_WSCALE)

/*
 * An active open offers every option (TSecr 0, RFC 7323 3.2; a window
 * scale that covers the largest SO_RCVBUF and the largest buffer
 * autotuning reaches, 2.3); a SYN,ACK with all of
 * them turns each on: SMSS loses the 12 bytes of timestamps, the ACK
 * echoes the peer's TSval, windows are scaled both ways after the SYNs
 * (2.2).
 */
static void tt_test_opts_active(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_seg s = {
		.flags = F_SYN | F_ACK, .seq = PISS, .win = PWIN, .mss = PMSS,
		.opts = {
			.present = ANP_TCP_OPT_TS | ANP_TCP_OPT_SACK_OK |
				   ANP_TCP_OPT_WSCALE,
			.wscale = 7, .tsval = PTS,
		},
	};
	u32 tb_space = max_t(u32, READ_ONCE(sysctl_rmem_max),
			     READ_ONCE(init_net.ipv4.sysctl_tcp_rmem[2]));
	struct sockaddr_anp sa;
	struct tt_conn c;
	struct tt_out o;

	tt_connect(f, &c, &sa);
	KUNIT_EXPECT_EQ(test, c.hsyn.present, TT_OPT_ALL);
	KUNIT_EXPECT_EQ(test, c.hsyn.tsecr, 0U);
	KUNIT_EXPECT_EQ(test, c.hsyn.wscale, c.tp->rcv_wscale);
	/* ... the buffer autotuning may reach too (Linux's max of both). */
	KUNIT_EXPECT_GE(test, (u64)U16_MAX << c.hsyn.wscale, (u64)tb_space);
	KUNIT_EXPECT_LT(test, (u64)U16_MAX << c.hsyn.wscale, 2ULL * tb_space);
	s.ack = c.hnxt;
	s.opts.tsecr = c.hsyn.tsval;
	tt_send(f, &c, &s);
	c.pnxt = PISS + 1;
	KUNIT_ASSERT_TRUE(test, tt_expect(f, &c, __LINE__, F_ACK, c.hnxt,
					  c.pnxt, -1, 0, &o));
	TT_STATE(f, &c, TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, o.opts.present, ANP_TCP_OPT_TS);
	KUNIT_EXPECT_EQ(test, o.opts.tsecr, PTS);
	KUNIT_EXPECT_EQ(test, c.tp->mss, PMSS - TCPOLEN_TSTAMP_ALIGNED);
	KUNIT_EXPECT_TRUE(test, c.tp->sack_ok);
	KUNIT_EXPECT_EQ(test, c.tp->snd_wscale, 7);
	KUNIT_EXPECT_EQ(test, (u32)o.win << c.tp->rcv_wscale, c.tp->rcv_wnd);
	/* The SYN,ACK's window was taken as it is; the next one scaled. */
	KUNIT_EXPECT_EQ(test, c.tp->snd_wnd, (u32)PWIN);
	c.popts = (struct anp_tcp_opts){
		.present = ANP_TCP_OPT_TS, .tsval = PTS + 1,
		.tsecr = o.opts.tsval,
	};
	tt_peer(f, &c, F_ACK, 0);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, c.tp->snd_wnd, (u32)PWIN << 7);
	KUNIT_EXPECT_EQ(test, c.tp->ts_recent, PTS + 1);
}

/*
 * RFC 7323 5.3 R1 (PAWS): a segment whose TSval is older than
 * TS.Recent is dropped and answered with an ACK (PAWSEstab), except a
 * pure duplicate ACK reordered on the path (Linux's
 * tcp_disordered_ack()) and a reset; TS.Recent follows the segments at
 * Last.ACK.sent (4.3).
 */
static void tt_test_ts_paws(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct anp_tcp_opts syn = {
		.present = ANP_TCP_OPT_TS | ANP_TCP_OPT_SACK_OK, .tsval = PTS,
	};
	struct tt_conn c = {
		.popts = { .present = ANP_TCP_OPT_TS, .tsval = PTS + 10 },
	};
	struct tt_out o;

	tt_passive_opts(f, &c, tt_listener(f, HPORT, 4), PWIN, HWIN, &syn,
			&o);
	/* RFC 7323 3.2: the SYN,ACK echoes the SYN's TSval. */
	KUNIT_EXPECT_EQ(test, o.opts.present, ANP_TCP_OPT_MSS |
			ANP_TCP_OPT_TS | ANP_TCP_OPT_SACK_OK);
	KUNIT_EXPECT_EQ(test, o.opts.tsecr, PTS);
	KUNIT_EXPECT_EQ(test, c.tp->ts_recent, PTS + 10);
	anp_test_mib_snap(f->ctx);

	c.popts.tsval = PTS + 20;
	tt_peer(f, &c, F_ACK | F_PSH, 100);
	c.pnxt += 100;
	KUNIT_ASSERT_TRUE(test, tt_expect(f, &c, __LINE__, F_ACK, c.hnxt,
					  c.pnxt, -1, 0, &o));
	KUNIT_EXPECT_EQ(test, o.opts.tsecr, PTS + 20);

	/*
	 * A pure ACK, then an older copy of it (reordered on the path): the
	 * copy changes nothing and is spared, and (an ACK) not answered.
	 */
	tt_peer(f, &c, F_ACK, 0);
	TT_NONE(f);
	c.popts.tsval = PTS + 5;
	tt_peer(f, &c, F_ACK, 0);
	TT_NONE(f);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_PAWS_ESTAB), 0);
	/* Old data: dropped, answered with what we had. */
	tt_peer(f, &c, F_ACK | F_PSH, 100);
	KUNIT_ASSERT_TRUE(test, tt_expect(f, &c, __LINE__, F_ACK, c.hnxt,
					  c.pnxt, -1, 0, &o));
	KUNIT_EXPECT_EQ(test, o.opts.tsecr, PTS + 20);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_PAWS_ESTAB), 1);
	KUNIT_EXPECT_EQ(test, c.tp->rcv_nxt, c.pnxt);
	tt_read_expect(f, &c, PISS + 1, 100);
	/* One tick older is within TCP_PAWS_WINDOW: taken. */
	c.popts.tsval = PTS + 19;
	tt_peer(f, &c, F_ACK | F_PSH, 100);
	c.pnxt += 100;
	TT_EXPECT(f, &c, F_ACK, c.hnxt, c.pnxt, -1, 0);
	KUNIT_EXPECT_EQ(test, c.tp->ts_recent, PTS + 20);
	/* A reset passes whatever its TSval. */
	c.popts.tsval = PTS;
	tt_peer(f, &c, F_RST, 0);
	TT_STATE(f, &c, TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_PAWS_ESTAB), 1);
}

/*
 * RFC 7323 4.1: the echoed TSval measures the RTT of a retransmitted
 * segment too, which Karn's rule alone cannot (RFC 6298 3): the sample
 * ends the backoff (5.7).
 */
static void tt_test_ts_rtt_retransmit(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct anp_tcp_opts syn = { .present = ANP_TCP_OPT_TS, .tsval = PTS };
	struct tt_conn c = {
		.popts = { .present = ANP_TCP_OPT_TS, .tsval = PTS },
	};
	struct tt_out o;

	tt_passive_opts(f, &c, tt_listener(f, HPORT, 4), PWIN, HWIN, &syn,
			&o);
	c.popts.tsecr = o.opts.tsval;
	KUNIT_EXPECT_EQ(test, tt_write(&c, 100), 100);
	tt_hold(f);
	TT_DATA(f, &c, c.hnxt, 100);
	KUNIT_EXPECT_TRUE(test, tt_fire(f, &c.tp->rtx_timer));
	KUNIT_ASSERT_TRUE(test, tt_expect(f, &c, __LINE__, F_ACK | F_PSH,
					  c.hnxt, c.pnxt, -1, 100, &o));
	KUNIT_EXPECT_EQ(test, c.tp->rtt.backoff, 1);
	c.hnxt += 100;
	c.popts.tsecr = o.opts.tsval;
	tt_peer(f, &c, F_ACK, 0);
	KUNIT_EXPECT_EQ(test, c.tp->snd_una, c.hnxt);
	KUNIT_EXPECT_EQ(test, c.tp->rtt.backoff, 0);
}

/*
 * RFC 2018 4: with SACK permitted, each ACK for out-of-order data
 * reports the blocks held, the one with the segment that triggered it
 * first, then the most recent others; the blocks go once RCV.NXT
 * covers them; duplicates are reported in D-SACKs (RFC 2883).  No
 * timestamps: four blocks would fit.
 */
static void tt_test_sack_blocks(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct anp_tcp_opts syn = { .present = ANP_TCP_OPT_SACK_OK };
	struct tt_seg s = { .flags = F_ACK, .win = PWIN, .len = 100 };
	struct tt_conn c = {};
	struct tt_out o;
	u32 p;

	tt_passive_opts(f, &c, tt_listener(f, HPORT, 4), PWIN, HWIN, &syn,
			&o);
	KUNIT_EXPECT_EQ(test, o.opts.present,
			ANP_TCP_OPT_MSS | ANP_TCP_OPT_SACK_OK);
	p = c.pnxt;
	s.ack = c.hnxt;

	s.seq = p + 200;
	tt_send(f, &c, &s);
	KUNIT_ASSERT_TRUE(test, tt_expect(f, &c, __LINE__, F_ACK, c.hnxt, p,
					  -1, 0, &o));
	KUNIT_ASSERT_EQ(test, o.opts.num_sacks, 1);
	KUNIT_EXPECT_EQ(test, o.opts.sacks[0].start, p + 200);
	KUNIT_EXPECT_EQ(test, o.opts.sacks[0].end, p + 300);

	s.seq = p + 400;
	tt_send(f, &c, &s);
	KUNIT_ASSERT_TRUE(test, tt_expect(f, &c, __LINE__, F_ACK, c.hnxt, p,
					  -1, 0, &o));
	KUNIT_ASSERT_EQ(test, o.opts.num_sacks, 2);
	KUNIT_EXPECT_EQ(test, o.opts.sacks[0].start, p + 400);
	KUNIT_EXPECT_EQ(test, o.opts.sacks[1].start, p + 200);

	/*
	 * RFC 2883 4 (example 4.2.3): a held segment again: a D-SACK for it
	 * first, then the block that holds it, then the other.
	 */
	anp_test_mib_snap(f->ctx);
	s.seq = p + 200;
	tt_send(f, &c, &s);
	KUNIT_ASSERT_TRUE(test, tt_expect(f, &c, __LINE__, F_ACK, c.hnxt, p,
					  -1, 0, &o));
	KUNIT_ASSERT_EQ(test, o.opts.num_sacks, 3);
	KUNIT_EXPECT_EQ(test, o.opts.sacks[0].start, p + 200);
	KUNIT_EXPECT_EQ(test, o.opts.sacks[0].end, p + 300);
	KUNIT_EXPECT_EQ(test, o.opts.sacks[1].start, p + 200);
	KUNIT_EXPECT_EQ(test, o.opts.sacks[2].start, p + 400);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_DSACK_OFO_SENT), 1);

	/* The hole between them filled: one block. */
	s.seq = p + 300;
	tt_send(f, &c, &s);
	KUNIT_ASSERT_TRUE(test, tt_expect(f, &c, __LINE__, F_ACK, c.hnxt, p,
					  -1, 0, &o));
	KUNIT_ASSERT_EQ(test, o.opts.num_sacks, 1);
	KUNIT_EXPECT_EQ(test, o.opts.sacks[0].start, p + 200);
	KUNIT_EXPECT_EQ(test, o.opts.sacks[0].end, p + 500);

	/* The first hole filled: a cumulative ACK, no block left. */
	s.seq = p;
	s.len = 200;
	tt_send(f, &c, &s);
	KUNIT_ASSERT_TRUE(test, tt_expect(f, &c, __LINE__, F_ACK, c.hnxt,
					  p + 500, -1, 0, &o));
	KUNIT_EXPECT_EQ(test, o.opts.present, 0);
	KUNIT_EXPECT_EQ(test, c.tp->num_sacks, 0);
	c.pnxt = p + 500;
	tt_read_expect(f, &c, p, 500);

	/*
	 * RFC 2883 4.1: data below RCV.NXT again, all of it (example 4.1.1)
	 * or in part: the D-SACK names what was a duplicate, and only the
	 * next ACK carries it.
	 */
	s.seq = p + 100;
	s.len = 100;
	tt_send(f, &c, &s);
	KUNIT_ASSERT_TRUE(test, tt_expect(f, &c, __LINE__, F_ACK, c.hnxt,
					  c.pnxt, -1, 0, &o));
	KUNIT_ASSERT_EQ(test, o.opts.num_sacks, 1);
	KUNIT_EXPECT_EQ(test, o.opts.sacks[0].start, p + 100);
	KUNIT_EXPECT_EQ(test, o.opts.sacks[0].end, p + 200);
	s.seq = c.pnxt - 50;
	tt_send(f, &c, &s);
	c.pnxt += 50;
	KUNIT_ASSERT_TRUE(test, tt_expect(f, &c, __LINE__, F_ACK, c.hnxt,
					  c.pnxt, -1, 0, &o));
	KUNIT_ASSERT_EQ(test, o.opts.num_sacks, 1);
	KUNIT_EXPECT_EQ(test, o.opts.sacks[0].start, p + 450);
	KUNIT_EXPECT_EQ(test, o.opts.sacks[0].end, p + 500);
	KUNIT_EXPECT_EQ(test, DELTA(f, TCP_DSACK_OLD_SENT), 2);
	tt_peer(f, &c, F_ACK | F_PSH, 10);
	c.pnxt += 10;
	KUNIT_ASSERT_TRUE(test, tt_expect(f, &c, __LINE__, F_ACK, c.hnxt,
					  c.pnxt, -1, 0, &o));
	KUNIT_EXPECT_EQ(test, o.opts.present, 0);
}

/*
 * RFC 7323 2: a SYN with a window scale gets ours back; the SYN,ACK's
 * window is not scaled (2.2), every later one is, both ways: the
 * peer's final ACK offers 100 << 7 bytes, and our window, over 65535
 * with the default buffer, goes out shifted.
 */
static void tt_test_wscale(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct anp_tcp_opts syn = {
		.present = ANP_TCP_OPT_WSCALE, .wscale = 7,
	};
	struct tt_conn c = {};
	struct tt_out o;

	tt_passive_opts(f, &c, tt_listener(f, HPORT, 4), 100, HWIN, &syn, &o);
	KUNIT_EXPECT_EQ(test, o.opts.present,
			ANP_TCP_OPT_MSS | ANP_TCP_OPT_WSCALE);
	KUNIT_EXPECT_EQ(test, o.opts.wscale, c.tp->rcv_wscale);
	KUNIT_EXPECT_GT(test, c.tp->rcv_wscale, 0);
	KUNIT_EXPECT_EQ(test, c.tp->snd_wnd, 100U << 7);
	tt_peer(f, &c, F_ACK | F_PSH, 100);
	c.pnxt += 100;
	KUNIT_ASSERT_TRUE(test, tt_expect(f, &c, __LINE__, F_ACK, c.hnxt,
					  c.pnxt, -1, 0, &o));
	KUNIT_EXPECT_GT(test, c.tp->rcv_wnd, (u32)U16_MAX);
	KUNIT_EXPECT_EQ(test, (u32)o.win << c.tp->rcv_wscale, c.tp->rcv_wnd);
	KUNIT_EXPECT_EQ(test, c.tp->rcv_wnd,
			ALIGN(anp_tcp_rcv_space(c.sk), 1U << c.tp->rcv_wscale));
}

static struct kunit_case tt_timer_cases[] = {
	KUNIT_CASE(tt_test_keepalive_probe),
	KUNIT_CASE(tt_test_keepalive_answered),
	KUNIT_CASE(tt_test_keepalive_timeout),
	KUNIT_CASE(tt_test_keepalive_busy),
	KUNIT_CASE(tt_test_cork),
	KUNIT_CASE(tt_test_msg_more),
	KUNIT_CASE(tt_test_user_timeout),
	KUNIT_CASE(tt_test_user_timeout_clamp),
	KUNIT_CASE(tt_test_keepalive_user_timeout),
	KUNIT_CASE(tt_test_quickack),
	KUNIT_CASE(tt_test_linger2_timeout),
	KUNIT_CASE(tt_test_linger2_reset),
	KUNIT_CASE(tt_test_linger2_orphan),
	KUNIT_CASE(tt_test_window_clamp),
	KUNIT_CASE(tt_test_defer_accept_data),
	KUNIT_CASE(tt_test_defer_accept_expiry),
	KUNIT_CASE(tt_test_notsent_lowat),
	KUNIT_CASE(tt_test_opts_active),
	KUNIT_CASE(tt_test_ts_paws),
	KUNIT_CASE(tt_test_ts_rtt_retransmit),
	KUNIT_CASE(tt_test_sack_blocks),
	KUNIT_CASE(tt_test_wscale),
	{}
};

static struct kunit_suite tt_timer_suite = {
	.name = "anp-tcp-timers",
	.init = tt_init,
	.exit = tt_exit,
	.test_cases = tt_timer_cases,
};

/* ---- buffer autotuning (tcp_buf.c) --------------------------------- */

#define TB_SEG		(PMSS - TCPOLEN_TSTAMP_ALIGNED)	/* rcv_mss with TS */
#define TB_SEGS		20
#define TB_RTT_MS	10			/* what the peer's TSecr says */

/* setsockopt(SOL_SOCKET, opt, val) as a program would call it. */
static void tb_sock_opt(struct tt_fix *f, struct socket *sock, int opt,
			int val)
{
	KUNIT_EXPECT_EQ(f->test, sock_setsockopt(sock, SOL_SOCKET, opt,
						 KERNEL_SOCKPTR(&val),
						 sizeof(val)), 0);
}

/*
 * Pop everything the host sent on c.  RFC 9293 3.8.6.2.2, RFC 7323 2.4:
 * the right edge of the window (SEG.ACK + window) never moves back;
 * *edge follows it, *wmax is the largest window seen (bytes).
 */
static void tb_drain(struct tt_fix *f, const struct tt_conn *c, u32 *edge,
		     u32 *wmax)
{
	struct tt_out o;

	while (anp_test_tx_count(f->t)) {
		u32 win, right;

		if (!tt_pop(f, &o, __LINE__))
			return;
		if (!(o.flags & F_ACK) || (o.flags & F_SYN))
			continue;
		win = (u32)o.win << c->tp->rcv_wscale;
		right = o.ack + win;
		KUNIT_EXPECT_FALSE_MSG(f->test, anp_seq_before(right, *edge),
				       "window edge %u moved back to %u",
				       *edge, right);
		*edge = right;
		*wmax = max(*wmax, win);
	}
}

/*
 * A passive open with timestamps and window scaling, then TB_SEGS
 * full-sized segments whose TSecr is TB_RTT_MS old; an RTT passes and
 * the reader takes them all.  Returns the largest window offered after
 * the read; *before: SO_RCVBUF before the read.
 */
static u32 tb_bulk_read(struct tt_fix *f, struct tt_conn *c,
			struct socket *lsock, u32 *before)
{
	struct kunit *test = f->test;
	struct anp_tcp_opts syn = {
		.present = ANP_TCP_OPT_TS | ANP_TCP_OPT_WSCALE,
		.wscale = 7, .tsval = PTS,
	};
	u32 edge, wmax = 0, rtt;
	struct tt_out o;
	int i;

	c->popts = (struct anp_tcp_opts){
		.present = ANP_TCP_OPT_TS, .tsval = PTS + 1,
	};
	tt_passive_opts(f, c, lsock, PWIN, HWIN, &syn, &o);
	KUNIT_ASSERT_GT(test, c->tp->rcv_wscale, 0);
	KUNIT_EXPECT_EQ(test, c->tp->rcv_mss, TB_SEG);
	edge = c->pnxt + HWIN;
	for (i = 0; i < TB_SEGS; i++) {
		c->popts.tsecr = anp_tcp_ts_now(c->tp) - TB_RTT_MS;
		tt_peer(f, c, F_ACK, TB_SEG);
		c->pnxt += TB_SEG;
		tb_drain(f, c, &edge, &wmax);
	}
	/* The receiver's RTT from the TSecr (RFC 7323 4.1), in us. */
	rtt = c->tp->rcv_rtt_est.rtt_us >> 3;
	KUNIT_EXPECT_GE(test, rtt, TB_RTT_MS * USEC_PER_MSEC);
	KUNIT_EXPECT_LT(test, rtt, (TB_RTT_MS + 1000) * USEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, c->tp->rcvq_space.space,
			TCP_INIT_CWND * (u32)c->tp->advmss);
	*before = READ_ONCE(c->sk->sk_rcvbuf);
	/* More than the initial window is read one RTT later. */
	c->tp->rcvq_space.time -= 2 * TB_RTT_MS * USEC_PER_MSEC;
	tt_read_expect(f, c, c->pnxt - TB_SEGS * TB_SEG, TB_SEGS * TB_SEG);
	/* Linux's tcpi_rcv_space: what was read in the last RTT. */
	KUNIT_EXPECT_EQ(test, c->tp->rcvq_space.space, TB_SEGS * TB_SEG);
	wmax = 0;
	tb_drain(f, c, &edge, &wmax);
	/* The window never shrinks: the edge stays where it was sent. */
	KUNIT_EXPECT_FALSE(test, anp_seq_before(c->tp->rcv_wup +
						c->tp->rcv_wnd, edge));
	return wmax;
}

/*
 * Linux's tcp_rcv_space_adjust() (Fisk & Feng's DRS): once the reader
 * takes more per receiver RTT than the initial window, SO_RCVBUF grows
 * (up to net.ipv4.tcp_rmem[2]) and the window offered right away is
 * larger than the default buffer could ever offer.
 */
static void tb_test_rcvbuf_grows(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c = {};
	u32 before, wmax;

	wmax = tb_bulk_read(f, &c, tt_listener(f, HPORT, 4), &before);
	KUNIT_EXPECT_GT(test, READ_ONCE(c.sk->sk_rcvbuf), before);
	KUNIT_EXPECT_LE(test, READ_ONCE(c.sk->sk_rcvbuf),
			READ_ONCE(init_net.ipv4.sysctl_tcp_rmem[2]));
	/* The window update the read sends (tcp_cleanup_rbuf()). */
	KUNIT_EXPECT_GT(test, wmax, before / 2);
	KUNIT_EXPECT_EQ(test, c.tp->rcv_wnd, wmax);
}

/* SO_RCVBUF set (SOCK_RCVBUF_LOCK): the same reads grow nothing. */
static void tb_test_rcvbuf_locked(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct socket *lsock = tt_listener(f, HPORT, 4);
	u32 dflt = READ_ONCE(lsock->sk->sk_rcvbuf), before, wmax;
	struct tt_conn c = {};

	/* The default size, locked: doubled as SO_RCVBUF does. */
	tb_sock_opt(f, lsock, SO_RCVBUF, dflt / 2);
	wmax = tb_bulk_read(f, &c, lsock, &before);
	KUNIT_EXPECT_EQ(test, before, dflt);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c.sk->sk_rcvbuf), before);
	KUNIT_EXPECT_LE(test, wmax, before / 2);
	KUNIT_EXPECT_LE(test, c.tp->rcv_wnd, before / 2);
}

/*
 * Linux's tcp_rcv_rtt_measure(), without timestamps: the receiver's
 * RTT is the time a window of data takes to arrive after a segment
 * started the measurement (DRS's estimate; an upper bound).
 */
static void tb_test_rcv_rtt_window(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;
	u32 end, edge, wmax = 0, rtt;

	tt_passive(f, &c, PWIN);
	edge = c.pnxt + HWIN;
	tt_peer(f, &c, F_ACK, PMSS);
	c.pnxt += PMSS;
	tb_drain(f, &c, &edge, &wmax);
	end = c.tp->rcv_rtt_est.seq;
	KUNIT_EXPECT_EQ(test, end, c.pnxt + (u32)HWIN);
	KUNIT_EXPECT_EQ(test, c.tp->rcv_rtt_est.rtt_us, 0U);
	c.tp->rcv_rtt_est.time -= TB_RTT_MS * USEC_PER_MSEC;
	while (anp_seq_before(c.pnxt, end)) {
		tt_read_expect(f, &c, c.pnxt - PMSS, PMSS);
		/* Not a window yet: no sample. */
		KUNIT_EXPECT_EQ(test, c.tp->rcv_rtt_est.rtt_us, 0U);
		tt_peer(f, &c, F_ACK, PMSS);
		c.pnxt += PMSS;
		tb_drain(f, &c, &edge, &wmax);
	}
	rtt = c.tp->rcv_rtt_est.rtt_us >> 3;
	KUNIT_EXPECT_GE(test, rtt, TB_RTT_MS * USEC_PER_MSEC);
	KUNIT_EXPECT_LT(test, rtt, (TB_RTT_MS + 1000) * USEC_PER_MSEC);
	/* The next window starts at once. */
	KUNIT_EXPECT_EQ(test, c.tp->rcv_rtt_est.seq,
			c.pnxt + c.tp->rcv_wnd);
}

/*
 * The writer fills SO_SNDBUF with a congestion window of cwnd_segs;
 * the peer ACKs the first segment (Linux's tcp_new_space()).  Returns
 * SO_SNDBUF before the ACK.
 */
static u32 tb_fill_sndbuf(struct tt_fix *f, struct tt_conn *c, u32 cwnd_segs,
			  bool lock)
{
	struct kunit *test = f->test;
	struct tt_seg s = { .flags = F_ACK, .win = PWIN };
	u32 edge, wmax = 0, before;
	int n;

	tt_passive(f, c, PWIN);
	if (lock)
		tb_sock_opt(f, c->sock, SO_SNDBUF,
			    READ_ONCE(c->sk->sk_sndbuf) / 2);
	before = READ_ONCE(c->sk->sk_sndbuf);
	c->tp->cc.cwnd = cwnd_segs * c->tp->mss;
	/* More than SO_SNDBUF takes: the writer would block. */
	n = tt_write(c, 2 * before);
	KUNIT_EXPECT_GT(test, n, 0);
	KUNIT_EXPECT_LT(test, n, 2 * (int)before);
	KUNIT_EXPECT_TRUE(test, test_bit(SOCK_NOSPACE, &c->sock->flags));
	edge = c->pnxt + HWIN;
	tb_drain(f, c, &edge, &wmax);
	s.seq = c->pnxt;
	s.ack = c->hnxt + c->tp->mss;
	tt_send(f, c, &s);
	tb_drain(f, c, &edge, &wmax);
	return before;
}

/*
 * Linux's tcp_sndbuf_expand(): the application, not cwnd, limits the
 * sender (all it queued fits in cwnd): SO_SNDBUF grows to hold twice
 * cwnd's segments, within net.ipv4.tcp_wmem[2], and the writer may
 * write again.
 */
static void tb_test_sndbuf_grows(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;
	u32 before = tb_fill_sndbuf(f, &c, 200, false);
	u32 now = READ_ONCE(c.sk->sk_sndbuf);

	KUNIT_EXPECT_GT(test, now, before);
	KUNIT_EXPECT_GE(test, now, 2 * 200 * (u32)c.tp->mss);
	KUNIT_EXPECT_LE(test, now,
			(u32)READ_ONCE(init_net.ipv4.sysctl_tcp_wmem[2]));
	KUNIT_EXPECT_GT(test, tt_write(&c, c.tp->mss), 0);
}

/* cwnd, not the buffer, limits the sender: no growth. */
static void tb_test_sndbuf_cwnd_limited(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;
	u32 before = tb_fill_sndbuf(f, &c, TCP_INIT_CWND, false);

	KUNIT_EXPECT_EQ(test, READ_ONCE(c.sk->sk_sndbuf), before);
}

/* SO_SNDBUF set (SOCK_SNDBUF_LOCK): no growth. */
static void tb_test_sndbuf_locked(struct kunit *test)
{
	struct tt_fix *f = tt_cur;
	struct tt_conn c;
	u32 before = tb_fill_sndbuf(f, &c, 200, true);

	KUNIT_EXPECT_EQ(test, READ_ONCE(c.sk->sk_sndbuf), before);
}

static struct kunit_case tb_cases[] = {
	KUNIT_CASE(tb_test_rcvbuf_grows),
	KUNIT_CASE(tb_test_rcvbuf_locked),
	KUNIT_CASE(tb_test_rcv_rtt_window),
	KUNIT_CASE(tb_test_sndbuf_grows),
	KUNIT_CASE(tb_test_sndbuf_cwnd_limited),
	KUNIT_CASE(tb_test_sndbuf_locked),
	{}
};

static struct kunit_suite tb_suite = {
	.name = "anp-tcp-autotune",
	.init = tt_init,
	.exit = tt_exit,
	.test_cases = tb_cases,
};

kunit_test_suites(&tt_open_suite, &tt_data_suite, &tt_5961_suite,
		  &tt_close_suite, &tt_rmem_suite, &tt_timer_suite, &tb_suite);
