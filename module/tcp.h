/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TCP engine of the ANP host (RFC 9293), private to tcp*.c.
 *
 *   tcp.c         SOCK_STREAM proto_ops and proto: the socket calls
 *   tcp_input.c   segment arrival: demux, RFC 9293 3.10.7 per state
 *   tcp_output.c  segments out: send queue, retransmit queue, ACK/RST
 *   tcp_buf.c     receive and send buffer autotuning (DRS)
 *   tcp_sack.c    the sender's SACK scoreboard and recovery (RFC 6675)
 *   tcp_rack.c    RACK-TLP loss detection (RFC 8985): which segments
 *                 the scoreboard takes for lost, the reordering and
 *                 tail loss probe timeouts
 *   tcp_timer.c   retransmission/persist, delayed ACK, keepalive,
 *                 FIN-WAIT-2 and TIME-WAIT timers
 *
 * A connection is a struct anp_tcp_sock; sk_state holds Linux's TCP_*
 * values so the sk_stream_* helpers and poll work as for AF_INET.
 *
 * Queues (all skbs carry struct anp_tcp_skb_cb, payload only):
 *   sk_write_queue   bytes written but not sent yet (seq >= snd_nxt)
 *   rtx_q            sent, not yet acknowledged (seq < snd_nxt); an RTO
 *                    moves them back to the head of sk_write_queue
 *                    (go-back-N, snd_nxt = snd_una; snd_max remembers
 *                    the highest sequence number ever sent)
 *   sk_receive_queue in-order data for recvmsg (charged to sk_rmem_alloc)
 *   ofo              out-of-order data (tcp_ofo.c), bounded by SO_RCVBUF
 *
 * Ownership: the reference sk_alloc() gives is dropped by
 * anp_tcp_destroy() once the connection is CLOSED and nobody holds it
 * (no file: SOCK_DEAD).  A socket the user closed lives on as an
 * orphan until its state machine ends it (FIN-WAIT, TIME-WAIT...).  A
 * child of a listener is held by the listener's SYN or accept queue
 * until accept() grafts it to a file or the listener drops it.
 *
 * Locking: per-connection state under the socket lock: lock_sock in
 * process context; input and timers take bh_lock_sock and, when the
 * user owns the socket, input goes to the backlog (sk_backlog_rcv)
 * and timers retry a tick later.  A listener's queues have their own
 * spinlock (acc_lock), taken inside a child's socket lock.
 */
#ifndef __ANP_TCP_H
#define __ANP_TCP_H

#include <linux/tcp.h>
#include <net/tcp.h>
#include <net/tcp_states.h>

#include "anp.h"
#include "tcp_algo.h"

/* RFC 9293 3.7.1: the MSS assumed when the peer sends no option. */
#define ANP_TCP_DEFAULT_MSS	536
/*
 * The smallest send MSS a peer's option can impose (Linux's
 * tcp_min_snd_mss): tiny segments would cost a header per byte
 * (CVE-2019-11479).
 */
#define ANP_TCP_MIN_SND_MSS	48
/* The MTU used for segments the host sends to itself (never on a NIC):
 * with no window scaling a window is at most 65535 bytes, so segments
 * of 15 KiB keep four in flight, and each fits a 16 KiB skb head.
 */
#define ANP_TCP_LOCAL_MTU	15360
/* RFC 9293 3.4.2: MSL, "arbitrarily defined to be 2 minutes"; Linux's
 * TCP_TIMEWAIT_LEN (2 * MSL) is 60 s, and so is ours: MSL = 30 s.
 */
#define ANP_TCP_MSL		(30 * HZ)
#define ANP_TCP_TIMEWAIT_LEN	(2 * ANP_TCP_MSL)
/* An orphan in FIN-WAIT-2 (Linux's tcp_fin_timeout); TCP_LINGER2 sets
 * it up to TCP_FIN_TIMEOUT_MAX (120 s).
 */
#define ANP_TCP_FIN_TIMEOUT	(60 * HZ)
/* Linux's tcp_syn_retries, tcp_synack_retries and tcp_retries2. */
#define ANP_TCP_SYN_RETRIES	6
#define ANP_TCP_SYNACK_RETRIES	5
#define ANP_TCP_RETRIES2	15
/* RFC 1122 4.2.3.2: an ACK delayed at most 500 ms; Linux: 40..200 ms. */
#define ANP_TCP_DELACK_MIN	(HZ / 25)
#define ANP_TCP_DELACK_MAX	(HZ / 5)
/* Full-sized segments ACKed at once at the start of a connection. */
#define ANP_TCP_QUICKACKS	16
/* RFC 1122 4.2.3.6 defaults (Linux's): 2 h idle, 75 s, 9 probes. */
#define ANP_TCP_KEEPIDLE	(7200 * HZ)
#define ANP_TCP_KEEPINTVL	(75 * HZ)
#define ANP_TCP_KEEPCNT		9
#define ANP_TCP_MAX_KEEPIDLE	32767		/* seconds, as Linux */
#define ANP_TCP_MAX_KEEPCNT	127
/* Linux's tcp_invalid_ratelimit: one ACK per socket per 500 ms for
 * out-of-window pure ACKs and challenges (RFC 5961 10, ACK wars).
 */
#define ANP_TCP_OOW_INTERVAL	(HZ / 2)
/* A timer that finds the user holding the socket tries again then. */
#define ANP_TCP_DEFER		(HZ / 50 ?: 1)

enum anp_tcp_tmode {
	ANP_TCP_T_NONE,
	ANP_TCP_T_RTX,		/* retransmission (SYN, data, FIN) */
	ANP_TCP_T_PERSIST,	/* zero-window probe / SWS override */
	ANP_TCP_T_REO,		/* RACK reordering timeout (RFC 8985 6.3) */
	ANP_TCP_T_TLP,		/* tail loss probe timeout (RFC 8985 7.2) */
};

/* RFC 8985 RACK-TLP state (tcp_rack.c); times in tcp_clock_us(). */
struct anp_tcp_rack {
	u32 xmit_us;		/* RACK.xmit_ts: of the latest-sent segment
				 * delivered (acknowledged or SACKed)
				 */
	u32 end_seq;		/* RACK.end_seq: that segment's end */
	u32 rtt_us;		/* RACK.rtt: its round trip */
	u32 fack;		/* RACK.fack: highest end_seq delivered */
	u32 min_rtt_us;		/* RACK.min_RTT, 0: no sample yet */
	u32 min_rtt_stamp;	/* tcp_jiffies32 when min_rtt_us was taken */
	u32 reo_us;		/* step 5: a segment's reordering window
				 * ends this much later (0: none waits)
				 */
	u32 tlp_end_seq;	/* TLP.end_seq: SND.NXT when probed */
	u32 dsack_round;	/* RACK.dsack_round: SND.NXT at a D-SACK */
	u8 reo_wnd_mult;	/* RACK.reo_wnd_mult, 0 read as 1 */
	u8 reo_wnd_persist;	/* RACK.reo_wnd_persist */
	u8 valid:1,		/* xmit_us / end_seq / rtt_us are set */
	   fack_valid:1,
	   reord:1,		/* RACK.reordering_seen */
	   dsack_round_on:1,	/* dsack_round is set (not None) */
	   tlp_on:1,		/* a probe is outstanding (TLP episode) */
	   tlp_retrans:1;	/* TLP.is_retrans: it resent old data */
};

struct anp_tcp_sock {
	struct anp_sock as;		/* must be first */

	/* RFC 9293 3.3.1 send sequence variables. */
	u32 iss;
	u32 snd_una;
	u32 snd_nxt;
	u32 snd_max;			/* highest seq sent + 1 */
	u32 snd_wnd;
	u32 snd_wl1;
	u32 snd_wl2;
	u32 max_snd_wnd;
	u32 write_seq;			/* end of the bytes queued */
	/* Receive sequence variables. */
	u32 irs;
	u32 rcv_nxt;
	u32 rcv_wup;			/* rcv_nxt when the window was sent */
	u32 rcv_wnd;			/* the window sent then */
	u32 copied_seq;			/* next byte recvmsg returns */

	u16 mss;			/* SMSS: what we send */
	u16 advmss;			/* what we announced (route MTU - 40) */
	u16 user_mss;			/* TCP_MAXSEG, 0: none */
	u16 rcv_mss;			/* largest segment seen, for SWS */

	/*
	 * Options negotiated on the SYNs (each on when both SYNs carried
	 * it): RFC 7323 timestamps and window scaling, RFC 2018 SACK.
	 */
	u8 ts_ok:1,
	   sack_ok:1,
	   wscale_ok:1,
	   dsack:1;			/* our next ACK carries dsack_block */
	u8 snd_wscale;			/* shift of the peer's windows */
	u8 rcv_wscale;			/* shift of ours */
	u8 num_sacks;			/* blocks in sacks[] */
	u32 ts_off;			/* our TSval clock's offset (RFC 7323 7.1) */
	u32 ts_recent;			/* RFC 7323 4.3 TS.Recent */
	time64_t ts_recent_stamp;	/* seconds: when TS.Recent was taken */
	/* Our SACK blocks, most recent first (RFC 2018 4). */
	struct anp_tcp_sack_block sacks[ANP_TCP_MAX_SACKS];
	/* RFC 2883: a duplicate the next ACK reports, once. */
	struct anp_tcp_sack_block dsack_block;
	/* The sender's SACK scoreboard (tcp_sack.c), as of the last ACK. */
	u32 pipe;			/* RFC 6675 "pipe", bytes */
	u32 sacked_out;			/* segments SACKed */
	u32 lost_out;			/* segments IsLost() */
	struct anp_tcp_rack rack;
	/*
	 * RFC 3708 (tcp_sack.c): the recovery that began with SND.UNA at
	 * undo_marker is spurious if every retransmission it made comes
	 * back in a D-SACK; then cwnd and ssthresh go back to prior_*.
	 */
	u32 undo_marker;
	u32 undo_retrans;		/* retransmissions not D-SACKed yet */
	u32 prior_cwnd;
	u32 prior_ssthresh;
	u8 undo_on:1;

	u8 nodelay:1,			/* TCP_NODELAY */
	   fin_queued:1,		/* our FIN is in the send queues */
	   ack_pending:1,		/* a delayed ACK is owed */
	   listen_closing:1,		/* listener: queues being dropped */
	   in_syn_q:1,			/* child: on its listener's SYN queue */
	   in_acc_q:1,			/* child: on the accept queue */
	   destroyed:1,
	   cork:1;			/* TCP_CORK */
	/* Linux's pingpong mode: TCP_QUICKACK 0 turned quick ACKs off
	 * until the delayed-ACK timer next fires.
	 */
	u8 pingpong:1,
	   defer_acked:1;		/* child: its bare ACK was deferred */
	/* Listener: TCP_DEFER_ACCEPT as SYN,ACK retransmissions. */
	u8 defer_accept;
	u8 tmode;			/* enum anp_tcp_tmode of rtx_timer */
	u8 retries;			/* RTO expiries in a row */
	u8 probes;			/* persist or keepalive probes sent */
	u8 quickack;			/* segments still ACKed at once */
	u8 segs_unacked;		/* full segments since our last ACK */
	u8 keepcnt;			/* TCP_KEEPCNT, 0: default */
	u8 syn_retries;			/* TCP_SYNCNT, 0: default */
	u8 ca_state;			/* for TCP_INFO */
	int keepidle;			/* jiffies, 0: default */
	int keepintvl;
	u32 user_timeout;		/* TCP_USER_TIMEOUT, ms, 0: none */
	/* TCP_LINGER2: an orphan's FIN-WAIT-2 time in jiffies, 0: the
	 * default, -1: none (the orphan ends at once).
	 */
	int linger2;
	u32 window_clamp;		/* TCP_WINDOW_CLAMP, 0: none */
	u32 notsent_lowat;		/* TCP_NOTSENT_LOWAT, 0: none */
	/* jiffies: first transmission of the oldest unacknowledged
	 * segment, taken at the first RTO expiry (Linux's retrans_stamp).
	 */
	unsigned long rtx_start;

	/*
	 * Buffer autotuning (tcp_buf.c, Linux's rcv_rtt_est and
	 * rcvq_space): the receiver's RTT estimate in us, times 8 (0:
	 * none yet), and the measurement under way: until RCV.NXT passes
	 * seq (window-based) or TSecr changes; what the reader took
	 * (space) in the last RTT and since when (seq, time in us).
	 */
	struct {
		u32 rtt_us;
		u32 seq;
		u64 time;
	} rcv_rtt_est;
	struct {
		u32 space;
		u32 seq;
		u64 time;
	} rcvq_space;
	u32 rcv_rtt_last_tsecr;

	struct anp_rtt rtt;
	struct anp_cc cc;
	struct anp_ofo ofo;
	struct sk_buff_head rtx_q;

	struct timer_list rtx_timer;	/* tmode: RTX or PERSIST */
	struct timer_list delack_timer;
	/* sk->sk_timer: keepalive, FIN-WAIT-2 and TIME-WAIT. */

	unsigned long rcv_tstamp;	/* jiffies of the last segment in */
	unsigned long last_oow_ack;	/* jiffies: ACK to a bad segment */
	unsigned long snd_tstamp;	/* jiffies of the last data out */
	unsigned long probe_tstamp;	/* jiffies of the last keepalive probe */

	/* Listener. */
	spinlock_t acc_lock;		/* syn_q, acc_q, counts, closing */
	struct list_head syn_q;		/* children in SYN-RECEIVED */
	struct list_head acc_q;		/* established, for accept() */
	u32 syn_qlen;
	/* Child: its listener (a reference) and place in its queues. */
	struct sock *listener;
	struct list_head q_node;

	/* TCP_INFO. */
	u32 total_retrans;
	u32 segs_in, segs_out, data_segs_in, data_segs_out;
	u64 bytes_acked, bytes_received, bytes_sent, bytes_retrans;
	u32 rtx_segs;			/* retransmitted, not yet acked */
	unsigned long last_data_recv, last_data_sent, last_ack_recv;
};

static inline struct anp_tcp_sock *anp_tcp_sk(const struct sock *sk)
{
	return (struct anp_tcp_sock *)sk;
}

#define ANP_TCP_INC(sk, field) \
	ANP_INC_STATS(anp_net(sock_net(sk)), ANP_MIB_TCP_##field)
#define ANP_TCP_ADD(sk, field, n) \
	ANP_ADD_STATS(anp_net(sock_net(sk)), ANP_MIB_TCP_##field, n)

/* Bytes in flight (RFC 5681 FlightSize). */
static inline u32 anp_tcp_flight(const struct anp_tcp_sock *tp)
{
	return tp->snd_nxt - tp->snd_una;
}

/*
 * With SACK, fast recovery (RFC 6675 5) and the slow start after an
 * RTO (RFC 6675 5.1, tcp_sack.c) send by the scoreboard's pipe.
 */
static inline bool anp_tcp_by_pipe(const struct anp_tcp_sock *tp)
{
	return tp->sack_ok && tp->cc.state != ANP_CC_OPEN;
}

/* What congestion control compares with cwnd: pipe, or FlightSize. */
static inline u32 anp_tcp_in_flight(const struct anp_tcp_sock *tp)
{
	return anp_tcp_by_pipe(tp) ? tp->pipe : anp_tcp_flight(tp);
}

/* Bytes recvmsg could return now (the FIN is not one). */
static inline u32 anp_tcp_inq(const struct sock *sk)
{
	const struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	u32 n = READ_ONCE(tp->rcv_nxt) - READ_ONCE(tp->copied_seq);

	if (n && sock_flag(sk, SOCK_DONE))
		n--;
	return n;
}

/* RFC 7323 4: our TSval clock, 1 ms a tick (Linux's tcp_time_stamp_raw()). */
static inline u32 anp_tcp_ts_now(const struct anp_tcp_sock *tp)
{
	return tcp_time_stamp_raw() + tp->ts_off;
}

/* tcp.c */
/* As ss shows them: bytes unread and unacknowledged; a listener's
 * accept queue length and backlog.  Lockless reads.
 */
void anp_tcp_queues(const struct sock *sk, u32 *rq, u32 *wq);
void anp_tcp_set_state(struct sock *sk, int state);
void anp_tcp_done(struct sock *sk);
void anp_tcp_destroy(struct sock *sk);
void anp_tcp_reset(struct sock *sk, int err);
void anp_tcp_child_unlink(struct sock *child);
bool anp_tcp_child_promote(struct sock *child);
struct sock *anp_tcp_child_alloc(struct sock *listener);
void anp_tcp_init_conn(struct sock *sk, const struct anp_tcp_opts *syn);
u8 anp_tcp_rcv_wscale(const struct sock *sk);
/*
 * From the route to daddr, once per connection after anp_rtt_init():
 * the MSS to offer (returned) and the estimator's minimum RTO (the
 * route's rto_min when it has one; local destinations keep the default).
 */
u32 anp_tcp_route_mss(struct sock *sk, __be32 daddr);

/* tcp_input.c */
int anp_tcp_do_rcv(struct sock *sk, struct sk_buff *skb);
bool anp_tcp_timewait_reopen(struct sock *sk, struct sk_buff *skb);

/* tcp_output.c */
int anp_tcp_transmit(struct sock *sk, struct sk_buff *skb, bool rtx);
void anp_tcp_send_ack(struct sock *sk);
void anp_tcp_send_challenge_ack(struct sock *sk);
bool anp_tcp_oow_limited(struct sock *sk);
void anp_tcp_send_probe(struct sock *sk);
void anp_tcp_send_active_reset(struct sock *sk);
void anp_tcp_send_reset(struct anp_net *an, struct sk_buff *skb);
int anp_tcp_send_syn(struct sock *sk);
void anp_tcp_send_fin(struct sock *sk);
/* How anp_tcp_push() may send, for this call (Linux's TCP_NAGLE_*). */
#define ANP_TCP_PUSH_OVERRIDE	BIT(0)	/* RFC 1122 4.2.3.4 override */
#define ANP_TCP_PUSH_UNCORK	BIT(1)	/* as if not corked (TCP_NAGLE_PUSH) */
#define ANP_TCP_PUSH_CORK	BIT(2)	/* corked (MSG_MORE: TCP_NAGLE_CORK) */
#define ANP_TCP_PUSH_PROBE	BIT(3)	/* one new segment, cwnd aside (TLP) */
void anp_tcp_push(struct sock *sk, unsigned int how);
u32 anp_tcp_new_window(const struct sock *sk, u32 cur);
u32 anp_tcp_rcv_space(const struct sock *sk);
void anp_tcp_free_skb(struct sock *sk, struct sk_buff *skb);
void anp_tcp_purge_queues(struct sock *sk);
void anp_tcp_retransmit_head(struct sock *sk);
void anp_tcp_go_back_n(struct sock *sk);

/* tcp_buf.c */
void anp_tcp_init_buffer_space(struct sock *sk);
void anp_tcp_new_space(struct sock *sk);
void anp_tcp_rcv_rtt_measure(struct sock *sk);
void anp_tcp_rcv_rtt_measure_ts(struct sock *sk, u32 len,
				const struct anp_tcp_opts *opts);
void anp_tcp_rcv_space_adjust(struct sock *sk);

/* tcp_sack.c */
bool anp_tcp_sack_rcv(struct sock *sk, const struct anp_tcp_opts *opts);
bool anp_tcp_sack_update(struct sock *sk, bool full);
#define ANP_TCP_SACK_ENTRY	BIT(0)	/* recovery starts: resend the head */
#define ANP_TCP_SACK_HEAD_LOST	BIT(1)	/* a partial ACK: the head is lost */
void anp_tcp_sack_recover(struct sock *sk, unsigned int how);
void anp_tcp_sack_timeout(struct sock *sk);
void anp_tcp_recovery(struct sock *sk, const struct anp_cc_ack *ca);
void anp_tcp_undo_start(struct anp_tcp_sock *tp, u32 cwnd, u32 ssthresh);
void anp_tcp_undo_dsack(struct anp_tcp_sock *tp,
			const struct anp_tcp_sack_block *b);

/* tcp_rack.c */
void anp_tcp_rack_rtt(struct anp_tcp_sock *tp, u32 rtt_us);
void anp_tcp_rack_delivered(struct anp_tcp_sock *tp,
			    const struct anp_tcp_skb_cb *cb);
u32 anp_tcp_rack_detect_loss(struct sock *sk, bool *marked);
void anp_tcp_rack_dsack(struct anp_tcp_sock *tp, bool dsack);
void anp_tcp_rack_recovered(struct anp_tcp_sock *tp);
void anp_tcp_rack_rearm(struct sock *sk, bool acked);
void anp_tcp_rack_sent(struct sock *sk);
void anp_tcp_rack_timeout(struct sock *sk);
void anp_tcp_tlp_ack(struct sock *sk, const struct anp_cc_ack *ca,
		     bool dsack);
void anp_tcp_tlp_timeout(struct sock *sk);

/* tcp_timer.c */
void anp_tcp_init_timers(struct sock *sk);
void anp_tcp_stop_timers(struct sock *sk);
void anp_tcp_kill_timers(struct sock *sk);
void anp_tcp_arm_rtx(struct sock *sk);
void anp_tcp_arm_persist(struct sock *sk);
void anp_tcp_clear_rtx(struct sock *sk);
void anp_tcp_delack(struct sock *sk);
void anp_tcp_arm_keepalive(struct sock *sk);
void anp_tcp_arm_timewait(struct sock *sk);
bool anp_tcp_arm_fin_wait2(struct sock *sk);
int anp_tcp_keepidle(const struct anp_tcp_sock *tp);
int anp_tcp_keepintvl(const struct anp_tcp_sock *tp);
int anp_tcp_keepcnt(const struct anp_tcp_sock *tp);

#endif /* __ANP_TCP_H */
