// SPDX-License-Identifier: GPL-2.0
/*
 * TCP (RFC 9293) for the ANP host: the SOCK_STREAM socket calls and
 * connection life cycle.  The engine's layout is in tcp.h; input,
 * output and timers in tcp_input.c, tcp_output.c, tcp_timer.c.
 *
 * Socket call semantics are Linux TCP's (inet_stream_connect,
 * inet_accept, tcp_sendmsg, tcp_recvmsg, tcp_poll, tcp_close,
 * inet_shutdown), errno included.  Limits a program can see:
 *
 *  - MSS: the route's MTU - 40 (anp0's 1500: 1460; to the host itself
 *    ANP_TCP_LOCAL_MTU - 40 = 15320), lowered by TCP_MAXSEG and by the
 *    peer's MSS option (536 without one), and by 12 when timestamps
 *    are on (Linux's 1448 on Ethernet).
 *  - options: MSS, window scale, SACK-permitted and timestamps on every
 *    SYN we send (RFC 7323, RFC 2018); what both SYNs carried is on.
 *    Timestamps give RTT samples (also from retransmitted segments) and
 *    PAWS; our SACK blocks tell the peer what the out-of-order queue
 *    holds; the blocks the peer sends drive our fast recovery (RFC
 *    6675, tcp_sack.c).  Our window scale covers the
 *    largest window SO_RCVBUF may ask for (rmem_max), as Linux's.
 *  - RTO 200 ms (or the route's rto_min) .. 120 s, 1 s initially
 *    (tcp_algo.h); SYN retried 6 times, SYN,ACK 5 times, data 15 times
 *    (Linux's defaults), then ETIMEDOUT (or the soft error an ICMP message left).
 *  - MSL 30 s: TIME-WAIT lasts 60 s; an orphan waits 60 s in FIN-WAIT-2.
 *  - listen(backlog): at most backlog + 1 connections wait for
 *    accept() and max(backlog, 1) in SYN-RECEIVED (Linux without
 *    syncookies); SYNs past either are dropped (ListenDrops).
 *  - buffers: SO_SNDBUF bounds sk_wmem_queued (truesize of the
 *    unacknowledged and unsent data), SO_RCVBUF the receive queue; the
 *    window offered is half the free receive space (Linux's
 *    tcp_adv_win_scale 1), capped at 65535 times the window scale.
 *  - delayed ACK 40 ms, quick ACKs for the first 16 segments.
 *  - keepalive 7200 s / 75 s / 9 probes unless TCP_KEEP* say.
 *  - options: SOL_TCP TCP_NODELAY, TCP_MAXSEG, TCP_INFO, TCP_KEEPIDLE,
 *    TCP_KEEPINTVL, TCP_KEEPCNT, TCP_SYNCNT, TCP_CORK, TCP_USER_TIMEOUT
 *    (synchronized states: data retransmission and keepalive),
 *    TCP_QUICKACK, TCP_LINGER2, TCP_WINDOW_CLAMP, TCP_NOTSENT_LOWAT,
 *    TCP_DEFER_ACCEPT (Linux 6.1's rules); SOL_IP IP_TOS (ECN
 *    bits kept clear) and IP_TTL; SO_REUSEPORT at SOL_ANP (see udp.c);
 *    others ENOPROTOOPT.
 *  - no urgent data (MSG_OOB: EOPNOTSUPP as Linux with no OOB byte:
 *    EINVAL), no path MTU discovery (ICMP Fragmentation Needed is only
 *    a soft error: segments never exceed the route's MTU).
 *
 * A socket the user has closed keeps running as an orphan; orphans do
 * not pin the module (anp_tcp_proto has no owner): module unload and
 * netns exit end them (anp_tcp_net_exit).
 */
#include <linux/module.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/tcp.h>
#include <asm/ioctls.h>

#include "tcp.h"

/* ---- state -------------------------------------------------------- */

void anp_tcp_set_state(struct sock *sk, int state)
{
	int old = sk->sk_state;
	struct anp_net *an = anp_net(sock_net(sk));
	bool was = (1 << old) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT);
	bool is = (1 << state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT);

	if (is && !was)
		this_cpu_inc(an->mib->mibs[ANP_MIB_TCP_CURR_ESTAB]);
	if (was && !is) {
		this_cpu_dec(an->mib->mibs[ANP_MIB_TCP_CURR_ESTAB]);
		if (state == TCP_CLOSE)
			ANP_INC_STATS(an, ANP_MIB_TCP_ESTAB_RESETS);
	}
	if (state == TCP_CLOSE &&
	    ((1 << old) & (TCPF_SYN_SENT | TCPF_SYN_RECV)))
		ANP_INC_STATS(an, ANP_MIB_TCP_ATTEMPT_FAILS);
	/* Pairs with inet_sk_state_load() in poll. */
	smp_store_release(&sk->sk_state, state);
	/* An open completes: Linux's tcp_init_transfer(). */
	if (state == TCP_ESTABLISHED &&
	    ((1 << old) & (TCPF_SYN_SENT | TCPF_SYN_RECV)))
		anp_tcp_init_buffer_space(sk);
	/* CLOSED leaves the 4-tuple hash (a bound port stays bound). */
	if (state == TCP_CLOSE && old != TCP_CLOSE)
		anp_sock_disconnect(sk);
}

/*
 * A child's life in its listener's queues ends here (under its socket
 * lock): off the SYN queue when still there.  Returns true when the
 * child is nobody's any more (the caller orphans it); false when the
 * accept queue or a closing listener still holds it.
 */
static bool anp_tcp_child_leave(struct sock *child)
{
	struct anp_tcp_sock *ctp = anp_tcp_sk(child);
	struct sock *lsk = ctp->listener;
	struct anp_tcp_sock *ltp = anp_tcp_sk(lsk);
	bool mine = false;

	spin_lock_bh(&ltp->acc_lock);
	if (!ltp->listen_closing && ctp->in_syn_q) {
		list_del_init(&ctp->q_node);
		ltp->syn_qlen--;
		ctp->in_syn_q = 0;
		mine = true;
	}
	spin_unlock_bh(&ltp->acc_lock);
	if (mine) {
		ctp->listener = NULL;
		sock_put(lsk);
	}
	return mine;
}

void anp_tcp_child_unlink(struct sock *child)
{
	if (anp_tcp_sk(child)->listener && anp_tcp_child_leave(child)) {
		sock_orphan(child);
		anp_tcp_destroy(child);
	}
}

bool anp_tcp_child_promote(struct sock *child)
{
	struct anp_tcp_sock *ctp = anp_tcp_sk(child);
	struct sock *lsk = ctp->listener;
	struct anp_tcp_sock *ltp = anp_tcp_sk(lsk);
	bool ok = false;

	spin_lock_bh(&ltp->acc_lock);
	if (!ltp->listen_closing && ctp->in_syn_q && !sk_acceptq_is_full(lsk)) {
		list_move_tail(&ctp->q_node, &ltp->acc_q);
		ltp->syn_qlen--;
		ctp->in_syn_q = 0;
		ctp->in_acc_q = 1;
		sk_acceptq_added(lsk);
		ok = true;
	}
	spin_unlock_bh(&ltp->acc_lock);
	return ok;
}

/* The connection is over: CLOSED, timers off, and freed if nobody's. */
void anp_tcp_done(struct sock *sk)
{
	anp_tcp_set_state(sk, TCP_CLOSE);
	anp_tcp_stop_timers(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	if (anp_tcp_sk(sk)->listener && anp_tcp_child_leave(sk))
		sock_orphan(sk);
	if (sock_flag(sk, SOCK_DEAD)) {
		/* An accepted-to-be child stays queued, CLOSED. */
		if (!anp_tcp_sk(sk)->in_acc_q)
			anp_tcp_destroy(sk);
	} else {
		sk->sk_state_change(sk);
	}
}

/* Report err (sk_err) and end the connection (no segment sent). */
void anp_tcp_reset(struct sock *sk, int err)
{
	WRITE_ONCE(sk->sk_err, err);
	/* sk_err before the state: a reader that sees CLOSED sees err. */
	smp_wmb();
	if (!sock_flag(sk, SOCK_DEAD))
		sk_error_report(sk);
	anp_tcp_done(sk);
}

/* Drop the last reference of a CLOSED orphan.  Socket lock held. */
void anp_tcp_destroy(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	if (tp->destroyed)
		return;
	tp->destroyed = 1;
	anp_tcp_stop_timers(sk);
	anp_tcp_purge_queues(sk);
	__skb_queue_purge(&sk->sk_receive_queue);
	anp_sock_unhash(sk);
	anp_sock_list_del(sk);
	/* SOCK_RCU_FREE: freed after the lookups that may still see it. */
	sock_put(sk);
}

u32 anp_tcp_route_mss(struct sock *sk, __be32 daddr)
{
	struct anp_net *an = anp_net(sock_net(sk));
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	struct anp_route_result res;
	u32 mtu = 576;			/* RFC 1122 3.3.3: EMTU_R minimum */
	u32 mss;

	rcu_read_lock();
	if (anp_ip_is_local(an, daddr)) {
		mtu = ANP_TCP_LOCAL_MTU;
	} else if (!anp_route_lookup(an, daddr, &res)) {
		mtu = READ_ONCE(res.ifc->dev->mtu);
		/* The route's rto_min, as Linux's tcp_rto_min(). */
		if (res.rto_min_us)
			tp->rtt.rto_min_us = res.rto_min_us;
	}
	rcu_read_unlock();
	/* RFC 9293 3.7.1: MSS = MTU - IP and TCP headers (no options). */
	mss = mtu - sizeof(struct iphdr) - sizeof(struct tcphdr);
	if (tp->user_mss && tp->user_mss < mss)
		mss = tp->user_mss;
	return mss;
}

/*
 * RFC 7323 2.3: the shift we offer, fixed for the connection, must let
 * the 16-bit field carry the largest window this socket may come to
 * offer: the buffer autotuning can reach (net.ipv4.tcp_rmem[2]), or
 * the biggest SO_RCVBUF (rmem_max), as Linux's
 * tcp_select_initial_window() takes max(tcp_rmem[2], rmem_max); or
 * the TCP_WINDOW_CLAMP.
 */
u8 anp_tcp_rcv_wscale(const struct sock *sk)
{
	const struct net *net = sock_net(sk);
	u32 space = max_t(u32, READ_ONCE(sk->sk_rcvbuf) / 2,
			  READ_ONCE(sysctl_rmem_max));
	u32 clamp = READ_ONCE(anp_tcp_sk(sk)->window_clamp);

	space = max_t(u32, space, READ_ONCE(net->ipv4.sysctl_tcp_rmem[2]));
	if (clamp)
		space = min(space, clamp);
	return clamp_t(int, ilog2(space) - 15, 0, ANP_TCP_MAX_WSCALE);
}

/*
 * Once the peer's SYN (or SYN,ACK) is in, with its options syn: what
 * is on (every option we offer, when the peer's SYN carried it too),
 * SMSS, the estimator and congestion control.
 */
void anp_tcp_init_conn(struct sock *sk, const struct anp_tcp_opts *syn)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	u32 peer_mss = syn->mss;

	/* RFC 7323 3.2: timestamps when both SYNs carried them. */
	tp->ts_ok = !!(syn->present & ANP_TCP_OPT_TS);
	if (tp->ts_ok) {
		/* RFC 7323 4.3: TS.Recent from the SYN. */
		tp->ts_recent = syn->tsval;
		tp->ts_recent_stamp = ktime_get_seconds();
	}
	/* RFC 2018 2: SACK blocks may go to a peer that permitted them. */
	tp->sack_ok = !!(syn->present & ANP_TCP_OPT_SACK_OK);
	tp->num_sacks = 0;
	/* RFC 7323 2.2: scaling in both directions or in none. */
	tp->wscale_ok = !!(syn->present & ANP_TCP_OPT_WSCALE);
	tp->snd_wscale = tp->wscale_ok ? syn->wscale : 0;
	if (!tp->wscale_ok)
		tp->rcv_wscale = 0;
	/* RFC 9293 3.7.1: Eff.snd.MSS = min(SendMSS, MTU - 40) less the
	 * options every segment carries (3.7.1: "TCPhdrsize ... includes
	 * options").
	 */
	if (!peer_mss)
		peer_mss = ANP_TCP_DEFAULT_MSS;
	tp->mss = min_t(u32, tp->advmss,
			max_t(u32, peer_mss, ANP_TCP_MIN_SND_MSS));
	if (tp->ts_ok)
		tp->mss -= TCPOLEN_TSTAMP_ALIGNED;
	tp->rcv_mss = min_t(u32, tp->advmss, tp->mss);
	tp->cc.ops = &anp_cc_newreno;
	tp->cc.ops->init(&tp->cc, tp->mss);
	tp->quickack = ANP_TCP_QUICKACKS;
}

static void anp_tcp_init_seq(struct anp_tcp_sock *tp)
{
	tp->snd_una = 0;
	tp->snd_nxt = 0;
	tp->snd_max = 0;
	tp->write_seq = 0;
	tp->rcv_nxt = 0;
	tp->rcv_wup = 0;
	tp->rcv_wnd = 0;
	tp->copied_seq = 0;
	tp->snd_wnd = 0;
	tp->max_snd_wnd = 0;
	tp->fin_queued = 0;
	tp->retries = 0;
	tp->probes = 0;
	anp_rtt_init(&tp->rtt);
	tp->cc.ops = NULL;
	tp->cc.state = ANP_CC_OPEN;
	tp->ca_state = ANP_CC_OPEN;
	tp->ts_ok = 0;
	tp->sack_ok = 0;
	tp->wscale_ok = 0;
	tp->snd_wscale = 0;
	tp->rcv_wscale = 0;
	tp->num_sacks = 0;
	tp->ts_recent = 0;
	tp->ts_recent_stamp = 0;
	tp->pipe = 0;
	tp->sacked_out = 0;
	tp->lost_out = 0;
	memset(&tp->rcv_rtt_est, 0, sizeof(tp->rcv_rtt_est));
	memset(&tp->rcvq_space, 0, sizeof(tp->rcvq_space));
	tp->rcv_rtt_last_tsecr = 0;
}

static void anp_tcp_destruct(struct sock *sk)
{
	WARN_ON_ONCE(!skb_queue_empty(&sk->sk_write_queue));
	WARN_ON_ONCE(!skb_queue_empty(&anp_tcp_sk(sk)->rtx_q));
	__skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&sk->sk_error_queue);
}

/*
 * Linux's tcp_stream_memory_free(), which sk_stream_memory_free() and
 * __sk_stream_is_writeable() ask after the SO_SNDBUF test: with
 * TCP_NOTSENT_LOWAT, writable only while fewer bytes than that wait to
 * be sent (twice as few to wake a writer, wake = 1).
 */
static bool anp_tcp_stream_memory_free(const struct sock *sk, int wake)
{
	const struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	u32 notsent = READ_ONCE(tp->write_seq) - READ_ONCE(tp->snd_nxt);

	return (notsent << wake) < (READ_ONCE(tp->notsent_lowat) ?: UINT_MAX);
}

/* sk_stream_write_space(), which 6.1 does not export. */
static void anp_tcp_write_space(struct sock *sk)
{
	struct socket *sock = sk->sk_socket;
	struct socket_wq *wq;

	if (!sock || !__sk_stream_is_writeable(sk, 1))
		return;
	clear_bit(SOCK_NOSPACE, &sock->flags);
	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, EPOLLOUT | EPOLLWRNORM |
					   EPOLLWRBAND);
	if (wq && wq->fasync_list && !(sk->sk_shutdown & SEND_SHUTDOWN))
		sock_wake_async(wq, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

static int anp_tcp_init_sock(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	sk->sk_state = TCP_CLOSE;
	sk->sk_destruct = anp_tcp_destruct;
	sk->sk_write_space = anp_tcp_write_space;
	sk->sk_backlog_rcv = anp_tcp_do_rcv;
	__skb_queue_head_init(&tp->rtx_q);
	anp_ofo_init(&tp->ofo);
	spin_lock_init(&tp->acc_lock);
	INIT_LIST_HEAD(&tp->syn_q);
	INIT_LIST_HEAD(&tp->acc_q);
	INIT_LIST_HEAD(&tp->q_node);
	anp_tcp_init_seq(tp);
	tp->advmss = ANP_TCP_DEFAULT_MSS;
	tp->mss = ANP_TCP_DEFAULT_MSS;
	tp->last_oow_ack = jiffies - ANP_TCP_OOW_INTERVAL;
	anp_tcp_init_timers(sk);
	return 0;
}

/*
 * A new socket for a SYN that a listener accepts (BH, listener's lock
 * held): the listener's settings, on the host's socket list, not yet
 * hashed; the listener's queue will hold it.
 */
struct sock *anp_tcp_child_alloc(struct sock *lsk)
{
	struct anp_tcp_sock *ltp = anp_tcp_sk(lsk), *ctp;
	struct sock *sk;

	sk = sk_alloc(sock_net(lsk), PF_ANP, GFP_ATOMIC, lsk->sk_prot, 0);
	if (!sk)
		return NULL;
	sock_init_data(NULL, sk);
	sk->sk_type = lsk->sk_type;
	sk->sk_protocol = lsk->sk_protocol;
	sock_set_flag(sk, SOCK_RCU_FREE);
	INIT_LIST_HEAD(&anp_sk(sk)->list_node);
	anp_tcp_init_sock(sk);
	ctp = anp_tcp_sk(sk);
	sk->sk_uid = lsk->sk_uid;
	sk->sk_rcvbuf = READ_ONCE(lsk->sk_rcvbuf);
	sk->sk_sndbuf = READ_ONCE(lsk->sk_sndbuf);
	sk->sk_userlocks = lsk->sk_userlocks & ~SOCK_BINDPORT_LOCK;
	sk->sk_reuse = lsk->sk_reuse;
	sk->sk_priority = lsk->sk_priority;
	sk->sk_mark = lsk->sk_mark;
	sk->sk_rcvlowat = lsk->sk_rcvlowat;
	sk->sk_rcvtimeo = lsk->sk_rcvtimeo;
	sk->sk_sndtimeo = lsk->sk_sndtimeo;
	sk->sk_lingertime = lsk->sk_lingertime;
	if (sock_flag(lsk, SOCK_LINGER))
		sock_set_flag(sk, SOCK_LINGER);
	if (sock_flag(lsk, SOCK_KEEPOPEN))
		sock_set_flag(sk, SOCK_KEEPOPEN);
	ctp->as.tos = ltp->as.tos;
	ctp->as.ttl = ltp->as.ttl;
	ctp->nodelay = ltp->nodelay;
	ctp->cork = ltp->cork;
	ctp->pingpong = ltp->pingpong;
	ctp->user_timeout = ltp->user_timeout;
	ctp->linger2 = ltp->linger2;
	ctp->window_clamp = ltp->window_clamp;
	ctp->notsent_lowat = ltp->notsent_lowat;
	ctp->user_mss = ltp->user_mss;
	ctp->keepidle = ltp->keepidle;
	ctp->keepintvl = ltp->keepintvl;
	ctp->keepcnt = ltp->keepcnt;
	ctp->syn_retries = ltp->syn_retries;
	sock_hold(lsk);
	ctp->listener = lsk;
	anp_sock_list_add(sk);
	return sk;
}

void anp_tcp_queues(const struct sock *sk, u32 *rq, u32 *wq)
{
	const struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	if (READ_ONCE(sk->sk_state) == TCP_LISTEN) {
		*rq = READ_ONCE(sk->sk_ack_backlog);
		*wq = READ_ONCE(sk->sk_max_ack_backlog);
		return;
	}
	*rq = anp_tcp_inq(sk);
	*wq = READ_ONCE(tp->write_seq) - READ_ONCE(tp->snd_una);
}

/* ---- listen, accept ------------------------------------------------ */

/* Drop every child of a listener (RST to those past SYN-RECEIVED). */
static void anp_tcp_listen_stop(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk), *ctp, *n;
	LIST_HEAD(children);

	spin_lock_bh(&tp->acc_lock);
	tp->listen_closing = 1;
	list_splice_init(&tp->syn_q, &children);
	list_splice_init(&tp->acc_q, &children);
	tp->syn_qlen = 0;
	WRITE_ONCE(sk->sk_ack_backlog, 0);
	spin_unlock_bh(&tp->acc_lock);

	list_for_each_entry_safe(ctp, n, &children, q_node) {
		struct sock *child = &ctp->as.sk;

		sock_hold(child);
		lock_sock_nested(child, SINGLE_DEPTH_NESTING);
		list_del_init(&ctp->q_node);
		ctp->in_syn_q = 0;
		ctp->in_acc_q = 0;
		if ((1 << child->sk_state) &
		    (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT | TCPF_SYN_RECV))
			anp_tcp_send_active_reset(child);
		if (ctp->listener) {
			ctp->listener = NULL;
			sock_put(sk);
		}
		sock_orphan(child);
		if (child->sk_state == TCP_CLOSE)
			anp_tcp_destroy(child);
		else
			anp_tcp_done(child);
		release_sock(child);
		sock_put(child);
	}
	anp_tcp_set_state(sk, TCP_CLOSE);
	spin_lock_bh(&tp->acc_lock);
	tp->listen_closing = 0;
	spin_unlock_bh(&tp->acc_lock);
}

static int anp_stream_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	int err;

	lock_sock(sk);
	/* inet_listen(). */
	err = -EINVAL;
	if (sock->state != SS_UNCONNECTED)
		goto out;
	if (!((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)))
		goto out;
	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	if (sk->sk_state != TCP_LISTEN) {
		/* inet_csk_listen_start(): an unbound socket gets a port. */
		err = anp_sock_autobind(sk) ? -EADDRINUSE : 0;
		if (err)
			goto out;
		WRITE_ONCE(sk->sk_ack_backlog, 0);
		tp->syn_qlen = 0;
		anp_tcp_set_state(sk, TCP_LISTEN);
	}
	err = 0;
out:
	release_sock(sk);
	return err;
}

static struct sock *anp_tcp_accept_pop(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk), *ctp;

	spin_lock_bh(&tp->acc_lock);
	ctp = list_first_entry_or_null(&tp->acc_q, struct anp_tcp_sock,
				       q_node);
	if (ctp) {
		list_del_init(&ctp->q_node);
		ctp->in_acc_q = 0;
		sk_acceptq_removed(sk);
	}
	spin_unlock_bh(&tp->acc_lock);
	return ctp ? &ctp->as.sk : NULL;
}

/* inet_csk_wait_for_connect(). */
static int anp_tcp_wait_for_connect(struct sock *sk, long timeo)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	DEFINE_WAIT(wait);
	int err;

	for (;;) {
		prepare_to_wait_exclusive(sk_sleep(sk), &wait,
					  TASK_INTERRUPTIBLE);
		release_sock(sk);
		if (list_empty_careful(&tp->acc_q))
			timeo = schedule_timeout(timeo);
		sched_annotate_sleep();
		lock_sock(sk);
		err = 0;
		if (!list_empty_careful(&tp->acc_q))
			break;
		err = -EINVAL;
		if (sk->sk_state != TCP_LISTEN)
			break;
		err = sock_intr_errno(timeo);
		if (signal_pending(current))
			break;
		err = -EAGAIN;
		if (!timeo)
			break;
	}
	finish_wait(sk_sleep(sk), &wait);
	return err;
}

static int anp_stream_accept(struct socket *sock, struct socket *newsock,
			     int flags, bool kern)
{
	struct sock *sk = sock->sk, *child = NULL;
	long timeo;
	int err;

	lock_sock(sk);
	for (;;) {
		err = -EINVAL;
		if (sk->sk_state != TCP_LISTEN)
			break;
		child = anp_tcp_accept_pop(sk);
		if (child)
			break;
		timeo = sock_rcvtimeo(sk, flags & O_NONBLOCK);
		err = -EAGAIN;
		if (!timeo)
			break;
		err = anp_tcp_wait_for_connect(sk, timeo);
		if (err)
			break;
	}
	release_sock(sk);
	if (!child)
		return err;

	lock_sock(child);
	if (anp_tcp_sk(child)->listener) {
		anp_tcp_sk(child)->listener = NULL;
		sock_put(sk);
	}
	sock_graft(child, newsock);
	newsock->state = SS_CONNECTED;
	release_sock(child);
	return 0;
}

/* ---- connect ------------------------------------------------------- */

/* tcp_v4_connect(): route, source, port, 4-tuple, ISS, SYN. */
static int anp_tcp_connect_start(struct sock *sk, struct sockaddr_anp *sa)
{
	struct anp_net *an = anp_net(sock_net(sk));
	struct anp_port_table *pt = anp_port_table(an, IPPROTO_TCP);
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	__be32 daddr = sa->sanp_addr, saddr;
	bool autobound = false;
	int err;

	/* As Linux's routing: INADDR_ANY as a destination is this host. */
	if (!daddr)
		daddr = htonl(INADDR_LOOPBACK);
	if (ipv4_is_multicast(daddr) || ipv4_is_lbcast(daddr) ||
	    anp_ip_is_bcast(an, daddr))
		return -ENETUNREACH;
	saddr = tp->as.saddr;
	if (!saddr) {
		err = anp_ip_route_saddr(an, daddr, &saddr);
		if (err)
			return err;
	}
	if (!sk->sk_num) {
		/* Linux: EADDRNOTAVAIL when no ephemeral port is free. */
		if (anp_port_get(pt, sk, 0))
			return -EADDRNOTAVAIL;
		autobound = true;
	}
	tp->as.saddr = saddr;
	anp_tcp_init_seq(tp);
	tp->advmss = anp_tcp_route_mss(sk, daddr);
	tp->mss = min_t(u32, tp->advmss, ANP_TCP_DEFAULT_MSS);
	tp->rcv_wscale = anp_tcp_rcv_wscale(sk);
	tp->ts_off = anp_tcp_ts_off(saddr, daddr);
	anp_tcp_set_state(sk, TCP_SYN_SENT);
	err = anp_port_connect(pt, sk, sk->sk_rcv_saddr ?: saddr, daddr,
			       sa->sanp_port);
	if (err) {
		/* Back to CLOSED, not counted: nothing was sent. */
		smp_store_release(&sk->sk_state, TCP_CLOSE);
		if (autobound)
			anp_port_unhash(pt, sk);
		if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK))
			tp->as.saddr = 0;
		return err;
	}
	/* RFC 6528: ISS from the 4-tuple and a clock. */
	tp->iss = anp_tcp_isn(saddr, daddr, htons(sk->sk_num), sa->sanp_port);
	tp->rcv_tstamp = jiffies;
	ANP_TCP_INC(sk, ACTIVE_OPENS);
	err = anp_tcp_send_syn(sk);
	if (err)
		anp_tcp_done(sk);
	return err;
}

/* The state a second connect() finds; as tcp_disconnect(). */
static int anp_tcp_disconnect(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	int old = sk->sk_state;

	if (old == TCP_LISTEN) {
		anp_tcp_listen_stop(sk);
	} else if ((1 << old) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT |
				 TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2 |
				 TCPF_SYN_RECV) ||
		   (tp->snd_nxt != tp->write_seq &&
		    ((1 << old) & (TCPF_CLOSING | TCPF_LAST_ACK)))) {
		anp_tcp_send_active_reset(sk);
		WRITE_ONCE(sk->sk_err, ECONNRESET);
	} else if (old == TCP_SYN_SENT) {
		WRITE_ONCE(sk->sk_err, ECONNRESET);
	}
	if (old != TCP_CLOSE)
		anp_tcp_set_state(sk, TCP_CLOSE);
	anp_tcp_stop_timers(sk);
	anp_tcp_purge_queues(sk);
	__skb_queue_purge(&sk->sk_receive_queue);
	anp_tcp_init_seq(tp);
	WRITE_ONCE(sk->sk_shutdown, 0);
	sock_reset_flag(sk, SOCK_DONE);
	sk_error_report(sk);
	return 0;
}

/* inet_wait_for_connect(). */
static long anp_tcp_wait_connect(struct sock *sk, long timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);

	add_wait_queue(sk_sleep(sk), &wait);
	while ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
		release_sock(sk);
		timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, timeo);
		lock_sock(sk);
		if (signal_pending(current) || !timeo)
			break;
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return timeo;
}

/* __inet_stream_connect(), its order of checks and errors. */
static int anp_stream_connect(struct socket *sock, struct sockaddr *uaddr,
			      int addr_len, int flags)
{
	struct sockaddr_anp *sa = (struct sockaddr_anp *)uaddr;
	struct sock *sk = sock->sk;
	long timeo;
	int err;

	if (addr_len < sizeof(sa->sanp_family))
		return -EINVAL;
	lock_sock(sk);
	if (sa->sanp_family == AF_UNSPEC) {
		err = anp_tcp_disconnect(sk);
		sock->state = err ? SS_DISCONNECTING : SS_UNCONNECTED;
		goto out;
	}
	switch (sock->state) {
	default:
		err = -EINVAL;
		goto out;
	case SS_CONNECTED:
		err = -EISCONN;
		goto out;
	case SS_CONNECTING:
		err = -EALREADY;
		break;
	case SS_UNCONNECTED:
		err = -EISCONN;
		if (sk->sk_state != TCP_CLOSE)
			goto out;
		err = -EINVAL;
		if (addr_len < sizeof(*sa))
			goto out;
		err = -EAFNOSUPPORT;
		if (sa->sanp_family != AF_ANP)
			goto out;
		err = anp_tcp_connect_start(sk, sa);
		if (err)
			goto out;
		sock->state = SS_CONNECTING;
		err = -EINPROGRESS;
		break;
	}

	timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);
	if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
		if (!timeo)
			goto out;
		timeo = anp_tcp_wait_connect(sk, timeo);
		if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
			err = signal_pending(current) ?
			      sock_intr_errno(timeo) : -EINPROGRESS;
			goto out;
		}
	}
	/* Connection was closed by RST, timeout, ICMP error. */
	if (sk->sk_state == TCP_CLOSE) {
		err = sock_error(sk) ?: -ECONNABORTED;
		sock->state = SS_UNCONNECTED;
		goto out;
	}
	sock->state = SS_CONNECTED;
	err = 0;
out:
	release_sock(sk);
	return err;
}

/* ---- close, shutdown ----------------------------------------------- */

/* tcp_close_state(): true when a FIN is to be sent. */
static bool anp_tcp_close_state(struct sock *sk)
{
	switch (sk->sk_state) {
	case TCP_ESTABLISHED:
	case TCP_SYN_RECV:
		anp_tcp_set_state(sk, TCP_FIN_WAIT1);
		return true;
	case TCP_CLOSE_WAIT:
		anp_tcp_set_state(sk, TCP_LAST_ACK);
		return true;
	case TCP_SYN_SENT:
		anp_tcp_done(sk);
		return false;
	default:
		return false;
	}
}

static void anp_tcp_close(struct sock *sk, long timeout)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	u32 unread = 0;
	struct sk_buff *skb;

	sock_hold(sk);
	lock_sock(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	if (sk->sk_state == TCP_LISTEN) {
		anp_tcp_listen_stop(sk);
		goto adjudge;
	}
	while ((skb = __skb_dequeue(&sk->sk_receive_queue))) {
		unread += skb->len;
		kfree_skb(skb);
	}
	anp_ofo_purge(&tp->ofo);
	if (sk->sk_state == TCP_CLOSE)
		goto adjudge;
	if (unread) {
		/* RFC 9293 3.10.4 / RFC 2525 2.17 (and Linux): data left
		 * unread aborts with a reset instead of a FIN.
		 */
		ANP_TCP_INC(sk, ABORT_ON_CLOSE);
		anp_tcp_send_active_reset(sk);
		anp_tcp_done(sk);
	} else if (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime) {
		/* SO_LINGER with 0: an abortive close. */
		ANP_TCP_INC(sk, ABORT_ON_LINGER);
		anp_tcp_disconnect(sk);
	} else if (anp_tcp_close_state(sk)) {
		anp_tcp_send_fin(sk);
	}
	sk_stream_wait_close(sk, timeout);
adjudge:
	sock_orphan(sk);
	if (sk->sk_state == TCP_CLOSE) {
		anp_tcp_destroy(sk);
	} else if (sk->sk_state == TCP_FIN_WAIT2 &&
		   !anp_tcp_arm_fin_wait2(sk)) {
		/* Linux's tcp_close(): TCP_LINGER2 < 0 resets the
		 * connection instead of waiting in FIN-WAIT-2.
		 */
		ANP_TCP_INC(sk, ABORT_ON_LINGER);
		anp_tcp_send_active_reset(sk);
		anp_tcp_done(sk);
	}
	release_sock(sk);
	sock_put(sk);
}

static int anp_stream_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	long timeout = 0;

	if (!sk)
		return 0;
	if (sock_flag(sk, SOCK_LINGER) && !(current->flags & PF_EXITING))
		timeout = sk->sk_lingertime;
	anp_tcp_close(sk, timeout);
	sock->sk = NULL;
	return 0;
}

static int anp_stream_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	int err = 0;

	/* inet_shutdown(). */
	how++;
	if ((how & ~SHUTDOWN_MASK) || !how)
		return -EINVAL;
	lock_sock(sk);
	if (sock->state == SS_CONNECTING) {
		if ((1 << sk->sk_state) &
		    (TCPF_SYN_SENT | TCPF_SYN_RECV | TCPF_CLOSE))
			sock->state = SS_DISCONNECTING;
		else
			sock->state = SS_CONNECTED;
	}
	switch (sk->sk_state) {
	case TCP_CLOSE:
		err = -ENOTCONN;
		fallthrough;
	default:
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | how);
		/* tcp_shutdown(). */
		if ((how & SEND_SHUTDOWN) &&
		    ((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_SYN_RECV |
					    TCPF_CLOSE_WAIT)) &&
		    anp_tcp_close_state(sk))
			anp_tcp_send_fin(sk);
		break;
	case TCP_LISTEN:
		if (!(how & RCV_SHUTDOWN))
			break;
		fallthrough;
	case TCP_SYN_SENT:
		err = anp_tcp_disconnect(sk);
		sock->state = err ? SS_DISCONNECTING : SS_UNCONNECTED;
		break;
	}
	sk->sk_state_change(sk);
	release_sock(sk);
	return err;
}

/* ---- data ---------------------------------------------------------- */

static int anp_stream_sendmsg(struct socket *sock, struct msghdr *msg,
			      size_t size)
{
	struct sock *sk = sock->sk;
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	int flags = msg->msg_flags, err, copied = 0;
	/*
	 * tcp_push(): MSG_MORE (more to come) holds a partial segment as
	 * TCP_CORK does, for this call (TCP_NAGLE_CORK), and leaves PSH
	 * unset; the next send without it, or the persist timer's
	 * override, sends what waits.
	 */
	unsigned int how = (flags & MSG_MORE) ? ANP_TCP_PUSH_CORK : 0;
	long timeo;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	lock_sock(sk);
	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	/* tcp_sendmsg_locked(): wait for the connection first. */
	if (!((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT))) {
		err = sk_stream_wait_connect(sk, &timeo);
		if (err)
			goto out_err;
	}
	sk_clear_bit(SOCKWQ_ASYNC_NOSPACE, sk);
	err = -EPIPE;
	if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN))
		goto do_error;

	while (msg_data_left(msg)) {
		struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);
		u32 n;

		if (!skb || skb->len >= tp->mss || !skb_tailroom(skb) ||
		    (ANP_TCP_SKB_CB(skb)->flags & TCPHDR_FIN)) {
			if (!sk_stream_memory_free(sk))
				goto wait_for_space;
			skb = alloc_skb(tp->mss, sk->sk_allocation);
			if (!skb)
				goto wait_for_space;
			memset(ANP_TCP_SKB_CB(skb), 0,
			       sizeof(struct anp_tcp_skb_cb));
			ANP_TCP_SKB_CB(skb)->seq = tp->write_seq;
			ANP_TCP_SKB_CB(skb)->end_seq = tp->write_seq;
			ANP_TCP_SKB_CB(skb)->flags = TCPHDR_ACK;
			sk_wmem_queued_add(sk, skb->truesize);
			sk_mem_charge(sk, skb->truesize);
			__skb_queue_tail(&sk->sk_write_queue, skb);
		}
		n = min_t(size_t, msg_data_left(msg),
			  min_t(u32, tp->mss - skb->len, skb_tailroom(skb)));
		if (copy_from_iter(skb_put(skb, n), n, &msg->msg_iter) != n) {
			skb_trim(skb, skb->len - n);
			err = -EFAULT;
			goto do_error;
		}
		ANP_TCP_SKB_CB(skb)->end_seq += n;
		tp->write_seq += n;
		copied += n;
		continue;

wait_for_space:
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		anp_tcp_push(sk, 0);
		err = sk_stream_wait_memory(sk, &timeo);
		if (err)
			goto do_error;
	}
	if (copied) {
		struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);

		if (tail && !(flags & MSG_MORE))
			ANP_TCP_SKB_CB(tail)->flags |= TCPHDR_PSH;
		anp_tcp_push(sk, how);
	}
	release_sock(sk);
	return copied;

do_error:
	if (copied) {
		anp_tcp_push(sk, how);
		release_sock(sk);
		return copied;
	}
out_err:
	err = sk_stream_error(sk, flags, err);
	release_sock(sk);
	return err;
}

/*
 * sendfile() and splice() (do_tcp_sendpages()): MSG_SENDPAGE_NOTLAST,
 * more pages of the same call to come, holds the data as MSG_MORE does.
 */
static ssize_t anp_stream_sendpage(struct socket *sock, struct page *page,
				   int offset, size_t size, int flags)
{
	if (flags & MSG_SENDPAGE_NOTLAST)
		flags |= MSG_MORE;
	return sock_no_sendpage(sock, page, offset, size, flags);
}

/*
 * tcp_cleanup_rbuf(): tell the peer when reading opened the window.
 * Before, as Linux's recvmsg does after each copy: DRS counts what the
 * reader took per RTT and may grow the buffer (tcp_buf.c), which the
 * window offered now already reflects.
 */
static void anp_tcp_cleanup_rbuf(struct sock *sk, int copied)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	s32 cur;
	u32 now;

	if (copied > 0)
		anp_tcp_rcv_space_adjust(sk);
	cur = tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt;
	if (copied <= 0 || (sk->sk_shutdown & RCV_SHUTDOWN) ||
	    !((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_FIN_WAIT1 |
				     TCPF_FIN_WAIT2)))
		return;
	if (cur < 0)
		cur = 0;
	now = anp_tcp_new_window(sk, cur);
	if (now && now >= 2 * (u32)cur)
		anp_tcp_send_ack(sk);
}

static int anp_stream_recvmsg(struct socket *sock, struct msghdr *msg,
			      size_t len, int flags)
{
	struct sock *sk = sock->sk;
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	u32 peek_seq, *seq;
	int copied = 0, target, err;
	long timeo;

	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;
	if (flags & MSG_OOB)
		return -EINVAL;
	lock_sock(sk);
	err = -ENOTCONN;
	if (sk->sk_state == TCP_LISTEN)
		goto out;
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	seq = &tp->copied_seq;
	if (flags & MSG_PEEK) {
		peek_seq = tp->copied_seq;
		seq = &peek_seq;
	}
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);

	do {
		struct sk_buff *skb, *last = NULL;
		bool found = false;

		skb_queue_walk(&sk->sk_receive_queue, skb) {
			u32 off = *seq - ANP_TCP_SKB_CB(skb)->seq;
			u32 n;

			last = skb;
			if (off >= skb->len)
				continue;
			found = true;
			n = min_t(size_t, skb->len - off, len);
			err = skb_copy_datagram_msg(skb, off, msg, n);
			if (err) {
				if (!copied)
					copied = -EFAULT;
				goto done;
			}
			*seq += n;
			copied += n;
			len -= n;
			break;
		}
		if (found) {
			/* Free what the reader has consumed. */
			while (!(flags & MSG_PEEK) &&
			       (skb = skb_peek(&sk->sk_receive_queue)) &&
			       !anp_seq_before(tp->copied_seq,
					       ANP_TCP_SKB_CB(skb)->seq +
					       skb->len)) {
				__skb_unlink(skb, &sk->sk_receive_queue);
				consume_skb(skb);
			}
			continue;
		}
		if (copied >= target)
			break;
		if (copied) {
			if (sk->sk_err || sk->sk_state == TCP_CLOSE ||
			    (sk->sk_shutdown & RCV_SHUTDOWN) || !timeo ||
			    signal_pending(current))
				break;
		} else {
			if (sock_flag(sk, SOCK_DONE))
				break;
			if (sk->sk_err) {
				copied = sock_error(sk);
				break;
			}
			if (sk->sk_shutdown & RCV_SHUTDOWN)
				break;
			if (sk->sk_state == TCP_CLOSE) {
				copied = -ENOTCONN;
				break;
			}
			if (!timeo) {
				copied = -EAGAIN;
				break;
			}
			if (signal_pending(current)) {
				copied = sock_intr_errno(timeo);
				break;
			}
		}
		anp_tcp_cleanup_rbuf(sk, copied);
		sk_wait_data(sk, &timeo, last);
	} while (len > 0);
done:
	anp_tcp_cleanup_rbuf(sk, copied);
	err = copied;
out:
	release_sock(sk);
	return err;
}

/* tcp_poll(), event for event. */
static __poll_t anp_stream_poll(struct file *file, struct socket *sock,
				poll_table *wait)
{
	struct sock *sk = sock->sk;
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	__poll_t mask = 0;
	u8 shutdown;
	int state;

	sock_poll_wait(file, sock, wait);
	state = inet_sk_state_load(sk);
	if (state == TCP_LISTEN)
		return list_empty_careful(&tp->acc_q) ? 0 :
		       EPOLLIN | EPOLLRDNORM;

	shutdown = READ_ONCE(sk->sk_shutdown);
	if (shutdown == SHUTDOWN_MASK || state == TCP_CLOSE)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;

	if (state != TCP_SYN_SENT && state != TCP_SYN_RECV) {
		int target = sock_rcvlowat(sk, 0, INT_MAX);

		if (anp_tcp_inq(sk) >= target)
			mask |= EPOLLIN | EPOLLRDNORM;
		if (!(shutdown & SEND_SHUTDOWN)) {
			if (__sk_stream_is_writeable(sk, 1)) {
				mask |= EPOLLOUT | EPOLLWRNORM;
			} else {
				sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
				set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
				/* Race with the ACK that frees space. */
				smp_mb__after_atomic();
				if (__sk_stream_is_writeable(sk, 1))
					mask |= EPOLLOUT | EPOLLWRNORM;
			}
		} else {
			mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}
	/* Pairs with the smp_wmb() in anp_tcp_reset(). */
	smp_rmb();
	if (READ_ONCE(sk->sk_err) ||
	    !skb_queue_empty_lockless(&sk->sk_error_queue))
		mask |= EPOLLERR;
	return mask;
}

static int anp_stream_ioctl(struct socket *sock, unsigned int cmd,
			    unsigned long arg)
{
	struct sock *sk = sock->sk;
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	int amount;

	switch (cmd) {
	case SIOCINQ:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		lock_sock(sk);
		amount = anp_tcp_inq(sk);
		release_sock(sk);
		break;
	case SIOCOUTQ:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		amount = READ_ONCE(tp->write_seq) - READ_ONCE(tp->snd_una);
		break;
	case SIOCOUTQNSD:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		amount = READ_ONCE(tp->write_seq) - READ_ONCE(tp->snd_nxt);
		break;
	default:
		return -ENOIOCTLCMD;
	}
	return put_user(amount, (int __user *)arg);
}

/* ---- options ------------------------------------------------------- */

static void anp_tcp_keepalive(struct sock *sk, int val)
{
	if (val)
		sock_set_flag(sk, SOCK_KEEPOPEN);
	else
		sock_reset_flag(sk, SOCK_KEEPOPEN);
	anp_tcp_arm_keepalive(sk);
}

/* IP_TOS and IP_TTL as do_ip_setsockopt() for a TCP socket. */
static int anp_stream_setsockopt_ip(struct sock *sk, int optname,
				    sockptr_t optval, unsigned int optlen)
{
	struct anp_sock *as = anp_sk(sk);
	int val = 0, err = 0;

	if (optname != IP_TOS && optname != IP_TTL)
		return -ENOPROTOOPT;
	/* An int, or one byte. */
	if (optlen >= sizeof(int)) {
		if (copy_from_sockptr(&val, optval, sizeof(val)))
			return -EFAULT;
	} else if (optlen >= sizeof(char)) {
		unsigned char ucval;

		if (copy_from_sockptr(&ucval, optval, sizeof(ucval)))
			return -EFAULT;
		val = ucval;
	}
	lock_sock(sk);
	if (optname == IP_TOS) {
		/* A stream socket keeps the ECN bits to itself (RFC 3168). */
		as->tos = (val & ~INET_ECN_MASK) | (as->tos & INET_ECN_MASK);
	} else if (optlen < 1 || (val != -1 && (val < 1 || val > 255))) {
		err = -EINVAL;
	} else {
		as->ttl = val == -1 ? 0 : val;
	}
	release_sock(sk);
	return err;
}

/*
 * Linux's __tcp_sock_set_quickack(): 0 delays ACKs (RFC 1122 4.2.3.2)
 * from now on, as Linux's pingpong mode, until a delayed ACK has to
 * wait for its timer; non-zero acknowledges every segment at once for
 * a while (ANP_TCP_QUICKACKS segments, as after the handshake) and
 * sends an ACK still owed when the reader has taken everything or more
 * than a segment waits for its ACK (tcp_cleanup_rbuf() with
 * ICSK_ACK_PUSHED); an even value goes back to delaying after that.
 */
static void anp_tcp_set_quickack(struct sock *sk, int val)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	if (!val) {
		tp->pingpong = 1;
		return;
	}
	tp->pingpong = 0;
	tp->quickack = ANP_TCP_QUICKACKS;
	if (((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)) &&
	    tp->ack_pending) {
		if (skb_queue_empty(&sk->sk_receive_queue) ||
		    tp->rcv_nxt - tp->rcv_wup > tp->rcv_mss)
			anp_tcp_send_ack(sk);
		if (!(val & 1))
			tp->pingpong = 1;
	}
}

/*
 * TCP_DEFER_ACCEPT's seconds and the SYN,ACK retransmissions that take
 * that long (Linux's secs_to_retrans() and retrans_to_secs(): the RTO
 * from timeout doubling up to rto_max).
 */
static u8 anp_tcp_secs_to_retrans(int seconds, int timeout, int rto_max)
{
	int period = timeout;
	u8 res = 1;

	if (seconds <= 0)
		return 0;
	while (seconds > period && res < 255) {
		res++;
		timeout = min(timeout << 1, rto_max);
		period += timeout;
	}
	return res;
}

static int anp_tcp_retrans_to_secs(u8 retrans, int timeout, int rto_max)
{
	int period = 0;

	if (retrans > 0) {
		period = timeout;
		while (--retrans) {
			timeout = min(timeout << 1, rto_max);
			period += timeout;
		}
	}
	return period;
}

/*
 * Linux's tcp_set_window_clamp(): 0 (no clamp) only while closed;
 * otherwise at least SOCK_MIN_RCVBUF / 2 (compared as Linux does,
 * unsigned: a negative value is a huge clamp).  A smaller clamp does
 * not shrink a window already offered (RFC 9293 3.8.6.2.2).
 */
static int anp_tcp_set_window_clamp(struct sock *sk, int val)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	if (!val) {
		if (sk->sk_state != TCP_CLOSE)
			return -EINVAL;
		WRITE_ONCE(tp->window_clamp, 0);
		return 0;
	}
	WRITE_ONCE(tp->window_clamp,
		   val < SOCK_MIN_RCVBUF / 2 ? SOCK_MIN_RCVBUF / 2 : val);
	return 0;
}

static int anp_stream_setsockopt(struct socket *sock, int level,
				 int optname, sockptr_t optval,
				 unsigned int optlen)
{
	struct sock *sk = sock->sk;
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	int val, err = 0;

	if (level == SOL_IP)
		return anp_stream_setsockopt_ip(sk, optname, optval, optlen);
	if (level != SOL_TCP && (level != SOL_ANP || optname != SO_REUSEPORT))
		return -ENOPROTOOPT;
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;

	lock_sock(sk);
	if (level == SOL_ANP) {
		/* As for SOCK_DGRAM (see udp.c). */
		sk->sk_reuseport = !!val;
		goto out;
	}
	switch (optname) {
	case TCP_NODELAY:
		tp->nodelay = !!val;
		/* Linux: turning it on sends what Nagle held, and what
		 * TCP_CORK held, once (TCP_NAGLE_PUSH); the cork stays.
		 */
		if (val)
			anp_tcp_push(sk, ANP_TCP_PUSH_UNCORK);
		break;
	case TCP_QUICKACK:
		anp_tcp_set_quickack(sk, val);
		break;
	case TCP_LINGER2:
		/* Linux: seconds, < 0 none, 0 the default, capped. */
		if (val < 0)
			WRITE_ONCE(tp->linger2, -1);
		else if (val > TCP_FIN_TIMEOUT_MAX / HZ)
			WRITE_ONCE(tp->linger2, TCP_FIN_TIMEOUT_MAX);
		else
			WRITE_ONCE(tp->linger2, val * HZ);
		break;
	case TCP_WINDOW_CLAMP:
		err = anp_tcp_set_window_clamp(sk, val);
		break;
	case TCP_DEFER_ACCEPT:
		/* Linux: seconds as SYN,ACK retransmissions (1 s doubling). */
		WRITE_ONCE(tp->defer_accept,
			   anp_tcp_secs_to_retrans(val, TCP_TIMEOUT_INIT / HZ,
						   TCP_RTO_MAX / HZ));
		break;
	case TCP_NOTSENT_LOWAT:
		/* Linux: any value (as u32), 0 for none; may wake a writer. */
		WRITE_ONCE(tp->notsent_lowat, val);
		sk->sk_write_space(sk);
		break;
	case TCP_USER_TIMEOUT:
		/* Linux: milliseconds, 0 for the default, not negative. */
		if (val < 0)
			err = -EINVAL;
		else
			tp->user_timeout = val;
		break;
	case TCP_CORK:
		/* Linux: removing the cork sends what it held, as Nagle
		 * (or TCP_NODELAY) allows.
		 */
		tp->cork = !!val;
		if (!val)
			anp_tcp_push(sk, 0);
		break;
	case TCP_MAXSEG:
		/* Linux: TCP_MIN_MSS (88) .. MAX_TCP_WINDOW, 0 to clear. */
		if (val && (val < TCP_MIN_MSS || val > MAX_TCP_WINDOW))
			err = -EINVAL;
		else
			tp->user_mss = val;
		break;
	case TCP_KEEPIDLE:
		if (val < 1 || val > ANP_TCP_MAX_KEEPIDLE) {
			err = -EINVAL;
			break;
		}
		tp->keepidle = val * HZ;
		if (sock_flag(sk, SOCK_KEEPOPEN))
			anp_tcp_arm_keepalive(sk);
		break;
	case TCP_KEEPINTVL:
		if (val < 1 || val > ANP_TCP_MAX_KEEPIDLE)
			err = -EINVAL;
		else
			tp->keepintvl = val * HZ;
		break;
	case TCP_KEEPCNT:
		if (val < 1 || val > ANP_TCP_MAX_KEEPCNT)
			err = -EINVAL;
		else
			tp->keepcnt = val;
		break;
	case TCP_SYNCNT:
		/* Linux: 1 .. MAX_TCP_SYNCNT SYN retransmissions. */
		if (val < 1 || val > MAX_TCP_SYNCNT)
			err = -EINVAL;
		else
			tp->syn_retries = val;
		break;
	default:
		err = -ENOPROTOOPT;
		break;
	}
out:
	release_sock(sk);
	return err;
}

static void anp_tcp_get_info(struct sock *sk, struct tcp_info *info)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	unsigned long now = jiffies;
	struct sk_buff *skb;
	u32 unacked = 0;

	memset(info, 0, sizeof(*info));
	info->tcpi_state = sk->sk_state;
	if (sk->sk_state == TCP_LISTEN) {
		info->tcpi_unacked = READ_ONCE(sk->sk_ack_backlog);
		info->tcpi_sacked = READ_ONCE(sk->sk_max_ack_backlog);
		return;
	}
	/* Linux's TCP_CA_Open 0, Recovery 3, Loss 4. */
	info->tcpi_ca_state = tp->ca_state == ANP_CC_RECOVERY ? TCP_CA_Recovery :
			      tp->ca_state == ANP_CC_LOSS ? TCP_CA_Loss :
			      TCP_CA_Open;
	info->tcpi_retransmits = tp->retries;
	info->tcpi_probes = tp->probes;
	info->tcpi_backoff = tp->rtt.backoff;
	info->tcpi_rto = anp_rtt_rto(&tp->rtt);
	info->tcpi_ato = jiffies_to_usecs(ANP_TCP_DELACK_MIN);
	info->tcpi_snd_mss = tp->mss;
	info->tcpi_rcv_mss = tp->rcv_mss;
	skb_queue_walk(&tp->rtx_q, skb)
		unacked++;
	info->tcpi_unacked = unacked;
	info->tcpi_sacked = tp->sacked_out;
	info->tcpi_lost = tp->lost_out;
	info->tcpi_last_data_sent = jiffies_to_msecs(now - tp->last_data_sent);
	info->tcpi_last_data_recv = jiffies_to_msecs(now - tp->last_data_recv);
	info->tcpi_last_ack_recv = jiffies_to_msecs(now - tp->last_ack_recv);
	info->tcpi_pmtu = tp->advmss + sizeof(struct iphdr) +
			  sizeof(struct tcphdr);
	info->tcpi_rcv_ssthresh = tp->rcv_wnd;
	info->tcpi_rtt = tp->rtt.srtt_us;
	info->tcpi_rttvar = tp->rtt.rttvar_us;
	if (tp->cc.ops && tp->mss) {
		info->tcpi_snd_ssthresh = tp->cc.ssthresh / tp->mss;
		info->tcpi_snd_cwnd = tp->cc.cwnd / tp->mss;
	}
	info->tcpi_advmss = tp->advmss;
	if (tp->ts_ok)
		info->tcpi_options |= TCPI_OPT_TIMESTAMPS;
	if (tp->sack_ok)
		info->tcpi_options |= TCPI_OPT_SACK;
	if (tp->wscale_ok) {
		info->tcpi_options |= TCPI_OPT_WSCALE;
		info->tcpi_snd_wscale = tp->snd_wscale;
		info->tcpi_rcv_wscale = tp->rcv_wscale;
	}
	info->tcpi_reordering = 3;
	/* Linux's: the receiver's RTT and the bytes read in the last. */
	info->tcpi_rcv_rtt = tp->rcv_rtt_est.rtt_us >> 3;
	info->tcpi_rcv_space = tp->rcvq_space.space;
	info->tcpi_total_retrans = tp->total_retrans;
	info->tcpi_bytes_acked = tp->bytes_acked;
	info->tcpi_bytes_received = tp->bytes_received;
	info->tcpi_segs_out = tp->segs_out;
	info->tcpi_segs_in = tp->segs_in;
	info->tcpi_notsent_bytes = tp->write_seq - tp->snd_nxt;
	info->tcpi_data_segs_in = tp->data_segs_in;
	info->tcpi_data_segs_out = tp->data_segs_out;
	info->tcpi_bytes_sent = tp->bytes_sent;
	info->tcpi_bytes_retrans = tp->bytes_retrans;
	info->tcpi_rcv_ooopack = tp->ofo.segs;
	info->tcpi_snd_wnd = tp->snd_wnd;
}

static int anp_stream_getsockopt(struct socket *sock, int level,
				 int optname, char __user *optval,
				 int __user *optlen)
{
	struct sock *sk = sock->sk;
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	struct tcp_info info;
	int val, len;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (level == SOL_ANP && optname == SO_REUSEPORT) {
		val = sk->sk_reuseport;
		goto put_int;
	}
	if (level == SOL_IP && (optname == IP_TOS || optname == IP_TTL)) {
		val = optname == IP_TOS ? READ_ONCE(tp->as.tos) :
		      READ_ONCE(tp->as.ttl) ?: ANP_DEFAULT_TTL;
		/* do_ip_getsockopt(): one byte when asked for less. */
		if (len > 0 && len < sizeof(int)) {
			unsigned char ucval = val;

			len = 1;
			if (put_user(len, optlen) ||
			    copy_to_user(optval, &ucval, 1))
				return -EFAULT;
			return 0;
		}
		goto put_int;
	}
	if (level != SOL_TCP)
		return -ENOPROTOOPT;
	switch (optname) {
	case TCP_NODELAY:
		val = tp->nodelay;
		break;
	case TCP_CORK:
		val = tp->cork;
		break;
	case TCP_USER_TIMEOUT:
		val = tp->user_timeout;
		break;
	case TCP_QUICKACK:
		val = !tp->pingpong;
		break;
	case TCP_WINDOW_CLAMP:
		/* Linux: the clamp; with none, once connecting, the
		 * largest window the buffer allows (what
		 * tcp_select_initial_window() and tcp_init_buffer_space()
		 * leave in window_clamp).
		 */
		val = READ_ONCE(tp->window_clamp);
		if (!val && !((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)))
			val = min(65535 << READ_ONCE(tp->rcv_wscale),
				  READ_ONCE(sk->sk_rcvbuf) / 2);
		break;
	case TCP_NOTSENT_LOWAT:
		val = READ_ONCE(tp->notsent_lowat);
		break;
	case TCP_DEFER_ACCEPT:
		val = anp_tcp_retrans_to_secs(READ_ONCE(tp->defer_accept),
					      TCP_TIMEOUT_INIT / HZ,
					      TCP_RTO_MAX / HZ);
		break;
	case TCP_LINGER2:
		val = READ_ONCE(tp->linger2);
		if (val >= 0)
			val = (val ?: ANP_TCP_FIN_TIMEOUT) / HZ;
		break;
	case TCP_MAXSEG:
		/* Linux: the current MSS once connected, else user_mss. */
		val = (1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN) ?
		      (tp->user_mss ?: ANP_TCP_DEFAULT_MSS) : tp->mss;
		break;
	case TCP_KEEPIDLE:
		val = anp_tcp_keepidle(tp) / HZ;
		break;
	case TCP_KEEPINTVL:
		val = anp_tcp_keepintvl(tp) / HZ;
		break;
	case TCP_KEEPCNT:
		val = anp_tcp_keepcnt(tp);
		break;
	case TCP_SYNCNT:
		val = tp->syn_retries ?: ANP_TCP_SYN_RETRIES;
		break;
	case TCP_INFO:
		lock_sock(sk);
		anp_tcp_get_info(sk, &info);
		release_sock(sk);
		len = min_t(unsigned int, len, sizeof(info));
		if (put_user(len, optlen) || copy_to_user(optval, &info, len))
			return -EFAULT;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
put_int:
	len = min_t(unsigned int, len, sizeof(int));
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

static int anp_stream_bind(struct socket *sock, struct sockaddr *uaddr,
			   int addr_len)
{
	return anp_sock_bind(sock->sk, uaddr, addr_len);
}

static int anp_stream_getname(struct socket *sock, struct sockaddr *uaddr,
			      int peer)
{
	struct sock *sk = sock->sk;
	struct sockaddr_anp *sa = (struct sockaddr_anp *)uaddr;

	if (!peer)
		return anp_sock_getname(sock, uaddr, peer);
	/* inet_getname(): a peer while connected, or after a half-close. */
	memset(sa, 0, sizeof(*sa));
	sa->sanp_family = AF_ANP;
	lock_sock(sk);
	if (!sk->sk_dport ||
	    ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_SYN_SENT))) {
		release_sock(sk);
		return -ENOTCONN;
	}
	sa->sanp_port = sk->sk_dport;
	sa->sanp_addr = sk->sk_daddr;
	release_sock(sk);
	return sizeof(*sa);
}

const struct proto_ops anp_stream_ops = {
	.family		= PF_ANP,
	.owner		= THIS_MODULE,
	.release	= anp_stream_release,
	.bind		= anp_stream_bind,
	.connect	= anp_stream_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= anp_stream_accept,
	.getname	= anp_stream_getname,
	.poll		= anp_stream_poll,
	.ioctl		= anp_stream_ioctl,
	.listen		= anp_stream_listen,
	.shutdown	= anp_stream_shutdown,
	.setsockopt	= anp_stream_setsockopt,
	.getsockopt	= anp_stream_getsockopt,
	.sendmsg	= anp_stream_sendmsg,
	.recvmsg	= anp_stream_recvmsg,
	.mmap		= sock_no_mmap,
	.sendpage	= anp_stream_sendpage,
};

/*
 * No .owner: an orphan (closed by the user, still in FIN-WAIT,
 * TIME-WAIT...) must not keep the module loaded; a socket with a file
 * pins it through anp_stream_ops.owner, and module exit ends the
 * orphans (anp_tcp_net_exit) before the proto goes.
 */
struct proto anp_tcp_proto = {
	.name		= "ANP-TCP",
	.init		= anp_tcp_init_sock,
	.keepalive	= anp_tcp_keepalive,
	.backlog_rcv	= anp_tcp_do_rcv,
	.stream_memory_free = anp_tcp_stream_memory_free,
	.obj_size	= sizeof(struct anp_tcp_sock),
};

/* ---- per host ------------------------------------------------------ */

void anp_tcp_net_exit(struct anp_net *an)
{
	struct sock *sk;

	/* Only orphans are left: a socket with a file holds the netns
	 * and the module.  End each one; no timer survives.
	 */
	while ((sk = anp_sock_grab_orphan(an, IPPROTO_TCP))) {
		lock_sock(sk);
		if (sk->sk_state != TCP_CLOSE)
			anp_tcp_done(sk);
		else
			anp_tcp_destroy(sk);
		release_sock(sk);
		anp_tcp_kill_timers(sk);
		sock_put(sk);
	}
}
