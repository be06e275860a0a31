// SPDX-License-Identifier: GPL-2.0
/*
 * RACK-TLP loss detection (RFC 8985), for connections with SACK.
 *
 * RACK (RFC 8985 6): a segment is lost once a segment sent after it
 * has been delivered (cumulatively acknowledged or SACKed) and a
 * reordering window has passed since.  Time, not counting, decides, so
 * a lost retransmission is found as a lost original is, and a window
 * too small for three SACKs still recovers.  The scoreboard
 * (tcp_sack.c) takes RACK's marks as IsLost().
 *
 * TLP (RFC 8985 7): with data in flight outside recovery, a probe
 * timeout of about two round trips sends one segment (new data, else
 * the last one again) so that a lost tail draws the SACK RACK needs,
 * instead of waiting for the RTO.
 *
 * Both timeouts share rtx_timer with the RTO (tmode REO, TLP), as
 * Linux's icsk_retransmit_timer does: each is shorter, and each re-arms
 * the RTO when it fires.  Times are tcp_clock_us() (cb->tx_us) in u32
 * microseconds.
 */
#include <net/tcp.h>

#include "tcp.h"

/* RFC 6675 2, RFC 8985 6.2 step 4: DupThresh. */
#define ANP_TCP_DUPTHRESH	3
/* RFC 8985 6.2 step 1: the window of RACK.min_RTT (Linux's
 * tcp_min_rtt_wlen, 300 s).
 */
#define ANP_TCP_MIN_RTT_WIN	(300 * HZ)
/* RFC 8985 7.2 WCDelAckT: the worst-case delayed ACK a lone segment
 * may wait for (Linux's TCP_DELACK_MAX, 200 ms).
 */
#define ANP_TCP_WCDELACK	ANP_TCP_DELACK_MAX
/* Linux's TCP_TIMEOUT_MIN: a timeout of under two jiffies could fire
 * before the jiffy it was meant for has ended.
 */
#define ANP_TCP_TIMEOUT_MIN	2
/* RFC 8985 6.2 step 4: recoveries a widened reordering window lasts. */
#define ANP_TCP_REO_WND_PERSIST	16

/*
 * RFC 8985 6.2 step 1: RACK.min_RTT from an RTT sample.  A windowed
 * minimum ("SHOULD ... adapt when migrating to significantly longer
 * paths"): a sample replaces it when smaller or when it is older than
 * the window.
 */
void anp_tcp_rack_rtt(struct anp_tcp_sock *tp, u32 rtt_us)
{
	struct anp_tcp_rack *r = &tp->rack;

	rtt_us = max(rtt_us, 1U);
	if (!r->min_rtt_us || rtt_us <= r->min_rtt_us ||
	    tcp_jiffies32 - r->min_rtt_stamp > ANP_TCP_MIN_RTT_WIN) {
		r->min_rtt_us = rtt_us;
		r->min_rtt_stamp = tcp_jiffies32;
	}
}

/* RFC 8985 6.1 RACK_sent_after(t1, seq1, t2, seq2). */
static bool anp_tcp_rack_sent_after(u32 t1, u32 seq1, u32 t2, u32 seq2)
{
	return (s32)(t1 - t2) > 0 || (t1 == t2 && anp_seq_after(seq1, seq2));
}

/*
 * RFC 8985 6.2 steps 2 and 3 for a segment an ACK newly delivers
 * (acknowledged or SACKed, not SACKed before).
 */
void anp_tcp_rack_delivered(struct anp_tcp_sock *tp,
			    const struct anp_tcp_skb_cb *cb)
{
	struct anp_tcp_rack *r = &tp->rack;
	u32 rtt = tcp_clock_us() - cb->tx_us;

	/*
	 * Step 3, RACK_detect_reordering(): delivered below RACK.fack
	 * without having been sent again, it was overtaken.
	 */
	if (!r->fack_valid || anp_seq_after(cb->end_seq, r->fack)) {
		r->fack = cb->end_seq;
		r->fack_valid = 1;
	} else if (anp_seq_before(cb->end_seq, r->fack) && !cb->retrans) {
		r->reord = 1;
	}
	/*
	 * Step 2, RACK_update(): a retransmitted segment delivered sooner
	 * than min_RTT after it went again was most likely the original's
	 * delivery: it says nothing of when the copy went.
	 */
	if (cb->retrans && rtt < r->min_rtt_us)
		return;
	r->rtt_us = rtt;
	if (!r->valid || anp_tcp_rack_sent_after(cb->tx_us, cb->end_seq,
						 r->xmit_us, r->end_seq)) {
		r->xmit_us = cb->tx_us;
		r->end_seq = cb->end_seq;
		r->valid = 1;
	}
}

/*
 * RFC 8985 6.2 step 4, the D-SACK half of RACK_update_reo_wnd(): each
 * round trip (until SND.UNA passes the SND.NXT of the first) with a
 * D-SACK, a sign the window was too short and a retransmission
 * spurious, widens the reordering window by one more min_RTT / 4, and
 * keeps it wide for 16 recoveries.  The D-SACK also counts as
 * reordering seen: the original of a segment sent again arrived after
 * all (RFC 3708 2), which step 3 cannot see, since it skips
 * retransmitted segments (Linux's undo marks reordering likewise).
 */
void anp_tcp_rack_dsack(struct anp_tcp_sock *tp, bool dsack)
{
	struct anp_tcp_rack *r = &tp->rack;

	if (r->dsack_round_on && !anp_seq_before(tp->snd_una, r->dsack_round))
		r->dsack_round_on = 0;
	if (!dsack)
		return;
	r->reord = 1;
	if (r->dsack_round_on)
		return;
	r->dsack_round = tp->snd_nxt;
	r->dsack_round_on = 1;
	r->reo_wnd_mult = max_t(u8, r->reo_wnd_mult, 1);
	if (r->reo_wnd_mult < U8_MAX)
		r->reo_wnd_mult++;
	r->reo_wnd_persist = ANP_TCP_REO_WND_PERSIST;
}

/* RFC 8985 6.2 step 4: a recovery (fast or RTO) ended. */
void anp_tcp_rack_recovered(struct anp_tcp_sock *tp)
{
	struct anp_tcp_rack *r = &tp->rack;

	if (r->reo_wnd_persist && !--r->reo_wnd_persist)
		r->reo_wnd_mult = 1;
}

/*
 * RFC 8985 6.2 step 4, RACK_update_reo_wnd(): no reordering window
 * while no reordering was seen and the connection is recovering, or
 * DupThresh segments are SACKed (so RACK then acts as RFC 6675's
 * DupThresh rule would); else min_RTT / 4 times the D-SACK multiplier,
 * at most SRTT.
 */
static u32 anp_tcp_rack_reo_wnd(const struct anp_tcp_sock *tp)
{
	const struct anp_tcp_rack *r = &tp->rack;

	if (!r->reord && (tp->cc.state != ANP_CC_OPEN ||
			  tp->sacked_out >= ANP_TCP_DUPTHRESH))
		return 0;
	return min(r->min_rtt_us / 4 * max_t(u32, r->reo_wnd_mult, 1),
		   tp->rtt.srtt_us);
}

/*
 * RFC 8985 6.2 step 5, RACK_detect_loss(): mark lost every segment
 * not delivered that was sent before RACK.segment and has waited
 * RACK.rtt + RACK.reo_wnd since it went.  A segment already lost and
 * not yet sent again is left as it is; a lost retransmission loses its
 * retransmitted mark, so recovery sends it again (Linux counts it as
 * TCPLostRetransmit).  *marked: any segment was.  Returns how long until the next segment's
 * window ends (microseconds, 0: none waits): the reordering timeout.
 */
u32 anp_tcp_rack_detect_loss(struct sock *sk, bool *marked)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	const struct anp_tcp_rack *r = &tp->rack;
	u32 now = tcp_clock_us(), wait = 0, reo;
	struct sk_buff *skb;

	*marked = false;
	if (!r->valid)
		return 0;
	reo = anp_tcp_rack_reo_wnd(tp);
	skb_queue_walk(&tp->rtx_q, skb) {
		struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb);
		s32 left;

		if (cb->sacked || (cb->lost && !cb->rtx_rec))
			continue;
		/*
		 * rtx_q is in sequence order, not sending order; but first
		 * transmissions go in sequence order and a retransmission
		 * goes after its original, so beyond a segment sent once,
		 * after RACK.segment, everything went later still.
		 */
		if (!anp_tcp_rack_sent_after(r->xmit_us, r->end_seq,
					     cb->tx_us, cb->end_seq)) {
			if (!cb->retrans)
				break;
			continue;
		}
		left = (s32)(cb->tx_us + r->rtt_us + reo - now);
		if (left > 0) {
			wait = max_t(u32, wait, left);
			continue;
		}
		if (cb->rtx_rec) {
			cb->rtx_rec = 0;
			ANP_TCP_INC(sk, LOST_RETRANSMIT);
		}
		cb->lost = 1;
		*marked = true;
	}
	return wait;
}

/* RFC 8985 7.2: a probe is scheduled only outside recovery, one at a
 * time, for a synchronized connection with data in flight and SACK.
 */
static bool anp_tcp_tlp_allowed(const struct sock *sk)
{
	const struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	return tp->sack_ok && tp->cc.state == ANP_CC_OPEN &&
	       !tp->rack.tlp_on && anp_tcp_flight(tp) &&
	       !((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV));
}

/*
 * RFC 8985 7.2: arm the probe timeout (PTO) in place of the RTO when
 * allowed.  PTO = 2 * SRTT, plus WCDelAckT when a single segment is in
 * flight (its ACK may be delayed), else plus two jiffies (Linux's
 * TCP_TIMEOUT_MIN); 1 s with no RTT sample yet; never later than the
 * RTO would fire (measured, as Linux's tcp_rto_delta_us(), from the
 * oldest segment's transmission).
 */
static bool anp_tcp_tlp_arm(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	u32 srtt = tp->rtt.srtt_us;
	unsigned long pto;
	struct sk_buff *head;
	s32 rto_left;

	if (!anp_tcp_tlp_allowed(sk))
		return false;
	if (!srtt)
		pto = HZ;
	else
		pto = usecs_to_jiffies(2 * srtt) +
		      (anp_tcp_flight(tp) <= tp->mss ? ANP_TCP_WCDELACK :
						       ANP_TCP_TIMEOUT_MIN);
	head = skb_peek(&tp->rtx_q);
	rto_left = anp_rtt_rto(&tp->rtt) -
		   (tcp_clock_us() - ANP_TCP_SKB_CB(head)->tx_us);
	if (rto_left > 0)
		pto = min(pto, usecs_to_jiffies(rto_left) ?: 1);
	tp->tmode = ANP_TCP_T_TLP;
	sk_reset_timer(sk, &tp->rtx_timer, jiffies + pto);
	return true;
}

/* Arm the reordering timeout, unless the pending RTO comes first. */
static void anp_tcp_rack_arm_reo(struct sock *sk, bool acked)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	unsigned long when = jiffies + usecs_to_jiffies(tp->rack.reo_us) +
			     ANP_TCP_TIMEOUT_MIN;

	if (!acked && tp->tmode == ANP_TCP_T_RTX &&
	    time_before(tp->rtx_timer.expires, when))
		return;
	tp->tmode = ANP_TCP_T_REO;
	sk_reset_timer(sk, &tp->rtx_timer, when);
}

/*
 * After an ACK (acked: it acknowledged new data) or a RACK timeout:
 * the retransmission timer's next use.  Nothing in flight: none.  A
 * segment in its reordering window: the reordering timeout (RFC 8985
 * 6.3).  New data acknowledged: the probe timeout when allowed (RFC
 * 8985 7.2: "upon receiving an ACK that cumulatively acknowledges
 * data"), else the RTO, restarted (RFC 6298 5.3).  A pending timer is
 * otherwise left as it is.
 */
void anp_tcp_rack_rearm(struct sock *sk, bool acked)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	if (!anp_tcp_flight(tp)) {
		/* RFC 6298 5.2: everything acknowledged, stop the timer. */
		if (tp->tmode != ANP_TCP_T_NONE &&
		    tp->tmode != ANP_TCP_T_PERSIST)
			anp_tcp_clear_rtx(sk);
		return;
	}
	/* Recovery started: the RTO, not a probe (RFC 8985 7.2). */
	if (tp->tmode == ANP_TCP_T_TLP && !anp_tcp_tlp_allowed(sk))
		anp_tcp_arm_rtx(sk);
	if (tp->rack.reo_us)
		anp_tcp_rack_arm_reo(sk, acked);
	else if (acked && !anp_tcp_tlp_arm(sk))
		anp_tcp_arm_rtx(sk);
}

/*
 * New data went out (anp_tcp_push()): RFC 8985 7.2 restarts the probe
 * timeout "after transmitting new data"; otherwise the RTO starts if
 * it is not running (RFC 6298 5.1).  A reordering timeout stays.
 */
void anp_tcp_rack_sent(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	if (tp->tmode == ANP_TCP_T_REO || anp_tcp_tlp_arm(sk))
		return;
	if (tp->tmode != ANP_TCP_T_RTX)
		anp_tcp_arm_rtx(sk);
}

/*
 * RFC 8985 6.3: the reordering timeout.  Segments whose window has
 * now passed are lost; recovery starts (or goes on) as on an ACK that
 * found them.  The RTO is armed again.
 */
void anp_tcp_rack_timeout(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	struct anp_cc_ack ca = {
		.ack = tp->snd_una,
		.snd_una = tp->snd_una,
		.snd_nxt = tp->snd_nxt,
		.flight = anp_tcp_flight(tp),
		.sack = true,
	};

	tp->tmode = ANP_TCP_T_NONE;
	if (!ca.flight)
		return;
	ca.lost = anp_tcp_sack_update(sk, true);
	anp_tcp_recovery(sk, &ca);
	if (tp->rack.reo_us)
		anp_tcp_rack_arm_reo(sk, true);
	else if (tp->tmode == ANP_TCP_T_NONE && anp_tcp_flight(tp))
		anp_tcp_arm_rtx(sk);
}

/*
 * RFC 8985 7.3: the probe timeout.  Send one segment of new data if
 * the peer's window takes it (whatever cwnd says), else the last
 * segment sent, again; remember SND.NXT for 7.4; then the RTO, not
 * another probe ("the sender MUST re-arm the RTO timer").
 */
void anp_tcp_tlp_timeout(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	struct anp_tcp_rack *r = &tp->rack;
	u32 nxt = tp->snd_nxt;
	struct sk_buff *skb;

	tp->tmode = ANP_TCP_T_NONE;
	if (!anp_tcp_tlp_allowed(sk))
		goto rearm;
	r->tlp_on = 1;
	anp_tcp_push(sk, ANP_TCP_PUSH_PROBE);
	r->tlp_retrans = tp->snd_nxt == nxt;
	if (r->tlp_retrans) {
		skb = skb_peek_tail(&tp->rtx_q);
		anp_tcp_transmit(sk, skb, true);
	}
	r->tlp_end_seq = tp->snd_nxt;
	ANP_TCP_INC(sk, LOSS_PROBES);
rearm:
	if (anp_tcp_flight(tp))
		anp_tcp_arm_rtx(sk);
}

/*
 * RFC 8985 7.4: did the probe repair a loss?  Once an ACK reaches
 * TLP.end_seq the episode ends: a probe of new data, or a D-SACK for
 * the probe's copy, or a duplicate ACK (both copies arrived) means no
 * loss; an ACK beyond TLP.end_seq after a retransmitted probe means
 * the probe repaired one, and congestion control responds (7.4.2,
 * TcpExtTCPLossProbeRecovery).  The order of the tests is Linux's
 * tcp_process_tlp_ack().
 */
void anp_tcp_tlp_ack(struct sock *sk, const struct anp_cc_ack *ca,
		     bool dsack)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	struct anp_tcp_rack *r = &tp->rack;

	if (!r->tlp_on || anp_seq_before(ca->ack, r->tlp_end_seq))
		return;
	if (!r->tlp_retrans || dsack) {
		r->tlp_on = 0;
	} else if (anp_seq_after(ca->ack, r->tlp_end_seq)) {
		if (tp->cc.state == ANP_CC_OPEN && tp->cc.ops->reduce)
			tp->cc.ops->reduce(&tp->cc, ca->flight);
		ANP_TCP_INC(sk, LOSS_PROBE_RECOVERY);
		r->tlp_on = 0;
	} else if (ca->dup) {
		r->tlp_on = 0;
	}
}
