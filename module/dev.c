// SPDX-License-Identifier: GPL-2.0
/*
 * The anp virtual NIC.
 *
 * `ip link add anp0 type anp` creates an Ethernet device whose other end
 * is the ANP host of the device's network namespace, the way the other
 * end of a veth is its peer.  Linux's end has a random MAC (or the one
 * given with `address`), the host's end a second random MAC
 * (anp_iface.host_mac).  The model is drivers/net/veth.c:
 *
 *   Linux --ndo_start_xmit--> to_host ring --NAPI poll--> anp_eth_rcv()
 *   Linux <--napi_gro_receive-- NAPI poll <-- to_linux ring <-- ifc->xmit
 *
 * Each ring is a ptr_ring of ANP_RING_SIZE entries; a full ring drops and
 * counts, nothing else queues.  Producers schedule the ring's NAPI with
 * the rx_notify_masked pattern of veth (no schedule while a poll is due),
 * filtered through the emulated interrupt moderation described in dev.h.
 *
 * An anp device cannot change netns (NETIF_F_NETNS_LOCAL): its host is
 * the one of the netns it was created in.  Deleting the netns, the device
 * (`ip link del`) or the module (rtnl_link_unregister) goes through
 * anp_dellink(), which unlinks the interface from the host first.
 *
 * Features are honest: no checksum offload of any kind (the ANP host
 * verifies and computes checksums in software; frames towards Linux are
 * CHECKSUM_NONE and Linux verifies them), so no TSO either.  SG, FRAGLIST
 * and HIGHDMA are on and can be turned off with `ethtool -K`: the device
 * only moves sk_buff pointers, and the host reads headers with
 * pskb_may_pull() and checksums with skb_checksum(), so non-linear
 * frames are fine.  LLTX: no tx state needs the queue lock (the ring has
 * its own); IFF_NO_QUEUE: the ring is the queue, like veth.
 *
 * Contexts: all counter updates run with BH disabled (ndo_start_xmit,
 * NAPI, the soft hrtimer, and process-context paths that disable BH), so
 * per-cpu u64_stats need no irqsave.
 */
#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/ptr_ring.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <kunit/visibility.h>
#include <net/rtnetlink.h>

#include "anp.h"
#include "dev.h"

static const struct net_device_ops anp_netdev_ops;
static struct rtnl_link_ops anp_link_ops;

static void anp_stat_add(struct anp_dev *ad, enum anp_dir dir,
			 enum anp_ring_stat f, unsigned long n)
{
	struct anp_dev_pcpu_stats *s = this_cpu_ptr(ad->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->c[dir][f], n);
	u64_stats_update_end(&s->syncp);
}

static void anp_stat_add2(struct anp_dev *ad, enum anp_dir dir,
			  enum anp_ring_stat f1, unsigned long n1,
			  enum anp_ring_stat f2, unsigned long n2)
{
	struct anp_dev_pcpu_stats *s = this_cpu_ptr(ad->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->c[dir][f1], n1);
	u64_stats_add(&s->c[dir][f2], n2);
	u64_stats_update_end(&s->syncp);
}

void anp_dev_read_stats(struct anp_dev *ad,
			u64 out[ANP_DIR_MAX][ANP_RSTAT_MAX])
{
	int cpu, d, f;

	memset(out, 0, sizeof(u64) * ANP_DIR_MAX * ANP_RSTAT_MAX);
	for_each_possible_cpu(cpu) {
		const struct anp_dev_pcpu_stats *s = per_cpu_ptr(ad->stats, cpu);
		u64 v[ANP_DIR_MAX][ANP_RSTAT_MAX];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (d = 0; d < ANP_DIR_MAX; d++)
				for (f = 0; f < ANP_RSTAT_MAX; f++)
					v[d][f] = u64_stats_read(&s->c[d][f]);
		} while (u64_stats_fetch_retry(&s->syncp, start));

		for (d = 0; d < ANP_DIR_MAX; d++)
			for (f = 0; f < ANP_RSTAT_MAX; f++)
				out[d][f] += v[d][f];
	}
}

u64 anp_dev_drops(const u64 c[ANP_RSTAT_MAX])
{
	return c[ANP_RSTAT_ring_full] + c[ANP_RSTAT_dev_down] +
	       c[ANP_RSTAT_purged] + c[ANP_RSTAT_bad_frames];
}

/* ---- NAPI scheduling and emulated interrupt moderation ------------ */

/* Raise the ring's "interrupt": schedule its NAPI unless already due. */
static void anp_ring_schedule(struct anp_ring *r, enum anp_ring_stat why)
{
	if (!napi_schedule_prep(&r->napi))
		return;
	WRITE_ONCE(r->notify_masked, true);
	/* A timer armed for frames this poll will take is now useless.  If
	 * it cannot be cancelled it fires later and at worst polls once
	 * more; its callback clears the bit itself.
	 */
	if (test_bit(ANP_RING_TIMER_ARMED, &r->flags) &&
	    hrtimer_try_to_cancel(&r->timer) == 1)
		clear_bit(ANP_RING_TIMER_ARMED, &r->flags);
	anp_stat_add(r->ad, r->dir, why, 1);
	__napi_schedule(&r->napi);
}

/*
 * Frames wait in the ring: schedule its NAPI now, or when enough frames
 * have arrived, or when the moderation timer fires.  BH disabled.
 */
static void anp_ring_notify(struct anp_ring *r)
{
	u32 usecs, frames;

	/* Write ptr_ring before reading notify_masked (veth: the pairing
	 * barrier is the smp_store_mb() after napi_complete_done()).
	 */
	smp_mb();
	if (READ_ONCE(r->notify_masked))
		return;

	usecs = READ_ONCE(r->coal_usecs);
	frames = READ_ONCE(r->coal_frames);
	if (!usecs) {
		anp_ring_schedule(r, ANP_RSTAT_sched_now);
		return;
	}
	if (frames && atomic_read(&r->pending) >= frames) {
		anp_ring_schedule(r, ANP_RSTAT_sched_frames);
		return;
	}
	if (!test_and_set_bit(ANP_RING_TIMER_ARMED, &r->flags))
		hrtimer_start(&r->timer, ns_to_ktime((u64)usecs * NSEC_PER_USEC),
			      HRTIMER_MODE_REL_SOFT);
}

static enum hrtimer_restart anp_ring_timer(struct hrtimer *timer)
{
	struct anp_ring *r = container_of(timer, struct anp_ring, timer);

	/* Soft hrtimer: runs in softirq context, BH is off. */
	clear_bit(ANP_RING_TIMER_ARMED, &r->flags);
	anp_stat_add(r->ad, r->dir, ANP_RSTAT_timer_fires, 1);
	anp_ring_schedule(r, ANP_RSTAT_sched_timer);
	return HRTIMER_NORESTART;
}

/* Put skb in the ring; 0 or -ENOBUFS (skb not consumed).  BH disabled. */
static int anp_ring_produce(struct anp_ring *r, struct sk_buff *skb)
{
	/* Count first so that pending never lags behind the ring. */
	atomic_inc(&r->pending);
	if (unlikely(ptr_ring_produce(&r->ring, skb))) {
		atomic_dec(&r->pending);
		return -ENOBUFS;
	}
	return 0;
}

/* End of a poll: counters, then napi_complete_done and re-check (veth). */
static void anp_ring_poll_end(struct anp_ring *r, int done, int budget,
			      u64 bytes)
{
	struct anp_dev_pcpu_stats *s = this_cpu_ptr(r->ad->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->c[r->dir][ANP_RSTAT_napi_polls]);
	u64_stats_add(&s->c[r->dir][ANP_RSTAT_polled], done);
	u64_stats_add(&s->c[r->dir][ANP_RSTAT_polled_bytes], bytes);
	u64_stats_update_end(&s->syncp);

	if (done)
		atomic_sub(done, &r->pending);

	if (done < budget && napi_complete_done(&r->napi, done)) {
		/* Write notify_masked before reading ptr_ring */
		smp_store_mb(r->notify_masked, false);
		if (unlikely(!__ptr_ring_empty(&r->ring)))
			anp_ring_notify(r);
	}
}

static int anp_poll_to_host(struct napi_struct *napi, int budget)
{
	struct anp_ring *r = container_of(napi, struct anp_ring, napi);
	struct anp_dev *ad = r->ad;
	/* anp_dev_unlink() waits (synchronize_net) for polls that saw it. */
	bool linked = READ_ONCE(ad->linked);
	unsigned int unlinked = 0;
	u64 bytes = 0;
	int done = 0;

	while (done < budget) {
		struct sk_buff *skb = __ptr_ring_consume(&r->ring);

		if (!skb)
			break;
		done++;
		bytes += skb->len;
		if (unlikely(!linked)) {
			kfree_skb_reason(skb, SKB_DROP_REASON_DEV_READY);
			unlinked++;
			continue;
		}
		skb_reset_mac_header(skb);
		anp_eth_rcv(&ad->ifc, skb);
	}
	if (unlikely(unlinked))
		anp_stat_add(ad, r->dir, ANP_RSTAT_dev_down, unlinked);

	anp_ring_poll_end(r, done, budget, bytes);
	return done;
}

static int anp_poll_to_linux(struct napi_struct *napi, int budget)
{
	struct anp_ring *r = container_of(napi, struct anp_ring, napi);
	struct net_device *dev = r->ad->ifc.dev;
	u64 bytes = 0;
	int done = 0;

	while (done < budget) {
		struct sk_buff *skb = __ptr_ring_consume(&r->ring);

		if (!skb)
			break;
		done++;
		bytes += skb->len;
		skb->protocol = eth_type_trans(skb, dev);
		napi_gro_receive(napi, skb);
	}

	anp_ring_poll_end(r, done, budget, bytes);
	return done;
}

/* Drop what is left in a ring whose NAPI is disabled.  BH disabled. */
static void anp_ring_purge(struct anp_ring *r)
{
	struct sk_buff *skb;
	unsigned int n = 0;

	while ((skb = ptr_ring_consume(&r->ring))) {
		kfree_skb_reason(skb, SKB_DROP_REASON_DEV_READY);
		n++;
	}
	if (n)
		anp_stat_add(r->ad, r->dir, ANP_RSTAT_purged, n);
	atomic_set(&r->pending, 0);
	WRITE_ONCE(r->notify_masked, false);
}

void anp_dev_set_coalesce(struct anp_dev *ad, enum anp_dir dir,
			  u32 usecs, u32 frames)
{
	struct anp_ring *r = &ad->rings[dir];

	ASSERT_RTNL();
	if (READ_ONCE(r->coal_usecs) == usecs &&
	    READ_ONCE(r->coal_frames) == frames)
		return;
	WRITE_ONCE(r->coal_usecs, usecs);
	WRITE_ONCE(r->coal_frames, frames);
	if (!netif_running(ad->ifc.dev))
		return;

	/* Re-judge what already waits under the new rule: a timer armed
	 * with the old delay is restarted with the new one (or the NAPI is
	 * scheduled at once).
	 */
	local_bh_disable();
	if (test_bit(ANP_RING_TIMER_ARMED, &r->flags) &&
	    hrtimer_try_to_cancel(&r->timer) == 1)
		clear_bit(ANP_RING_TIMER_ARMED, &r->flags);
	if (!__ptr_ring_empty(&r->ring))
		anp_ring_notify(r);
	local_bh_enable();
}

/* ---- the two producers ------------------------------------------- */

/* Linux transmits: into the to_host ring. */
static netdev_tx_t anp_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct anp_dev *ad = netdev_priv(dev);
	struct anp_ring *r = &ad->rings[ANP_DIR_TO_HOST];
	unsigned int len = skb->len;

	/* The ANP host may keep the frame (neighbour queue, sockets): it
	 * must not hold Linux socket memory or user pages, nor carry
	 * Linux's dst, conntrack or mark (as __dev_forward_skb does).
	 */
	if (unlikely(skb_orphan_frags_rx(skb, GFP_ATOMIC))) {
		anp_stat_add(ad, r->dir, ANP_RSTAT_bad_frames, 1);
		kfree_skb_reason(skb, SKB_DROP_REASON_NOMEM);
		return NETDEV_TX_OK;
	}
	skb_tx_timestamp(skb);
	skb_orphan(skb);
	skb_scrub_packet(skb, true);
	skb->priority = 0;

	if (unlikely(anp_ring_produce(r, skb))) {
		anp_stat_add(ad, r->dir, ANP_RSTAT_ring_full, 1);
		kfree_skb_reason(skb, SKB_DROP_REASON_FULL_RING);
		return NETDEV_TX_OK;
	}
	anp_stat_add2(ad, r->dir, ANP_RSTAT_queued, 1,
		      ANP_RSTAT_queued_bytes, len);
	anp_ring_notify(r);
	return NETDEV_TX_OK;
}

static int __anp_dev_host_xmit(struct anp_dev *ad, struct sk_buff *skb)
{
	struct anp_ring *r = &ad->rings[ANP_DIR_TO_LINUX];
	struct net_device *dev = ad->ifc.dev;
	unsigned int len = skb->len;
	enum skb_drop_reason reason;

	/* A caller that saw the device running finishes before ndo_stop's
	 * synchronize_net() returns: BH is disabled here.
	 */
	if (unlikely(!netif_running(dev))) {
		anp_stat_add(ad, r->dir, ANP_RSTAT_dev_down, 1);
		kfree_skb_reason(skb, SKB_DROP_REASON_DEV_READY);
		return -ENETDOWN;
	}
	/* A frame must hold an Ethernet header (eth_type_trans reads it
	 * from the linear part) and fit the MTU.
	 */
	if (unlikely(!pskb_may_pull(skb, ETH_HLEN))) {
		reason = SKB_DROP_REASON_PKT_TOO_SMALL;
		goto bad;
	}
	if (unlikely(!is_skb_forwardable(dev, skb))) {
		reason = SKB_DROP_REASON_PKT_TOO_BIG;
		goto bad;
	}
	if (unlikely(skb_orphan_frags_rx(skb, GFP_ATOMIC))) {
		reason = SKB_DROP_REASON_NOMEM;
		goto bad;
	}
	/* Linux must not hold the ANP host's socket memory either. */
	skb_orphan(skb);
	skb_scrub_packet(skb, true);
	skb->priority = 0;
	/* No checksum offload on this device: finish a partial checksum in
	 * software, and let Linux verify every checksum itself.
	 */
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb)) {
		reason = SKB_DROP_REASON_NOT_SPECIFIED;
		goto bad;
	}
	skb->ip_summed = CHECKSUM_NONE;
	skb->dev = dev;

	if (unlikely(anp_ring_produce(r, skb))) {
		anp_stat_add(ad, r->dir, ANP_RSTAT_ring_full, 1);
		kfree_skb_reason(skb, SKB_DROP_REASON_FULL_RING);
		return -ENOBUFS;
	}
	anp_stat_add2(ad, r->dir, ANP_RSTAT_queued, 1,
		      ANP_RSTAT_queued_bytes, len);
	anp_ring_notify(r);
	return 0;

bad:
	anp_stat_add(ad, r->dir, ANP_RSTAT_bad_frames, 1);
	kfree_skb_reason(skb, reason);
	return -EINVAL;
}

/*
 * anp_iface.xmit: the ANP host sends a complete Ethernet frame to Linux.
 * Process context (BH enabled or not) or softirq; never hard IRQ.
 */
static int anp_dev_host_xmit(struct anp_iface *ifc, struct sk_buff *skb)
{
	struct anp_dev *ad = container_of(ifc, struct anp_dev, ifc);
	int err;

	if (WARN_ON_ONCE(in_hardirq() || irqs_disabled())) {
		dev_kfree_skb_any(skb);
		return -EINVAL;
	}
	/* BH off: the ring's producer lock is not BH-safe, the per-cpu
	 * counters need it, and a NAPI scheduled from process context
	 * runs at local_bh_enable().
	 */
	local_bh_disable();
	err = __anp_dev_host_xmit(ad, skb);
	local_bh_enable();
	return err;
}

/* ---- net_device_ops ---------------------------------------------- */

static int anp_dev_ndo_init(struct net_device *dev)
{
	struct anp_dev *ad = netdev_priv(dev);
	int d, err;

	ad->stats = netdev_alloc_pcpu_stats(struct anp_dev_pcpu_stats);
	if (!ad->stats)
		return -ENOMEM;

	for (d = 0; d < ANP_DIR_MAX; d++) {
		err = ptr_ring_init(&ad->rings[d].ring, ANP_RING_SIZE,
				    GFP_KERNEL);
		if (err)
			goto err_rings;
	}
	netif_napi_add(dev, &ad->rings[ANP_DIR_TO_HOST].napi,
		       anp_poll_to_host);
	netif_napi_add(dev, &ad->rings[ANP_DIR_TO_LINUX].napi,
		       anp_poll_to_linux);
	return 0;

err_rings:
	while (--d >= 0)
		ptr_ring_cleanup(&ad->rings[d].ring, NULL);
	free_percpu(ad->stats);
	ad->stats = NULL;
	return err;
}

static void anp_skb_free(void *ptr)
{
	kfree_skb(ptr);
}

static void anp_dev_unlink(struct anp_dev *ad)
{
	ASSERT_RTNL();
	if (!ad->linked)
		return;
	WRITE_ONCE(ad->linked, false);
	/* A to_host poll that read linked before the store runs with BH
	 * disabled, an RCU read-side section: after this no poll hands a
	 * frame to the host for this interface, and the host can forget it
	 * for good.  A device that is down has its NAPI disabled (ndo_stop
	 * waited for the last poll) and cannot come up under RTNL, so it
	 * needs no grace period: deleting a netns full of idle devices
	 * stays cheap.
	 */
	if (netif_running(ad->ifc.dev))
		synchronize_net();
	anp_host_iface_del(ad->ifc.an, &ad->ifc);
}

static void anp_dev_ndo_uninit(struct net_device *dev)
{
	struct anp_dev *ad = netdev_priv(dev);
	int d;

	/* dellink has unlinked already; this catches any other path. */
	anp_dev_unlink(ad);

	/* veth's order: napi_disable (ndo_stop), netif_napi_del,
	 * synchronize_net, ptr_ring_cleanup.
	 */
	for (d = 0; d < ANP_DIR_MAX; d++)
		__netif_napi_del(&ad->rings[d].napi);
	synchronize_net();
	for (d = 0; d < ANP_DIR_MAX; d++) {
		hrtimer_cancel(&ad->rings[d].timer);
		ptr_ring_cleanup(&ad->rings[d].ring, anp_skb_free);
	}
}

/* priv_destructor: after the last reference, so no stats reader remains. */
static void anp_dev_free(struct net_device *dev)
{
	struct anp_dev *ad = netdev_priv(dev);

	free_percpu(ad->stats);
}

static int anp_dev_open(struct net_device *dev)
{
	struct anp_dev *ad = netdev_priv(dev);
	int d;

	for (d = 0; d < ANP_DIR_MAX; d++) {
		struct anp_ring *r = &ad->rings[d];

		WRITE_ONCE(r->notify_masked, false);
		atomic_set(&r->pending, 0);
		napi_enable(&r->napi);
	}
	netif_carrier_on(dev);
	return 0;
}

static int anp_dev_stop(struct net_device *dev)
{
	struct anp_dev *ad = netdev_priv(dev);
	int d;

	netif_carrier_off(dev);
	/* to_host first: its poll feeds the host, which may send. */
	for (d = 0; d < ANP_DIR_MAX; d++)
		napi_disable(&ad->rings[d].napi);
	/* The core cleared __LINK_STATE_START before calling us: after a
	 * grace period no producer is still inside, so nothing re-arms a
	 * timer or fills a ring behind our back.
	 */
	synchronize_net();
	for (d = 0; d < ANP_DIR_MAX; d++) {
		hrtimer_cancel(&ad->rings[d].timer);
		clear_bit(ANP_RING_TIMER_ARMED, &ad->rings[d].flags);
	}
	local_bh_disable();
	for (d = 0; d < ANP_DIR_MAX; d++)
		anp_ring_purge(&ad->rings[d]);
	local_bh_enable();
	return 0;
}

static void anp_dev_get_stats64(struct net_device *dev,
				struct rtnl_link_stats64 *stats)
{
	struct anp_dev *ad = netdev_priv(dev);
	u64 c[ANP_DIR_MAX][ANP_RSTAT_MAX];

	anp_dev_read_stats(ad, c);
	stats->tx_packets = c[ANP_DIR_TO_HOST][ANP_RSTAT_queued];
	stats->tx_bytes = c[ANP_DIR_TO_HOST][ANP_RSTAT_queued_bytes];
	stats->tx_dropped = anp_dev_drops(c[ANP_DIR_TO_HOST]);
	stats->rx_packets = c[ANP_DIR_TO_LINUX][ANP_RSTAT_polled];
	stats->rx_bytes = c[ANP_DIR_TO_LINUX][ANP_RSTAT_polled_bytes];
	stats->rx_dropped = anp_dev_drops(c[ANP_DIR_TO_LINUX]);
}

static int anp_dev_set_mac_address(struct net_device *dev, void *p)
{
	struct anp_dev *ad = netdev_priv(dev);
	struct sockaddr *sa = p;

	/* The two ends of one wire cannot share a MAC. */
	if (ether_addr_equal(sa->sa_data, ad->ifc.host_mac))
		return -EADDRINUSE;
	return eth_mac_addr(dev, p);
}

static const struct net_device_ops anp_netdev_ops = {
	.ndo_init		= anp_dev_ndo_init,
	.ndo_uninit		= anp_dev_ndo_uninit,
	.ndo_open		= anp_dev_open,
	.ndo_stop		= anp_dev_stop,
	.ndo_start_xmit		= anp_start_xmit,
	.ndo_get_stats64	= anp_dev_get_stats64,
	.ndo_set_mac_address	= anp_dev_set_mac_address,
	.ndo_validate_addr	= eth_validate_addr,
};

/* What the device really does; see the comment at the top. */
#define ANP_DEV_FEATURES	(NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HIGHDMA)

static void anp_dev_setup(struct net_device *dev)
{
	struct anp_dev *ad = netdev_priv(dev);
	int d;

	ether_setup(dev);

	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_NO_QUEUE;

	dev->netdev_ops = &anp_netdev_ops;
	dev->ethtool_ops = &anp_ethtool_ops;
	dev->features |= NETIF_F_LLTX | NETIF_F_NETNS_LOCAL | ANP_DEV_FEATURES;
	dev->hw_features = ANP_DEV_FEATURES;
	dev->vlan_features = ANP_DEV_FEATURES;
	dev->needs_free_netdev = true;
	dev->priv_destructor = anp_dev_free;
	dev->min_mtu = ANP_DEV_MIN_MTU;
	dev->max_mtu = ANP_DEV_MAX_MTU;

	for (d = 0; d < ANP_DIR_MAX; d++) {
		struct anp_ring *r = &ad->rings[d];

		r->ad = ad;
		r->dir = d;
		r->coal_usecs = ANP_COAL_USECS_DEFAULT;
		r->coal_frames = ANP_COAL_FRAMES_DEFAULT;
		atomic_set(&r->pending, 0);
		hrtimer_init(&r->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
		r->timer.function = anp_ring_timer;
	}
}

/* ---- rtnl_link_ops ----------------------------------------------- */

static int anp_validate(struct nlattr *tb[], struct nlattr *data[],
			struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "anp: MAC address must be 6 bytes");
			return -EINVAL;
		}
		if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "anp: invalid unicast MAC address");
			return -EADDRNOTAVAIL;
		}
	}
	return 0;
}

static int anp_newlink(struct net *src_net, struct net_device *dev,
		       struct nlattr *tb[], struct nlattr *data[],
		       struct netlink_ext_ack *extack)
{
	struct anp_dev *ad = netdev_priv(dev);
	struct anp_net *an = anp_net(dev_net(dev));
	int err;

	if (!tb[IFLA_ADDRESS])
		eth_hw_addr_random(dev);
	do {
		eth_random_addr(ad->ifc.host_mac);
	} while (ether_addr_equal(ad->ifc.host_mac, dev->dev_addr));

	ad->ifc.dev = dev;
	ad->ifc.an = an;
	ad->ifc.xmit = anp_dev_host_xmit;
	INIT_LIST_HEAD(&ad->ifc.node);

	/* Carrier comes up in ndo_open. */
	netif_carrier_off(dev);

	err = register_netdevice(dev);
	if (err)
		return err;

	anp_host_iface_add(an, &ad->ifc);
	WRITE_ONCE(ad->linked, true);
	return 0;
}

static void anp_dellink(struct net_device *dev, struct list_head *head)
{
	/* Unlink from the host before the device goes away. */
	anp_dev_unlink(netdev_priv(dev));
	unregister_netdevice_queue(dev, head);
}

static struct rtnl_link_ops anp_link_ops = {
	.kind		= ANP_DRV_NAME,
	.priv_size	= sizeof(struct anp_dev),
	.setup		= anp_dev_setup,
	.validate	= anp_validate,
	.newlink	= anp_newlink,
	.dellink	= anp_dellink,
};

bool anp_dev_is_anp(const struct net_device *dev)
{
	return dev->netdev_ops == &anp_netdev_ops;
}
EXPORT_SYMBOL_IF_KUNIT(anp_dev_is_anp);

int anp_dev_init(void)
{
	return rtnl_link_register(&anp_link_ops);
}

/* Deletes every anp device in every netns (through anp_dellink). */
void anp_dev_exit(void)
{
	rtnl_link_unregister(&anp_link_ops);
}

MODULE_ALIAS_RTNL_LINK(ANP_DRV_NAME);
