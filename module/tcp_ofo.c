// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-order queue: segments beyond RCV.NXT held for later (RFC
 * 9293 3.10.7.4: "segments with higher beginning sequence numbers
 * SHOULD be held for later processing").
 *
 * An rbtree of skbs (skb->rbnode) keyed by ANP_TCP_SKB_CB(skb)->seq,
 * with no two held segments sharing a sequence number: a new segment is
 * cut to the part not held yet (its head against the segment before it,
 * its tail against the last one it reaches into) and replaces any held
 * segment it covers whole.  RFC 9293 3.10.7.4 lets the receiver keep
 * any copy of a duplicated octet; keeping what is held is the cheaper
 * choice.  All comparisons are modulo 2^32 (RFC 9293 3.4), valid as
 * everything held lies within one receive window.
 */
#include <kunit/visibility.h>
#include <net/tcp.h>

#include "tcp_algo.h"

#define OFO_SEQ(skb)	(ANP_TCP_SKB_CB(skb)->seq)
#define OFO_END(skb)	(ANP_TCP_SKB_CB(skb)->end_seq)

void anp_ofo_init(struct anp_ofo *q)
{
	q->root = RB_ROOT;
	q->segs = 0;
	q->bytes = 0;
	q->truesize = 0;
}
EXPORT_SYMBOL_IF_KUNIT(anp_ofo_init);

static void anp_ofo_unlink(struct anp_ofo *q, struct sk_buff *skb)
{
	rb_erase(&skb->rbnode, &q->root);
	q->segs--;
	q->bytes -= skb->len;
	q->truesize -= skb->truesize;
}

static void anp_ofo_link(struct anp_ofo *q, struct sk_buff *skb)
{
	struct rb_node **link = &q->root.rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (anp_seq_before(OFO_SEQ(skb), OFO_SEQ(rb_to_skb(parent))))
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&skb->rbnode, parent, link);
	rb_insert_color(&skb->rbnode, &q->root);
	q->segs++;
	q->bytes += skb->len;
	q->truesize += skb->truesize;
}

/*
 * Drop the first n sequence numbers (all payload: no SYN is ever held,
 * and callers never cut into a FIN from the front).  pskb_pull may have
 * to copy paged data into the head, which can fail.
 */
static int anp_ofo_trim_head(struct sk_buff *skb, u32 n)
{
	if (!pskb_pull(skb, n))
		return -ENOMEM;
	OFO_SEQ(skb) += n;
	return 0;
}

/* Make skb end at sequence number end, FIN and payload beyond it gone. */
static int anp_ofo_trim_tail(struct sk_buff *skb, u32 end)
{
	int err = pskb_trim(skb, end - OFO_SEQ(skb));

	if (err)
		return err;
	OFO_END(skb) = end;
	ANP_TCP_SKB_CB(skb)->flags &= ~TCPHDR_FIN;
	return 0;
}

/* The held segment with the highest seq =< seq, or NULL. */
static struct sk_buff *anp_ofo_floor(struct anp_ofo *q, u32 seq)
{
	struct rb_node *n = q->root.rb_node;
	struct sk_buff *floor = NULL;

	while (n) {
		struct sk_buff *h = rb_to_skb(n);

		if (anp_seq_before(seq, OFO_SEQ(h))) {
			n = n->rb_left;
		} else {
			floor = h;
			n = n->rb_right;
		}
	}
	return floor;
}

int anp_ofo_insert(struct anp_ofo *q, struct sk_buff *skb, u32 limit)
{
	u32 start = OFO_SEQ(skb), end = OFO_END(skb), pos;
	struct sk_buff *prev, *first, *h, *last = NULL;
	bool gap = false;

	prev = anp_ofo_floor(q, start);
	if (prev && anp_seq_after(OFO_END(prev), start)) {
		if (anp_seq_geq(OFO_END(prev), end))
			goto held;
		start = OFO_END(prev);
	}
	/* The held segments [start, end) reaches into, in order. */
	first = prev ? skb_rb_next(prev) : skb_rb_first(&q->root);
	pos = start;
	for (h = first; h && anp_seq_before(OFO_SEQ(h), end);
	     h = skb_rb_next(h)) {
		if (anp_seq_after(OFO_SEQ(h), pos))
			gap = true;
		pos = OFO_END(h);
		last = h;
	}
	if (!gap && anp_seq_geq(pos, end))
		goto held;
	/* Nothing is changed before the bound is checked. */
	if ((u64)q->truesize + skb->truesize > limit)
		return -ENOBUFS;
	if (last && anp_seq_after(OFO_END(last), end)) {
		end = OFO_SEQ(last);
		if (anp_ofo_trim_tail(skb, end))
			return -ENOBUFS;
	}
	if (start != OFO_SEQ(skb) &&
	    anp_ofo_trim_head(skb, start - OFO_SEQ(skb)))
		return -ENOBUFS;
	/* Every held segment left in [start, end) is covered whole. */
	while (first && anp_seq_before(OFO_SEQ(first), end)) {
		h = first;
		first = skb_rb_next(first);
		anp_ofo_unlink(q, h);
		kfree_skb(h);
	}
	anp_ofo_link(q, skb);
	return 0;

held:
	kfree_skb(skb);
	return 1;
}
EXPORT_SYMBOL_IF_KUNIT(anp_ofo_insert);

struct sk_buff *anp_ofo_pop(struct anp_ofo *q, u32 rcv_nxt)
{
	struct sk_buff *skb;

	while ((skb = skb_rb_first(&q->root))) {
		if (anp_seq_after(OFO_SEQ(skb), rcv_nxt))
			return NULL;
		anp_ofo_unlink(q, skb);
		if (anp_seq_leq(OFO_END(skb), rcv_nxt)) {
			kfree_skb(skb);
			continue;
		}
		/*
		 * Without the memory to cut the head, drop the segment: its
		 * bytes come back by retransmission (RFC 9293 3.10.7.4 lets
		 * a receiver drop any segment it has not acknowledged).
		 */
		if (anp_ofo_trim_head(skb, rcv_nxt - OFO_SEQ(skb))) {
			kfree_skb(skb);
			return NULL;
		}
		return skb;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(anp_ofo_pop);

void anp_ofo_prune(struct anp_ofo *q, u32 limit)
{
	struct rb_node *last;

	/* The highest sequence numbers go first: the lowest fill soonest. */
	while (q->truesize > limit && (last = rb_last(&q->root))) {
		struct sk_buff *skb = rb_to_skb(last);

		anp_ofo_unlink(q, skb);
		kfree_skb(skb);
	}
}
EXPORT_SYMBOL_IF_KUNIT(anp_ofo_prune);

void anp_ofo_purge(struct anp_ofo *q)
{
	struct sk_buff *skb;

	/* skb_rbtree_purge() is not exported to modules in 6.1. */
	while ((skb = skb_rb_first(&q->root))) {
		anp_ofo_unlink(q, skb);
		kfree_skb(skb);
	}
}
EXPORT_SYMBOL_IF_KUNIT(anp_ofo_purge);
