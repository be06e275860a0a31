// SPDX-License-Identifier: GPL-2.0
/*
 * TCP output (RFC 9293 3.10.4, 3.8): segments built from the send and
 * retransmit queues, window selection, ACK, RST and FIN generation.
 *
 * Every transmission builds a new skb (headroom for the IP and Ethernet
 * headers, the TCP header, a copy of the payload): a queued segment is
 * never shared with a frame still in flight below, so retransmitting it
 * while an earlier copy waits in a queue (ARP, local delivery) is safe.
 *
 * Sending obeys, in this order: the peer's window (snd_una + snd_wnd),
 * the congestion window (anp_cc_room), and Nagle / sender SWS
 * avoidance (anp_tcp_send_ok, RFC 896 and RFC 1122 4.2.3.4).  A segment
 * larger than what the window lets out is split.  When data waits with
 * nothing in flight, the persist timer probes the window (RFC 9293
 * 3.8.6.1) and serves as the SWS override timer (RFC 1122 4.2.3.4).
 */
#include <kunit/visibility.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "tcp.h"

struct anp_tcp_hdr_args {
	__be32 saddr, daddr;
	__be16 sport, dport;
	u32 seq, ack;
	u8 flags;			/* TCPHDR_* */
	u16 window;			/* the field, scaled already */
	u8 tos, ttl;
	struct anp_tcp_opts opts;
};

/*
 * Build one segment: header from a, then len bytes of data from off
 * (may be NULL with len 0), checksummed, handed to IPv4.  Consumes
 * nothing; counts TcpOutSegs and TcpOutRsts.
 */
static int anp_tcp_xmit_raw(struct anp_net *an,
			    const struct anp_tcp_hdr_args *a,
			    const struct sk_buff *data, u32 off, u32 len,
			    gfp_t gfp)
{
	struct anp_ip_tx tx = {
		.saddr = a->saddr,
		.daddr = a->daddr,
		.protocol = IPPROTO_TCP,
		.tos = a->tos,
		.ttl = a->ttl,
	};
	unsigned int hlen = sizeof(struct tcphdr) + anp_tcp_opts_len(&a->opts);
	struct sk_buff *skb;
	struct tcphdr *th;
	int err;

	skb = alloc_skb(ANP_IP_HEADROOM + hlen + len, gfp);
	if (!skb)
		return -ENOBUFS;
	skb_reserve(skb, ANP_IP_HEADROOM + hlen);
	if (len && skb_copy_bits(data, off, skb_put(skb, len), len)) {
		kfree_skb(skb);
		return -EFAULT;
	}
	th = skb_push(skb, hlen);
	skb_reset_transport_header(skb);
	memset(th, 0, hlen);
	th->source = a->sport;
	th->dest = a->dport;
	th->seq = htonl(a->seq);
	th->ack_seq = (a->flags & TCPHDR_ACK) ? htonl(a->ack) : 0;
	th->doff = hlen / 4;
	tcp_flag_byte(th) = a->flags;
	th->window = htons(a->window);
	anp_tcp_opts_write((u8 *)(th + 1), &a->opts);
	/* RFC 9293 3.1: the checksum covers a pseudo header too. */
	th->check = csum_tcpudp_magic(a->saddr, a->daddr, skb->len,
				      IPPROTO_TCP,
				      skb_checksum(skb, 0, skb->len, 0));
	skb->ip_summed = CHECKSUM_NONE;

	ANP_INC_STATS(an, ANP_MIB_TCP_OUT_SEGS);
	if (a->flags & TCPHDR_RST)
		ANP_INC_STATS(an, ANP_MIB_TCP_OUT_RSTS);
	err = anp_ip_send(an, skb, &tx);
	/* A loss below is recovered by retransmission, as any other. */
	return err == -ENOBUFS ? 0 : err;
}

u32 anp_tcp_rcv_space(const struct sock *sk)
{
	const struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	int used = atomic_read(&sk->sk_rmem_alloc) + tp->ofo.truesize;
	int room = READ_ONCE(sk->sk_rcvbuf) - used;

	/*
	 * Buffer space counts skb truesize, the window counts bytes: as
	 * Linux's default tcp_adv_win_scale, half the free space is
	 * offered as window, the rest covers the skbs' overhead.  What
	 * is offered is accepted: in-order data that finds the buffer
	 * over is coalesced or collapsed into compact skbs (at most 4/3
	 * of their payload, see anp_tcp_rmem_schedule() in tcp_input.c)
	 * and out-of-order data pruned, never dropped itself.
	 */
	return room > 0 ? room / 2 : 0;
}
EXPORT_SYMBOL_IF_KUNIT(anp_tcp_rcv_space);

/*
 * The window to offer when cur is still open (RFC 1122 4.2.3.3:
 * receiver SWS avoidance; never shrink, RFC 9293 3.8.6.2.2).
 * TCP_WINDOW_CLAMP bounds it as Linux's window_clamp does (through
 * rcv_ssthresh in __tcp_select_window(), which also takes the clamp as
 * the MSS when it is smaller, so a clamp below one segment still opens
 * the window).
 */
u32 anp_tcp_new_window(const struct sock *sk, u32 cur)
{
	const struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	u32 clamp = READ_ONCE(tp->window_clamp) ?: U32_MAX;
	u32 mss = tp->rcv_mss ?: tp->advmss;

	return anp_tcp_rcv_wnd_select(min(anp_tcp_rcv_space(sk), clamp), cur,
				      min(mss, clamp),
				      READ_ONCE(sk->sk_rcvbuf) / 2,
				      U16_MAX << tp->rcv_wscale);
}

/*
 * The window field of the next segment, and RCV.WND and its left edge
 * remembered.  RFC 7323 2.2: a SYN's window is never scaled; after
 * it, the field is the window shifted right by our scale, so the
 * window is rounded up to a multiple of 1 << scale (Linux's
 * __tcp_select_window(): rounding down could shrink it, RFC 9293
 * 3.8.6.2.2), within the largest the field can carry.
 */
static u16 anp_tcp_select_window(struct sock *sk, bool syn)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	s32 cur = tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt;
	u8 ws = syn ? 0 : tp->rcv_wscale;
	u32 win;

	win = anp_tcp_new_window(sk, cur > 0 ? cur : 0);
	win = min(ALIGN(win, 1U << ws), (u32)U16_MAX << ws);
	tp->rcv_wnd = win;
	tp->rcv_wup = tp->rcv_nxt;
	return win >> ws;
}

/*
 * RFC 2018 4: an ACK reports what the out-of-order queue holds, as
 * many blocks as fit beside the timestamps; RFC 2883 4: a duplicate
 * just received goes first (D-SACK), once.
 */
static void anp_tcp_sack_opts(struct anp_tcp_sock *tp, struct anp_tcp_opts *o)
{
	u8 room = tp->ts_ok ? ANP_TCP_MAX_SACKS - 1 : ANP_TCP_MAX_SACKS, n = 0;

	if (!tp->sack_ok || (!tp->num_sacks && !tp->dsack))
		return;
	if (tp->dsack) {
		o->sacks[n++] = tp->dsack_block;
		tp->dsack = 0;
	}
	memcpy(&o->sacks[n], tp->sacks,
	       min_t(u8, tp->num_sacks, room - n) * sizeof(tp->sacks[0]));
	o->num_sacks = n + min_t(u8, tp->num_sacks, room - n);
	o->present |= ANP_TCP_OPT_SACK;
}

static void anp_tcp_hdr_args(struct sock *sk, struct anp_tcp_hdr_args *a,
			     u32 seq, u8 flags)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	a->saddr = tp->as.saddr;
	a->daddr = sk->sk_daddr;
	a->sport = htons(sk->sk_num);
	a->dport = sk->sk_dport;
	a->seq = seq;
	a->ack = tp->rcv_nxt;
	a->flags = flags;
	a->tos = tp->as.tos;
	a->ttl = tp->as.ttl;
	a->window = (flags & TCPHDR_RST) ? 0 :
		    anp_tcp_select_window(sk, flags & TCPHDR_SYN);
	memset(&a->opts, 0, sizeof(a->opts));
	/*
	 * RFC 7323 3.2: once on, "MUST be sent in every non-<RST>
	 * segment"; on a reset it may go, and Linux sends it there too.
	 * TSecr echoes TS.Recent (4.3).
	 */
	if (tp->ts_ok) {
		a->opts.present |= ANP_TCP_OPT_TS;
		a->opts.tsval = anp_tcp_ts_now(tp);
		a->opts.tsecr = tp->ts_recent;
	}
	if ((flags & TCPHDR_ACK) && !(flags & (TCPHDR_SYN | TCPHDR_RST)))
		anp_tcp_sack_opts(tp, &a->opts);
	if (flags & TCPHDR_ACK) {
		/* Every ACK we send answers what is owed (RFC 1122 4.2.3.2). */
		tp->ack_pending = 0;
		tp->segs_unacked = 0;
	}
}

/*
 * The options of our SYN: MSS (RFC 9293 3.7.1) and, on an active open,
 * everything we can do (RFC 7323 window scale and timestamps, RFC 2018
 * SACK-permitted; TSecr 0, RFC 7323 3.2); on a SYN,ACK only what the
 * peer's SYN offered (anp_tcp_init_conn() took that).
 */
static void anp_tcp_syn_opts(struct sock *sk, struct anp_tcp_opts *o)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	bool active = sk->sk_state == TCP_SYN_SENT;

	o->present |= ANP_TCP_OPT_MSS;
	o->mss = tp->advmss;
	if (active || tp->ts_ok) {
		o->present |= ANP_TCP_OPT_TS;
		o->tsval = anp_tcp_ts_now(tp);
		o->tsecr = active ? 0 : tp->ts_recent;
	}
	if (active || tp->sack_ok)
		o->present |= ANP_TCP_OPT_SACK_OK;
	if (active || tp->wscale_ok) {
		o->present |= ANP_TCP_OPT_WSCALE;
		o->wscale = tp->rcv_wscale;
	}
}

/* Send a segment of a queue (SYN, data, FIN) as it stands. */
int anp_tcp_transmit(struct sock *sk, struct sk_buff *skb, bool rtx)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb);
	struct anp_tcp_hdr_args a;
	u8 flags = cb->flags;

	/* Everything but the first SYN of an active open carries an ACK. */
	if (sk->sk_state != TCP_SYN_SENT)
		flags |= TCPHDR_ACK;
	anp_tcp_hdr_args(sk, &a, cb->seq, flags);
	if (flags & TCPHDR_SYN)
		anp_tcp_syn_opts(sk, &a.opts);
	cb->tx_us = tcp_clock_us();
	tp->segs_out++;
	if (skb->len) {
		tp->data_segs_out++;
		tp->bytes_sent += skb->len;
		tp->last_data_sent = jiffies;
	}
	if (rtx) {
		if (tp->undo_on)
			tp->undo_retrans++;
		cb->retrans++;
		tp->total_retrans++;
		tp->bytes_retrans += skb->len;
		ANP_TCP_INC(sk, RETRANS_SEGS);
	}
	return anp_tcp_xmit_raw(anp_net(sock_net(sk)), &a, skb, 0, skb->len,
				gfp_any());
}

static void anp_tcp_send_ctl(struct sock *sk, u32 seq, u8 flags)
{
	struct anp_tcp_hdr_args a;

	anp_tcp_hdr_args(sk, &a, seq, flags);
	anp_tcp_sk(sk)->segs_out++;
	anp_tcp_xmit_raw(anp_net(sock_net(sk)), &a, NULL, 0, 0, gfp_any());
}

void anp_tcp_send_ack(struct sock *sk)
{
	anp_tcp_send_ctl(sk, anp_tcp_sk(sk)->snd_nxt, TCPHDR_ACK);
}

/*
 * Linux's tcp_oow_rate_limited(): true when this socket answered a bad
 * segment less than ANP_TCP_OOW_INTERVAL ago (else it may, now).
 */
bool anp_tcp_oow_limited(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	if (time_before(jiffies, tp->last_oow_ack + ANP_TCP_OOW_INTERVAL))
		return true;
	tp->last_oow_ack = jiffies;
	return false;
}

/*
 * RFC 5961 7: challenge ACKs, one per socket per ANP_TCP_OOW_INTERVAL
 * (Linux's tcp_invalid_ratelimit).  No host-wide budget: one shared by
 * all connections tells an off-path attacker when another connection
 * drew a challenge ACK (CVE-2016-5696); Linux 6.1's
 * tcp_challenge_ack_limit defaults to INT_MAX, i.e. off, for that.
 */
void anp_tcp_send_challenge_ack(struct sock *sk)
{
	struct anp_net *an = anp_net(sock_net(sk));

	if (anp_tcp_oow_limited(sk)) {
		ANP_INC_STATS(an, ANP_MIB_TCP_CHALLENGE_LIMITED);
		return;
	}
	ANP_INC_STATS(an, ANP_MIB_TCP_CHALLENGE_ACK);
	anp_tcp_send_ack(sk);
}

/*
 * A zero-window or keepalive probe: an ACK with the sequence number
 * SND.UNA - 1, outside the peer's window, which it must answer with an
 * ACK carrying its current window (RFC 9293 3.10.7.4, RFC 1122 4.2.3.6;
 * Linux's tcp_write_wakeup / tcp_xmit_probe_skb).
 */
void anp_tcp_send_probe(struct sock *sk)
{
	anp_tcp_send_ctl(sk, anp_tcp_sk(sk)->snd_una - 1, TCPHDR_ACK);
}

/* RFC 9293 3.10.4 ABORT: <SEQ=SND.NXT><CTL=RST>, with an ACK as Linux. */
void anp_tcp_send_active_reset(struct sock *sk)
{
	anp_tcp_send_ctl(sk, anp_tcp_sk(sk)->snd_nxt, TCPHDR_RST | TCPHDR_ACK);
}

/*
 * RFC 9293 3.10.7.1 / 3.5.2: the reset for a segment that belongs to
 * no connection.  If it had an ACK: <SEQ=SEG.ACK><CTL=RST>; else
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.  Never for a reset.
 */
void anp_tcp_send_reset(struct anp_net *an, struct sk_buff *in)
{
	const struct tcphdr *th = tcp_hdr(in);
	const struct iphdr *iph = ip_hdr(in);
	struct anp_tcp_hdr_args a = {};

	if (th->rst)
		return;
	/* RFC 1122 4.2.3.10: only to a unicast source, about unicast. */
	if (ipv4_is_multicast(iph->daddr) || ipv4_is_lbcast(iph->daddr) ||
	    anp_ip_is_bcast(an, iph->daddr) || ipv4_is_zeronet(iph->saddr) ||
	    ipv4_is_multicast(iph->saddr) || ipv4_is_lbcast(iph->saddr))
		return;
	a.saddr = iph->daddr;
	a.daddr = iph->saddr;
	a.sport = th->dest;
	a.dport = th->source;
	if (th->ack) {
		a.seq = ntohl(th->ack_seq);
		a.flags = TCPHDR_RST;
	} else {
		a.ack = ANP_TCP_SKB_CB(in)->end_seq;
		a.flags = TCPHDR_RST | TCPHDR_ACK;
	}
	anp_tcp_xmit_raw(an, &a, NULL, 0, 0, GFP_ATOMIC);
}

void anp_tcp_free_skb(struct sock *sk, struct sk_buff *skb)
{
	sk_wmem_queued_add(sk, -skb->truesize);
	sk_mem_uncharge(sk, skb->truesize);
	__kfree_skb(skb);
}

void anp_tcp_purge_queues(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&sk->sk_write_queue)))
		anp_tcp_free_skb(sk, skb);
	while ((skb = __skb_dequeue(&tp->rtx_q)))
		anp_tcp_free_skb(sk, skb);
	anp_ofo_purge(&tp->ofo);
}

/* A new empty segment for the send queues, charged to the socket. */
static struct sk_buff *anp_tcp_alloc_ctl(struct sock *sk, u32 seq, u8 flags,
					 gfp_t gfp)
{
	struct sk_buff *skb = alloc_skb(0, gfp);
	struct anp_tcp_skb_cb *cb;

	if (!skb)
		return NULL;
	cb = ANP_TCP_SKB_CB(skb);
	memset(cb, 0, sizeof(*cb));
	cb->seq = seq;
	cb->end_seq = seq + 1;
	cb->flags = flags;
	sk_wmem_queued_add(sk, skb->truesize);
	sk_mem_charge(sk, skb->truesize);
	return skb;
}

/* RFC 9293 3.10.1: <SEQ=ISS><CTL=SYN>, or the SYN,ACK of a child. */
int anp_tcp_send_syn(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	struct sk_buff *skb;

	skb = anp_tcp_alloc_ctl(sk, tp->iss, TCPHDR_SYN, gfp_any());
	if (!skb)
		return -ENOBUFS;
	__skb_queue_tail(&tp->rtx_q, skb);
	tp->snd_una = tp->iss;
	tp->snd_nxt = tp->iss + 1;
	tp->snd_max = tp->snd_nxt;
	tp->write_seq = tp->snd_nxt;
	anp_tcp_transmit(sk, skb, false);
	anp_tcp_arm_rtx(sk);
	return 0;
}

/*
 * RFC 9293 3.10.4 CLOSE: the FIN goes after the data queued, on the
 * last unsent segment or alone.  Process context.
 */
void anp_tcp_send_fin(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);

	if (tp->fin_queued)
		return;
	if (tail) {
		ANP_TCP_SKB_CB(tail)->flags |= TCPHDR_FIN;
		ANP_TCP_SKB_CB(tail)->end_seq++;
	} else {
		tail = anp_tcp_alloc_ctl(sk, tp->write_seq,
					 TCPHDR_FIN | TCPHDR_ACK,
					 sk->sk_allocation | __GFP_NOFAIL);
		__skb_queue_tail(&sk->sk_write_queue, tail);
	}
	tp->write_seq++;
	tp->fin_queued = 1;
	anp_tcp_push(sk, 0);
}

/*
 * Cut skb (unsent, at the head of the write queue) after at bytes;
 * the rest becomes the next segment.  0 or -ENOBUFS.
 */
static int anp_tcp_split(struct sock *sk, struct sk_buff *skb, u32 at)
{
	struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb), *ncb;
	u32 rest = skb->len - at;
	struct sk_buff *nskb;

	nskb = alloc_skb(rest, gfp_any());
	if (!nskb)
		return -ENOBUFS;
	skb_copy_bits(skb, at, skb_put(nskb, rest), rest);
	ncb = ANP_TCP_SKB_CB(nskb);
	memset(ncb, 0, sizeof(*ncb));
	ncb->seq = cb->seq + at;
	ncb->end_seq = cb->end_seq;
	ncb->flags = cb->flags;
	cb->flags &= ~(TCPHDR_FIN | TCPHDR_PSH);
	cb->end_seq = cb->seq + at;
	skb_trim(skb, at);
	sk_wmem_queued_add(sk, nskb->truesize);
	sk_mem_charge(sk, nskb->truesize);
	__skb_queue_after(&sk->sk_write_queue, skb, nskb);
	return 0;
}

#define ANP_TCPF_SENDING (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT | \
			  TCPF_FIN_WAIT1 | TCPF_CLOSING | TCPF_LAST_ACK)

/*
 * Send what the windows and Nagle allow from the head of the write
 * queue.  how: ANP_TCP_PUSH_OVERRIDE when the persist timer fired with
 * a non-zero window (RFC 1122 4.2.3.4's override timeout, for the first
 * segment); ANP_TCP_PUSH_UNCORK to send what TCP_CORK holds, once;
 * ANP_TCP_PUSH_CORK to hold a partial segment as TCP_CORK does, for
 * this call only (a send with MSG_MORE); ANP_TCP_PUSH_PROBE for a tail
 * loss probe: one segment, whatever cwnd and Nagle say (RFC 8985 7.3).
 */
void anp_tcp_push(struct sock *sk, unsigned int how)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	bool probe = how & ANP_TCP_PUSH_PROBE;
	bool override = probe || (how & ANP_TCP_PUSH_OVERRIDE);
	bool cork = (how & ANP_TCP_PUSH_CORK) ||
		    (tp->cork && !(how & ANP_TCP_PUSH_UNCORK));
	struct sk_buff *skb;
	bool sent = false;

	if (!((1 << sk->sk_state) & ANP_TCPF_SENDING))
		return;
	while ((skb = skb_peek(&sk->sk_write_queue))) {
		struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb);
		u32 flight = anp_tcp_flight(tp);
		u32 in_flight = anp_tcp_in_flight(tp);
		u32 wnd_end = tp->snd_una + tp->snd_wnd;
		bool rtx = anp_seq_before(cb->seq, tp->snd_max);
		u32 len = skb->len, room;

		if (len) {
			room = anp_seq_after(wnd_end, cb->seq) ?
			       wnd_end - cb->seq : 0;
			/* RFC 5681 3.1: no more than cwnd in flight (RFC
			 * 3042 2: new data a little more, see anp_cc_room);
			 * a segment is never cut to fit the congestion
			 * window.
			 */
			if (flight && !probe &&
			    anp_cc_room(&tp->cc, in_flight, !rtx) < len)
				break;
			room = min(room, len);
			if (!room)
				break;
			/*
			 * TCP_CORK or MSG_MORE (Linux's TCP_NAGLE_CORK):
			 * nothing is pushed, only full segments go, until
			 * the cork comes off (for MSG_MORE: a later push
			 * without it) or the persist timer's override (one
			 * RTO, Linux's 200 ms ceiling from its probe timer)
			 * sends what waits.
			 */
			if (!anp_tcp_send_ok(room, tp->mss,
					     !cork && room == len &&
					     skb_queue_is_last(&sk->sk_write_queue,
							       skb),
					     flight > 0, tp->nodelay,
					     tp->max_snd_wnd, override))
				break;
			if (room < len && anp_tcp_split(sk, skb, room))
				break;
		}
		__skb_unlink(skb, &sk->sk_write_queue);
		__skb_queue_tail(&tp->rtx_q, skb);
		tp->snd_nxt = cb->end_seq;
		if (anp_seq_after(tp->snd_nxt, tp->snd_max))
			tp->snd_max = tp->snd_nxt;
		anp_tcp_transmit(sk, skb, rtx);
		/* RFC 6675 5 (C.4): what goes out in recovery joins pipe. */
		if (anp_tcp_by_pipe(tp))
			tp->pipe += cb->end_seq - cb->seq;
		override = false;
		sent = true;
		if (probe)
			break;
	}
	/* The retransmission or probe timer, once for what went. */
	if (sent)
		anp_tcp_rack_sent(sk);
	/*
	 * Linux's tcp_check_space() after tcp_data_snd_check(): with
	 * TCP_NOTSENT_LOWAT, sending (not only an ACK) can make a waiting
	 * writer's socket writable.
	 */
	if (sent && sk->sk_socket &&
	    test_bit(SOCK_NOSPACE, &sk->sk_socket->flags))
		sk->sk_write_space(sk);
	/* RFC 9293 3.8.6.1: data waits with nothing to bring an ACK. */
	if (!skb_queue_empty(&sk->sk_write_queue) && !anp_tcp_flight(tp) &&
	    tp->tmode == ANP_TCP_T_NONE)
		anp_tcp_arm_persist(sk);
}

/* Fast retransmit, a partial ACK, or a SYN's timeout: the oldest one. */
void anp_tcp_retransmit_head(struct sock *sk)
{
	struct sk_buff *skb = skb_peek(&anp_tcp_sk(sk)->rtx_q);

	if (skb)
		anp_tcp_transmit(sk, skb, true);
}

/*
 * RFC 5681 3.1 after an RTO, without SACK: everything unacknowledged is
 * sent again from SND.UNA within the (now one-segment) congestion
 * window.  The retransmit queue goes back in front of the write queue.
 */
void anp_tcp_go_back_n(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	skb_queue_splice_init(&tp->rtx_q, &sk->sk_write_queue);
	tp->snd_nxt = tp->snd_una;
}
