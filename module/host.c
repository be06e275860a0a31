// SPDX-License-Identifier: GPL-2.0
/*
 * The ANP host of each network namespace.
 *
 * Every netns gets one struct anp_net through pernet_operations (.id and
 * .size: the core allocates it, net_generic() finds it; no field is added
 * to struct net).  It holds the interface list, addresses, routes, the
 * neighbour cache, the ICMP rate limit and the per-cpu counters.
 *
 * The pernet ops are registered as a subsystem, so on netns teardown they
 * exit after the device ops: every anp device of the dying netns has been
 * deleted (and so removed from ifaces) before anp_net_exit() runs.
 */
#include <kunit/visibility.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>

#include "anp.h"

unsigned int anp_net_id __read_mostly;
/* KUnit's TCP suite drives sockets of init_net's host (anp_net()). */
EXPORT_SYMBOL_IF_KUNIT(anp_net_id);

static const char * const anp_mib_names[ANP_MIB_MAX] = {
	[ANP_MIB_ETH_IN_FRAMES] = "EthInFrames",
	[ANP_MIB_ETH_IN_ERRORS] = "EthInErrors",
	[ANP_MIB_ETH_IN_OTHER_HOST] = "EthInOtherHost",
	[ANP_MIB_ETH_IN_UNKNOWN_TYPE] = "EthInUnknownType",
	[ANP_MIB_ETH_IN_DISCARDS] = "EthInDiscards",
	[ANP_MIB_ETH_OUT_FRAMES] = "EthOutFrames",
	[ANP_MIB_ETH_OUT_DROPS] = "EthOutDrops",
	[ANP_MIB_ARP_IN_REQUESTS] = "ArpInRequests",
	[ANP_MIB_ARP_IN_REPLIES] = "ArpInReplies",
	[ANP_MIB_ARP_IN_ERRORS] = "ArpInErrors",
	[ANP_MIB_ARP_IN_IGNORED] = "ArpInIgnored",
	[ANP_MIB_ARP_OUT_REQUESTS] = "ArpOutRequests",
	[ANP_MIB_ARP_OUT_REPLIES] = "ArpOutReplies",
	[ANP_MIB_ARP_OUT_GRATUITOUS] = "ArpOutGratuitous",
	[ANP_MIB_ARP_RESOLVE_FAILED] = "ArpResolveFailed",
	[ANP_MIB_ARP_QUEUE_DROPS] = "ArpQueueDrops",
	[ANP_MIB_ARP_CACHE_FULL] = "ArpCacheFull",
	[ANP_MIB_IP_IN_RECEIVES] = "IpInReceives",
	[ANP_MIB_IP_IN_HDR_ERRORS] = "IpInHdrErrors",
	[ANP_MIB_IP_IN_TRUNCATED_PKTS] = "IpInTruncatedPkts",
	[ANP_MIB_IP_IN_CSUM_ERRORS] = "IpInCsumErrors",
	[ANP_MIB_IP_IN_ADDR_ERRORS] = "IpInAddrErrors",
	[ANP_MIB_IP_IN_UNKNOWN_PROTOS] = "IpInUnknownProtos",
	[ANP_MIB_IP_IN_DELIVERS] = "IpInDelivers",
	[ANP_MIB_IP_IN_DISCARDS] = "IpInDiscards",
	[ANP_MIB_IP_REASM_REQDS] = "IpReasmReqds",
	[ANP_MIB_IP_REASM_OKS] = "IpReasmOKs",
	[ANP_MIB_IP_REASM_FAILS] = "IpReasmFails",
	[ANP_MIB_IP_REASM_TIMEOUT] = "IpReasmTimeout",
	[ANP_MIB_IP_REASM_OVERLAPS] = "IpReasmOverlaps",
	[ANP_MIB_IP_REASM_DUPLICATES] = "IpReasmDuplicates",
	[ANP_MIB_IP_OUT_REQUESTS] = "IpOutRequests",
	[ANP_MIB_IP_OUT_NO_ROUTES] = "IpOutNoRoutes",
	[ANP_MIB_IP_OUT_DISCARDS] = "IpOutDiscards",
	[ANP_MIB_IP_FRAG_OKS] = "IpFragOKs",
	[ANP_MIB_IP_FRAG_FAILS] = "IpFragFails",
	[ANP_MIB_IP_FRAG_CREATES] = "IpFragCreates",
	[ANP_MIB_IP_LOOP_PKTS] = "IpLoopPkts",
	[ANP_MIB_IP_LOOP_DROPS] = "IpLoopDrops",
	[ANP_MIB_ICMP_IN_MSGS] = "IcmpInMsgs",
	[ANP_MIB_ICMP_IN_ERRORS] = "IcmpInErrors",
	[ANP_MIB_ICMP_IN_CSUM_ERRORS] = "IcmpInCsumErrors",
	[ANP_MIB_ICMP_IN_ECHOS] = "IcmpInEchos",
	[ANP_MIB_ICMP_IN_ECHO_REPS] = "IcmpInEchoReps",
	[ANP_MIB_ICMP_IN_DEST_UNREACHS] = "IcmpInDestUnreachs",
	[ANP_MIB_ICMP_IN_TIME_EXCDS] = "IcmpInTimeExcds",
	[ANP_MIB_ICMP_IN_OTHER] = "IcmpInOther",
	[ANP_MIB_ICMP_OUT_MSGS] = "IcmpOutMsgs",
	[ANP_MIB_ICMP_OUT_ECHO_REPS] = "IcmpOutEchoReps",
	[ANP_MIB_ICMP_OUT_DEST_UNREACHS] = "IcmpOutDestUnreachs",
	[ANP_MIB_ICMP_OUT_TIME_EXCDS] = "IcmpOutTimeExcds",
	[ANP_MIB_ICMP_OUT_RATE_LIMITED] = "IcmpOutRateLimited",
	[ANP_MIB_UDP_IN_DATAGRAMS] = "UdpInDatagrams",
	[ANP_MIB_UDP_NO_PORTS] = "UdpNoPorts",
	[ANP_MIB_UDP_IN_ERRORS] = "UdpInErrors",
	[ANP_MIB_UDP_IN_CSUM_ERRORS] = "UdpInCsumErrors",
	[ANP_MIB_UDP_RCVBUF_ERRORS] = "UdpRcvbufErrors",
	[ANP_MIB_UDP_OUT_DATAGRAMS] = "UdpOutDatagrams",
	[ANP_MIB_UDP_SNDBUF_ERRORS] = "UdpSndbufErrors",
	[ANP_MIB_UDP_IGNORED_MULTI] = "UdpIgnoredMulti",
	[ANP_MIB_TCP_ACTIVE_OPENS] = "TcpActiveOpens",
	[ANP_MIB_TCP_PASSIVE_OPENS] = "TcpPassiveOpens",
	[ANP_MIB_TCP_ATTEMPT_FAILS] = "TcpAttemptFails",
	[ANP_MIB_TCP_ESTAB_RESETS] = "TcpEstabResets",
	[ANP_MIB_TCP_CURR_ESTAB] = "TcpCurrEstab",
	[ANP_MIB_TCP_IN_SEGS] = "TcpInSegs",
	[ANP_MIB_TCP_OUT_SEGS] = "TcpOutSegs",
	[ANP_MIB_TCP_RETRANS_SEGS] = "TcpRetransSegs",
	[ANP_MIB_TCP_IN_ERRS] = "TcpInErrs",
	[ANP_MIB_TCP_OUT_RSTS] = "TcpOutRsts",
	[ANP_MIB_TCP_IN_CSUM_ERRORS] = "TcpInCsumErrors",
	[ANP_MIB_TCP_LISTEN_OVERFLOWS] = "TcpExtListenOverflows",
	[ANP_MIB_TCP_LISTEN_DROPS] = "TcpExtListenDrops",
	[ANP_MIB_TCP_CHALLENGE_ACK] = "TcpExtTCPChallengeACK",
	[ANP_MIB_TCP_SYN_CHALLENGE] = "TcpExtTCPSYNChallenge",
	[ANP_MIB_TCP_CHALLENGE_LIMITED] = "TcpExtTCPChallengeACKLimited",
	[ANP_MIB_TCP_ACK_SKIPPED_SYN_RECV] = "TcpExtTCPACKSkippedSynRecv",
	[ANP_MIB_TCP_DEFER_ACCEPT_DROP] = "TcpExtTCPDeferAcceptDrop",
	[ANP_MIB_TCP_PAWS_ESTAB] = "TcpExtPAWSEstab",
	[ANP_MIB_TCP_ACK_SKIPPED_PAWS] = "TcpExtTCPACKSkippedPAWS",
	[ANP_MIB_TCP_OUT_OF_WINDOW] = "TcpExtTCPOutOfWindow",
	[ANP_MIB_TCP_BACKLOG_DROP] = "TcpExtTCPBacklogDrop",
	[ANP_MIB_TCP_RCVQ_DROP] = "TcpExtTCPRcvQDrop",
	[ANP_MIB_TCP_ZERO_WINDOW_DROP] = "TcpExtTCPZeroWindowDrop",
	[ANP_MIB_TCP_PRUNE_CALLED] = "TcpExtPruneCalled",
	[ANP_MIB_TCP_RCV_COLLAPSED] = "TcpExtTCPRcvCollapsed",
	[ANP_MIB_TCP_OFO_PRUNED] = "TcpExtOfoPruned",
	[ANP_MIB_TCP_RCV_PRUNED] = "TcpExtRcvPruned",
	[ANP_MIB_TCP_OFO_DROP] = "TcpExtTCPOFODrop",
	[ANP_MIB_TCP_OFO_QUEUE] = "TcpExtTCPOFOQueue",
	[ANP_MIB_TCP_DSACK_OLD_SENT] = "TcpExtTCPDSACKOldSent",
	[ANP_MIB_TCP_DSACK_OFO_SENT] = "TcpExtTCPDSACKOfoSent",
	[ANP_MIB_TCP_ABORT_ON_DATA] = "TcpExtTCPAbortOnData",
	[ANP_MIB_TCP_ABORT_ON_CLOSE] = "TcpExtTCPAbortOnClose",
	[ANP_MIB_TCP_ABORT_ON_LINGER] = "TcpExtTCPAbortOnLinger",
	[ANP_MIB_TCP_ABORT_ON_TIMEOUT] = "TcpExtTCPAbortOnTimeout",
	[ANP_MIB_TCP_TIMEOUTS] = "TcpExtTCPTimeouts",
	[ANP_MIB_TCP_FAST_RETRANS] = "TcpExtTCPFastRetrans",
	[ANP_MIB_TCP_SLOW_START_RETRANS] = "TcpExtTCPSlowStartRetrans",
	[ANP_MIB_TCP_SACK_RECOVERY] = "TcpExtTCPSackRecovery",
	[ANP_MIB_TCP_SACK_RENEGING] = "TcpExtTCPSACKReneging",
	[ANP_MIB_TCP_LOST_RETRANSMIT] = "TcpExtTCPLostRetransmit",
	[ANP_MIB_TCP_LOSS_PROBES] = "TcpExtTCPLossProbes",
	[ANP_MIB_TCP_LOSS_PROBE_RECOVERY] = "TcpExtTCPLossProbeRecovery",
	[ANP_MIB_TCP_DSACK_UNDO] = "TcpExtTCPDSACKUndo",
	[ANP_MIB_TCP_DELAYED_ACKS] = "TcpExtDelayedACKs",
	[ANP_MIB_TCP_KEEPALIVE_PROBES] = "TcpExtTCPKeepAlive",
	[ANP_MIB_TCP_WIN_PROBES] = "TcpExtTCPWinProbe",
	[ANP_MIB_TCP_NO_SOCKET] = "TcpExtTCPNoSocket",
	[ANP_MIB_TCP_TW_RECYCLED] = "TcpExtTWRecycled",
};

const char *anp_mib_name(enum anp_mib_field field)
{
	return anp_mib_names[field] ?: "?";
}

u64 anp_mib_read(struct anp_net *an, enum anp_mib_field field)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(an->mib, cpu)->mibs[field]);
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(anp_mib_read);

/*
 * Set up a host.  Used for each netns and, by KUnit, for private hosts
 * that belong to no netns' real state.
 */
int anp_host_setup(struct anp_net *an, struct net *net)
{
	int err;

	an->net = net;
	INIT_LIST_HEAD(&an->ifaces);
	INIT_LIST_HEAD(&an->addrs);
	INIT_LIST_HEAD(&an->routes);
	an->n_addrs = 0;
	an->n_routes = 0;
	/* RFC 6864 4.1: the ID only has to be unique per source,
	 * destination and protocol for the datagram's lifetime; a random
	 * start keeps it from leaking how long the host has been up.
	 */
	an->ip_id = get_random_u16();
	anp_icmp_ratelimit_init(&an->icmp_rl);

	an->mib = alloc_percpu(struct anp_mib);
	if (!an->mib)
		return -ENOMEM;

	err = anp_neigh_init(an);
	if (err)
		goto err_mib;
	err = anp_frag_init(an);
	if (err)
		goto err_neigh;
	err = anp_loop_init(an);
	if (err)
		goto err_frag;
	err = anp_sock_net_init(an);
	if (err)
		goto err_loop;
	return 0;

err_loop:
	anp_loop_exit(an);
err_frag:
	anp_frag_exit(an);
err_neigh:
	anp_neigh_exit(an);
err_mib:
	free_percpu(an->mib);
	an->mib = NULL;
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(anp_host_setup);

void anp_host_teardown(struct anp_net *an)
{
	/* Interfaces take their addresses and routes with them. */
	WARN_ON_ONCE(!list_empty(&an->ifaces));
	WARN_ON_ONCE(!list_empty(&an->addrs));
	WARN_ON_ONCE(!list_empty(&an->routes));

	anp_tcp_net_exit(an);
	anp_sock_net_exit(an);
	anp_loop_exit(an);
	anp_frag_exit(an);
	anp_neigh_exit(an);
	free_percpu(an->mib);
	an->mib = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(anp_host_teardown);

static int __net_init anp_net_init(struct net *net)
{
	return anp_host_setup(anp_net(net), net);
}

static void __net_exit anp_net_exit(struct net *net)
{
	anp_host_teardown(anp_net(net));
}

static struct pernet_operations anp_net_ops = {
	.init = anp_net_init,
	.exit = anp_net_exit,
	.id = &anp_net_id,
	.size = sizeof(struct anp_net),
};

int anp_host_init(void)
{
	return register_pernet_subsys(&anp_net_ops);
}

void anp_host_exit(void)
{
	unregister_pernet_subsys(&anp_net_ops);
}

void anp_host_iface_add(struct anp_net *an, struct anp_iface *ifc)
{
	ASSERT_RTNL();
	ifc->an = an;
	list_add_tail_rcu(&ifc->node, &an->ifaces);
}
EXPORT_SYMBOL_IF_KUNIT(anp_host_iface_add);

void anp_host_iface_del(struct anp_net *an, struct anp_iface *ifc)
{
	ASSERT_RTNL();
	list_del_rcu(&ifc->node);
	/* Routes first: a static route names the interface it leaves by. */
	anp_route_flush_iface(an, ifc);
	anp_addr_flush_iface(an, ifc);
	anp_neigh_flush_iface(an, ifc);
}
EXPORT_SYMBOL_IF_KUNIT(anp_host_iface_del);

struct anp_iface *anp_host_iface_get(struct anp_net *an, int ifindex)
{
	struct anp_iface *ifc;

	list_for_each_entry_rcu(ifc, &an->ifaces, node,
				lockdep_rtnl_is_held()) {
		if (ifc->dev->ifindex == ifindex)
			return ifc;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(anp_host_iface_get);
