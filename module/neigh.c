// SPDX-License-Identifier: GPL-2.0
/*
 * The ANP host's neighbour cache: IPv4 next hop -> Ethernet address, per
 * interface, resolved with ARP (RFC 826).
 *
 * Table
 * -----
 * One hash table per host (anp_net.neigh), keyed by (interface, IPv4
 * address), at most ANP_NEIGH_MAX entries.  Everything in it -- entries,
 * their states and timestamps, their pending queues -- is protected by
 * the table's BH-safe spinlock, and entries are only touched under it: no
 * pointer to an entry escapes the lock, so entries need no reference
 * count and are freed with kfree() at once.  Nothing that can reach a
 * ring (anp_eth_output, ifc->xmit, anp_arp_send_request) is ever called
 * with the lock held: frames to send are spliced to a local list, or
 * (interface, address) pairs to solicit are copied to a local array,
 * and sent after the unlock.
 *
 * States (a simplified RFC 4861 7.3.2 neighbour unreachability
 * detection; uapi enum anp_neigh_state)
 * ----------------------------------------------------------------------
 *   INCOMPLETE  created by a packet to an unknown next hop: one ARP
 *               request is sent at once and the packet queued (at most
 *               ANP_NEIGH_QUEUE_MAX; overflow drops the oldest).  Every
 *               ANP_NEIGH_RETRANS another request, ANP_NEIGH_RETRIES in
 *               all; then FAILED and the queue is dropped, each
 *               packet answered with an ICMP Host Unreachable to its
 *               sender, this host (anp_neigh_unreach()).
 *   REACHABLE   an ARP packet whose target was us named this sender
 *               (RFC 826 merge with us as target: a reply to our request
 *               or a request from it).  Used at once, no questions,
 *               until ANP_NEIGH_REACHABLE_TIME after that confirmation.
 *   STALE       the MAC is known but not recently confirmed (REACHABLE
 *               timed out, or learned from an ARP packet not aimed at
 *               us, RFC 4861 7.2.5's unsolicited case).  Still used, but
 *               its first use sends a fresh ARP request, and further uses
 *               another at most every ANP_NEIGH_RETRANS, ANP_NEIGH_RETRIES
 *               in all; an answer makes it REACHABLE again.  RFC 4861's
 *               DELAY and PROBE states (a grace period, then unicast
 *               probes) are folded into this: requests are broadcast and
 *               sent at once.  With all requests unanswered it becomes
 *               FAILED.  A STALE entry unused for ANP_NEIGH_GC_STALE is
 *               freed.
 *   FAILED      no answer.  The next packet to it starts a new
 *               resolution (INCOMPLETE).  Freed when unused for
 *               ANP_NEIGH_GC_STALE.
 * When the table is full, a new entry evicts the least recently used
 * STALE or FAILED entry; with none, the packet is dropped (ArpCacheFull).
 *
 * Time: one delayed work per table drives both the periodic garbage
 * collection and the ARP retransmissions -- there are no per-entry
 * timers.  It runs every ANP_NEIGH_RETRANS while some entry is
 * INCOMPLETE, every ANP_NEIGH_GC_INTERVAL while the table holds anything
 * else, and not at all when the table is empty.  All of its work is in
 * anp_neigh_gc(an, now), which KUnit calls with a made-up clock after
 * setting table.stopped so the real work never runs.  anp_neigh_exit()
 * sets stopped under the lock (nothing queues the work afterwards) and
 * then cancel_delayed_work_sync(), so nothing runs after exit.
 *
 * Interfaces: entries point at their anp_iface.  anp_host_iface_del()
 * unlinks the interface (list_del_rcu) and then calls
 * anp_neigh_flush_iface(), which frees its entries.  A sender already
 * inside an RCU read section may still reach us with that interface
 * afterwards, so creating an entry checks, under the table lock, that the
 * interface is still linked.  Frames are sent to an interface only from
 * inside an RCU read section that began before the entry was read, so the
 * interface outlives the send (its owner waits for a grace period after
 * anp_host_iface_del() before freeing it).
 */
#include <kunit/visibility.h>
#include <linux/hash.h>
#include <linux/icmp.h>
#include <linux/if_ether.h>
#include <linux/poison.h>
#include <linux/slab.h>
#include <net/ip.h>

#include "anp.h"

struct anp_neigh {
	struct hlist_node hnode;		/* in a table bucket */
	struct anp_iface *ifc;
	__be32 ip;
	u8 mac[ETH_ALEN] __aligned(2);	/* valid in REACHABLE, STALE */
	u8 state;			/* enum anp_neigh_state */
	u8 probes;			/* requests sent in this round */
	unsigned long confirmed;	/* jiffies: last confirmation */
	unsigned long probed;		/* jiffies: last request sent */
	unsigned long used;		/* jiffies: created or last used */
	struct sk_buff_head queue;	/* INCOMPLETE only; table lock */
};

/* Requests the GC sends per pass with the lock dropped; then it rescans. */
#define ANP_NEIGH_REQ_BATCH	16
/* Entries copied per lock hold by anp_neigh_walk(). */
#define ANP_NEIGH_WALK_BATCH	16

struct anp_neigh_req {
	struct anp_iface *ifc;
	__be32 ip;
};

static const u8 anp_neigh_bcast[ETH_ALEN] __aligned(2) = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};

static u32 anp_neigh_hash(const struct anp_iface *ifc, __be32 ip)
{
	return hash_32((__force u32)ip ^ hash_ptr(ifc, 32),
		       ANP_NEIGH_HASH_BITS);
}

/*
 * Has anp_host_iface_del() unlinked ifc?  list_del_rcu() leaves
 * LIST_POISON2 in .prev.  Read under the table lock, after which
 * anp_neigh_flush_iface() takes that lock: an entry created before the
 * flush is freed by it, and none is created after.
 */
static bool anp_neigh_ifc_gone(const struct anp_iface *ifc)
{
	return READ_ONCE(ifc->node.prev) == LIST_POISON2;
}

static struct anp_neigh *anp_neigh_lookup(struct anp_neigh_table *t,
					  const struct anp_iface *ifc,
					  __be32 ip)
{
	struct anp_neigh *n;

	lockdep_assert_held(&t->lock);
	hlist_for_each_entry(n, &t->buckets[anp_neigh_hash(ifc, ip)], hnode)
		if (n->ifc == ifc && n->ip == ip)
			return n;
	return NULL;
}

/* Unlink and free n; its pending packets go to drops (caller counts). */
static void anp_neigh_free(struct anp_neigh_table *t, struct anp_neigh *n,
			   struct sk_buff_head *drops)
{
	lockdep_assert_held(&t->lock);
	hlist_del(&n->hnode);
	t->count--;
	skb_queue_splice_tail_init(&n->queue, drops);
	kfree(n);
}

/*
 * Make room by freeing the least recently used entry that nobody is
 * waiting on (STALE or FAILED; their queues are empty).
 */
static bool anp_neigh_evict(struct anp_neigh_table *t,
			    struct sk_buff_head *drops)
{
	struct anp_neigh *n, *victim = NULL;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t->buckets); i++) {
		hlist_for_each_entry(n, &t->buckets[i], hnode) {
			if (n->state != ANP_NEIGH_STALE &&
			    n->state != ANP_NEIGH_FAILED)
				continue;
			if (!victim || time_before(n->used, victim->used))
				victim = n;
		}
	}
	if (!victim)
		return false;
	anp_neigh_free(t, victim, drops);
	return true;
}

/*
 * Have the work run within delay (it may already be due sooner).  Under
 * the table lock, which orders this against anp_neigh_exit().
 */
static void anp_neigh_kick(struct anp_neigh_table *t, unsigned long delay)
{
	lockdep_assert_held(&t->lock);
	if (t->stopped)
		return;
	if (!delayed_work_pending(&t->gc_work) ||
	    time_after(READ_ONCE(t->gc_work.timer.expires), jiffies + delay))
		mod_delayed_work(system_wq, &t->gc_work, delay);
}

static struct anp_neigh *anp_neigh_create(struct anp_net *an,
					  struct anp_iface *ifc, __be32 ip,
					  unsigned long now,
					  struct sk_buff_head *drops)
{
	struct anp_neigh_table *t = &an->neigh;
	struct anp_neigh *n;

	lockdep_assert_held(&t->lock);
	if (t->count >= ANP_NEIGH_MAX && !anp_neigh_evict(t, drops))
		goto full;
	n = kzalloc(sizeof(*n), GFP_ATOMIC);
	if (!n)
		goto full;
	n->ifc = ifc;
	n->ip = ip;
	n->state = ANP_NEIGH_NONE;
	n->used = now;
	n->confirmed = now;
	n->probed = now;
	__skb_queue_head_init(&n->queue);
	hlist_add_head(&n->hnode, &t->buckets[anp_neigh_hash(ifc, ip)]);
	t->count++;
	anp_neigh_kick(t, ANP_NEIGH_GC_INTERVAL);
	return n;

full:
	ANP_INC_STATS(an, ANP_MIB_ARP_CACHE_FULL);
	return NULL;
}

static void anp_neigh_drop_list(struct sk_buff_head *list,
				enum skb_drop_reason reason)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(list)))
		kfree_skb_reason(skb, reason);
}

/* Solicit ip on ifc with our best source address.  RCU held. */
static void anp_neigh_solicit(struct anp_iface *ifc, __be32 ip)
{
	/* RFC 826: the request carries our own protocol address as
	 * sender; with no address on the link yet that is 0.0.0.0, which
	 * RFC 5227 2.1.1 makes a valid (probe) request.
	 */
	anp_arp_send_request(ifc, anp_addr_select(ifc, ip), ip);
}

int anp_neigh_output(struct anp_iface *ifc, __be32 nexthop,
		     struct sk_buff *skb)
{
	u8 mac[ETH_ALEN] __aligned(2);
	struct anp_net *an = ifc->an;
	struct anp_neigh_table *t = &an->neigh;
	bool solicit = false, have_mac = false;
	unsigned long now = jiffies;
	struct sk_buff_head drops;
	struct anp_neigh *n;

	/* RFC 1122 3.3.6: the limited broadcast goes out as a link-layer
	 * broadcast; RFC 1112 6.4: a multicast group maps to
	 * 01-00-5E-00-00-00 plus its low 23 bits.  Neither needs ARP.
	 */
	if (nexthop == htonl(INADDR_BROADCAST))
		return anp_eth_output(ifc, skb, anp_neigh_bcast,
				      htons(ETH_P_IP));
	if (ipv4_is_multicast(nexthop)) {
		ip_eth_mc_map(nexthop, mac);
		return anp_eth_output(ifc, skb, mac, htons(ETH_P_IP));
	}
	if (!nexthop) {
		/* 0.0.0.0 is no station (RFC 1122 3.2.1.3 (a)). */
		ANP_INC_STATS(an, ANP_MIB_ARP_RESOLVE_FAILED);
		kfree_skb_reason(skb, SKB_DROP_REASON_NEIGH_FAILED);
		return -EINVAL;
	}

	__skb_queue_head_init(&drops);
	spin_lock_bh(&t->lock);
	if (anp_neigh_ifc_gone(ifc)) {
		spin_unlock_bh(&t->lock);
		ANP_INC_STATS(an, ANP_MIB_ARP_QUEUE_DROPS);
		kfree_skb_reason(skb, SKB_DROP_REASON_NEIGH_DEAD);
		return -ENODEV;
	}
	n = anp_neigh_lookup(t, ifc, nexthop);
	if (!n) {
		n = anp_neigh_create(an, ifc, nexthop, now, &drops);
		if (!n) {
			spin_unlock_bh(&t->lock);
			kfree_skb_reason(skb, SKB_DROP_REASON_NEIGH_CREATEFAIL);
			return -ENOBUFS;
		}
	}
	n->used = now;

	switch (n->state) {
	case ANP_NEIGH_REACHABLE:
		if (time_before(now, n->confirmed + ANP_NEIGH_REACHABLE_TIME)) {
			ether_addr_copy(mac, n->mac);
			have_mac = true;
			break;
		}
		/* RFC 4861 7.3.3: ReachableTime passed: REACHABLE -> STALE. */
		n->state = ANP_NEIGH_STALE;
		n->probes = 0;
		fallthrough;
	case ANP_NEIGH_STALE:
		/* Simplified RFC 4861 7.3.3 (STALE -> DELAY -> PROBE): use
		 * the old MAC and re-solicit now, at most every RETRANS.
		 */
		ether_addr_copy(mac, n->mac);
		have_mac = true;
		if (n->probes < ANP_NEIGH_RETRIES &&
		    (!n->probes ||
		     time_after_eq(now, n->probed + ANP_NEIGH_RETRANS))) {
			n->probes++;
			n->probed = now;
			solicit = true;
		}
		break;
	case ANP_NEIGH_NONE:
	case ANP_NEIGH_FAILED:
		/* RFC 1122 2.3.2.1: a new resolution starts with one
		 * request; the work retransmits every RETRANS.
		 */
		n->state = ANP_NEIGH_INCOMPLETE;
		n->probes = 1;
		n->probed = now;
		solicit = true;
		anp_neigh_kick(t, ANP_NEIGH_RETRANS);
		fallthrough;
	case ANP_NEIGH_INCOMPLETE:
		/* RFC 1122 2.3.2.2: "SHOULD save (rather than discard) at
		 * least one (the latest) packet"; we keep the latest
		 * ANP_NEIGH_QUEUE_MAX and drop the oldest.
		 */
		if (skb_queue_len(&n->queue) >= ANP_NEIGH_QUEUE_MAX) {
			__skb_queue_tail(&drops, __skb_dequeue(&n->queue));
			ANP_INC_STATS(an, ANP_MIB_ARP_QUEUE_DROPS);
		}
		__skb_queue_tail(&n->queue, skb);
		skb = NULL;
		break;
	}
	spin_unlock_bh(&t->lock);

	anp_neigh_drop_list(&drops, SKB_DROP_REASON_NEIGH_QUEUEFULL);
	if (solicit) {
		rcu_read_lock();
		anp_neigh_solicit(ifc, nexthop);
		rcu_read_unlock();
	}
	if (have_mac)
		return anp_eth_output(ifc, skb, mac, htons(ETH_P_IP));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(anp_neigh_output);

void anp_neigh_update(struct anp_iface *ifc, __be32 ip, const u8 *mac,
		      bool create)
{
	u8 lladdr[ETH_ALEN] __aligned(2);
	struct anp_net *an = ifc->an;
	struct anp_neigh_table *t = &an->neigh;
	struct sk_buff_head pending, drops;
	unsigned long now = jiffies;
	struct sk_buff *skb;
	struct anp_neigh *n;

	memcpy(lladdr, mac, ETH_ALEN);
	__skb_queue_head_init(&pending);
	__skb_queue_head_init(&drops);

	spin_lock_bh(&t->lock);
	if (anp_neigh_ifc_gone(ifc))
		goto out;
	n = anp_neigh_lookup(t, ifc, ip);
	if (!n) {
		/* RFC 826: "If Merge_flag is false, add the triplet" --
		 * only when we are the target.
		 */
		if (!create)
			goto out;
		/* A full table (counted there) leaves nothing to flush. */
		n = anp_neigh_create(an, ifc, ip, now, &drops);
		if (!n)
			goto out;
	}

	/* RFC 826: "update the sender hardware address field of the entry
	 * with the new information in the packet".
	 */
	if (create) {
		/* Aimed at us: the neighbour answered or asked us, so the
		 * path works both ways (RFC 4861 7.3.1 confirmation).
		 */
		n->state = ANP_NEIGH_REACHABLE;
		n->confirmed = now;
		n->probes = 0;
	} else if (n->state == ANP_NEIGH_INCOMPLETE ||
		   n->state == ANP_NEIGH_FAILED ||
		   !ether_addr_equal(n->mac, lladdr)) {
		/* RFC 4861 7.2.5: unsolicited news of a neighbour (e.g. a
		 * gratuitous ARP) gives its address, unconfirmed: STALE.
		 */
		n->state = ANP_NEIGH_STALE;
		n->probes = 0;
	}
	ether_addr_copy(n->mac, lladdr);
	/* RFC 1122 2.3.2.2: now send what waited for this address. */
	skb_queue_splice_tail_init(&n->queue, &pending);
out:
	spin_unlock_bh(&t->lock);

	/* An evicted entry is STALE or FAILED: its queue is empty. */
	WARN_ON_ONCE(!skb_queue_empty(&drops));
	anp_neigh_drop_list(&drops, SKB_DROP_REASON_NEIGH_DEAD);
	while ((skb = __skb_dequeue(&pending)))
		anp_eth_output(ifc, skb, lladdr, htons(ETH_P_IP));
}
EXPORT_SYMBOL_IF_KUNIT(anp_neigh_update);

/*
 * The packets that waited for a resolution that failed.  RFC 1122
 * 2.3.2.2 lets the link layer drop them; as Linux's arp_error_report()
 * -> ipv4_link_failure(), each is also answered with an ICMP Destination
 * Unreachable, Host Unreachable (RFC 1122 3.2.2.1), sent to the packet's
 * source -- this host, which forwards nothing -- and so looped back to
 * anp_icmp_rcv(), which hands it to the transport that sent the packet
 * (RFC 1122 3.2.2.1: it MUST be told): TCP ends a connection still
 * opening with EHOSTUNREACH and keeps it as a soft error on a
 * synchronized one (RFC 1122 4.2.3.9), UDP reports nothing (a soft
 * error; Linux without IP_RECVERR).  anp_icmp_send() applies RFC 1122
 * 3.2.2's exceptions (a non-initial fragment, an ICMP error) and the
 * rate limit, as Linux's icmp_send() does.
 */
static void anp_neigh_unreach(struct anp_net *an, struct sk_buff_head *list)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(list))) {
		ANP_INC_STATS(an, ANP_MIB_ARP_QUEUE_DROPS);
		anp_icmp_send(an, skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
		kfree_skb_reason(skb, SKB_DROP_REASON_NEIGH_FAILED);
	}
}

/* One GC pass; false when it stopped early to send a full batch. */
static bool anp_neigh_gc_pass(struct anp_net *an, unsigned long now,
			      bool *incomplete)
{
	struct anp_neigh_req reqs[ANP_NEIGH_REQ_BATCH];
	struct anp_neigh_table *t = &an->neigh;
	unsigned int i, nreq = 0;
	struct sk_buff_head failed;
	struct hlist_node *tmp;
	struct anp_neigh *n;
	bool done = true;

	__skb_queue_head_init(&failed);
	*incomplete = false;

	/* Interfaces named in reqs stay valid until rcu_read_unlock(). */
	rcu_read_lock();
	spin_lock_bh(&t->lock);
	for (i = 0; i < ARRAY_SIZE(t->buckets); i++) {
		hlist_for_each_entry_safe(n, tmp, &t->buckets[i], hnode) {
			switch (n->state) {
			case ANP_NEIGH_INCOMPLETE:
				if (time_before(now,
						n->probed + ANP_NEIGH_RETRANS)) {
					*incomplete = true;
					break;
				}
				if (n->probes >= ANP_NEIGH_RETRIES) {
					/* RFC 1122 2.3.2.1: give up after
					 * a bounded number of requests.
					 */
					n->state = ANP_NEIGH_FAILED;
					ANP_INC_STATS(an,
						      ANP_MIB_ARP_RESOLVE_FAILED);
					skb_queue_splice_tail_init(&n->queue,
								   &failed);
					break;
				}
				if (nreq == ANP_NEIGH_REQ_BATCH) {
					done = false;
					break;
				}
				/* RFC 1122 2.3.2.1: retransmit at most
				 * once per RETRANS per destination.
				 */
				*incomplete = true;
				n->probes++;
				n->probed = now;
				reqs[nreq].ifc = n->ifc;
				reqs[nreq].ip = n->ip;
				nreq++;
				break;
			case ANP_NEIGH_REACHABLE:
				if (time_before(now, n->confirmed +
						ANP_NEIGH_REACHABLE_TIME))
					break;
				/* RFC 4861 7.3.3: REACHABLE -> STALE. */
				n->state = ANP_NEIGH_STALE;
				n->probes = 0;
				fallthrough;
			case ANP_NEIGH_STALE:
				if (n->probes >= ANP_NEIGH_RETRIES &&
				    time_after_eq(now, n->probed +
						  ANP_NEIGH_RETRANS)) {
					/* Every re-solicitation unanswered
					 * (RFC 4861 7.3.3 PROBE -> gone).
					 */
					n->state = ANP_NEIGH_FAILED;
					ANP_INC_STATS(an,
						      ANP_MIB_ARP_RESOLVE_FAILED);
				}
				fallthrough;
			default:
				/* STALE and FAILED entries nobody used for
				 * GC_STALE are freed; their queues are empty.
				 */
				if (n->state != ANP_NEIGH_INCOMPLETE &&
				    n->state != ANP_NEIGH_REACHABLE &&
				    time_after_eq(now, n->used +
						  ANP_NEIGH_GC_STALE))
					anp_neigh_free(t, n, &failed);
				break;
			}
			if (!done)
				goto unlock;
		}
	}
unlock:
	spin_unlock_bh(&t->lock);

	for (i = 0; i < nreq; i++)
		anp_neigh_solicit(reqs[i].ifc, reqs[i].ip);
	rcu_read_unlock();
	anp_neigh_unreach(an, &failed);
	if (!done)
		*incomplete = true;
	return done;
}

static bool __anp_neigh_gc(struct anp_net *an, unsigned long now)
{
	bool incomplete;

	/* Each pass handles at least a batch more; entries already done
	 * are not due again at the same now.
	 */
	while (!anp_neigh_gc_pass(an, now, &incomplete))
		cond_resched();
	return incomplete;
}

void anp_neigh_gc(struct anp_net *an, unsigned long now)
{
	__anp_neigh_gc(an, now);
}
EXPORT_SYMBOL_IF_KUNIT(anp_neigh_gc);

static void anp_neigh_work(struct work_struct *work)
{
	struct anp_neigh_table *t = container_of(to_delayed_work(work),
						 struct anp_neigh_table,
						 gc_work);
	struct anp_net *an = container_of(t, struct anp_net, neigh);
	bool incomplete;

	incomplete = __anp_neigh_gc(an, jiffies);

	spin_lock_bh(&t->lock);
	if (t->count)
		anp_neigh_kick(t, incomplete ? ANP_NEIGH_RETRANS :
			       ANP_NEIGH_GC_INTERVAL);
	spin_unlock_bh(&t->lock);
}

void anp_neigh_flush_iface(struct anp_net *an, struct anp_iface *ifc)
{
	struct anp_neigh_table *t = &an->neigh;
	struct sk_buff_head drops;
	struct hlist_node *tmp;
	struct anp_neigh *n;
	unsigned int i;

	__skb_queue_head_init(&drops);
	spin_lock_bh(&t->lock);
	for (i = 0; i < ARRAY_SIZE(t->buckets); i++)
		hlist_for_each_entry_safe(n, tmp, &t->buckets[i], hnode)
			if (n->ifc == ifc)
				anp_neigh_free(t, n, &drops);
	spin_unlock_bh(&t->lock);

	for (i = 0; i < skb_queue_len(&drops); i++)
		ANP_INC_STATS(an, ANP_MIB_ARP_QUEUE_DROPS);
	anp_neigh_drop_list(&drops, SKB_DROP_REASON_NEIGH_DEAD);

	/*
	 * A GC pass that took this interface's packets off a failed entry
	 * before the flush may still be reporting them (anp_neigh_unreach()
	 * sends through the host's loop): wait for it.  So once the last
	 * interface is gone no report is in flight, and anp_host_teardown()
	 * may free the loop before it stops the work.  Returns at once
	 * when the work is not queued or running, the usual case.
	 */
	flush_work(&t->gc_work.work);
}
EXPORT_SYMBOL_IF_KUNIT(anp_neigh_flush_iface);

static void anp_neigh_fill_info(const struct anp_neigh *n, unsigned long now,
				struct anp_neigh_info *ni)
{
	memset(ni, 0, sizeof(*ni));
	ni->ifindex = n->ifc->dev ? n->ifc->dev->ifindex : 0;
	ni->addr = n->ip;
	ni->state = n->state;
	/* Report what the next use would see, GC run or not. */
	if (n->state == ANP_NEIGH_REACHABLE &&
	    !time_before(now, n->confirmed + ANP_NEIGH_REACHABLE_TIME))
		ni->state = ANP_NEIGH_STALE;
	if (n->state == ANP_NEIGH_REACHABLE || n->state == ANP_NEIGH_STALE) {
		memcpy(ni->lladdr, n->mac, ETH_ALEN);
		ni->has_lladdr = true;
	}
}

/* Copy up to max entries from index pos on; returns how many. */
static unsigned int anp_neigh_snapshot(struct anp_neigh_table *t,
				       unsigned long pos,
				       struct anp_neigh_info *out,
				       unsigned int max)
{
	unsigned long idx = 0, now = jiffies;
	unsigned int i, got = 0;
	struct anp_neigh *n;

	spin_lock_bh(&t->lock);
	for (i = 0; i < ARRAY_SIZE(t->buckets) && got < max; i++) {
		hlist_for_each_entry(n, &t->buckets[i], hnode) {
			if (idx++ < pos)
				continue;
			anp_neigh_fill_info(n, now, &out[got++]);
			if (got == max)
				break;
		}
	}
	spin_unlock_bh(&t->lock);
	return got;
}

int anp_neigh_walk(struct anp_net *an, unsigned long *pos,
		   int (*fn)(void *arg, const struct anp_neigh_info *ni),
		   void *arg)
{
	struct anp_neigh_info batch[ANP_NEIGH_WALK_BATCH];
	unsigned int i, got;
	int err;

	do {
		got = anp_neigh_snapshot(&an->neigh, *pos, batch,
					 ARRAY_SIZE(batch));
		for (i = 0; i < got; i++) {
			err = fn(arg, &batch[i]);
			if (err)
				return err;
			(*pos)++;
		}
	} while (got == ARRAY_SIZE(batch));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(anp_neigh_walk);

int anp_neigh_init(struct anp_net *an)
{
	struct anp_neigh_table *t = &an->neigh;
	unsigned int i;

	spin_lock_init(&t->lock);
	for (i = 0; i < ARRAY_SIZE(t->buckets); i++)
		INIT_HLIST_HEAD(&t->buckets[i]);
	t->count = 0;
	t->stopped = false;
	INIT_DELAYED_WORK(&t->gc_work, anp_neigh_work);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(anp_neigh_init);

void anp_neigh_exit(struct anp_net *an)
{
	struct anp_neigh_table *t = &an->neigh;
	struct sk_buff_head drops;
	struct hlist_node *tmp;
	struct anp_neigh *n;
	unsigned int i;

	/* After this nothing queues the work; then wait for it. */
	spin_lock_bh(&t->lock);
	t->stopped = true;
	spin_unlock_bh(&t->lock);
	cancel_delayed_work_sync(&t->gc_work);

	__skb_queue_head_init(&drops);
	spin_lock_bh(&t->lock);
	for (i = 0; i < ARRAY_SIZE(t->buckets); i++)
		hlist_for_each_entry_safe(n, tmp, &t->buckets[i], hnode)
			anp_neigh_free(t, n, &drops);
	WARN_ON_ONCE(t->count);
	spin_unlock_bh(&t->lock);

	for (i = 0; i < skb_queue_len(&drops); i++)
		ANP_INC_STATS(an, ANP_MIB_ARP_QUEUE_DROPS);
	anp_neigh_drop_list(&drops, SKB_DROP_REASON_NEIGH_DEAD);
}
EXPORT_SYMBOL_IF_KUNIT(anp_neigh_exit);
