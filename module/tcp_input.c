// SPDX-License-Identifier: GPL-2.0
/*
 * TCP input: segment validation and demux (anp_tcp_rcv, BH), then the
 * event processing of RFC 9293 3.10.7 for the state of the socket
 * found (anp_tcp_do_rcv, under the socket lock: directly from BH, or
 * from the backlog when the user held the socket).
 *
 * Every segment dropped is counted: TcpInErrs for malformed ones (and
 * TcpInCsumErrors) and a SYN in ESTABLISHED, as Linux, TCPOFODrop /
 * TCPRcvQDrop / TCPBacklogDrop for memory bounds, ListenOverflows /
 * ListenDrops for full queues, TcpOutOfWindow for unacceptable ones
 * (answered with an ACK), the RFC 5961 challenge counters, and the
 * socket's sk_drops for the discards RFC 9293 prescribes.
 */
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "tcp.h"

/*
 * The peer's window from a segment (RFC 7323 2.2: scaled, except in a
 * segment with SYN, whose window never is).
 */
static u32 anp_tcp_seg_wnd(const struct anp_tcp_sock *tp,
			   const struct tcphdr *th)
{
	return th->syn ? ntohs(th->window) :
	       (u32)ntohs(th->window) << tp->snd_wscale;
}

/*
 * A discard RFC 9293 prescribes (an RST to a listener, a segment
 * without ACK, ...): no input error, so not TcpInErrs, which Linux
 * keeps for bad checksums and malformed headers (tcp_v4_rcv()) and a
 * SYN in ESTABLISHED (tcp_validate_incoming()); counted in the
 * socket's drops, as Linux's tcp_drop_reason().
 */
static void anp_tcp_drop(struct sock *sk, struct sk_buff *skb)
{
	sk_drops_add(sk, skb);
	kfree_skb(skb);
}

/* ---- LISTEN (RFC 9293 3.10.7.2) ------------------------------------ */

static void anp_tcp_listen_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk), *ctp;
	struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	const struct iphdr *iph = ip_hdr(skb);
	struct anp_net *an = anp_net(sock_net(sk));
	struct anp_tcp_opts opts;
	struct sock *child;
	bool full;

	/* "An incoming RST should be ignored." */
	if (cb->flags & TCPHDR_RST)
		goto drop;
	/* "Any acknowledgment is bad ... <SEQ=SEG.ACK><CTL=RST>". */
	if (cb->flags & TCPHDR_ACK) {
		anp_tcp_send_reset(an, skb);
		goto drop;
	}
	if (!(cb->flags & TCPHDR_SYN))
		goto drop;
	/*
	 * SYN with FIN is no opening any stack sends (a scan or an
	 * attack): discarded, as Linux's LISTEN processing does.
	 */
	if (cb->flags & TCPHDR_FIN)
		goto drop;

	/*
	 * Separate SYN and accept queues, each bounded by the backlog
	 * (at least one), as Linux without syncookies: a SYN that finds
	 * either full is dropped and counted; the peer retries.
	 */
	spin_lock_bh(&tp->acc_lock);
	full = sk_acceptq_is_full(sk);
	if (full)
		ANP_TCP_INC(sk, LISTEN_OVERFLOWS);
	full |= tp->syn_qlen >= max_t(u32, READ_ONCE(sk->sk_max_ack_backlog),
				      1);
	spin_unlock_bh(&tp->acc_lock);
	if (full) {
		ANP_TCP_INC(sk, LISTEN_DROPS);
		kfree_skb(skb);
		return;
	}

	child = anp_tcp_child_alloc(sk);
	if (!child) {
		ANP_TCP_INC(sk, LISTEN_DROPS);
		kfree_skb(skb);
		return;
	}
	ctp = anp_tcp_sk(child);
	child->sk_rcv_saddr = iph->daddr;
	ctp->as.saddr = iph->daddr;
	child->sk_daddr = iph->saddr;
	child->sk_dport = th->source;
	child->sk_state = TCP_SYN_RECV;
	/* RFC 9293 3.10.7.2: RCV.NXT = SEG.SEQ + 1, IRS = SEG.SEQ. */
	ctp->irs = cb->seq;
	ctp->rcv_nxt = cb->seq + 1;
	ctp->rcv_wup = ctp->rcv_nxt;
	ctp->copied_seq = ctp->rcv_nxt;
	ctp->snd_wnd = ntohs(th->window);
	ctp->max_snd_wnd = ctp->snd_wnd;
	ctp->snd_wl1 = cb->seq;
	/* RFC 6528: ISS from the 4-tuple and a clock. */
	ctp->iss = anp_tcp_isn(iph->daddr, iph->saddr, th->dest, th->source);
	ctp->snd_wl2 = ctp->iss;
	ctp->advmss = anp_tcp_route_mss(child, iph->saddr);
	ctp->rcv_wscale = anp_tcp_rcv_wscale(child);
	ctp->ts_off = anp_tcp_ts_off(iph->daddr, iph->saddr);
	anp_tcp_opts_parse(th, &opts);
	anp_tcp_init_conn(child, &opts);
	ctp->rcv_tstamp = jiffies;

	/* Join the SYN queue, then become findable. */
	spin_lock_bh(&tp->acc_lock);
	list_add_tail(&ctp->q_node, &tp->syn_q);
	tp->syn_qlen++;
	ctp->in_syn_q = 1;
	spin_unlock_bh(&tp->acc_lock);
	if (anp_port_inherit(anp_port_table(an, IPPROTO_TCP), child, sk)) {
		anp_tcp_child_unlink(child);
		ANP_TCP_INC(sk, LISTEN_DROPS);
		kfree_skb(skb);
		return;
	}
	ANP_TCP_INC(sk, PASSIVE_OPENS);
	/* <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>; its timer is armed. */
	/*
	 * Subclass 0 under the listener's nested (1) lock.  From the
	 * listener's backlog (release_sock) this runs with BH on: the
	 * SYN,ACK to a local peer would run the softirq inside the
	 * transmit (anp_loop_xmit's local_bh_enable), whose answer for
	 * this child then spins on the lock held here.
	 */
	local_bh_disable();
	bh_lock_sock(child);
	if (anp_tcp_send_syn(child))
		anp_tcp_done(child);
	bh_unlock_sock(child);
	local_bh_enable();
	consume_skb(skb);
	return;

drop:
	anp_tcp_drop(sk, skb);
}

/* ---- ACK processing (RFC 9293 3.10.7.4 fifth check) ----------------- */

/*
 * Free what ack covers; an RTT sample from a segment sent once, or,
 * when only retransmitted ones were covered, from the timestamp the
 * ACK echoes (tsecr, 0: none; RFC 7323 4.1 lets a sender measure every
 * ACK that advances the left edge, retransmissions included, since the
 * echo names the transmission: Linux's tcp_ack_update_rtt()).
 */
static void anp_tcp_clean_acked(struct sock *sk, u32 ack, u32 tsecr)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	struct sk_buff_head *queues[] = { &tp->rtx_q, &sk->sk_write_queue };
	bool acked = false;
	s64 sample = -1;
	int i;

	for (i = 0; i < ARRAY_SIZE(queues); i++) {
		struct sk_buff *skb;

		while ((skb = skb_peek(queues[i]))) {
			struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb);

			if (!anp_seq_after(ack, cb->seq))
				break;
			if (anp_seq_before(ack, cb->end_seq)) {
				/* Partly acknowledged: keep the rest. */
				__skb_pull(skb, ack - cb->seq);
				cb->seq = ack;
				break;
			}
			/* Karn's rule (RFC 6298 3): no sample from a
			 * retransmitted segment.
			 */
			if (i == 0) {
				sample = cb->retrans ? -1 :
					 (s64)(tcp_clock_us() - cb->tx_us);
				if (tp->sack_ok && !cb->sacked)
					anp_tcp_rack_delivered(tp, cb);
			}
			__skb_unlink(skb, queues[i]);
			anp_tcp_free_skb(sk, skb);
			acked = true;
		}
	}
	if (sample < 0 && acked && tsecr) {
		u32 ms = anp_tcp_ts_now(tp) - tsecr;

		/* A TSecr from the future (a broken peer) gives none. */
		if (ms < INT_MAX / USEC_PER_MSEC)
			sample = max(ms, 1U) * USEC_PER_MSEC;
	}
	if (sample >= 0) {
		anp_rtt_sample(&tp->rtt, sample);
		anp_tcp_rack_rtt(tp, sample);
	}
}

static void anp_tcp_ack(struct sock *sk, struct sk_buff *skb,
			const struct anp_tcp_opts *opts)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	u32 ack = ntohl(th->ack_seq), wnd = anp_tcp_seg_wnd(tp, th);
	struct anp_cc_ack ca = {
		.ack = ack,
		.snd_una = tp->snd_una,
		.flight = anp_tcp_flight(tp),
	};
	bool dsack = false;

	tp->last_ack_recv = jiffies;
	if (anp_seq_after(ack, tp->snd_una)) {
		/*
		 * Congestion control counts data: the SYN's sequence number
		 * (acknowledged in SYN-RECEIVED) is none (Linux's
		 * tcp_ack() grows cwnd by the packets acked, never the SYN).
		 */
		struct sk_buff *head = skb_peek(&tp->rtx_q);

		ca.acked = ack - tp->snd_una;
		tp->bytes_acked += ca.acked;
		if (head && (ANP_TCP_SKB_CB(head)->flags & TCPHDR_SYN))
			ca.acked--;
		anp_tcp_clean_acked(sk, ack, (opts->present & ANP_TCP_OPT_TS) ?
					     opts->tsecr : 0);
		tp->snd_una = ack;
		if (anp_seq_after(ack, tp->snd_nxt))
			tp->snd_nxt = ack;
		tp->retries = 0;
		/*
		 * The backoff stays until a valid RTT sample (Karn's rule,
		 * RFC 6298 5.7 note; anp_rtt_sample clears it): an ACK of
		 * retransmitted data proves nothing about the RTT.
		 */
		if (sk->sk_socket &&
		    test_bit(SOCK_NOSPACE, &sk->sk_socket->flags))
			anp_tcp_new_space(sk);
	} else if (ack == tp->snd_una && !skb->len &&
		   !(cb->flags & (TCPHDR_SYN | TCPHDR_FIN)) &&
		   wnd == tp->snd_wnd && tp->snd_max != tp->snd_una) {
		/* RFC 5681 2: a duplicate acknowledgment. */
		ca.dup = true;
	}
	ca.snd_nxt = tp->snd_nxt;
	/*
	 * RFC 6675 5: the scoreboard first, with RACK's losses (RFC 8985
	 * 6.2), then congestion control and what it sends.
	 */
	if (tp->sack_ok) {
		dsack = anp_tcp_sack_rcv(sk, opts);
		anp_tcp_rack_dsack(tp, dsack);
		if (dsack)
			anp_tcp_undo_dsack(tp, &opts->sacks[0]);
		ca.lost = anp_tcp_sack_update(sk, opts->present &
						  ANP_TCP_OPT_SACK);
		ca.sack = true;
	}
	anp_tcp_recovery(sk, &ca);
	if (tp->sack_ok)
		anp_tcp_tlp_ack(sk, &ca, dsack);
	/*
	 * RFC 6298 5.2, 5.3: stop or restart the timer; or RACK's
	 * reordering or probe timeout in its place (RFC 8985 6.3, 7.2).
	 */
	anp_tcp_rack_rearm(sk, ca.acked);

	/* RFC 9293 3.10.7.4: update the window from the newest segment. */
	if (!anp_seq_before(ack, tp->snd_una) &&
	    (anp_seq_before(tp->snd_wl1, cb->seq) ||
	     (tp->snd_wl1 == cb->seq && !anp_seq_before(ack, tp->snd_wl2)))) {
		tp->snd_wnd = wnd;
		tp->snd_wl1 = cb->seq;
		tp->snd_wl2 = ack;
		tp->max_snd_wnd = max(tp->max_snd_wnd, wnd);
		if (wnd && tp->tmode == ANP_TCP_T_PERSIST) {
			anp_tcp_clear_rtx(sk);
			tp->probes = 0;
		}
	}
}

/* ---- data and FIN (RFC 9293 3.10.7.4 seventh and eighth) ------------ */

static void anp_tcp_fin(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	tp->rcv_nxt++;
	sock_set_flag(sk, SOCK_DONE);
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
	switch (sk->sk_state) {
	case TCP_SYN_RECV:
	case TCP_ESTABLISHED:
		anp_tcp_set_state(sk, TCP_CLOSE_WAIT);
		break;
	case TCP_FIN_WAIT1:
		/* Our FIN is not acknowledged yet (else FIN-WAIT-2). */
		anp_tcp_set_state(sk, TCP_CLOSING);
		break;
	case TCP_FIN_WAIT2:
		anp_tcp_set_state(sk, TCP_TIME_WAIT);
		anp_tcp_stop_timers(sk);
		anp_tcp_arm_timewait(sk);
		break;
	}
	if (!sock_flag(sk, SOCK_DEAD)) {
		sk->sk_state_change(sk);
		if (sk->sk_shutdown == SHUTDOWN_MASK ||
		    sk->sk_state == TCP_CLOSE)
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_HUP);
		else
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_IN);
	}
}

/*
 * Receive memory (Linux's tcp_try_rmem_schedule() and its helpers).
 * The buffer counts skb truesize, the window counts payload bytes, and
 * a frame from a NIC may carry far more truesize than payload.  Data in
 * sequence is never dropped while there is a way to make room for it:
 * it is coalesced into the tail of the receive queue, the queue's
 * bloated skbs are copied into compact ones (collapse) when the buffer
 * is over, and out-of-order data, never acknowledged, is pruned last.
 *
 * A compact skb holds at least 3/4 of its truesize as payload (a page
 * of payload in a page-sized head is about 87 %), so once collapsed
 * the in-order data of a window W takes at most 4W/3 of truesize:
 * anp_tcp_rcv_space() offers half of the free space as window, so
 * whatever the peer may send within it fits.
 */
#define ANP_TCP_COLLAPSE_MAX	SKB_MAX_ORDER(0, 0)

static bool anp_tcp_skb_bloated(const struct sk_buff *skb)
{
	return 4ULL * skb->len < 3ULL * skb->truesize;
}

static bool anp_tcp_rmem_fits(const struct sock *sk)
{
	return atomic_read(&sk->sk_rmem_alloc) + anp_tcp_sk(sk)->ofo.truesize <=
	       READ_ONCE(sk->sk_rcvbuf);
}

/* The out-of-order queue's bound: the buffer the receive queue leaves. */
static u32 anp_tcp_ofo_room(const struct sock *sk)
{
	return max_t(int, READ_ONCE(sk->sk_rcvbuf) -
			  atomic_read(&sk->sk_rmem_alloc), 0);
}

/* Bytes of skb (one of the receive queue) not read yet. */
static u32 anp_tcp_unread(const struct sock *sk, const struct sk_buff *skb)
{
	u32 seq = ANP_TCP_SKB_CB(skb)->seq, from = anp_tcp_sk(sk)->copied_seq;

	if (anp_seq_leq(from, seq))
		return skb->len;
	return from - seq < skb->len ? skb->len - (from - seq) : 0;
}

/* An empty compact skb for up to size bytes; NULL without memory. */
static struct sk_buff *anp_tcp_collapse_alloc(u32 size)
{
	struct sk_buff *nskb = alloc_skb(min_t(u32, size, ANP_TCP_COLLAPSE_MAX),
					 GFP_ATOMIC);

	if (nskb)
		memset(nskb->cb, 0, sizeof(nskb->cb));
	return nskb;
}

/*
 * tcp_collapse(): the unread payload of every bloated skb of the
 * receive queue (and of a partly read head) is copied, in order, into
 * compact skbs that take its place; runs of such skbs share the compact
 * skbs.  An skb is replaced only when all its copies could be
 * allocated, so the queue never holds a sequence number twice.
 */
static void anp_tcp_collapse(struct sock *sk)
{
	struct sk_buff_head *q = &sk->sk_receive_queue;
	struct sk_buff *skb, *next, *nskb = NULL, *extra;
	struct sk_buff_head fresh;

	__skb_queue_head_init(&fresh);
	skb_queue_walk_safe(q, skb, next) {
		u32 left = anp_tcp_unread(sk, skb), off = skb->len - left;
		u32 seq = ANP_TCP_SKB_CB(skb)->seq + off, need;

		if (left && !off && !anp_tcp_skb_bloated(skb)) {
			nskb = NULL;
			continue;
		}
		/* The compact skbs this one needs beyond nskb's room. */
		need = left - min_t(u32, left, nskb ? skb_tailroom(nskb) : 0);
		while (need) {
			extra = anp_tcp_collapse_alloc(need);
			if (!extra) {
				__skb_queue_purge(&fresh);
				return;
			}
			need -= min_t(u32, need, skb_tailroom(extra));
			__skb_queue_tail(&fresh, extra);
		}
		while (left) {
			u32 n;

			if (!nskb || !skb_tailroom(nskb)) {
				nskb = __skb_dequeue(&fresh);
				ANP_TCP_SKB_CB(nskb)->seq = seq;
				ANP_TCP_SKB_CB(nskb)->end_seq = seq;
				__skb_queue_before(q, skb, nskb);
				skb_set_owner_r(nskb, sk);
			}
			n = min_t(u32, left, skb_tailroom(nskb));
			/* Within skb->len: cannot fail. */
			WARN_ON_ONCE(skb_copy_bits(skb, off, skb_put(nskb, n), n));
			ANP_TCP_SKB_CB(nskb)->end_seq += n;
			seq += n;
			off += n;
			left -= n;
		}
		__skb_unlink(skb, q);
		consume_skb(skb);
		ANP_TCP_INC(sk, RCV_COLLAPSED);
	}
}

/*
 * tcp_try_coalesce(): skb's payload appended to the receive queue's
 * tail skb when it follows it, its head or pages moved over; true when
 * skb was consumed.
 */
static bool anp_tcp_try_coalesce(struct sock *sk, struct sk_buff *skb)
{
	struct sk_buff *tail = skb_peek_tail(&sk->sk_receive_queue);
	bool fragstolen;
	int delta;

	if (!tail ||
	    ANP_TCP_SKB_CB(tail)->seq + tail->len != ANP_TCP_SKB_CB(skb)->seq ||
	    !skb_try_coalesce(tail, skb, &fragstolen, &delta))
		return false;
	/* tail's truesize grew by delta: its owner pays it. */
	atomic_add(delta, &sk->sk_rmem_alloc);
	sk_mem_charge(sk, delta);
	ANP_TCP_SKB_CB(tail)->end_seq = ANP_TCP_SKB_CB(tail)->seq + tail->len;
	kfree_skb_partial(skb, fragstolen);
	return true;
}

/*
 * Room for in-order data, as tcp_try_rmem_schedule(): collapse the
 * receive queue, then prune the out-of-order queue from its end (RFC
 * 9293 3.10.7.4: data not acknowledged may be dropped; the peer sends
 * it again).  An empty receive queue always takes the segment, as
 * sk_forced_mem_schedule() in tcp_data_queue(): progress is never
 * blocked by the out-of-order queue or one big skb.
 */
static bool anp_tcp_rmem_schedule(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	int room;

	if (skb_queue_empty(&sk->sk_receive_queue) || anp_tcp_rmem_fits(sk))
		return true;
	/* The counters of tcp_prune_queue() and tcp_prune_ofo_queue(). */
	ANP_TCP_INC(sk, PRUNE_CALLED);
	anp_tcp_collapse(sk);
	if (anp_tcp_rmem_fits(sk))
		return true;
	if (tp->ofo.segs) {
		ANP_TCP_INC(sk, OFO_PRUNED);
		room = READ_ONCE(sk->sk_rcvbuf) -
		       atomic_read(&sk->sk_rmem_alloc);
		anp_ofo_prune(&tp->ofo, max(room, 0));
		/* RFC 2018 8: what was reported may be gone; report none
		 * until new data arrives (Linux's tcp_sack_reset()).
		 */
		tp->num_sacks = 0;
		if (anp_tcp_rmem_fits(sk))
			return true;
	}
	ANP_TCP_INC(sk, RCV_PRUNED);
	return false;
}

/*
 * A copy of skb's payload (and control block) in a compact skb, for the
 * out-of-order queue; NULL when it would not be smaller or no memory.
 */
static struct sk_buff *anp_tcp_compact(struct sk_buff *skb)
{
	struct sk_buff *nskb;

	if (skb->len > ANP_TCP_COLLAPSE_MAX || !anp_tcp_skb_bloated(skb))
		return NULL;
	nskb = alloc_skb(skb->len, GFP_ATOMIC);
	if (!nskb)
		return NULL;
	if (skb_copy_bits(skb, 0, skb_put(nskb, skb->len), skb->len)) {
		kfree_skb(nskb);
		return NULL;
	}
	memcpy(nskb->cb, skb->cb, sizeof(skb->cb));
	return nskb;
}

/*
 * RFC 2883 4: data that arrived twice is reported to a peer that
 * permitted SACK as the first block of the next ACK (a D-SACK), which
 * tells its sender the retransmission was spurious.
 */
static void anp_tcp_dsack(struct sock *sk, u32 start, u32 end, bool ofo)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	if (!tp->sack_ok || !anp_seq_before(start, end))
		return;
	tp->dsack_block.start = start;
	tp->dsack_block.end = end;
	tp->dsack = 1;
	if (ofo)
		ANP_TCP_INC(sk, DSACK_OFO_SENT);
	else
		ANP_TCP_INC(sk, DSACK_OLD_SENT);
}

/*
 * RFC 9293 3.10.7.4: hold a segment beyond RCV.NXT for later, payload
 * or a bare FIN alike (the FIN is taken once the gap before it fills).
 * The queue is bounded by the receive buffer's free space; when it is
 * full, the receive queue is collapsed and a bloated segment copied to
 * a compact skb before giving up (tcp_data_queue_ofo()).
 */
static void anp_tcp_queue_ofo(struct sock *sk, struct sk_buff *skb)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	u32 seq = ANP_TCP_SKB_CB(skb)->seq, end = ANP_TCP_SKB_CB(skb)->end_seq;
	struct sk_buff *nskb;
	int ret;

	ret = anp_ofo_insert(&tp->ofo, skb, anp_tcp_ofo_room(sk));
	if (ret == -ENOBUFS) {
		ANP_TCP_INC(sk, PRUNE_CALLED);
		anp_tcp_collapse(sk);
		nskb = anp_tcp_compact(skb);
		if (nskb) {
			consume_skb(skb);
			skb = nskb;
		}
		ret = anp_ofo_insert(&tp->ofo, skb, anp_tcp_ofo_room(sk));
	}
	if (ret < 0) {
		ANP_TCP_INC(sk, OFO_DROP);
		kfree_skb(skb);
		return;
	}
	if (!ret)
		ANP_TCP_INC(sk, OFO_QUEUE);
	else
		anp_tcp_dsack(sk, seq, end, true);
	/* Held now (or already): the block with it goes first (RFC 2018 4). */
	if (tp->sack_ok)
		anp_tcp_sack_note(tp->sacks, &tp->num_sacks, seq, end);
}

/* An in-order segment (seq == rcv_nxt) to the receive queue. */
static void anp_tcp_queue_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	tp->rcv_nxt += skb->len;
	tp->bytes_received += skb->len;
	if (anp_tcp_try_coalesce(sk, skb))
		return;
	skb_set_owner_r(skb, sk);
	__skb_queue_tail(&sk->sk_receive_queue, skb);
}

/*
 * Text and FIN of an acceptable segment in ESTABLISHED or FIN-WAIT-*.
 * Consumes skb.  Returns true when the ACK should go at once.
 */
static bool anp_tcp_data(struct sock *sk, struct sk_buff *skb)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb);
	u32 right = tp->rcv_nxt + max_t(s32, tp->rcv_wup + tp->rcv_wnd -
					tp->rcv_nxt, 0);
	bool had_ofo = tp->ofo.segs, fin, queued = false;
	struct sk_buff *o;
	u32 len;

	/* Bytes beyond the window are trimmed (with the FIN after them). */
	if (anp_seq_after(cb->seq + skb->len, right) &&
	    anp_seq_after(right, cb->seq)) {
		if (pskb_trim(skb, right - cb->seq))
			goto drop;
		cb->flags &= ~TCPHDR_FIN;
		cb->end_seq = right;
	}
	if (anp_seq_after(cb->seq, tp->rcv_nxt)) {
		anp_tcp_queue_ofo(sk, skb);
		/* RFC 5681 4.2: out-of-order data is ACKed at once. */
		return true;
	}
	/* Starts at or before RCV.NXT: trim what we have already. */
	if (anp_seq_before(cb->seq, tp->rcv_nxt)) {
		anp_tcp_dsack(sk, cb->seq, tp->rcv_nxt, false);
		len = min(tp->rcv_nxt - cb->seq, skb->len);
		if (!pskb_pull(skb, len))
			goto drop;
		cb->seq += len;
	}
	fin = cb->flags & TCPHDR_FIN;
	if (skb->len) {
		if (!anp_tcp_rmem_schedule(sk)) {
			/* Still over the buffer: the peer sends it again. */
			ANP_TCP_INC(sk, RCVQ_DROP);
			atomic_inc(&sk->sk_drops);
			kfree_skb(skb);
			return true;
		}
		tp->data_segs_in++;
		tp->last_data_recv = jiffies;
		tp->rcv_mss = clamp_t(u32, skb->len, tp->rcv_mss, tp->advmss);
		anp_tcp_queue_rcv(sk, skb);
		queued = true;
	} else {
		consume_skb(skb);
	}
	/* The gap may be filled: take what now follows in order. */
	while (!fin && (o = anp_ofo_pop(&tp->ofo, tp->rcv_nxt))) {
		fin = ANP_TCP_SKB_CB(o)->flags & TCPHDR_FIN;
		if (o->len) {
			anp_tcp_queue_rcv(sk, o);
			queued = true;
		} else {
			consume_skb(o);
		}
	}
	if (tp->num_sacks)
		anp_tcp_sack_clean(tp->sacks, &tp->num_sacks, tp->rcv_nxt);
	/* DRS without timestamps: the time a window takes to arrive. */
	if (queued)
		anp_tcp_rcv_rtt_measure(sk);
	if (fin)
		anp_tcp_fin(sk);
	if (queued && !sock_flag(sk, SOCK_DEAD))
		sk->sk_data_ready(sk);
	/*
	 * RFC 1122 4.2.3.2: ACK at least every second full-sized segment;
	 * at once while quick ACKs last, for a FIN, and when a gap was
	 * filled (RFC 5681 4.2).  TCP_QUICKACK 0 (Linux's pingpong mode)
	 * suspends the quick ACKs.
	 */
	if (fin || had_ofo || (tp->quickack && !tp->pingpong) ||
	    tp->rcv_nxt - tp->rcv_wup >= 2 * (u32)tp->rcv_mss) {
		if (tp->quickack && !tp->pingpong)
			tp->quickack--;
		return true;
	}
	tp->ack_pending = 1;
	return false;

drop:
	anp_tcp_drop(sk, skb);
	return true;
}

/* ---- SYN-SENT (RFC 9293 3.10.7.3) ----------------------------------- */

static void anp_tcp_synsent_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	u32 ack = ntohl(th->ack_seq);
	struct anp_tcp_opts opts;
	struct sk_buff *syn;

	if (cb->flags & TCPHDR_ACK) {
		/* SEG.ACK =< ISS or SEG.ACK > SND.NXT: not for our SYN. */
		if (!anp_seq_after(ack, tp->iss) ||
		    anp_seq_after(ack, tp->snd_nxt)) {
			anp_tcp_send_reset(anp_net(sock_net(sk)), skb);
			goto drop;
		}
	}
	if (cb->flags & TCPHDR_RST) {
		/* Acceptable only with an acceptable ACK. */
		if (!(cb->flags & TCPHDR_ACK))
			goto drop;
		anp_tcp_reset(sk, ECONNREFUSED);
		consume_skb(skb);
		return;
	}
	if (!(cb->flags & TCPHDR_SYN))
		goto drop;

	tp->irs = cb->seq;
	tp->rcv_nxt = cb->seq + 1;
	tp->rcv_wup = tp->rcv_nxt;
	tp->copied_seq = tp->rcv_nxt;
	tp->snd_wnd = ntohs(th->window);
	tp->max_snd_wnd = tp->snd_wnd;
	tp->snd_wl1 = cb->seq;
	tp->snd_wl2 = ack;
	anp_tcp_opts_parse(th, &opts);
	anp_tcp_init_conn(sk, &opts);
	tp->rcv_tstamp = jiffies;

	if (!(cb->flags & TCPHDR_ACK)) {
		/* Simultaneous open: SYN-RECEIVED, our SYN again with ACK. */
		anp_tcp_set_state(sk, TCP_SYN_RECV);
		anp_tcp_retransmit_head(sk);
		consume_skb(skb);
		return;
	}
	syn = skb_peek(&tp->rtx_q);
	/* RFC 6298 5.7: a retransmitted SYN leaves a 3 s RTO for data. */
	if (syn && ANP_TCP_SKB_CB(syn)->retrans) {
		tp->rtt.rto_us = max(tp->rtt.rto_us, ANP_TCP_RTO_AFTER_SYN_US);
		tp->rtt.backoff = 0;
	}
	anp_tcp_clean_acked(sk, ack, tp->ts_ok ? opts.tsecr : 0);
	tp->snd_una = ack;
	tp->retries = 0;
	anp_tcp_clear_rtx(sk);
	anp_tcp_set_state(sk, TCP_ESTABLISHED);
	/* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>; data waits for it. */
	anp_tcp_send_ack(sk);
	anp_tcp_arm_keepalive(sk);
	if (!sock_flag(sk, SOCK_DEAD)) {
		sk->sk_state_change(sk);
		sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
	}
	anp_tcp_push(sk, 0);
	consume_skb(skb);
	return;

drop:
	anp_tcp_drop(sk, skb);
}

/* ---- synchronized states (RFC 9293 3.10.7.4) ------------------------ */

/*
 * RFC 9293 3.6.1 and RFC 1122 4.2.2.13 (as Linux's
 * tcp_timewait_state_process(), TCP_TW_SYN): a SYN without ACK or RST
 * for a TIME-WAIT connection's 4-tuple, above what it has seen, may
 * open a new incarnation of the connection.
 */
static bool anp_tcp_timewait_syn(struct sock *sk, const struct sk_buff *skb)
{
	const struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb);
	const struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	struct anp_tcp_opts opts;

	if ((cb->flags & (TCPHDR_SYN | TCPHDR_RST | TCPHDR_ACK)) != TCPHDR_SYN)
		return false;
	if (anp_seq_after(cb->seq, tp->rcv_nxt))
		return true;
	/*
	 * RFC 6191 2: with timestamps on, a SYN whose TSval is above
	 * TS.Recent is new even when its sequence number is not.
	 */
	if (!tp->ts_ok)
		return false;
	anp_tcp_opts_parse(tcp_hdr(skb), &opts);
	return (opts.present & ANP_TCP_OPT_TS) &&
	       (s32)(opts.tsval - tp->ts_recent) > 0;
}

static void anp_tcp_note_listener(struct sock *sk, void *found)
{
	if (READ_ONCE(sk->sk_state) == TCP_LISTEN)
		*(bool *)found = true;
}

/*
 * Such a SYN ends the TIME-WAIT only when a listener on the port will
 * take it (Linux's tcp_v4_rcv(): TCP_TW_SYN looks the listener up
 * first); then the caller looks the segment up again.  Without one the
 * TIME-WAIT stays and answers it (anp_tcp_rcv_state).  The port walk
 * sees every socket that would take a segment from this source, the
 * listeners among them.
 */
bool anp_tcp_timewait_reopen(struct sock *sk, struct sk_buff *skb)
{
	struct anp_port_table *pt = anp_port_table(anp_net(sock_net(sk)),
						   IPPROTO_TCP);
	const struct tcphdr *th = tcp_hdr(skb);
	const struct iphdr *iph = ip_hdr(skb);
	bool listener = false;

	if (!anp_tcp_timewait_syn(sk, skb))
		return false;
	rcu_read_lock();
	anp_port_bcast_walk(pt, iph->saddr, th->source, iph->daddr, th->dest,
			    anp_tcp_note_listener, &listener);
	rcu_read_unlock();
	if (!listener)
		return false;
	ANP_TCP_INC(sk, TW_RECYCLED);
	anp_tcp_done(sk);
	return true;
}

static int anp_tcp_rst_errno(const struct sock *sk)
{
	/* Linux's tcp_reset(). */
	switch (sk->sk_state) {
	case TCP_SYN_SENT:
	case TCP_SYN_RECV:
		return -ECONNREFUSED;
	case TCP_CLOSE_WAIT:
		return -EPIPE;
	default:
		return -ECONNRESET;
	}
}

/*
 * RFC 5961 4.2 and RFC 9293 3.10.7.4 fourth check: a SYN in a
 * synchronized state, "irrespective of the sequence number", draws a
 * challenge ACK (rate limited) and is discarded, never a reset; in
 * ESTABLISHED Linux counts it in TcpInErrs too (tcp_rcv_established()
 * passes syn_inerr to tcp_validate_incoming()).
 */
static void anp_tcp_syn_challenge(struct sock *sk)
{
	if (sk->sk_state == TCP_ESTABLISHED)
		ANP_TCP_INC(sk, IN_ERRS);
	if (anp_tcp_syn_check() == ANP_TCP_CHALLENGE) {
		ANP_TCP_INC(sk, SYN_CHALLENGE);
		anp_tcp_send_challenge_ack(sk);
	}
}

/*
 * RFC 7323 5.3 R1 lets an old TSval drop a segment; Linux's
 * tcp_disordered_ack() spares a pure duplicate ACK that changes
 * nothing and is at most one RTO older (ACKs reordered on the path
 * stay counted as duplicates for fast retransmit).
 */
static bool anp_tcp_disordered_ack(const struct sock *sk,
				   const struct sk_buff *skb, u32 tsval)
{
	const struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	const struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);

	return th->ack && cb->seq == cb->end_seq && cb->seq == tp->rcv_nxt &&
	       ntohl(th->ack_seq) == tp->snd_una &&
	       !anp_seq_after(cb->seq, tp->snd_wl1) &&
	       !(cb->seq == tp->snd_wl1 &&
		 anp_tcp_seg_wnd(tp, th) > tp->snd_wnd) &&
	       tp->ts_recent - tsval <= anp_rtt_rto(&tp->rtt) / USEC_PER_MSEC;
}

/* RFC 7323 5.3 R1 (PAWS): false when the segment is to be dropped. */
static bool anp_tcp_paws(struct sock *sk, const struct sk_buff *skb,
			 const struct anp_tcp_opts *opts)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	if (!(opts->present & ANP_TCP_OPT_TS) ||
	    anp_tcp_paws_ok(tp->ts_recent, tp->ts_recent_stamp, opts->tsval,
			    ktime_get_seconds()) ||
	    anp_tcp_disordered_ack(sk, skb, opts->tsval))
		return true;
	/* "Reset is accepted even if it did not pass PAWS" (Linux). */
	if (tcp_hdr(skb)->rst)
		return true;
	ANP_TCP_INC(sk, PAWS_ESTAB);
	/* R1: "send an acknowledgment in reply", at the rate Linux allows. */
	if (anp_tcp_oow_limited(sk))
		ANP_TCP_INC(sk, ACK_SKIPPED_PAWS);
	else
		anp_tcp_send_ack(sk);
	return false;
}

/*
 * RFC 7323 4.3 (2): "If SEG.TSval >= TS.Recent and SEG.SEQ <=
 * Last.ACK.sent then SEG.TSval is copied to TS.Recent"; Last.ACK.sent
 * is the RCV.NXT our last ACK carried (rcv_wup).  A TS.Recent 24 days
 * old is replaced whatever the TSval (5.5).
 */
static void anp_tcp_update_ts_recent(struct anp_tcp_sock *tp, u32 seq,
				     const struct anp_tcp_opts *opts)
{
	time64_t now = ktime_get_seconds();

	if (!(opts->present & ANP_TCP_OPT_TS) || anp_seq_after(seq, tp->rcv_wup))
		return;
	if ((s32)(opts->tsval - tp->ts_recent) >= 0 ||
	    now >= tp->ts_recent_stamp + TCP_PAWS_24DAYS) {
		tp->ts_recent = opts->tsval;
		tp->ts_recent_stamp = now;
	}
}

static void anp_tcp_rcv_state(struct sock *sk, struct sk_buff *skb)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	u32 ack = ntohl(th->ack_seq);
	u32 seg_len = cb->end_seq - cb->seq;
	s32 win = tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt;
	bool ack_now = false, zero_wnd;
	struct anp_tcp_opts opts;

	if (win < 0)
		win = 0;
	anp_tcp_opts_parse(th, &opts);
	/* RFC 7323 3.2: timestamps count only when both SYNs had them. */
	if (!tp->ts_ok)
		opts.present &= ~ANP_TCP_OPT_TS;
	/*
	 * A retransmitted SYN, at IRS, before RCV.NXT: RFC 9293 3.10.7.4
	 * answers an unacceptable segment, and in SYN-RECEIVED the answer
	 * is our SYN,ACK again.  As Linux's tcp_check_req(): at most once
	 * per ANP_TCP_OOW_INTERVAL (tcp_oow_rate_limited(), so a flood of
	 * SYNs draws no flood of SYN,ACKs), and the retransmission timer
	 * restarts.
	 */
	if (sk->sk_state == TCP_SYN_RECV &&
	    (cb->flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST)) ==
	    TCPHDR_SYN && cb->seq == tp->irs) {
		if (anp_tcp_oow_limited(sk)) {
			ANP_TCP_INC(sk, ACK_SKIPPED_SYN_RECV);
			goto discard;
		}
		anp_tcp_retransmit_head(sk);
		anp_tcp_arm_rtx(sk);
		goto discard;
	}
	/*
	 * Simultaneous open (RFC 9293 3.5 figure 8): the peer's
	 * <SEQ=IRS><ACK=ISS+1><CTL=SYN,ACK> in SYN-RECEIVED.  Its SYN was
	 * taken already; its ACK completes the handshake.  Linux's
	 * tcp_validate_incoming() lets exactly this SYN,ACK pass, and
	 * tcp_data_queue() answers it at once with an ACK as a segment
	 * that ends at RCV.NXT; so here it goes on as the bare ACK at
	 * RCV.NXT it amounts to, answered with an ACK.
	 */
	if (sk->sk_state == TCP_SYN_RECV && !tp->listener &&
	    (cb->flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST)) ==
	    (TCPHDR_SYN | TCPHDR_ACK) && cb->seq == tp->irs &&
	    seg_len == 1 && ack == tp->snd_nxt) {
		cb->seq++;
		cb->flags &= ~TCPHDR_SYN;
		seg_len = 0;
		ack_now = true;
	}
	/*
	 * TIME-WAIT: a new SYN that no listener took (see
	 * anp_tcp_timewait_reopen) is ACKed, the TIME-WAIT kept: Linux
	 * 6.1's tcp_v4_rcv() turns TCP_TW_SYN without a listener into
	 * TCP_TW_ACK (an ACK not rate limited); RFC 9293 3.10.7.4 fourth
	 * check answers any SYN with an ACK too.
	 */
	if (sk->sk_state == TCP_TIME_WAIT && anp_tcp_timewait_syn(sk, skb)) {
		anp_tcp_send_ack(sk);
		goto discard;
	}

	/* RFC 7323 5.3: R1 (PAWS) comes before R2 (the sequence check). */
	if (!anp_tcp_paws(sk, skb, &opts))
		goto discard;

	/*
	 * First: sequence number (the four cases).  RFC 9293 3.10.7.4: "If
	 * the RCV.WND is zero, no segments will be acceptable, but special
	 * allowance should be made to accept valid ACKs, URGs, and RSTs":
	 * a segment at RCV.NXT goes on to the RST, SYN and ACK checks (as
	 * Linux's tcp_sequence() lets it through to tcp_ack()), and only
	 * its text and FIN are refused below.
	 */
	zero_wnd = !win && seg_len && cb->seq == tp->rcv_nxt;
	if (!zero_wnd &&
	    !anp_tcp_seq_acceptable(cb->seq, seg_len, tp->rcv_nxt, win)) {
		/*
		 * A SYN outside the window is challenged like one inside
		 * (Linux's tcp_validate_incoming(): goto syn_challenge),
		 * not answered with an ACK for each; but a listener's
		 * child in SYN-RECEIVED and a TIME-WAIT ACK it, as
		 * Linux's tcp_check_req() and tcp_timewait_state_process()
		 * do.
		 */
		if ((cb->flags & (TCPHDR_SYN | TCPHDR_RST)) == TCPHDR_SYN &&
		    sk->sk_state != TCP_TIME_WAIT &&
		    !(sk->sk_state == TCP_SYN_RECV && tp->listener)) {
			anp_tcp_syn_challenge(sk);
			goto discard;
		}
		if (!(cb->flags & TCPHDR_RST)) {
			ANP_TCP_INC(sk, OUT_OF_WINDOW);
			/* Old data: what of it we had goes in a D-SACK. */
			if (seg_len && anp_seq_before(cb->seq, tp->rcv_nxt))
				anp_tcp_dsack(sk, cb->seq,
					      anp_seq_before(cb->end_seq,
							     tp->rcv_nxt) ?
					      cb->end_seq : tp->rcv_nxt, false);
			/* Data always gets its duplicate ACK; a pure ACK
			 * only at the rate Linux allows (no ACK war).
			 */
			if (seg_len || !anp_tcp_oow_limited(sk))
				anp_tcp_send_ack(sk);
			/* TIME-WAIT: a retransmitted FIN restarts 2 MSL. */
			if (sk->sk_state == TCP_TIME_WAIT &&
			    (cb->flags & TCPHDR_FIN))
				anp_tcp_arm_timewait(sk);
		}
		goto discard;
	}
	tp->rcv_tstamp = jiffies;
	tp->segs_in++;

	/* Second: RST, with RFC 5961 3.2's exact-match rule. */
	if (cb->flags & TCPHDR_RST) {
		switch (anp_tcp_rst_check(cb->seq, tp->rcv_nxt, win)) {
		case ANP_TCP_ACCEPT:
			anp_tcp_reset(sk, -anp_tcp_rst_errno(sk));
			break;
		case ANP_TCP_CHALLENGE:
			anp_tcp_send_challenge_ack(sk);
			break;
		case ANP_TCP_DROP:
			break;
		}
		goto discard;
	}
	/*
	 * Fourth: SYN.  RFC 9293 3.10.7.4, SYN-RECEIVED of a passive open:
	 * "return this connection to the LISTEN state".  For a listener's
	 * child that is what Linux's tcp_check_req() does (embryonic_reset):
	 * the child ends (TcpAttemptFails), the SYN is answered with a
	 * reset as one for no connection, and the listener, which never
	 * left LISTEN, takes the peer's next SYN.
	 */
	if ((cb->flags & TCPHDR_SYN) && sk->sk_state == TCP_SYN_RECV &&
	    tp->listener) {
		anp_tcp_send_reset(anp_net(sock_net(sk)), skb);
		anp_tcp_done(sk);
		goto discard;
	}
	/* Anywhere else: the challenge ACK. */
	if (cb->flags & TCPHDR_SYN) {
		anp_tcp_syn_challenge(sk);
		goto discard;
	}
	/* Fifth: "if the ACK bit is off, drop the segment". */
	if (!(cb->flags & TCPHDR_ACK))
		goto drop;
	anp_tcp_update_ts_recent(tp, cb->seq, &opts);

	if (sk->sk_state == TCP_SYN_RECV) {
		/* SND.UNA < SEG.ACK =< SND.NXT, else <SEQ=SEG.ACK><RST>. */
		if (!anp_seq_after(ack, tp->snd_una) ||
		    anp_seq_after(ack, tp->snd_nxt)) {
			anp_tcp_send_reset(anp_net(sock_net(sk)), skb);
			goto discard;
		}
		/*
		 * TCP_DEFER_ACCEPT (Linux's tcp_check_req()): the bare ACK
		 * that completes the handshake is dropped while the
		 * deferral lasts; the child waits in SYN-RECEIVED for data
		 * (or a FIN), or for the ACK that the deferral's last
		 * SYN,ACK draws (anp_tcp_synack_expired()).
		 */
		if (tp->listener && !seg_len &&
		    tp->retries <
		    READ_ONCE(anp_tcp_sk(tp->listener)->defer_accept)) {
			tp->defer_acked = 1;
			ANP_TCP_INC(sk, DEFER_ACCEPT_DROP);
			goto discard;
		}
		if (tp->listener && !anp_tcp_child_promote(sk)) {
			/* Accept queue full: as Linux, the ACK is dropped
			 * and the SYN,ACK retransmitted later.
			 */
			ANP_TCP_INC(sk, LISTEN_OVERFLOWS);
			ANP_TCP_INC(sk, LISTEN_DROPS);
			goto discard;
		}
		anp_tcp_set_state(sk, TCP_ESTABLISHED);
		tp->snd_wnd = anp_tcp_seg_wnd(tp, th);
		tp->max_snd_wnd = max(tp->max_snd_wnd, tp->snd_wnd);
		tp->snd_wl1 = cb->seq;
		tp->snd_wl2 = ack;
		anp_tcp_arm_keepalive(sk);
		if (tp->listener)
			tp->listener->sk_data_ready(tp->listener);
		else if (!sock_flag(sk, SOCK_DEAD))
			sk->sk_state_change(sk);
	}

	switch (anp_tcp_ack_check(ack, tp->snd_una, tp->snd_max,
				  tp->max_snd_wnd)) {
	case ANP_TCP_ACCEPT:
		anp_tcp_ack(sk, skb, &opts);
		break;
	case ANP_TCP_CHALLENGE:
		/* RFC 5961 5.2 / RFC 9293: ACK of something not sent. */
		anp_tcp_send_challenge_ack(sk);
		goto discard;
	case ANP_TCP_DROP:
		goto discard;
	}

	/* Our FIN acknowledged? */
	if (tp->fin_queued && tp->snd_una == tp->write_seq) {
		switch (sk->sk_state) {
		case TCP_FIN_WAIT1:
			anp_tcp_set_state(sk, TCP_FIN_WAIT2);
			anp_tcp_clear_rtx(sk);
			if (!sock_flag(sk, SOCK_DEAD)) {
				sk->sk_state_change(sk);
				break;
			}
			/* Linux's tcp_rcv_state_process(): an orphan with
			 * TCP_LINGER2 < 0 ends here, no reset sent.
			 */
			if (!anp_tcp_arm_fin_wait2(sk)) {
				ANP_TCP_INC(sk, ABORT_ON_DATA);
				anp_tcp_done(sk);
				goto discard;
			}
			break;
		case TCP_CLOSING:
			anp_tcp_set_state(sk, TCP_TIME_WAIT);
			anp_tcp_stop_timers(sk);
			anp_tcp_arm_timewait(sk);
			goto discard;
		case TCP_LAST_ACK:
			anp_tcp_done(sk);
			goto discard;
		}
	}

	/* Seventh and eighth: text and FIN. */
	switch (sk->sk_state) {
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
		/* Linux: new data for a socket that will never read it. */
		if ((sk->sk_shutdown & RCV_SHUTDOWN) && skb->len &&
		    anp_seq_after(cb->seq + skb->len, tp->rcv_nxt)) {
			ANP_TCP_INC(sk, ABORT_ON_DATA);
			anp_tcp_send_active_reset(sk);
			anp_tcp_reset(sk, ECONNRESET);
			goto discard;
		}
		fallthrough;
	case TCP_ESTABLISHED:
		if (zero_wnd)
			break;
		anp_tcp_rcv_rtt_measure_ts(sk, skb->len, &opts);
		if (skb->len || (cb->flags & TCPHDR_FIN)) {
			ack_now = anp_tcp_data(sk, skb);
			skb = NULL;
		}
		break;
	default:
		/* CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: the peer's FIN
		 * came already; a retransmitted one is ACKed.
		 */
		if (cb->flags & TCPHDR_FIN) {
			ack_now = true;
			if (sk->sk_state == TCP_TIME_WAIT)
				anp_tcp_arm_timewait(sk);
		}
		break;
	}
	if (zero_wnd) {
		/* No room for its text or FIN: an ACK at once (Linux's
		 * tcp_data_queue(), TCPZeroWindowDrop).
		 */
		ANP_TCP_INC(sk, ZERO_WINDOW_DROP);
		ack_now = true;
	}

	if (sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_TIME_WAIT)
		anp_tcp_push(sk, 0);
	if (ack_now && sk->sk_state != TCP_CLOSE)
		anp_tcp_send_ack(sk);
	else if (tp->ack_pending && sk->sk_state != TCP_CLOSE)
		anp_tcp_delack(sk);
	if (skb)
		consume_skb(skb);
	return;

drop:
	anp_tcp_drop(sk, skb);
	return;
discard:
	consume_skb(skb);
}

int anp_tcp_do_rcv(struct sock *sk, struct sk_buff *skb)
{
	switch (sk->sk_state) {
	case TCP_LISTEN:
		anp_tcp_listen_rcv(sk, skb);
		break;
	case TCP_SYN_SENT:
		anp_tcp_synsent_rcv(sk, skb);
		break;
	case TCP_CLOSE:
		/* RFC 9293 3.10.7.1: CLOSED answers with a reset. */
		anp_tcp_send_reset(anp_net(sock_net(sk)), skb);
		kfree_skb(skb);
		break;
	default:
		anp_tcp_rcv_state(sk, skb);
		break;
	}
	return 0;
}

/* ---- arrival (BH) --------------------------------------------------- */

void anp_tcp_rcv(struct anp_net *an, struct sk_buff *skb)
{
	struct anp_port_table *pt = anp_port_table(an, IPPROTO_TCP);
	const struct iphdr *iph = ip_hdr(skb);
	struct anp_tcp_skb_cb *cb;
	const struct tcphdr *th;
	unsigned int thlen;
	bool again = true;
	struct sock *sk;

	ANP_INC_STATS(an, ANP_MIB_TCP_IN_SEGS);
	/* RFC 9293 3.1: a header of Data Offset words, at least five. */
	if (!pskb_may_pull(skb, sizeof(*th)))
		goto bad;
	th = tcp_hdr(skb);
	thlen = th->doff * 4;
	if (thlen < sizeof(*th) || !pskb_may_pull(skb, thlen))
		goto bad;
	iph = ip_hdr(skb);
	if (csum_tcpudp_magic(iph->saddr, iph->daddr, skb->len, IPPROTO_TCP,
			      skb_checksum(skb, 0, skb->len, 0))) {
		ANP_INC_STATS(an, ANP_MIB_TCP_IN_CSUM_ERRORS);
		goto bad;
	}
	/* RFC 1122 4.2.3.10: TCP is unicast only. */
	if (ipv4_is_multicast(iph->daddr) || anp_ip_is_bcast(an, iph->daddr))
		goto bad;
	th = tcp_hdr(skb);
	cb = ANP_TCP_SKB_CB(skb);
	memset(cb, 0, sizeof(*cb));
	cb->seq = ntohl(th->seq);
	cb->flags = tcp_flag_byte(th);
	__skb_pull(skb, thlen);
	cb->end_seq = cb->seq + skb->len + th->syn + th->fin;

lookup:
	rcu_read_lock();
	sk = anp_port_lookup(pt, iph->saddr, th->source, iph->daddr,
			     th->dest);
	if (sk && !refcount_inc_not_zero(&sk->sk_refcnt))
		sk = NULL;
	rcu_read_unlock();
	if (!sk) {
		if (!th->rst)
			ANP_INC_STATS(an, ANP_MIB_TCP_NO_SOCKET);
		anp_tcp_send_reset(an, skb);
		consume_skb(skb);
		return;
	}

	bh_lock_sock_nested(sk);
	if (sock_owned_by_user(sk)) {
		/* Linux's tcp_add_backlog() limit. */
		if (sk_add_backlog(sk, skb, READ_ONCE(sk->sk_rcvbuf) +
				   READ_ONCE(sk->sk_sndbuf) + 64 * 1024)) {
			bh_unlock_sock(sk);
			/* As Linux's tcp_add_backlog(): not TcpInErrs. */
			ANP_INC_STATS(an, ANP_MIB_TCP_BACKLOG_DROP);
			atomic_inc(&sk->sk_drops);
			kfree_skb(skb);
			sock_put(sk);
			return;
		}
	} else if (again && sk->sk_state == TCP_TIME_WAIT &&
		   anp_tcp_timewait_reopen(sk, skb)) {
		bh_unlock_sock(sk);
		sock_put(sk);
		again = false;
		goto lookup;
	} else {
		anp_tcp_do_rcv(sk, skb);
	}
	bh_unlock_sock(sk);
	sock_put(sk);
	return;

bad:
	ANP_INC_STATS(an, ANP_MIB_TCP_IN_ERRS);
	kfree_skb(skb);
}

/* Linux's tcp_v4_err, without path MTU discovery (see tcp.c). */
void anp_tcp_err(struct anp_net *an, const struct iphdr *iph,
		 const struct tcphdr *th, u8 type, u8 code, __be32 info)
{
	struct anp_port_table *pt = anp_port_table(an, IPPROTO_TCP);
	struct anp_tcp_sock *tp;
	bool fatal = false;
	struct sock *sk;
	u32 seq;
	int err;

	err = anp_icmp_err_errno(type, code, &fatal);
	if (!err)
		return;
	rcu_read_lock();
	/* The quoted segment went from us (iph->saddr) to the peer. */
	sk = anp_port_lookup(pt, iph->daddr, th->dest, iph->saddr,
			     th->source);
	if (sk && !refcount_inc_not_zero(&sk->sk_refcnt))
		sk = NULL;
	rcu_read_unlock();
	if (!sk)
		return;
	bh_lock_sock(sk);
	tp = anp_tcp_sk(sk);
	seq = ntohl(th->seq);
	/* Only about something in flight (RFC 5927 4.1, as Linux). */
	if ((1 << sk->sk_state) & (TCPF_LISTEN | TCPF_CLOSE | TCPF_TIME_WAIT) ||
	    !anp_seq_between(seq, tp->snd_una, tp->snd_max))
		goto out;
	if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
		/* RFC 1122 4.2.3.9 leaves it to us; Linux aborts an
		 * opening connection with the error.
		 */
		if (!sock_owned_by_user(sk)) {
			WRITE_ONCE(sk->sk_err, err);
			sk_error_report(sk);
			anp_tcp_done(sk);
		} else {
			WRITE_ONCE(sk->sk_err_soft, err);
		}
		goto out;
	}
	/* RFC 1122 4.2.3.9: a soft error, reported if we time out. */
	WRITE_ONCE(sk->sk_err_soft, err);
out:
	bh_unlock_sock(sk);
	sock_put(sk);
}
