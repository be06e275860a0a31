// SPDX-License-Identifier: GPL-2.0
/*
 * Buffer autotuning (Linux 6.1's, net/ipv4/tcp_input.c):
 *
 *  - receive: Dynamic Right-Sizing (M. Fisk, W. Feng, "Dynamic
 *    Right-Sizing in TCP", LANL 2001): the receiver estimates the RTT
 *    (from the timestamps it gets echoed, RFC 7323 4, or else from the
 *    time a window of data takes to arrive) and, once per RTT, sees how
 *    many bytes the application read; SO_RCVBUF grows so that the
 *    window (half the free buffer, anp_tcp_rcv_space()) covers about
 *    twice that, plus slow-start headroom (tcp_rcv_space_adjust()).
 *  - send: while the application, not the congestion window, limits
 *    the sender, SO_SNDBUF grows to twice the congestion window's
 *    worth of skbs (tcp_sndbuf_expand(), tcp_new_space()).
 *
 * Both stop at the netns's net.ipv4.tcp_rmem[2] / tcp_wmem[2], never
 * shrink a buffer, and leave alone a size the user set (SO_RCVBUF /
 * SO_SNDBUF set SOCK_RCVBUF_LOCK / SOCK_SNDBUF_LOCK).  A growing
 * buffer only opens the window further; anp_tcp_rcv_wnd_select() never
 * moves its right edge back (RFC 9293 3.8.6.2.2, RFC 7323 2.4).
 */
#include <net/tcp.h>

#include "tcp.h"

/*
 * tcp_sndbuf_expand(): room for 2 * cwnd segments (RFC 5681 3.2: fast
 * recovery may send up to about twice the window before the ACKs
 * return; Linux's factor 2 for Reno), at least TCP_INIT_CWND, each
 * counted as the skb a segment costs at worst (a kmalloc'ed, power of
 * two, head: our sendmsg allocates one skb per SMSS).
 */
static void anp_tcp_sndbuf_expand(struct sock *sk)
{
	const struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	u32 per_mss, nr_segs;
	u64 sndmem;

	if (!tp->mss)
		return;
	per_mss = max_t(u32, tp->advmss, tp->mss) + MAX_TCP_HEADER +
		  SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
	per_mss = roundup_pow_of_two(per_mss) +
		  SKB_DATA_ALIGN(sizeof(struct sk_buff));
	nr_segs = max_t(u32, TCP_INIT_CWND, tp->cc.cwnd / tp->mss);
	sndmem = 2ULL * nr_segs * per_mss;
	if (sndmem > READ_ONCE(sk->sk_sndbuf))
		WRITE_ONCE(sk->sk_sndbuf,
			   min_t(u64, sndmem,
				 READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_wmem[2])));
}

/*
 * tcp_new_space(), for an ACK that freed send buffer while a writer
 * waits: tcp_should_expand_sndbuf() grows the buffer only when the
 * congestion window is not what limits the sender, that is when all
 * the data the application could queue does not fill cwnd (Linux asks
 * this after sending what it could: packets in flight < cwnd).  No
 * memory pressure applies: the ANP proto keeps no global accounting.
 */
void anp_tcp_new_space(struct sock *sk)
{
	const struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	if (!(sk->sk_userlocks & SOCK_SNDBUF_LOCK) && tp->cc.ops &&
	    anp_tcp_in_flight(tp) + (tp->write_seq - tp->snd_nxt) <
	    tp->cc.cwnd)
		anp_tcp_sndbuf_expand(sk);
	sk->sk_write_space(sk);
}

/*
 * tcp_init_buffer_space(), on entering ESTABLISHED: the send buffer
 * for the initial window, and the first DRS measurement starts with
 * the initial window as what the reader is expected to take per RTT
 * (min(RCV.WND, 10 * MSS), RFC 6928's initial window).
 */
void anp_tcp_init_buffer_space(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	if (!(sk->sk_userlocks & SOCK_SNDBUF_LOCK))
		anp_tcp_sndbuf_expand(sk);
	tp->rcvq_space.time = tcp_clock_us();
	tp->rcvq_space.seq = tp->copied_seq;
	tp->rcvq_space.space = min_t(u32, tp->rcv_wnd,
				     TCP_INIT_CWND * tp->advmss) ?: tp->advmss;
}

/*
 * tcp_rcv_rtt_update(): rtt_us holds 8 times the estimate.  A sample
 * from the window's arrival time (win_dep) is an upper bound, so only
 * a smaller one is taken (a minimum); a timestamp sample is smoothed
 * with gain 1/8.
 */
static void anp_tcp_rcv_rtt_update(struct anp_tcp_sock *tp, u32 sample,
				   bool win_dep)
{
	u32 old = tp->rcv_rtt_est.rtt_us, m;

	sample = clamp_t(u32, sample, 1, U32_MAX >> 3);
	m = sample << 3;
	if (old && m >= old) {
		if (win_dep)
			return;
		m = old - (old >> 3) + sample;
	}
	tp->rcv_rtt_est.rtt_us = m;
}

/*
 * tcp_rcv_rtt_measure() (DRS without timestamps): in-order data just
 * arrived; once RCV.NXT passes the right edge the window had when the
 * measurement began, a full window has come in, which takes at least
 * one RTT.
 */
void anp_tcp_rcv_rtt_measure(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	u64 now = tcp_clock_us();

	if (tp->rcv_rtt_est.time) {
		if (anp_seq_before(tp->rcv_nxt, tp->rcv_rtt_est.seq))
			return;
		anp_tcp_rcv_rtt_update(tp, min_t(u64, now -
						 tp->rcv_rtt_est.time,
						 U32_MAX), true);
	}
	tp->rcv_rtt_est.seq = tp->rcv_nxt + tp->rcv_wnd;
	tp->rcv_rtt_est.time = now;
}

/*
 * tcp_rcv_rtt_measure_ts(): a full-sized data segment echoing a TSecr
 * not seen before measures the RTT as now - TSecr (RFC 7323 4.1; our
 * TSval clock ticks in ms).  Only full-sized segments: a short one may
 * have waited for the application (Nagle) before it was sent.
 */
void anp_tcp_rcv_rtt_measure_ts(struct sock *sk, u32 len,
				const struct anp_tcp_opts *opts)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	u32 delta;

	if (!tp->ts_ok || !(opts->present & ANP_TCP_OPT_TS) ||
	    opts->tsecr == tp->rcv_rtt_last_tsecr)
		return;
	tp->rcv_rtt_last_tsecr = opts->tsecr;
	if (len < tp->rcv_mss)
		return;
	delta = anp_tcp_ts_now(tp) - opts->tsecr;
	/* A TSecr from the future (a broken peer) gives none. */
	if (delta < INT_MAX / USEC_PER_MSEC)
		anp_tcp_rcv_rtt_update(tp, max(delta, 1U) * USEC_PER_MSEC,
				       false);
}

/*
 * tcp_rcv_space_adjust(), after the reader copied data: once per
 * receiver RTT, copied = what was read during it.  When that is more
 * than the last RTT's (space), the sender is growing: the window must
 * carry 2 * copied (a loss costs an RTT of data) plus 16 segments of
 * slack, plus twice the growth seen (slow start doubles each RTT, and
 * the window we offer now is for the next RTT).  The buffer is that
 * window in segments times what a segment costs in buffer: its skb's
 * truesize, at least twice the segment as anp_tcp_rcv_space() offers
 * half the free buffer (Linux's tcp_win_from_space()).
 */
void anp_tcp_rcv_space_adjust(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	u64 now = tcp_clock_us(), rcvwin, grow, rcvbuf;
	u32 copied, rcvmem, space = tp->rcvq_space.space;

	if (!tp->rcv_rtt_est.rtt_us ||
	    now - tp->rcvq_space.time < tp->rcv_rtt_est.rtt_us >> 3)
		return;
	copied = tp->copied_seq - tp->rcvq_space.seq;
	if (copied <= space)
		goto new_measure;
	if (READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_moderate_rcvbuf) &&
	    !(sk->sk_userlocks & SOCK_RCVBUF_LOCK) && tp->advmss) {
		rcvwin = ((u64)copied << 1) + 16 * tp->advmss;
		grow = div_u64(rcvwin * (copied - space), space);
		rcvwin += grow << 1;
		rcvmem = max_t(u32, SKB_TRUESIZE(tp->advmss + MAX_TCP_HEADER),
			       2 * tp->advmss);
		rcvbuf = min_t(u64, div_u64(rcvwin, tp->advmss) * rcvmem,
			       READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_rmem[2]));
		if (rcvbuf > READ_ONCE(sk->sk_rcvbuf))
			WRITE_ONCE(sk->sk_rcvbuf, rcvbuf);
	}
	tp->rcvq_space.space = copied;
new_measure:
	tp->rcvq_space.seq = tp->copied_seq;
	tp->rcvq_space.time = now;
}
