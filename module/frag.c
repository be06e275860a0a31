// SPDX-License-Identifier: GPL-2.0
/*
 * IPv4 fragmentation and reassembly for the ANP host (RFC 791 3.2,
 * RFC 815, RFC 1122 3.3.2).
 *
 * Reassembly
 * ----------
 * One table per host (anp_net.frag): a hash of queues keyed by (source,
 * destination, protocol, identification) -- RFC 791 3.2: "the
 * identification ... together with the source and destination address
 * and the protocol" names the datagram.  Everything in the table is
 * under its BH-safe spinlock; no pointer to a queue escapes it.
 *
 * A queue is a list of fragment skbs sorted by offset (linked through
 * skb->next, each keeping its own IP header until the datagram is
 * built), the offset and end of each in skb->cb, the known end of the
 * datagram and the bytes received.  An insertion walks the list: O(n)
 * per fragment, n bounded by the memory limit; in-order and reverse
 * arrivals, the common cases, stop at the first element compared.
 *
 * Rules:
 *  - RFC 791 3.2: the fragment with MF clear fixes the datagram's
 *    length; every other fragment carries a multiple of 8 bytes.
 *  - A fragment equal in offset and end to one queued is an exact
 *    duplicate (netem duplication, a retransmission): dropped alone,
 *    counted in IpReasmDuplicates, the queue kept.
 *  - Anything inconsistent discards the whole queue, counted in
 *    IpReasmOverlaps and IpReasmFails (the contract in anp.h): data that
 *    overlaps queued data without being an exact duplicate (RFC 5722 4's
 *    reasoning, which Linux applies to IPv4 too), two different last
 *    fragments, data past the end a last fragment fixed, a non-last
 *    fragment whose length is not a multiple of 8 (RFC 791 3.2), an
 *    empty fragment, and an end past 65535 (RFC 791 3.1: Total Length
 *    is 16 bits; the "ping of death").
 *  - Memory: the truesize of every queued skb plus the queues themselves
 *    is bounded by ANP_FRAG_MEM_MAX per host; a fragment that would pass
 *    it is dropped (IpReasmFails).  Linux evicts old queues instead; a
 *    flood then costs the flooder's newest fragments, not older queues.
 *  - RFC 1122 3.3.2: a reassembly timeout; ANP_FRAG_TIMEOUT after its
 *    first fragment a queue is freed (IpReasmTimeout, IpReasmFails) and,
 *    if its fragment 0 had arrived, answered with ICMP Time Exceeded
 *    code 1 "fragment reassembly time exceeded" (RFC 792; RFC 1122
 *    3.3.2: SHOULD send it, only when fragment 0 was received).
 *
 * The datagram is built as Linux builds it (ip_frag_reasm): fragment 0
 * becomes the head and the other fragments, their IP headers pulled,
 * are chained on its frag_list.  No copy and no 64 KiB linear
 * allocation in softirq context (an order-5 page block that fails under
 * fragmentation), and the truesize charged to the receiving socket is
 * that of the fragments.  Every consumer handles a frag_list: the UDP
 * checksum (skb_checksum), the copy to user space
 * (skb_copy_datagram_msg) and anp_icmp_send (skb_copy_bits).  The head's
 * IP header gets the datagram's total length, offset and MF cleared and
 * a new checksum; ip_summed becomes CHECKSUM_NONE so transports verify
 * their checksum in software over the whole datagram.
 *
 * Time: one delayed work per table, armed when the first queue appears
 * and re-armed for the oldest queue's deadline; it runs
 * anp_frag_expire(an, jiffies), which KUnit calls with a made-up clock.
 * anp_frag_exit() stops it (stopped set under the lock, then
 * cancel_delayed_work_sync) before freeing every queue.
 *
 * Fragmentation
 * -------------
 * anp_frag_output() splits a datagram per RFC 791 3.2: each fragment a
 * new skb with a copy of the header (options without the copy flag
 * replaced by No Operation after the first fragment, RFC 791 3.1), a
 * multiple of 8 data bytes but the last, MF on all but the last, the
 * same identification.  As Linux's ip_fragment, each fragment is
 * charged to the sending socket (skb_set_owner_w) so SO_SNDBUF holds
 * while fragments wait in a queue (the neighbour's pending queue).
 */
#include <kunit/visibility.h>
#include <linux/icmp.h>
#include <linux/jhash.h>
#include <linux/slab.h>
#include <net/ip.h>

#include "anp.h"

#define ANP_FRAG_HASH_BITS	6

struct anp_frag_queue {
	struct hlist_node hnode;	/* in a table bucket */
	__be32 saddr;
	__be32 daddr;
	__be16 id;
	u8 protocol;
	bool last_in;			/* the MF-clear fragment arrived */
	bool first_in;			/* fragment 0 arrived */
	unsigned int len;		/* end of the data known so far */
	unsigned int meat;		/* data bytes queued */
	unsigned int truesize;		/* of the skbs and this queue */
	unsigned long expires;		/* jiffies */
	struct sk_buff *frags;		/* sorted by offset, via ->next */
};

struct anp_frag_table {
	spinlock_t lock;		/* everything below */
	struct anp_net *an;
	struct hlist_head buckets[1 << ANP_FRAG_HASH_BITS];
	unsigned int mem;		/* bytes held, see ANP_FRAG_MEM_MAX */
	unsigned int count;		/* queues */
	u32 seed;
	bool stopped;			/* no more work: exit */
	struct delayed_work work;
};

/* Offset and end of a queued fragment's data in the datagram. */
struct anp_frag_cb {
	unsigned int offset;
	unsigned int end;
};

#define ANP_FRAG_CB(skb)	((struct anp_frag_cb *)(skb)->cb)

static u32 anp_frag_hash(const struct anp_frag_table *t, __be32 saddr,
			 __be32 daddr, u8 protocol, __be16 id)
{
	return jhash_3words((__force u32)saddr, (__force u32)daddr,
			    ((u32)protocol << 16) | (__force u16)id,
			    t->seed) & (ARRAY_SIZE(t->buckets) - 1);
}

/* Arm the work for delay from now unless it is due sooner.  Lock held. */
static void anp_frag_kick(struct anp_frag_table *t, unsigned long delay)
{
	lockdep_assert_held(&t->lock);
	if (t->stopped)
		return;
	if (!delayed_work_pending(&t->work) ||
	    time_after(READ_ONCE(t->work.timer.expires), jiffies + delay))
		mod_delayed_work(system_wq, &t->work, delay);
}

/* Unlink q from the table; its skbs stay on q->frags.  Lock held. */
static void anp_frag_unlink(struct anp_frag_table *t, struct anp_frag_queue *q)
{
	lockdep_assert_held(&t->lock);
	hlist_del(&q->hnode);
	t->count--;
	t->mem -= q->truesize;
}

static void anp_frag_free_skbs(struct sk_buff *skb)
{
	struct sk_buff *next;

	for (; skb; skb = next) {
		next = skb->next;
		skb_mark_not_on_list(skb);
		kfree_skb(skb);
	}
}

/* Unlink and free q with every fragment (the caller counts). */
static void anp_frag_kill(struct anp_frag_table *t, struct anp_frag_queue *q)
{
	anp_frag_unlink(t, q);
	anp_frag_free_skbs(q->frags);
	kfree(q);
}

static void anp_frag_work(struct work_struct *work);

int anp_frag_init(struct anp_net *an)
{
	struct anp_frag_table *t;
	unsigned int i;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	spin_lock_init(&t->lock);
	t->an = an;
	for (i = 0; i < ARRAY_SIZE(t->buckets); i++)
		INIT_HLIST_HEAD(&t->buckets[i]);
	t->seed = get_random_u32();
	INIT_DELAYED_WORK(&t->work, anp_frag_work);
	an->frag = t;
	return 0;
}

void anp_frag_exit(struct anp_net *an)
{
	struct anp_frag_table *t = an->frag;
	struct anp_frag_queue *q;
	struct hlist_node *tmp;
	unsigned int i;

	if (!t)
		return;
	spin_lock_bh(&t->lock);
	t->stopped = true;
	spin_unlock_bh(&t->lock);
	cancel_delayed_work_sync(&t->work);

	spin_lock_bh(&t->lock);
	for (i = 0; i < ARRAY_SIZE(t->buckets); i++)
		hlist_for_each_entry_safe(q, tmp, &t->buckets[i], hnode)
			anp_frag_kill(t, q);
	WARN_ON_ONCE(t->mem || t->count);
	spin_unlock_bh(&t->lock);
	kfree(t);
	an->frag = NULL;
}

unsigned int anp_frag_mem(struct anp_net *an)
{
	return READ_ONCE(an->frag->mem);
}
EXPORT_SYMBOL_IF_KUNIT(anp_frag_mem);

static struct anp_frag_queue *anp_frag_find(struct anp_frag_table *t,
					    const struct iphdr *iph,
					    unsigned int truesize,
					    unsigned long now)
{
	struct anp_frag_queue *q;
	u32 h;

	lockdep_assert_held(&t->lock);
	h = anp_frag_hash(t, iph->saddr, iph->daddr, iph->protocol, iph->id);
	hlist_for_each_entry(q, &t->buckets[h], hnode)
		if (q->saddr == iph->saddr && q->daddr == iph->daddr &&
		    q->protocol == iph->protocol && q->id == iph->id)
			return q;

	if (t->mem + sizeof(*q) + truesize > ANP_FRAG_MEM_MAX)
		return ERR_PTR(-ENOBUFS);
	q = kzalloc(sizeof(*q), GFP_ATOMIC);
	if (!q)
		return ERR_PTR(-ENOMEM);
	q->saddr = iph->saddr;
	q->daddr = iph->daddr;
	q->protocol = iph->protocol;
	q->id = iph->id;
	/* RFC 1122 3.3.2: the timer starts with the first fragment. */
	q->expires = now + ANP_FRAG_TIMEOUT;
	q->truesize = sizeof(*q);
	t->mem += sizeof(*q);
	t->count++;
	hlist_add_head(&q->hnode, &t->buckets[h]);
	anp_frag_kick(t, ANP_FRAG_TIMEOUT);
	return q;
}

/*
 * Build the datagram from a complete queue (already unlinked): fragment
 * 0 is the head, the others hang on its frag_list.  Consumes the
 * fragments; the head, or NULL (the caller counts).
 */
static struct sk_buff *anp_frag_build(struct anp_frag_queue *q)
{
	struct sk_buff *head = q->frags, *fp, *next, **tail;
	struct iphdr *iph;
	unsigned int hlen;

	q->frags = NULL;
	next = head->next;
	skb_mark_not_on_list(head);
	/* The head's header is rewritten and its frag_list replaced. */
	if (skb_unclone(head, GFP_ATOMIC) ||
	    (skb_has_frag_list(head) && __skb_linearize(head))) {
		kfree_skb(head);
		anp_frag_free_skbs(next);
		return NULL;
	}
	hlen = ip_hdrlen(head);
	if (hlen + q->len > ANP_IP_MAX_LEN) {
		/* RFC 791 3.1: Total Length is 16 bits. */
		kfree_skb(head);
		anp_frag_free_skbs(next);
		return NULL;
	}

	tail = &skb_shinfo(head)->frag_list;
	for (fp = next; fp; fp = next) {
		next = fp->next;
		fp->next = NULL;
		/* The data alone; anp_ip_validate made the header linear. */
		__skb_pull(fp, ip_hdrlen(fp));
		head->data_len += fp->len;
		head->len += fp->len;
		head->truesize += fp->truesize;
		fp->sk = NULL;
		*tail = fp;
		tail = &fp->next;
	}

	iph = ip_hdr(head);
	iph->tot_len = htons(hlen + q->len);
	iph->frag_off = 0;
	ip_send_check(iph);
	/* Transports check their sums over the whole datagram. */
	head->ip_summed = CHECKSUM_NONE;
	head->csum = 0;
	return head;
}

/* Queue skb (offset, end) in q; 1 for a duplicate, -EINVAL, or 0. */
static int anp_frag_insert(struct anp_frag_queue *q, struct sk_buff *skb,
			   unsigned int offset, unsigned int end)
{
	struct sk_buff **pp = &q->frags, *cur;

	for (cur = *pp; cur; pp = &cur->next, cur = *pp) {
		if (end <= ANP_FRAG_CB(cur)->offset)
			break;
		if (offset >= ANP_FRAG_CB(cur)->end)
			continue;
		if (offset == ANP_FRAG_CB(cur)->offset &&
		    end == ANP_FRAG_CB(cur)->end)
			return 1;
		/* RFC 5722 4 (applied to IPv4): overlap kills the queue. */
		return -EINVAL;
	}
	ANP_FRAG_CB(skb)->offset = offset;
	ANP_FRAG_CB(skb)->end = end;
	skb->next = cur;
	*pp = skb;
	return 0;
}

struct sk_buff *anp_frag_reasm(struct anp_net *an, struct sk_buff *skb)
{
	struct anp_frag_table *t = an->frag;
	const struct iphdr *iph = ip_hdr(skb);
	struct net_device *dev = skb->dev;
	unsigned int hlen = ip_hdrlen(skb);
	unsigned int offset, end, flags;
	struct anp_frag_queue *q;
	struct sk_buff *head;
	int err;

	ANP_INC_STATS(an, ANP_MIB_IP_REASM_REQDS);
	/* RFC 791 3.1: the offset counts units of 8 octets. */
	flags = ntohs(iph->frag_off);
	offset = (flags & IP_OFFSET) << 3;
	end = offset + skb->len - hlen;

	/* A queued skb may outlive its device and its sender. */
	skb_orphan(skb);
	skb->dev = NULL;

	spin_lock_bh(&t->lock);
	if (t->stopped) {
		err = -ESHUTDOWN;
		goto fail;
	}
	q = anp_frag_find(t, iph, skb->truesize, jiffies);
	if (IS_ERR(q)) {
		err = PTR_ERR(q);
		goto fail;
	}

	/* RFC 791 3.1: a datagram ends at 65535 at most; empty fragments
	 * and, RFC 791 3.2, non-last fragments not a multiple of 8 bytes
	 * cannot be part of a well-formed datagram.
	 */
	if (end > ANP_IP_MAX_LEN || end == offset ||
	    ((flags & IP_MF) && (end & 7)))
		goto inconsistent;
	if (!(flags & IP_MF)) {
		/* RFC 791 3.2: MF clear fixes the length: data beyond it,
		 * or another last fragment with another end, is corrupt.
		 */
		if (end < q->len || (q->last_in && end != q->len))
			goto inconsistent;
		q->last_in = true;
		q->len = end;
	} else if (end > q->len) {
		if (q->last_in)
			goto inconsistent;
		q->len = end;
	}

	if (t->mem + skb->truesize > ANP_FRAG_MEM_MAX) {
		err = -ENOBUFS;
		goto fail;
	}
	err = anp_frag_insert(q, skb, offset, end);
	if (err > 0) {
		spin_unlock_bh(&t->lock);
		/* An exact duplicate: the queue keeps the first copy. */
		ANP_INC_STATS(an, ANP_MIB_IP_REASM_DUPLICATES);
		consume_skb(skb);
		return NULL;
	}
	if (err)
		goto inconsistent;
	q->meat += end - offset;
	q->truesize += skb->truesize;
	t->mem += skb->truesize;
	if (!offset)
		q->first_in = true;

	if (!(q->first_in && q->last_in && q->meat == q->len)) {
		spin_unlock_bh(&t->lock);
		return NULL;
	}
	/* Complete: no gap and no overlap, so the fragments tile it. */
	anp_frag_unlink(t, q);
	spin_unlock_bh(&t->lock);
	head = anp_frag_build(q);
	kfree(q);
	if (!head) {
		ANP_INC_STATS(an, ANP_MIB_IP_REASM_FAILS);
		return NULL;
	}
	ANP_INC_STATS(an, ANP_MIB_IP_REASM_OKS);
	/* Arrived on the device of the last fragment, alive in its poll. */
	head->dev = dev;
	return head;

inconsistent:
	anp_frag_kill(t, q);
	spin_unlock_bh(&t->lock);
	ANP_INC_STATS(an, ANP_MIB_IP_REASM_OVERLAPS);
	ANP_INC_STATS(an, ANP_MIB_IP_REASM_FAILS);
	kfree_skb(skb);
	return NULL;

fail:
	spin_unlock_bh(&t->lock);
	ANP_INC_STATS(an, ANP_MIB_IP_REASM_FAILS);
	kfree_skb(skb);
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(anp_frag_reasm);

/*
 * Free every queue whose deadline is at or before now; ICMP Time
 * Exceeded for those that had fragment 0.  Returns the earliest
 * deadline left (or 0 with none).
 */
static unsigned long __anp_frag_expire(struct anp_net *an, unsigned long now,
				       bool *left)
{
	struct anp_frag_table *t = an->frag;
	struct anp_frag_queue *q, *expired = NULL;
	unsigned long next = 0;
	struct hlist_node *tmp;
	struct sk_buff *first;
	unsigned int i;

	*left = false;
	spin_lock_bh(&t->lock);
	for (i = 0; i < ARRAY_SIZE(t->buckets); i++) {
		hlist_for_each_entry_safe(q, tmp, &t->buckets[i], hnode) {
			if (time_before(now, q->expires)) {
				if (!*left || time_before(q->expires, next))
					next = q->expires;
				*left = true;
				continue;
			}
			anp_frag_unlink(t, q);
			/* Reuse hnode.next as this local list's link. */
			q->hnode.next = (struct hlist_node *)expired;
			expired = q;
		}
	}
	spin_unlock_bh(&t->lock);

	while (expired) {
		q = expired;
		expired = (struct anp_frag_queue *)q->hnode.next;
		ANP_INC_STATS(an, ANP_MIB_IP_REASM_TIMEOUT);
		ANP_INC_STATS(an, ANP_MIB_IP_REASM_FAILS);
		first = q->frags;
		/* RFC 1122 3.3.2 / RFC 792: Time Exceeded code 1, only
		 * when fragment 0 (sorted first) arrived; it quotes that
		 * fragment's header and data (anp_icmp_send's rules apply:
		 * no answer to a broadcast, say).
		 */
		if (q->first_in && first && !ANP_FRAG_CB(first)->offset) {
			local_bh_disable();
			anp_icmp_send(an, first, ICMP_TIME_EXCEEDED,
				      ICMP_EXC_FRAGTIME, 0);
			local_bh_enable();
		}
		anp_frag_free_skbs(q->frags);
		kfree(q);
	}
	return next;
}

void anp_frag_expire(struct anp_net *an, unsigned long now)
{
	bool left;

	__anp_frag_expire(an, now, &left);
}
EXPORT_SYMBOL_IF_KUNIT(anp_frag_expire);

static void anp_frag_work(struct work_struct *work)
{
	struct anp_frag_table *t = container_of(to_delayed_work(work),
						struct anp_frag_table, work);
	unsigned long next, now = jiffies;
	bool left;

	next = __anp_frag_expire(t->an, now, &left);
	if (!left)
		return;
	spin_lock_bh(&t->lock);
	now = jiffies;
	anp_frag_kick(t, time_after(next, now) ? next - now : 0);
	spin_unlock_bh(&t->lock);
}

/*
 * RFC 791 3.1: options whose copy flag is clear appear in the first
 * fragment only; in the others they become No Operation (as Linux's
 * ip_options_fragment).
 */
static void anp_frag_strip_options(struct iphdr *iph)
{
	int left = iph->ihl * 4 - sizeof(*iph);
	u8 *opt = (u8 *)(iph + 1);
	int len;

	while (left > 0) {
		if (*opt == IPOPT_END)
			return;
		if (*opt == IPOPT_NOOP) {
			opt++;
			left--;
			continue;
		}
		len = left >= 2 ? opt[1] : 0;
		if (len < 2 || len > left)
			return;
		if (!IPOPT_COPIED(*opt))
			memset(opt, IPOPT_NOOP, len);
		opt += len;
		left -= len;
	}
}

int anp_frag_output(struct anp_net *an, struct sk_buff *skb,
		    unsigned int mtu,
		    int (*out)(void *arg, struct sk_buff *frag), void *arg)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int hlen = ip_hdrlen(skb), left, pos, len, chunk;
	unsigned int offset = (ntohs(iph->frag_off) & IP_OFFSET) << 3;
	bool more = iph->frag_off & htons(IP_MF);
	struct iphdr *fiph;
	struct sk_buff *frag;
	int err;

	/* RFC 791 3.2: DF forbids it; every fragment carries the header
	 * and at least 8 data bytes.
	 */
	if ((iph->frag_off & htons(IP_DF)) || mtu < hlen + 8 ||
	    skb->len <= hlen) {
		err = -EMSGSIZE;
		goto fail;
	}
	/* RFC 791 3.2: all but the last carry a multiple of 8 bytes. */
	chunk = (mtu - hlen) & ~7U;
	left = skb->len - hlen;
	pos = hlen;

	while (left) {
		len = min(left, chunk);
		frag = alloc_skb(LL_MAX_HEADER + hlen + len, GFP_ATOMIC);
		if (!frag) {
			err = -ENOBUFS;
			goto fail;
		}
		skb_reserve(frag, LL_MAX_HEADER);
		skb_reset_network_header(frag);
		fiph = skb_put(frag, hlen);
		skb_copy_from_linear_data(skb, fiph, hlen);
		err = skb_copy_bits(skb, pos, skb_put(frag, len), len);
		if (err) {
			kfree_skb(frag);
			goto fail;
		}
		if (pos > hlen)
			anp_frag_strip_options(fiph);
		left -= len;
		pos += len;
		/* RFC 791 3.2: MF on all but the last (and on the last too
		 * when the datagram was itself a non-last fragment).
		 */
		fiph->frag_off = htons(offset >> 3);
		if (left || more)
			fiph->frag_off |= htons(IP_MF);
		fiph->tot_len = htons(hlen + len);
		ip_send_check(fiph);
		offset += len;

		frag->protocol = skb->protocol;
		frag->priority = skb->priority;
		frag->mark = skb->mark;
		/* Charged to the sender as the datagram was (ip_fragment). */
		if (skb->sk)
			skb_set_owner_w(frag, skb->sk);
		err = out(arg, frag);
		if (err)
			goto fail;
		ANP_INC_STATS(an, ANP_MIB_IP_FRAG_CREATES);
	}
	ANP_INC_STATS(an, ANP_MIB_IP_FRAG_OKS);
	consume_skb(skb);
	return 0;

fail:
	ANP_INC_STATS(an, ANP_MIB_IP_FRAG_FAILS);
	kfree_skb(skb);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(anp_frag_output);
