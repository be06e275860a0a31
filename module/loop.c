// SPDX-License-Identifier: GPL-2.0
/*
 * Local delivery: datagrams the ANP host sends to one of its own
 * addresses or to 127/8 never reach a NIC (RFC 1122 3.2.1.3: 127/8
 * "MUST NOT appear outside a host"; a datagram to the host's own
 * address is looped back internally, as Linux's lo does).
 *
 * anp_loop_xmit() puts the datagram on a bounded per-host queue
 * (ANP_LOOP_QLEN, Linux's netdev_max_backlog; a full queue drops and
 * counts IpLoopDrops) and schedules a NAPI instance of the host's own.
 * Its poll hands each datagram to anp_ip_local_deliver() with no
 * arrival interface, as a NIC's poll would hand a received one: the
 * receive path always runs in softirq context, never nested in the
 * sender's call, so a socket sending to itself takes no lock twice.
 *
 * The NAPI instance hangs off a dummy netdev (init_dummy_netdev(), as
 * drivers without a netdev per queue do, e.g. ath10k, mt76): never
 * registered, invisible to user space.
 *
 * A looped skb is orphaned first, as loopback_xmit() does: the sender's
 * sk_wmem_alloc charge ends when the datagram leaves it, and the
 * receiving socket charges it to its own receive buffer.  It is
 * scrubbed of what belonged to the sending side (dst, conntrack,
 * timestamp, mark) the way a packet crossing a netns is.
 *
 * From process context the NAPI run is prompt: napi_schedule() inside
 * local_bh_disable()/local_bh_enable(), and the enable runs the pending
 * softirq at once (or ksoftirqd does when it already owns them).
 */
#include <kunit/visibility.h>
#include <linux/delay.h>
#include <linux/slab.h>

#include "anp.h"

struct anp_loop {
	struct anp_net *an;
	struct sk_buff_head queue;	/* its own lock, IRQ-safe */
	struct napi_struct napi;
	struct net_device dev;		/* dummy: holds the NAPI instance */
};

static int anp_loop_poll(struct napi_struct *napi, int budget)
{
	struct anp_loop *lp = container_of(napi, struct anp_loop, napi);
	struct sk_buff *skb;
	int done = 0;

	rcu_read_lock();
	while (done < budget && (skb = skb_dequeue(&lp->queue))) {
		anp_ip_local_deliver(lp->an, NULL, skb);
		done++;
	}
	rcu_read_unlock();
	/*
	 * A producer that enqueued during the poll called napi_schedule(),
	 * which set NAPI_STATE_MISSED: napi_complete_done() then returns
	 * false and the instance is polled again.  No re-check needed.
	 */
	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}

int anp_loop_init(struct anp_net *an)
{
	struct anp_loop *lp;

	lp = kzalloc(sizeof(*lp), GFP_KERNEL);
	if (!lp)
		return -ENOMEM;
	lp->an = an;
	skb_queue_head_init(&lp->queue);
	init_dummy_netdev(&lp->dev);
	netif_napi_add(&lp->dev, &lp->napi, anp_loop_poll);
	napi_enable(&lp->napi);
	an->loop = lp;
	return 0;
}

void anp_loop_exit(struct anp_net *an)
{
	struct anp_loop *lp = an->loop;
	unsigned int n;

	if (!lp)
		return;
	/* veth's order: disable (waits for a poll), delete, then purge. */
	napi_disable(&lp->napi);
	netif_napi_del(&lp->napi);
	n = skb_queue_len(&lp->queue);
	while (n--)
		ANP_INC_STATS(an, ANP_MIB_IP_LOOP_DROPS);
	skb_queue_purge(&lp->queue);
	kfree(lp);
	an->loop = NULL;
}

int anp_loop_xmit(struct anp_net *an, struct sk_buff *skb)
{
	struct anp_loop *lp = an->loop;
	unsigned long flags;

	/* As loopback_xmit(): the sender's charge ends here. */
	skb_orphan(skb);
	skb_scrub_packet(skb, false);
	skb->protocol = htons(ETH_P_IP);
	skb->pkt_type = PACKET_HOST;
	skb->dev = NULL;
	skb_reset_network_header(skb);

	spin_lock_irqsave(&lp->queue.lock, flags);
	if (skb_queue_len(&lp->queue) >= ANP_LOOP_QLEN) {
		spin_unlock_irqrestore(&lp->queue.lock, flags);
		ANP_INC_STATS(an, ANP_MIB_IP_LOOP_DROPS);
		kfree_skb_reason(skb, SKB_DROP_REASON_FULL_RING);
		return -ENOBUFS;
	}
	__skb_queue_tail(&lp->queue, skb);
	spin_unlock_irqrestore(&lp->queue.lock, flags);
	ANP_INC_STATS(an, ANP_MIB_IP_LOOP_PKTS);

	local_bh_disable();
	napi_schedule(&lp->napi);
	local_bh_enable();
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(anp_loop_xmit);

/*
 * Wait (process context) until every queued datagram has been
 * delivered: the queue empty and no poll scheduled or running.  KUnit's
 * way to wait for a delivery without guessing a delay; -ETIMEDOUT after
 * timeout_ms.
 */
int anp_loop_sync(struct anp_net *an, unsigned int timeout_ms)
{
	struct anp_loop *lp = an->loop;
	unsigned long end = jiffies + msecs_to_jiffies(timeout_ms);

	while (!skb_queue_empty_lockless(&lp->queue) ||
	       test_bit(NAPI_STATE_SCHED, &lp->napi.state)) {
		if (time_after(jiffies, end))
			return -ETIMEDOUT;
		usleep_range(100, 1000);
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(anp_loop_sync);
