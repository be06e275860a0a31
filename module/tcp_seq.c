// SPDX-License-Identifier: GPL-2.0
/*
 * TCP decisions that are functions of sequence numbers and sizes:
 * initial sequence numbers (RFC 6528), segment acceptability (RFC 9293
 * 3.10.7.4), the RFC 5961 checks on RST, SYN and ACK, sender silly-window avoidance with Nagle
 * (RFC 1122 4.2.3.4, RFC 896) and receiver silly-window avoidance
 * (RFC 1122 4.2.3.3).  See tcp_algo.h for the contract of each.
 */
#include <kunit/visibility.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/net.h>
#include <linux/siphash.h>

#include "tcp_algo.h"

/* RFC 6528 3: the secret key, drawn once, on first use. */
static siphash_aligned_key_t anp_tcp_isn_secret;

/*
 * RFC 6528 3: ISN = M + F(localip, localport, remoteip, remoteport,
 * secretkey).  F is SipHash-2-4 of the 4-tuple (RFC 6528 3 asks for a
 * PRF that "MUST NOT be computable from the outside"); M is a clock
 * ticking every 4 microseconds (RFC 9293 3.4.1 and RFC 6528 3), so a
 * connection reusing a 4-tuple starts ahead of the old one's numbers.
 */
u32 anp_tcp_isn_keyed(const siphash_key_t *key, __be32 saddr, __be32 daddr,
		      __be16 sport, __be16 dport, u64 now_ns)
{
	u32 f = siphash_3u32((__force u32)saddr, (__force u32)daddr,
			     (__force u32)sport << 16 | (__force u32)dport,
			     key);

	return f + (u32)div_u64(now_ns, 4 * NSEC_PER_USEC);
}
EXPORT_SYMBOL_IF_KUNIT(anp_tcp_isn_keyed);

u32 anp_tcp_isn_at(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport,
		   u64 now_ns)
{
	net_get_random_once(&anp_tcp_isn_secret, sizeof(anp_tcp_isn_secret));
	return anp_tcp_isn_keyed(&anp_tcp_isn_secret, saddr, daddr, sport,
				 dport, now_ns);
}
EXPORT_SYMBOL_IF_KUNIT(anp_tcp_isn_at);

u32 anp_tcp_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport)
{
	return anp_tcp_isn_at(saddr, daddr, sport, dport, ktime_get_ns());
}
EXPORT_SYMBOL_IF_KUNIT(anp_tcp_isn);

/* RFC 7323 7.1: a key of its own, so the offset says nothing of the ISN. */
static siphash_aligned_key_t anp_tcp_ts_secret;

u32 anp_tcp_ts_off(__be32 saddr, __be32 daddr)
{
	net_get_random_once(&anp_tcp_ts_secret, sizeof(anp_tcp_ts_secret));
	return siphash_2u32((__force u32)saddr, (__force u32)daddr,
			    &anp_tcp_ts_secret);
}

/* RCV.NXT =< seq < RCV.NXT + RCV.WND, modulo 2^32; false for wnd 0. */
static bool anp_tcp_in_window(u32 seq, u32 rcv_nxt, u32 rcv_wnd)
{
	return seq - rcv_nxt < rcv_wnd;
}

/*
 * RFC 9293 3.10.7.4, first check, the four cases:
 *   len 0, wnd 0:  SEG.SEQ = RCV.NXT
 *   len 0, wnd >0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
 *   len >0, wnd 0: not acceptable
 *   len >0, wnd >0: the first or the last octet inside the window
 * The last case taken literally rejects a segment that covers the whole
 * window (starts before RCV.NXT, ends after RCV.NXT+RCV.WND), though
 * every octet of the window is in it.  Linux's tcp_sequence() accepts
 * any segment that overlaps the window, and so do we: two ranges
 * overlap when the start of one lies inside the other.  The receiver
 * trims what lies outside (RFC 9293 3.10.7.4: "segments ... may be
 * trimmed to contain only the portion within the window").
 */
bool anp_tcp_seq_acceptable(u32 seq, u32 len, u32 rcv_nxt, u32 rcv_wnd)
{
	if (!len) {
		if (!rcv_wnd)
			return seq == rcv_nxt;
		return anp_tcp_in_window(seq, rcv_nxt, rcv_wnd);
	}
	if (!rcv_wnd)
		return false;
	return anp_tcp_in_window(seq, rcv_nxt, rcv_wnd) ||
	       anp_tcp_in_window(rcv_nxt, seq, len);
}
EXPORT_SYMBOL_IF_KUNIT(anp_tcp_seq_acceptable);

/*
 * RFC 5961 3.2: reset only on an exact match with RCV.NXT; an RST
 * elsewhere in the window gets a challenge ACK (so a genuine peer that
 * lost state resends it at RCV.NXT); outside the window it is dropped.
 */
enum anp_tcp_check anp_tcp_rst_check(u32 seq, u32 rcv_nxt, u32 rcv_wnd)
{
	if (seq == rcv_nxt)
		return ANP_TCP_ACCEPT;
	if (anp_tcp_in_window(seq, rcv_nxt, rcv_wnd))
		return ANP_TCP_CHALLENGE;
	return ANP_TCP_DROP;
}
EXPORT_SYMBOL_IF_KUNIT(anp_tcp_rst_check);

/*
 * RFC 5961 4.2: whatever its sequence number, a SYN in a synchronized
 * state is answered with a challenge ACK and discarded.
 */
enum anp_tcp_check anp_tcp_syn_check(void)
{
	return ANP_TCP_CHALLENGE;
}
EXPORT_SYMBOL_IF_KUNIT(anp_tcp_syn_check);

/*
 * RFC 5961 5.2: acceptable when (SND.UNA - MAX.SND.WND) =< SEG.ACK =<
 * SND.NXT; any other ACK value is discarded with an ACK sent back
 * (RFC 9293 3.10.7.4 fifth check: "If the ACK acks something not yet
 * sent (SEG.ACK > SND.NXT), then send an ACK, drop the segment").
 */
enum anp_tcp_check anp_tcp_ack_check(u32 ack, u32 snd_una, u32 snd_nxt,
				     u32 max_snd_wnd)
{
	if (anp_seq_between(ack, snd_una - max_snd_wnd, snd_nxt))
		return ANP_TCP_ACCEPT;
	return ANP_TCP_CHALLENGE;
}
EXPORT_SYMBOL_IF_KUNIT(anp_tcp_ack_check);

/*
 * RFC 1122 4.2.3.4: send when
 *   (1) a maximum-sized segment can be sent,
 *   (2) the data is pushed and all queued data can be sent now, and,
 *       with Nagle (RFC 896, RFC 1122 4.2.3.4: "if there is
 *       unacknowledged data ... buffer all user data ... until the
 *       outstanding data has been acknowledged"), nothing is in flight
 *       unless TCP_NODELAY turned Nagle off,
 *   (3) at least a fraction Fs = 1/2 of the largest window the peer
 *       ever offered can be sent (a peer with a window below one MSS),
 *   (4) the data is pushed and the override timeout fired.
 * A window never offered (max_snd_wnd 0) makes (3) moot.
 */
bool anp_tcp_send_ok(u32 len, u32 mss, bool push, bool in_flight,
		     bool nodelay, u32 max_snd_wnd, bool override)
{
	if (len >= mss)
		return true;
	if (push && (!in_flight || nodelay))
		return true;
	if (max_snd_wnd && 2ULL * len >= max_snd_wnd)
		return true;
	return override;
}
EXPORT_SYMBOL_IF_KUNIT(anp_tcp_send_ok);

/*
 * RFC 1122 4.2.3.3, RFC 9293 3.8.6.2.2: keep the right edge (RCV.NXT +
 * RCV.WND) where it is until
 *   RCV.BUFF - RCV.USER - RCV.WND >= min(Fr * RCV.BUFF, Eff.snd.MSS)
 * with Fr = 1/2 (free is RCV.BUFF - RCV.USER, cur is RCV.WND); then
 * offer all the free space.  The window never shrinks (RFC 9293
 * 3.8.6.2.2: "a TCP receiver SHOULD NOT shrink the window") and fits
 * the 16-bit window field shifted by the window scale (RFC 9293 3.1,
 * RFC 7323 2.3): max_wnd.
 */
u32 anp_tcp_rcv_wnd_select(u32 free, u32 cur, u32 mss, u32 rcv_buf,
			   u32 max_wnd)
{
	u32 step = min(rcv_buf / 2, mss);

	if (free <= cur || free - cur < step)
		return cur;
	return max(cur, min(free, max_wnd));
}
EXPORT_SYMBOL_IF_KUNIT(anp_tcp_rcv_wnd_select);
