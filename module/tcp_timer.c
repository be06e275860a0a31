// SPDX-License-Identifier: GPL-2.0
/*
 * TCP timers, one timer_list each, never a sleeping thread:
 *
 *   rtx_timer     retransmission (RFC 6298 5: SYN, data and FIN, with
 *                 exponential backoff and a bounded count: ETIMEDOUT);
 *                 or RACK's reordering or tail loss probe timeout in
 *                 its place (RFC 8985 6.3, 7.2; tcp_rack.c);
 *                 or, with nothing in flight and data waiting, the
 *                 persist timer (RFC 9293 3.8.6.1: zero-window probes,
 *                 backed off like the RTO, never giving up while the
 *                 peer answers; RFC 1122 4.2.3.4's override timeout
 *                 when the window is open but too small)
 *   delack_timer  RFC 1122 4.2.3.2: a delayed ACK goes out at the
 *                 latest ANP_TCP_DELACK_MIN after the data it acks
 *   sk_timer      keepalive (RFC 1122 4.2.3.6) in synchronized states;
 *                 the FIN-WAIT-2 timeout of an orphan; TIME-WAIT's
 *                 2 * MSL (RFC 9293 3.10.7.4)
 *
 * A pending timer holds a reference on the socket (sk_reset_timer).
 * A handler that finds the user owning the socket re-arms itself
 * ANP_TCP_DEFER later.
 */
#include <net/tcp.h>

#include "tcp.h"

int anp_tcp_keepidle(const struct anp_tcp_sock *tp)
{
	return tp->keepidle ?: ANP_TCP_KEEPIDLE;
}

int anp_tcp_keepintvl(const struct anp_tcp_sock *tp)
{
	return tp->keepintvl ?: ANP_TCP_KEEPINTVL;
}

int anp_tcp_keepcnt(const struct anp_tcp_sock *tp)
{
	return tp->keepcnt ?: ANP_TCP_KEEPCNT;
}

static unsigned long anp_tcp_rto_jiffies(const struct anp_tcp_sock *tp)
{
	return usecs_to_jiffies(anp_rtt_rto(&tp->rtt)) ?: 1;
}

/* TCP_USER_TIMEOUT applies to synchronized states (Linux 6.1). */
static bool anp_tcp_user_timeout_on(const struct sock *sk)
{
	return anp_tcp_sk(sk)->user_timeout &&
	       !((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV));
}

/* jiffies when TCP_USER_TIMEOUT ends a retransmitting connection. */
static unsigned long anp_tcp_user_deadline(const struct anp_tcp_sock *tp)
{
	return tp->rtx_start + msecs_to_jiffies(tp->user_timeout);
}

void anp_tcp_arm_rtx(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	unsigned long when = anp_tcp_rto_jiffies(tp);

	/*
	 * Linux's tcp_clamp_rto_to_user_timeout(): once retransmitting,
	 * the timer expires no later than the user timeout does.
	 */
	if (tp->retries && anp_tcp_user_timeout_on(sk)) {
		unsigned long end = anp_tcp_user_deadline(tp);

		when = time_after(end, jiffies) ? min(when, end - jiffies) : 1;
	}
	tp->tmode = ANP_TCP_T_RTX;
	sk_reset_timer(sk, &tp->rtx_timer, jiffies + when);
}

void anp_tcp_arm_persist(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	tp->tmode = ANP_TCP_T_PERSIST;
	sk_reset_timer(sk, &tp->rtx_timer, jiffies + anp_tcp_rto_jiffies(tp));
}

void anp_tcp_clear_rtx(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	tp->tmode = ANP_TCP_T_NONE;
	sk_stop_timer(sk, &tp->rtx_timer);
}

void anp_tcp_delack(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	tp->ack_pending = 1;
	if (!timer_pending(&tp->delack_timer))
		sk_reset_timer(sk, &tp->delack_timer,
			       jiffies + ANP_TCP_DELACK_MIN);
}

void anp_tcp_arm_keepalive(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	if (sock_flag(sk, SOCK_KEEPOPEN) &&
	    !((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN | TCPF_TIME_WAIT)))
		sk_reset_timer(sk, &sk->sk_timer,
			       jiffies + anp_tcp_keepidle(tp));
	else if (sk->sk_state != TCP_TIME_WAIT &&
		 sk->sk_state != TCP_FIN_WAIT2)
		sk_stop_timer(sk, &sk->sk_timer);
}

void anp_tcp_arm_timewait(struct sock *sk)
{
	sk_reset_timer(sk, &sk->sk_timer, jiffies + ANP_TCP_TIMEWAIT_LEN);
}

/*
 * An orphan reached FIN-WAIT-2: wait for the peer's FIN as long as
 * Linux's tcp_fin_time() (TCP_LINGER2 or the default, at least 3.5
 * RTO); false with TCP_LINGER2 < 0, when the caller ends it at once.
 */
bool anp_tcp_arm_fin_wait2(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	unsigned long rto = anp_tcp_rto_jiffies(tp), tmo;

	if (tp->linger2 < 0)
		return false;
	tmo = max_t(unsigned long, tp->linger2 ?: ANP_TCP_FIN_TIMEOUT,
		    (rto << 2) - (rto >> 1));
	sk_reset_timer(sk, &sk->sk_timer, jiffies + tmo);
	return true;
}

/*
 * A listener's child in SYN-RECEIVED under TCP_DEFER_ACCEPT (Linux's
 * syn_ack_recalc()): once its bare ACK was deferred, no SYN,ACK is
 * sent again until the deferral's last retransmission, which asks the
 * peer for the ACK that then completes the handshake; it lives until
 * both the retries and the deferral are over.  *resend: send one now.
 */
static bool anp_tcp_synack_expired(struct sock *sk, int limit, bool *resend)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	u8 defer = tp->listener ?
		   READ_ONCE(anp_tcp_sk(tp->listener)->defer_accept) : 0;

	if (!defer) {
		*resend = true;
		return tp->retries >= limit;
	}
	*resend = !tp->defer_acked || tp->retries >= defer - 1;
	return tp->retries >= limit &&
	       (!tp->defer_acked || tp->retries >= defer);
}

/* RFC 6298 5.4-5.6 and RFC 9293 3.8.3's R2 as a count of retries. */
static void anp_tcp_rtx_expired(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	int limit = ANP_TCP_RETRIES2;
	bool expired, resend = true;

	if (sk->sk_state == TCP_SYN_SENT)
		limit = tp->syn_retries ?: ANP_TCP_SYN_RETRIES;
	else if (sk->sk_state == TCP_SYN_RECV)
		limit = ANP_TCP_SYNACK_RETRIES;
	if (skb_queue_empty(&tp->rtx_q)) {
		tp->tmode = ANP_TCP_T_NONE;
		return;
	}
	if (!tp->retries) {
		u32 age = tcp_clock_us() - ANP_TCP_SKB_CB(skb_peek(&tp->rtx_q))->tx_us;

		tp->rtx_start = jiffies - usecs_to_jiffies(age);
	}
	/*
	 * RFC 9293 3.8.3: R2 as a count of retries or, with
	 * TCP_USER_TIMEOUT (RFC 9293 3.10.x USER TIMEOUT, RFC 5482), the
	 * time since the oldest unacknowledged segment was first sent
	 * (Linux's retransmits_timed_out(): never before one retry).
	 */
	if (sk->sk_state == TCP_SYN_RECV)
		expired = anp_tcp_synack_expired(sk, limit, &resend);
	else if (anp_tcp_user_timeout_on(sk))
		expired = tp->retries &&
			  !time_before(jiffies, anp_tcp_user_deadline(tp));
	else
		expired = tp->retries >= limit;
	if (expired) {
		ANP_TCP_INC(sk, ABORT_ON_TIMEOUT);
		/* The soft error ICMP left is reported, else ETIMEDOUT. */
		anp_tcp_reset(sk, sk->sk_err_soft ?: ETIMEDOUT);
		return;
	}
	tp->retries++;
	ANP_TCP_INC(sk, TIMEOUTS);
	anp_rtt_backoff(&tp->rtt);
	if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
		if (resend)
			anp_tcp_retransmit_head(sk);
		anp_tcp_arm_rtx(sk);
		return;
	}
	/*
	 * RFC 6582 3.2 step 4: recover is the highest sequence number
	 * sent, snd_max (snd_nxt is back at snd_una after an earlier
	 * timeout's go-back-N).
	 */
	if (tp->cc.state == ANP_CC_OPEN)
		anp_tcp_undo_start(tp, tp->cc.cwnd, tp->cc.ssthresh);
	tp->cc.ops->timeout(&tp->cc, anp_tcp_flight(tp), tp->snd_max);
	tp->ca_state = tp->cc.state;
	/* Linux's tcp_retransmit_timer(): an RTO ends a TLP episode. */
	tp->rack.tlp_on = 0;
	tp->tmode = ANP_TCP_T_NONE;
	if (tp->sack_ok) {
		anp_tcp_sack_timeout(sk);
	} else {
		anp_tcp_go_back_n(sk);
		anp_tcp_push(sk, ANP_TCP_PUSH_OVERRIDE);
	}
	if (tp->tmode == ANP_TCP_T_NONE && anp_tcp_flight(tp))
		anp_tcp_arm_rtx(sk);
}

static void anp_tcp_persist_expired(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	tp->tmode = ANP_TCP_T_NONE;
	if (skb_queue_empty(&sk->sk_write_queue) || anp_tcp_flight(tp))
		return;
	if (tp->snd_wnd) {
		/* Open but too small for Nagle/SWS: send what fits. */
		anp_tcp_push(sk, ANP_TCP_PUSH_OVERRIDE);
		if (!anp_tcp_flight(tp) && tp->tmode == ANP_TCP_T_NONE)
			anp_tcp_arm_persist(sk);
		return;
	}
	ANP_TCP_INC(sk, WIN_PROBES);
	tp->probes++;
	anp_tcp_send_probe(sk);
	anp_rtt_backoff(&tp->rtt);
	anp_tcp_arm_persist(sk);
}

static void anp_tcp_rtx_timer(struct timer_list *t)
{
	struct anp_tcp_sock *tp = from_timer(tp, t, rtx_timer);
	struct sock *sk = &tp->as.sk;

	bh_lock_sock(sk);
	if (sock_owned_by_user(sk)) {
		sk_reset_timer(sk, &tp->rtx_timer, jiffies + ANP_TCP_DEFER);
	} else if (sk->sk_state != TCP_CLOSE) {
		if (tp->tmode == ANP_TCP_T_RTX)
			anp_tcp_rtx_expired(sk);
		else if (tp->tmode == ANP_TCP_T_PERSIST)
			anp_tcp_persist_expired(sk);
		else if (tp->tmode == ANP_TCP_T_REO)
			anp_tcp_rack_timeout(sk);
		else if (tp->tmode == ANP_TCP_T_TLP)
			anp_tcp_tlp_timeout(sk);
	}
	bh_unlock_sock(sk);
	sock_put(sk);
}

static void anp_tcp_delack_timer(struct timer_list *t)
{
	struct anp_tcp_sock *tp = from_timer(tp, t, delack_timer);
	struct sock *sk = &tp->as.sk;

	bh_lock_sock(sk);
	if (sock_owned_by_user(sk)) {
		sk_reset_timer(sk, &tp->delack_timer, jiffies + ANP_TCP_DEFER);
	} else if (tp->ack_pending && sk->sk_state != TCP_CLOSE &&
		   sk->sk_state != TCP_LISTEN) {
		/* Linux's tcp_delack_timer_handler(): a delayed ACK that
		 * had to wait for the timer ends TCP_QUICKACK 0.
		 */
		tp->pingpong = 0;
		ANP_TCP_INC(sk, DELAYED_ACKS);
		anp_tcp_send_ack(sk);
	}
	bh_unlock_sock(sk);
	sock_put(sk);
}

static void anp_tcp_keepalive_expired(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	unsigned long idle = jiffies - tp->rcv_tstamp;

	/* RFC 1122 4.2.3.6: probe only an idle connection. */
	if (!sock_flag(sk, SOCK_KEEPOPEN) || sk->sk_state == TCP_SYN_SENT ||
	    sk->sk_state == TCP_SYN_RECV)
		return;
	if (anp_tcp_flight(tp) || !skb_queue_empty(&sk->sk_write_queue)) {
		/* Retransmission or persist covers a busy connection. */
		sk_reset_timer(sk, &sk->sk_timer,
			       jiffies + anp_tcp_keepidle(tp));
		return;
	}
	/*
	 * Anything from the peer since our last probe answers it: the
	 * count starts again (Linux's tcp_ack() clears icsk_probes_out),
	 * even when TCP_KEEPINTVL >= TCP_KEEPIDLE leaves the connection
	 * idle again by now.
	 */
	if (tp->probes && !time_before(tp->rcv_tstamp, tp->probe_tstamp))
		tp->probes = 0;
	if (idle < anp_tcp_keepidle(tp)) {
		tp->probes = 0;
		sk_reset_timer(sk, &sk->sk_timer,
			       jiffies + anp_tcp_keepidle(tp) - idle);
		return;
	}
	/* Linux: with TCP_USER_TIMEOUT, that much silence after a probe
	 * ends the connection instead of TCP_KEEPCNT probes.
	 */
	if (tp->user_timeout ?
	    tp->probes && idle >= msecs_to_jiffies(tp->user_timeout) :
	    tp->probes >= anp_tcp_keepcnt(tp)) {
		/* Linux's tcp_keepalive_timer: a reset, then ETIMEDOUT. */
		anp_tcp_send_active_reset(sk);
		anp_tcp_reset(sk, sk->sk_err_soft ?: ETIMEDOUT);
		return;
	}
	tp->probes++;
	tp->probe_tstamp = jiffies;
	ANP_TCP_INC(sk, KEEPALIVE_PROBES);
	anp_tcp_send_probe(sk);
	sk_reset_timer(sk, &sk->sk_timer, jiffies + anp_tcp_keepintvl(tp));
}

static void anp_tcp_sk_timer(struct timer_list *t)
{
	struct sock *sk = from_timer(sk, t, sk_timer);

	bh_lock_sock(sk);
	if (sock_owned_by_user(sk)) {
		sk_reset_timer(sk, &sk->sk_timer, jiffies + ANP_TCP_DEFER);
	} else if (sk->sk_state == TCP_TIME_WAIT ||
		   (sk->sk_state == TCP_FIN_WAIT2 &&
		    sock_flag(sk, SOCK_DEAD))) {
		/* 2 * MSL over, or the orphan's peer never sent its FIN. */
		anp_tcp_done(sk);
	} else if (sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_LISTEN) {
		anp_tcp_keepalive_expired(sk);
	}
	bh_unlock_sock(sk);
	sock_put(sk);
}

void anp_tcp_init_timers(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	timer_setup(&tp->rtx_timer, anp_tcp_rtx_timer, 0);
	timer_setup(&tp->delack_timer, anp_tcp_delack_timer, 0);
	timer_setup(&sk->sk_timer, anp_tcp_sk_timer, 0);
}

/* Socket lock held; a handler already running finds CLOSED. */
void anp_tcp_stop_timers(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	tp->tmode = ANP_TCP_T_NONE;
	tp->ack_pending = 0;
	sk_stop_timer(sk, &tp->rtx_timer);
	sk_stop_timer(sk, &tp->delack_timer);
	sk_stop_timer(sk, &sk->sk_timer);
}

/*
 * Module unload: no handler may run after this returns.  Process
 * context, socket lock not held (a handler takes the spinlock).
 */
void anp_tcp_kill_timers(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	if (del_timer_sync(&tp->rtx_timer))
		__sock_put(sk);
	if (del_timer_sync(&tp->delack_timer))
		__sock_put(sk);
	if (del_timer_sync(&sk->sk_timer))
		__sock_put(sk);
}
