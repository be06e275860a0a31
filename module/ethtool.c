// SPDX-License-Identifier: GPL-2.0
/*
 * ethtool operations of the anp virtual NIC.
 *
 *   ethtool -i   driver "anp", version ANP_DRV_VERSION, no bus
 *   ethtool -g   ANP_RING_SIZE entries per direction (fixed; -G refused)
 *   ethtool -c/-C  emulated interrupt moderation, see dev.h:
 *                rx-usecs/rx-frames: frames the ANP host sends to Linux
 *                tx-usecs/tx-frames: frames Linux sends to the ANP host
 *                usecs 0..ANP_COAL_USECS_MAX, frames 0..ANP_COAL_FRAMES_MAX
 *   ethtool -S   per direction, "tx_" = Linux -> host (the to_host ring),
 *                "rx_" = host -> Linux (the to_linux ring):
 *     X_packets, X_bytes   what ip -s link shows: for tx the frames Linux
 *                          put in the ring, for rx the frames delivered
 *     X_drops              every drop (= ip -s link tx/rx dropped), the
 *                          sum of:
 *       X_ring_full          ring full
 *       X_dev_down           device down, or interface being deleted
 *       X_purged             left in the ring when the device went down
 *       X_bad_frames         runt, oversize, checksum or memory failure
 *     X_queued, X_queued_bytes  frames accepted into the ring
 *     X_napi_polls         NAPI poll calls
 *     X_napi_packets, X_napi_bytes  frames those polls took from the ring
 *     X_packets_per_poll   X_napi_packets / X_napi_polls, rounded down
 *     X_sched_now          NAPI scheduled at once (usecs 0)
 *     X_sched_frames       NAPI scheduled by the frame threshold
 *     X_sched_timer        NAPI scheduled by the moderation timer
 *     X_coalesce_timer_fires  moderation timer expiries
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>

#include "anp.h"
#include "dev.h"

enum anp_estat {
	ANP_ES_PACKETS,
	ANP_ES_BYTES,
	ANP_ES_DROPS,
	ANP_ES_RING_FULL,
	ANP_ES_DEV_DOWN,
	ANP_ES_PURGED,
	ANP_ES_BAD_FRAMES,
	ANP_ES_QUEUED,
	ANP_ES_QUEUED_BYTES,
	ANP_ES_NAPI_POLLS,
	ANP_ES_NAPI_PACKETS,
	ANP_ES_NAPI_BYTES,
	ANP_ES_PACKETS_PER_POLL,
	ANP_ES_SCHED_NOW,
	ANP_ES_SCHED_FRAMES,
	ANP_ES_SCHED_TIMER,
	ANP_ES_TIMER_FIRES,
	ANP_ES_MAX
};

static const char * const anp_estat_names[ANP_ES_MAX] = {
	[ANP_ES_PACKETS]		= "packets",
	[ANP_ES_BYTES]			= "bytes",
	[ANP_ES_DROPS]			= "drops",
	[ANP_ES_RING_FULL]		= "ring_full",
	[ANP_ES_DEV_DOWN]		= "dev_down",
	[ANP_ES_PURGED]			= "purged",
	[ANP_ES_BAD_FRAMES]		= "bad_frames",
	[ANP_ES_QUEUED]			= "queued",
	[ANP_ES_QUEUED_BYTES]		= "queued_bytes",
	[ANP_ES_NAPI_POLLS]		= "napi_polls",
	[ANP_ES_NAPI_PACKETS]		= "napi_packets",
	[ANP_ES_NAPI_BYTES]		= "napi_bytes",
	[ANP_ES_PACKETS_PER_POLL]	= "packets_per_poll",
	[ANP_ES_SCHED_NOW]		= "sched_now",
	[ANP_ES_SCHED_FRAMES]		= "sched_frames",
	[ANP_ES_SCHED_TIMER]		= "sched_timer",
	[ANP_ES_TIMER_FIRES]		= "coalesce_timer_fires",
};

/* ethtool's "tx" is Linux's transmit (to_host), "rx" its receive. */
static const char * const anp_dir_prefix[ANP_DIR_MAX] = {
	[ANP_DIR_TO_HOST]	= "tx",
	[ANP_DIR_TO_LINUX]	= "rx",
};

static u64 anp_estat_value(enum anp_dir dir, const u64 c[ANP_RSTAT_MAX],
			   enum anp_estat i)
{
	/* Linux's tx counts what entered the ring, its rx what left it. */
	bool tx = dir == ANP_DIR_TO_HOST;

	switch (i) {
	case ANP_ES_PACKETS:
		return tx ? c[ANP_RSTAT_queued] : c[ANP_RSTAT_polled];
	case ANP_ES_BYTES:
		return tx ? c[ANP_RSTAT_queued_bytes] :
			    c[ANP_RSTAT_polled_bytes];
	case ANP_ES_DROPS:
		return anp_dev_drops(c);
	case ANP_ES_RING_FULL:
		return c[ANP_RSTAT_ring_full];
	case ANP_ES_DEV_DOWN:
		return c[ANP_RSTAT_dev_down];
	case ANP_ES_PURGED:
		return c[ANP_RSTAT_purged];
	case ANP_ES_BAD_FRAMES:
		return c[ANP_RSTAT_bad_frames];
	case ANP_ES_QUEUED:
		return c[ANP_RSTAT_queued];
	case ANP_ES_QUEUED_BYTES:
		return c[ANP_RSTAT_queued_bytes];
	case ANP_ES_NAPI_POLLS:
		return c[ANP_RSTAT_napi_polls];
	case ANP_ES_NAPI_PACKETS:
		return c[ANP_RSTAT_polled];
	case ANP_ES_NAPI_BYTES:
		return c[ANP_RSTAT_polled_bytes];
	case ANP_ES_PACKETS_PER_POLL:
		return c[ANP_RSTAT_napi_polls] ?
		       div64_u64(c[ANP_RSTAT_polled],
				 c[ANP_RSTAT_napi_polls]) : 0;
	case ANP_ES_SCHED_NOW:
		return c[ANP_RSTAT_sched_now];
	case ANP_ES_SCHED_FRAMES:
		return c[ANP_RSTAT_sched_frames];
	case ANP_ES_SCHED_TIMER:
		return c[ANP_RSTAT_sched_timer];
	case ANP_ES_TIMER_FIRES:
		return c[ANP_RSTAT_timer_fires];
	default:
		return 0;
	}
}

static void anp_get_drvinfo(struct net_device *dev,
			    struct ethtool_drvinfo *info)
{
	strscpy(info->driver, ANP_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, ANP_DRV_VERSION, sizeof(info->version));
	/* A virtual device: no bus, no firmware. */
	info->bus_info[0] = '\0';
}

static int anp_get_sset_count(struct net_device *dev, int sset)
{
	switch (sset) {
	case ETH_SS_STATS:
		return ANP_DIR_MAX * ANP_ES_MAX;
	default:
		return -EOPNOTSUPP;
	}
}

static void anp_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	int d, i;

	if (sset != ETH_SS_STATS)
		return;
	for (d = 0; d < ANP_DIR_MAX; d++)
		for (i = 0; i < ANP_ES_MAX; i++)
			ethtool_sprintf(&data, "%s_%s", anp_dir_prefix[d],
					anp_estat_names[i]);
}

static void anp_get_ethtool_stats(struct net_device *dev,
				  struct ethtool_stats *stats, u64 *data)
{
	struct anp_dev *ad = netdev_priv(dev);
	u64 c[ANP_DIR_MAX][ANP_RSTAT_MAX];
	int d, i;

	anp_dev_read_stats(ad, c);
	for (d = 0; d < ANP_DIR_MAX; d++)
		for (i = 0; i < ANP_ES_MAX; i++)
			*data++ = anp_estat_value(d, c[d], i);
}

static int anp_get_coalesce(struct net_device *dev,
			    struct ethtool_coalesce *ec,
			    struct kernel_ethtool_coalesce *kec,
			    struct netlink_ext_ack *extack)
{
	struct anp_dev *ad = netdev_priv(dev);
	struct anp_ring *rx = &ad->rings[ANP_DIR_TO_LINUX];
	struct anp_ring *tx = &ad->rings[ANP_DIR_TO_HOST];

	ec->rx_coalesce_usecs = READ_ONCE(rx->coal_usecs);
	ec->rx_max_coalesced_frames = READ_ONCE(rx->coal_frames);
	ec->tx_coalesce_usecs = READ_ONCE(tx->coal_usecs);
	ec->tx_max_coalesced_frames = READ_ONCE(tx->coal_frames);
	return 0;
}

static int anp_set_coalesce(struct net_device *dev,
			    struct ethtool_coalesce *ec,
			    struct kernel_ethtool_coalesce *kec,
			    struct netlink_ext_ack *extack)
{
	struct anp_dev *ad = netdev_priv(dev);

	/* Validate everything before applying anything. */
	if (ec->rx_coalesce_usecs > ANP_COAL_USECS_MAX ||
	    ec->tx_coalesce_usecs > ANP_COAL_USECS_MAX) {
		NL_SET_ERR_MSG_MOD(extack,
				   "coalesce usecs above the maximum of 1000000");
		return -EINVAL;
	}
	if (ec->rx_max_coalesced_frames > ANP_COAL_FRAMES_MAX ||
	    ec->tx_max_coalesced_frames > ANP_COAL_FRAMES_MAX) {
		NL_SET_ERR_MSG_MOD(extack,
				   "coalesce frames above the ring size of 256");
		return -EINVAL;
	}

	anp_dev_set_coalesce(ad, ANP_DIR_TO_LINUX, ec->rx_coalesce_usecs,
			     ec->rx_max_coalesced_frames);
	anp_dev_set_coalesce(ad, ANP_DIR_TO_HOST, ec->tx_coalesce_usecs,
			     ec->tx_max_coalesced_frames);
	return 0;
}

static void anp_get_ringparam(struct net_device *dev,
			      struct ethtool_ringparam *ring,
			      struct kernel_ethtool_ringparam *kring,
			      struct netlink_ext_ack *extack)
{
	ring->rx_max_pending = ANP_RING_SIZE;
	ring->tx_max_pending = ANP_RING_SIZE;
	ring->rx_pending = ANP_RING_SIZE;
	ring->tx_pending = ANP_RING_SIZE;
}

const struct ethtool_ops anp_ethtool_ops = {
	/* register_netdevice fails with EINVAL if set_coalesce is set
	 * without this.
	 */
	.supported_coalesce_params = ETHTOOL_COALESCE_USECS |
				     ETHTOOL_COALESCE_MAX_FRAMES,
	.get_drvinfo		= anp_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_ts_info		= ethtool_op_get_ts_info,
	.get_sset_count		= anp_get_sset_count,
	.get_strings		= anp_get_strings,
	.get_ethtool_stats	= anp_get_ethtool_stats,
	.get_coalesce		= anp_get_coalesce,
	.set_coalesce		= anp_set_coalesce,
	.get_ringparam		= anp_get_ringparam,
};
