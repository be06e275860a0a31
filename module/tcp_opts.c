// SPDX-License-Identifier: GPL-2.0
/*
 * TCP options: parsing a segment's (RFC 9293 3.1, 3.2), laying out
 * ours, the PAWS test (RFC 7323 5) and the receiver's SACK blocks (RFC
 * 2018 4).  See tcp_algo.h for the contract of each.
 */
#include <kunit/visibility.h>
#include <linux/tcp.h>
#include <asm/unaligned.h>
#include <net/tcp.h>

#include "tcp_algo.h"

void anp_tcp_opts_parse(const struct tcphdr *th, struct anp_tcp_opts *o)
{
	const u8 *p = (const u8 *)(th + 1);
	const u8 *end = (const u8 *)th + th->doff * 4;

	memset(o, 0, sizeof(*o));
	while (p < end) {
		u8 kind = p[0], len;

		/* RFC 9293 3.1: End of Option List, and No-Operation. */
		if (kind == TCPOPT_EOL)
			return;
		if (kind == TCPOPT_NOP) {
			p++;
			continue;
		}
		if (end - p < 2)
			return;
		len = p[1];
		/* RFC 9293 3.1: the length counts kind and length. */
		if (len < 2 || len > end - p)
			return;
		switch (kind) {
		case TCPOPT_MSS:
			/* RFC 9293 3.2: "only be sent in the initial
			 * connection request (i.e., in segments with the SYN
			 * control bit set)".
			 */
			if (len == TCPOLEN_MSS && th->syn) {
				o->mss = get_unaligned_be16(p + 2);
				o->present |= ANP_TCP_OPT_MSS;
			}
			break;
		case TCPOPT_WINDOW:
			/* RFC 7323 2.2: only in a SYN; 2.3: over 14, use 14. */
			if (len == TCPOLEN_WINDOW && th->syn) {
				o->wscale = min_t(u8, p[2], ANP_TCP_MAX_WSCALE);
				o->present |= ANP_TCP_OPT_WSCALE;
			}
			break;
		case TCPOPT_SACK_PERM:
			/* RFC 2018 2: "only be sent in a SYN segment". */
			if (len == TCPOLEN_SACK_PERM && th->syn)
				o->present |= ANP_TCP_OPT_SACK_OK;
			break;
		case TCPOPT_TIMESTAMP:
			/* RFC 7323 3.2: kind 8, length 10, TSval, TSecr. */
			if (len == TCPOLEN_TIMESTAMP) {
				o->tsval = get_unaligned_be32(p + 2);
				o->tsecr = get_unaligned_be32(p + 6);
				o->present |= ANP_TCP_OPT_TS;
			}
			break;
		case TCPOPT_SACK: {
			/* RFC 2018 3: kind 5, length 2 + 8n, n blocks. */
			unsigned int i, n = (len - TCPOLEN_SACK_BASE) /
					    TCPOLEN_SACK_PERBLOCK;

			if (len < TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK ||
			    (len - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_PERBLOCK)
				break;
			n = min_t(unsigned int, n, ANP_TCP_MAX_SACKS);
			for (i = 0; i < n; i++) {
				const u8 *b = p + 2 + i * TCPOLEN_SACK_PERBLOCK;

				o->sacks[i].start = get_unaligned_be32(b);
				o->sacks[i].end = get_unaligned_be32(b + 4);
			}
			o->num_sacks = n;
			o->present |= ANP_TCP_OPT_SACK;
			break;
		}
		}
		p += len;
	}
}
EXPORT_SYMBOL_IF_KUNIT(anp_tcp_opts_parse);

unsigned int anp_tcp_opts_len(const struct anp_tcp_opts *o)
{
	unsigned int len = 0;

	if (o->present & ANP_TCP_OPT_MSS)
		len += TCPOLEN_MSS_ALIGNED;
	/* SACK-permitted shares the timestamps' 12 bytes when both go. */
	if (o->present & ANP_TCP_OPT_TS)
		len += TCPOLEN_TSTAMP_ALIGNED;
	else if (o->present & ANP_TCP_OPT_SACK_OK)
		len += TCPOLEN_SACKPERM_ALIGNED;
	if (o->present & ANP_TCP_OPT_WSCALE)
		len += TCPOLEN_WSCALE_ALIGNED;
	if ((o->present & ANP_TCP_OPT_SACK) && o->num_sacks)
		len += TCPOLEN_SACK_BASE_ALIGNED +
		       o->num_sacks * TCPOLEN_SACK_PERBLOCK;
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(anp_tcp_opts_len);

/*
 * Linux's tcp_options_write() layout, so captures look alike: MSS;
 * SACK-permitted and timestamps as 4,2,8,10 (or NOPs in front of
 * either alone); NOP and window scale; NOP, NOP and the SACK blocks.
 */
void anp_tcp_opts_write(u8 *p, const struct anp_tcp_opts *o)
{
	unsigned int i;

	if (o->present & ANP_TCP_OPT_MSS) {
		*p++ = TCPOPT_MSS;
		*p++ = TCPOLEN_MSS;
		put_unaligned_be16(o->mss, p);
		p += 2;
	}
	if (o->present & ANP_TCP_OPT_TS) {
		if (o->present & ANP_TCP_OPT_SACK_OK) {
			*p++ = TCPOPT_SACK_PERM;
			*p++ = TCPOLEN_SACK_PERM;
		} else {
			*p++ = TCPOPT_NOP;
			*p++ = TCPOPT_NOP;
		}
		*p++ = TCPOPT_TIMESTAMP;
		*p++ = TCPOLEN_TIMESTAMP;
		put_unaligned_be32(o->tsval, p);
		put_unaligned_be32(o->tsecr, p + 4);
		p += 8;
	} else if (o->present & ANP_TCP_OPT_SACK_OK) {
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_SACK_PERM;
		*p++ = TCPOLEN_SACK_PERM;
	}
	if (o->present & ANP_TCP_OPT_WSCALE) {
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_WINDOW;
		*p++ = TCPOLEN_WINDOW;
		*p++ = o->wscale;
	}
	if ((o->present & ANP_TCP_OPT_SACK) && o->num_sacks) {
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_SACK;
		*p++ = TCPOLEN_SACK_BASE +
		       o->num_sacks * TCPOLEN_SACK_PERBLOCK;
		for (i = 0; i < o->num_sacks; i++) {
			put_unaligned_be32(o->sacks[i].start, p);
			put_unaligned_be32(o->sacks[i].end, p + 4);
			p += TCPOLEN_SACK_PERBLOCK;
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(anp_tcp_opts_write);

/*
 * RFC 7323 5.3 R1, as Linux's tcp_paws_check(): TSval is acceptable
 * when it is not older than TS.Recent by more than TCP_PAWS_WINDOW (1)
 * tick (Linux's allowance for a segment stamped just before the one
 * that set TS.Recent); 5.5: a TS.Recent older than 24 days is no longer
 * trusted.
 */
bool anp_tcp_paws_ok(u32 ts_recent, time64_t ts_recent_stamp, u32 tsval,
		     time64_t now)
{
	if ((s32)(ts_recent - tsval) <= TCP_PAWS_WINDOW)
		return true;
	if (now >= ts_recent_stamp + TCP_PAWS_24DAYS)
		return true;
	return !ts_recent;
}
EXPORT_SYMBOL_IF_KUNIT(anp_tcp_paws_ok);

static bool anp_tcp_sack_touch(const struct anp_tcp_sack_block *b, u32 start,
			       u32 end)
{
	return !anp_seq_after(start, b->end) && !anp_seq_after(b->start, end);
}

/*
 * RFC 2018 4: "The first SACK block (i.e., the one immediately
 * following the kind and length fields in the option) MUST specify the
 * contiguous block of data containing the segment which triggered this
 * ACK"; the others repeat the most recently reported ones (Linux's
 * tcp_sack_new_ofo_skb()).
 */
void anp_tcp_sack_note(struct anp_tcp_sack_block *b, u8 *n, u32 start,
		       u32 end)
{
	struct anp_tcp_sack_block cur = { .start = start, .end = end };
	unsigned int i, kept = 0;

	/* Merge every block the new data touches into cur; keep the rest
	 * in their order.
	 */
	for (i = 0; i < *n; i++) {
		if (anp_tcp_sack_touch(&b[i], cur.start, cur.end)) {
			if (anp_seq_before(b[i].start, cur.start))
				cur.start = b[i].start;
			if (anp_seq_after(b[i].end, cur.end))
				cur.end = b[i].end;
			continue;
		}
		b[kept++] = b[i];
	}
	/* cur first; the oldest falls off when all are taken. */
	kept = min_t(unsigned int, kept, ANP_TCP_MAX_SACKS - 1);
	memmove(&b[1], &b[0], kept * sizeof(*b));
	b[0] = cur;
	*n = kept + 1;
}
EXPORT_SYMBOL_IF_KUNIT(anp_tcp_sack_note);

void anp_tcp_sack_clean(struct anp_tcp_sack_block *b, u8 *n, u32 rcv_nxt)
{
	unsigned int i, kept = 0;

	/* A block RCV.NXT reached is data acknowledged cumulatively. */
	for (i = 0; i < *n; i++)
		if (anp_seq_after(b[i].start, rcv_nxt))
			b[kept++] = b[i];
	*n = kept;
}
EXPORT_SYMBOL_IF_KUNIT(anp_tcp_sack_clean);
