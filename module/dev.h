/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The anp virtual NIC: private state shared by dev.c and ethtool.c.
 *
 * Each anp device has two bounded rings, one per direction, each drained
 * by its own NAPI instance (the standard weight, NAPI_POLL_WEIGHT):
 *
 *   ANP_DIR_TO_HOST   frames Linux transmits (ndo_start_xmit), handed to
 *                     the ANP host by anp_eth_rcv().  Linux's "tx";
 *                     ethtool names its counters "tx_*" and its
 *                     moderation "tx-usecs"/"tx-frames".
 *   ANP_DIR_TO_LINUX  frames the ANP host sends (anp_iface.xmit), handed
 *                     to Linux by napi_gro_receive().  Linux's "rx";
 *                     counters "rx_*", moderation "rx-usecs"/"rx-frames".
 *
 * Emulated interrupt moderation, per ring: a ring's NAPI is scheduled
 *   - at once when usecs is 0 (the default, like veth);
 *   - otherwise as soon as at least <frames> frames wait in the ring
 *     (frames 0: no frame threshold, the timer alone decides), or
 *     <usecs> microseconds after the first frame that found the NAPI idle
 *     (an hrtimer), whichever comes first.
 * While a poll runs, new frames are taken by that poll; when it completes
 * with frames left, the rule above is applied again.
 */
#ifndef __ANP_DEV_H
#define __ANP_DEV_H

#include <linux/ethtool.h>
#include <linux/hrtimer.h>
#include <linux/ptr_ring.h>
#include <linux/u64_stats_sync.h>

#include "anp.h"

#define ANP_DRV_NAME		"anp"
#define ANP_DRV_VERSION		"1.0"

/* Entries per ring, per direction (veth uses 256 too).  `ethtool -g`. */
#define ANP_RING_SIZE		256

/* MTU limits: from 68 (RFC 791: "Every internet module must be able to
 * forward a datagram of 68 octets without further fragmentation") up to
 * a 9000-byte jumbo frame, well within what the ANP host handles (it works
 * on ordinary, possibly non-linear, sk_buffs).
 */
#define ANP_DEV_MIN_MTU		ETH_MIN_MTU
#define ANP_DEV_MAX_MTU		9000

/* Coalescing bounds (ethtool -C); others are rejected with an extack. */
#define ANP_COAL_USECS_MAX	1000000		/* one second */
#define ANP_COAL_FRAMES_MAX	ANP_RING_SIZE
#define ANP_COAL_USECS_DEFAULT	0
#define ANP_COAL_FRAMES_DEFAULT	1

enum anp_dir {
	ANP_DIR_TO_HOST,
	ANP_DIR_TO_LINUX,
	ANP_DIR_MAX
};

/* Stored counters, per direction and per cpu. */
enum anp_ring_stat {
	ANP_RSTAT_queued,		/* frames accepted into the ring */
	ANP_RSTAT_queued_bytes,
	ANP_RSTAT_polled,		/* frames the NAPI poll took out */
	ANP_RSTAT_polled_bytes,
	ANP_RSTAT_ring_full,		/* drop: ring full */
	ANP_RSTAT_dev_down,		/* drop: device down or unlinked */
	ANP_RSTAT_purged,		/* drop: left in the ring at ndo_stop */
	ANP_RSTAT_bad_frames,		/* drop: runt, oversize, checksum */
	ANP_RSTAT_napi_polls,		/* NAPI poll calls */
	ANP_RSTAT_sched_now,		/* NAPI scheduled at once (usecs 0) */
	ANP_RSTAT_sched_frames,		/* ... by the frame threshold */
	ANP_RSTAT_sched_timer,		/* ... by the moderation timer */
	ANP_RSTAT_timer_fires,		/* moderation timer expiries */
	ANP_RSTAT_MAX
};

struct anp_dev_pcpu_stats {
	u64_stats_t c[ANP_DIR_MAX][ANP_RSTAT_MAX];
	struct u64_stats_sync syncp;
};

/* anp_ring.flags */
#define ANP_RING_TIMER_ARMED	0

struct anp_dev;

struct anp_ring {
	struct ptr_ring ring;
	struct napi_struct napi;
	struct hrtimer timer;		/* HRTIMER_MODE_REL_SOFT */
	struct anp_dev *ad;
	enum anp_dir dir;
	bool notify_masked;		/* NAPI scheduled or running */
	unsigned long flags;
	atomic_t pending;		/* frames in the ring, an upper bound */
	/* Written under RTNL with WRITE_ONCE, read on the data path. */
	u32 coal_usecs;
	u32 coal_frames;
};

/* netdev_priv() of an anp device. */
struct anp_dev {
	struct anp_iface ifc;		/* the ANP host's end of the wire */
	struct anp_ring rings[ANP_DIR_MAX];
	struct anp_dev_pcpu_stats __percpu *stats;
	bool linked;			/* in the host's interface list */
};

extern const struct ethtool_ops anp_ethtool_ops;

/* Sum every cpu's counters. */
void anp_dev_read_stats(struct anp_dev *ad,
			u64 out[ANP_DIR_MAX][ANP_RSTAT_MAX]);
/* Total drops of one direction, from anp_dev_read_stats() output. */
u64 anp_dev_drops(const u64 c[ANP_RSTAT_MAX]);
/* Apply new moderation settings (already validated).  RTNL. */
void anp_dev_set_coalesce(struct anp_dev *ad, enum anp_dir dir,
			  u32 usecs, u32 frames);

#endif /* __ANP_DEV_H */
