// SPDX-License-Identifier: GPL-2.0
#include "commands.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <utility>

#include <arpa/inet.h>
#include <dirent.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netlink/attr.h>

#include "genl.hpp"
#include "util.hpp"

namespace anpctl {

namespace {

bool is_show(const std::string &verb)
{
	return verb == "show" || verb == "list" || verb == "ls";
}

bool is_del(const std::string &verb)
{
	return verb == "del" || verb == "delete";
}

// The words of one command after its verb: keyword arguments ("dev X",
// "via Y") in any order and at most one positional argument.
struct Words {
	std::optional<std::string> positional;
	std::optional<std::string> dev;
	std::optional<std::string> via;
	std::optional<std::string> rto_min;
};

Words parse_words(const std::string &cmd, Args::const_iterator it,
		  Args::const_iterator end, bool allow_via,
		  bool allow_positional, bool allow_rto_min = false)
{
	Words w;

	for (; it != end; ++it) {
		const std::string &word = *it;
		std::optional<std::string> *slot = nullptr;

		if (word == "dev")
			slot = &w.dev;
		else if (word == "via" && allow_via)
			slot = &w.via;
		else if (word == "rto_min" && allow_rto_min)
			slot = &w.rto_min;

		if (slot) {
			if (slot->has_value())
				throw UsageError(cmd + ": \"" + word +
						 "\" given twice");
			if (std::next(it) == end)
				throw UsageError(cmd + ": \"" + word +
						 "\" needs an argument");
			*slot = *++it;
			continue;
		}
		if (!allow_positional || w.positional)
			throw UsageError(cmd + ": unexpected argument \"" +
					 word + "\"");
		w.positional = word;
	}
	return w;
}

// Puts the optional "dev NAME" filter of a show command into req.
void put_dev_filter(Request &req, const Words &w)
{
	if (w.dev)
		req.put_u32(ANP_A_IFINDEX, device_index(*w.dev));
}

std::uint32_t get_u32(const Attrs &tb, int type)
{
	if (!tb[type])
		throw Failure("malformed reply from the kernel");
	return nla_get_u32(tb[type]);
}

std::uint8_t get_u8(const Attrs &tb, int type)
{
	if (!tb[type])
		throw Failure("malformed reply from the kernel");
	return nla_get_u8(tb[type]);
}

const char *neigh_state_name(unsigned int state)
{
	switch (state) {
	case ANP_NEIGH_NONE:
		return "NONE";
	case ANP_NEIGH_INCOMPLETE:
		return "INCOMPLETE";
	case ANP_NEIGH_REACHABLE:
		return "REACHABLE";
	case ANP_NEIGH_STALE:
		return "STALE";
	case ANP_NEIGH_FAILED:
		return "FAILED";
	}
	return "UNKNOWN";
}

const char *sock_state_name(unsigned int state)
{
	switch (state) {
	case ANP_SOCK_UNCONN:
		return "UNCONN";
	case ANP_SOCK_ESTAB:
		return "ESTAB";
	case ANP_SOCK_LISTEN:
		return "LISTEN";
	case ANP_SOCK_CLOSE:
		return "CLOSE";
	case ANP_SOCK_SYN_SENT:
		return "SYN-SENT";
	case ANP_SOCK_SYN_RECV:
		return "SYN-RECV";
	case ANP_SOCK_FIN_WAIT1:
		return "FIN-WAIT-1";
	case ANP_SOCK_FIN_WAIT2:
		return "FIN-WAIT-2";
	case ANP_SOCK_TIME_WAIT:
		return "TIME-WAIT";
	case ANP_SOCK_CLOSE_WAIT:
		return "CLOSE-WAIT";
	case ANP_SOCK_LAST_ACK:
		return "LAST-ACK";
	case ANP_SOCK_CLOSING:
		return "CLOSING";
	}
	return "UNKNOWN";
}

// ss's Netid column, from the socket type and protocol.
std::string sock_netid(unsigned int type, unsigned int proto)
{
	if (type == SOCK_DGRAM && proto == IPPROTO_UDP)
		return "udp";
	if (type == SOCK_STREAM && proto == IPPROTO_TCP)
		return "tcp";
	if (type == SOCK_SEQPACKET)
		return "seqpacket";
	if (type == SOCK_DGRAM)
		return "dgram";
	if (type == SOCK_STREAM)
		return "stream";
	return "type" + std::to_string(type) + "/" + std::to_string(proto);
}

// ADDRESS:PORT as ss prints an IPv4 endpoint: 0.0.0.0 for any address,
// * for port 0.
std::string format_endpoint(std::uint32_t be_addr, unsigned int port)
{
	return format_addr(be_addr) + ":" +
	       (port ? std::to_string(port) : std::string("*"));
}

// The processes holding each socket, as ss -p finds them: every
// /proc/PID/fd/FD that is a link to "socket:[INODE]".  Processes /proc
// does not let us read are skipped, as ss does.
struct SockUser {
	std::string comm;
	long pid;
	long fd;
};

std::map<std::uint64_t, std::vector<SockUser>> sock_users()
{
	std::map<std::uint64_t, std::vector<SockUser>> users;
	DIR *proc = opendir("/proc");
	if (!proc)
		return users;

	while (dirent *pe = readdir(proc)) {
		char *end;
		long pid = std::strtol(pe->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		std::string base = std::string("/proc/") + pe->d_name;
		DIR *fds = opendir((base + "/fd").c_str());
		if (!fds)
			continue;
		std::string comm;
		while (dirent *fe = readdir(fds)) {
			long fd = std::strtol(fe->d_name, &end, 10);
			if (*end || fe->d_name[0] == '\0')
				continue;
			char link[64];
			std::string path = base + "/fd/" + fe->d_name;
			ssize_t n = readlink(path.c_str(), link,
					     sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = '\0';
			unsigned long long ino;
			char tail;
			if (std::sscanf(link, "socket:[%llu%c", &ino,
					&tail) != 2 || tail != ']')
				continue;
			if (comm.empty()) {
				FILE *f = std::fopen((base + "/comm").c_str(),
						     "r");
				char buf[64] = "";
				if (f) {
					if (!std::fgets(buf, sizeof(buf), f))
						buf[0] = '\0';
					std::fclose(f);
				}
				comm = buf;
				if (!comm.empty() && comm.back() == '\n')
					comm.pop_back();
			}
			users[ino].push_back({comm, pid, fd});
		}
		closedir(fds);
	}
	closedir(proc);
	return users;
}

std::string format_users(const std::vector<SockUser> &v)
{
	std::string out = "users:(";
	for (std::size_t i = 0; i < v.size(); i++) {
		if (i)
			out += ",";
		out += "(\"" + v[i].comm + "\",pid=" +
		       std::to_string(v[i].pid) + ",fd=" +
		       std::to_string(v[i].fd) + ")";
	}
	return out + ")";
}

struct AddrEntry {
	std::uint32_t ifindex;
	std::uint32_t addr;
	unsigned int plen;
	std::optional<std::string> lladdr;
};

std::vector<AddrEntry> dump_addrs(Genl &nl, const Words &w)
{
	Request req(nl.family(), ANP_CMD_ADDR_GET, true);
	req.set_what("addr show");
	put_dev_filter(req, w);

	std::vector<AddrEntry> out;
	nl.run(req, [&](const Attrs &tb) {
		AddrEntry e{get_u32(tb, ANP_A_IFINDEX), get_u32(tb, ANP_A_ADDR),
			    get_u8(tb, ANP_A_PREFIXLEN), std::nullopt};
		if (tb[ANP_A_LLADDR])
			e.lladdr = format_mac(nla_data(tb[ANP_A_LLADDR]));
		out.push_back(std::move(e));
	});
	return out;
}

void addr_show(const Args &args)
{
	Words w = parse_words("addr show", args.begin() + 1, args.end(),
			      false, false);
	if (w.dev)
		device_index(*w.dev);	// fail early on a bad name
	Genl nl;

	for (const AddrEntry &e : dump_addrs(nl, w)) {
		std::printf("%s dev %s", format_prefix(e.addr, e.plen).c_str(),
			    device_name(e.ifindex).c_str());
		if (e.lladdr)
			std::printf(" lladdr %s", e.lladdr->c_str());
		std::printf("\n");
	}
}

void addr_change(const Args &args, bool add)
{
	std::string what = add ? "addr add" : "addr del";
	Words w = parse_words(what, args.begin() + 1, args.end(), false, true);
	if (!w.positional)
		throw UsageError(what + ": missing PREFIX");
	if (!w.dev)
		throw UsageError(what + ": missing \"dev NAME\"");

	Prefix p = parse_prefix(*w.positional, false);
	std::uint32_t ifindex = device_index(*w.dev);
	Genl nl;

	Request req(nl.family(), add ? ANP_CMD_ADDR_NEW : ANP_CMD_ADDR_DEL,
		    false);
	req.set_what(what);
	req.put_u32(ANP_A_IFINDEX, ifindex);
	req.put_be32(ANP_A_ADDR, p.addr);
	req.put_u8(ANP_A_PREFIXLEN, p.len);
	nl.run(req);
}

void route_show(const Args &args)
{
	Words w = parse_words("route show", args.begin() + 1, args.end(),
			      false, false);
	if (w.dev)
		device_index(*w.dev);
	Genl nl;

	struct RouteEntry {
		std::uint32_t dst;
		unsigned int plen;
		std::optional<std::uint32_t> gateway;
		std::uint32_t ifindex;
		unsigned int type;
		std::optional<std::uint32_t> rto_min;	// ms
	};
	std::vector<RouteEntry> routes;

	Request req(nl.family(), ANP_CMD_ROUTE_GET, true);
	req.set_what("route show");
	put_dev_filter(req, w);
	nl.run(req, [&](const Attrs &tb) {
		RouteEntry r{get_u32(tb, ANP_A_DST), get_u8(tb, ANP_A_PREFIXLEN),
			     std::nullopt, get_u32(tb, ANP_A_IFINDEX),
			     get_u8(tb, ANP_A_ROUTE_TYPE), std::nullopt};
		if (tb[ANP_A_GATEWAY])
			r.gateway = nla_get_u32(tb[ANP_A_GATEWAY]);
		if (tb[ANP_A_ROUTE_RTO_MIN])
			r.rto_min = nla_get_u32(tb[ANP_A_ROUTE_RTO_MIN]);
		routes.push_back(r);
	});

	// The source address of a connected route: the host's address
	// whose subnet it is (a second, read-only request).
	std::vector<AddrEntry> addrs;
	if (std::any_of(routes.begin(), routes.end(), [](const RouteEntry &r) {
		    return r.type == ANP_ROUTE_CONNECTED;
	    }))
		addrs = dump_addrs(nl, w);

	for (const RouteEntry &r : routes) {
		std::string dst;
		if (r.plen == 0)
			dst = "default";
		else if (r.plen == 32)
			dst = format_addr(r.dst);
		else
			dst = format_prefix(r.dst, r.plen);
		std::printf("%s", dst.c_str());
		if (r.gateway)
			std::printf(" via %s", format_addr(*r.gateway).c_str());
		std::printf(" dev %s", device_name(r.ifindex).c_str());

		if (r.type == ANP_ROUTE_CONNECTED) {
			std::printf(" proto kernel scope link");
			for (const AddrEntry &a : addrs) {
				if (a.ifindex == r.ifindex && a.plen == r.plen &&
				    r.plen > 0 && r.plen <= 32 &&
				    ((a.addr ^ r.dst) &
				     htonl(~0U << (32 - r.plen))) == 0) {
					std::printf(" src %s",
						    format_addr(a.addr).c_str());
					break;
				}
			}
		} else if (r.type == ANP_ROUTE_STATIC) {
			std::printf(" proto static");
		}
		if (r.rto_min)
			std::printf(" rto_min %s",
				    format_time_ms(*r.rto_min).c_str());
		std::printf("\n");
	}
}

void route_change(const Args &args, bool add)
{
	std::string what = add ? "route add" : "route del";
	Words w = parse_words(what, args.begin() + 1, args.end(), true, true,
			      add);
	if (!w.positional)
		throw UsageError(what + ": missing destination "
				 "(\"default\" or PREFIX)");
	if (add && !w.via)
		throw UsageError(what + ": missing \"via GATEWAY\"");

	Prefix p = parse_prefix(*w.positional, true);
	std::optional<std::uint32_t> gateway;
	if (w.via)
		gateway = parse_addr(*w.via);
	// The kernel checks the range (1 ms .. 120 s) and says why.
	std::optional<std::uint32_t> rto_min;
	if (w.rto_min)
		rto_min = parse_time_ms(*w.rto_min, "rto_min");
	std::optional<std::uint32_t> ifindex;
	if (w.dev)
		ifindex = device_index(*w.dev);
	Genl nl;

	Request req(nl.family(), add ? ANP_CMD_ROUTE_NEW : ANP_CMD_ROUTE_DEL,
		    false);
	req.set_what(what);
	req.put_be32(ANP_A_DST, p.addr);
	req.put_u8(ANP_A_PREFIXLEN, p.len);
	if (gateway)
		req.put_be32(ANP_A_GATEWAY, *gateway);
	if (ifindex)
		req.put_u32(ANP_A_IFINDEX, *ifindex);
	if (rto_min)
		req.put_u32(ANP_A_ROUTE_RTO_MIN, *rto_min);
	nl.run(req);
}

} // namespace

void cmd_addr(const Args &args)
{
	if (args.empty() || is_show(args[0]))
		return addr_show(args.empty() ? Args{"show"} : args);
	if (args[0] == "add")
		return addr_change(args, true);
	if (is_del(args[0]))
		return addr_change(args, false);
	throw UsageError("addr: unknown command \"" + args[0] + "\"");
}

void cmd_route(const Args &args)
{
	if (args.empty() || is_show(args[0]))
		return route_show(args.empty() ? Args{"show"} : args);
	if (args[0] == "add")
		return route_change(args, true);
	if (is_del(args[0]))
		return route_change(args, false);
	throw UsageError("route: unknown command \"" + args[0] + "\"");
}

void cmd_neigh(const Args &args)
{
	if (!args.empty() && !is_show(args[0]))
		throw UsageError("neigh: unknown command \"" + args[0] + "\"");
	Words w;
	if (!args.empty())
		w = parse_words("neigh show", args.begin() + 1, args.end(),
				false, false);
	if (w.dev)
		device_index(*w.dev);
	Genl nl;

	Request req(nl.family(), ANP_CMD_NEIGH_GET, true);
	req.set_what("neigh show");
	put_dev_filter(req, w);
	nl.run(req, [&](const Attrs &tb) {
		std::uint32_t ifindex = get_u32(tb, ANP_A_IFINDEX);
		std::uint32_t addr = get_u32(tb, ANP_A_ADDR);
		unsigned int state = get_u8(tb, ANP_A_NEIGH_STATE);

		std::printf("%s dev %s", format_addr(addr).c_str(),
			    device_name(ifindex).c_str());
		if (tb[ANP_A_LLADDR])
			std::printf(" lladdr %s",
				    format_mac(nla_data(tb[ANP_A_LLADDR])).c_str());
		std::printf(" %s\n", neigh_state_name(state));
	});
}

void cmd_stats(const Args &args)
{
	bool nonzero = false;
	for (const std::string &a : args) {
		if (a == "-z" || a == "--nonzero")
			nonzero = true;
		else
			throw UsageError("stats: unexpected argument \"" + a + "\"");
	}
	Genl nl;

	std::vector<std::pair<std::string, std::uint64_t>> stats;
	Request req(nl.family(), ANP_CMD_STATS_GET, false);
	req.set_what("stats");
	nl.run(req, [&](const Attrs &tb) {
		if (!tb[ANP_A_STATS])
			throw Failure("malformed reply from the kernel");
		nlattr *pos;
		int rem;
		nla_for_each_nested(pos, tb[ANP_A_STATS], rem) {
			if (nla_type(pos) != ANP_A_STAT)
				continue;
			Attrs st = parse_nested(pos);
			if (!st[ANP_A_STAT_NAME] || !st[ANP_A_STAT_VALUE])
				throw Failure("malformed reply from the kernel");
			stats.emplace_back(nla_get_string(st[ANP_A_STAT_NAME]),
					   nla_get_u64(st[ANP_A_STAT_VALUE]));
		}
	});

	std::size_t width = 0;
	for (const auto &[name, value] : stats)
		width = std::max(width, name.size());
	for (const auto &[name, value] : stats) {
		if (nonzero && !value)
			continue;
		std::printf("%-*s  %" PRIu64 "\n", static_cast<int>(width),
			    name.c_str(), value);
	}
}

// `anpctl sockets [-p]`: ss -uan for AF_ANP.  Only the header when the
// namespace has no AF_ANP socket.
void cmd_sockets(const Args &args)
{
	bool procs = false;
	for (const std::string &a : args) {
		if (a == "-p" || a == "--processes")
			procs = true;
		else
			throw UsageError("sockets: unexpected argument \"" + a +
					 "\"");
	}
	Genl nl;

	using Row = std::vector<std::string>;
	std::vector<Row> rows;
	rows.push_back({"Netid", "State", "Recv-Q", "Send-Q",
			"Local Address:Port", "Peer Address:Port", "Owner"});
	std::vector<std::uint64_t> inodes;

	Request req(nl.family(), ANP_CMD_SOCK_GET, true);
	req.set_what("sockets");
	nl.run(req, [&](const Attrs &tb) {
		for (int t : {ANP_A_SOCK_LPORT, ANP_A_SOCK_RPORT,
			      ANP_A_SOCK_INODE})
			if (!tb[t])
				throw Failure("malformed reply from the kernel");
		std::uint64_t ino = nla_get_u64(tb[ANP_A_SOCK_INODE]);
		std::string owner = "uid:" +
			std::to_string(get_u32(tb, ANP_A_SOCK_UID)) +
			" ino:" + std::to_string(ino);
		if (tb[ANP_A_SOCK_DROPS] && nla_get_u32(tb[ANP_A_SOCK_DROPS]))
			owner += " drops:" +
				 std::to_string(nla_get_u32(tb[ANP_A_SOCK_DROPS]));
		rows.push_back({
			sock_netid(get_u8(tb, ANP_A_SOCK_TYPE),
				   get_u8(tb, ANP_A_SOCK_PROTO)),
			sock_state_name(get_u8(tb, ANP_A_SOCK_STATE)),
			std::to_string(get_u32(tb, ANP_A_SOCK_RQUEUE)),
			std::to_string(get_u32(tb, ANP_A_SOCK_WQUEUE)),
			format_endpoint(get_u32(tb, ANP_A_SOCK_LADDR),
					nla_get_u16(tb[ANP_A_SOCK_LPORT])),
			format_endpoint(get_u32(tb, ANP_A_SOCK_RADDR),
					nla_get_u16(tb[ANP_A_SOCK_RPORT])),
			owner,
		});
		inodes.push_back(ino);
	});

	if (procs) {
		auto users = sock_users();
		rows[0].push_back("Process");
		for (std::size_t i = 1; i < rows.size(); i++) {
			auto it = users.find(inodes[i - 1]);
			rows[i].push_back(it == users.end() ? "" :
					  format_users(it->second));
		}
	}

	// Columns as wide as their widest cell, one space apart, the last
	// one unpadded (no trailing blanks).
	std::vector<std::size_t> width(rows[0].size(), 0);
	for (const Row &r : rows)
		for (std::size_t c = 0; c < r.size(); c++)
			width[c] = std::max(width[c], r[c].size());
	for (const Row &r : rows) {
		std::string line;
		for (std::size_t c = 0; c < r.size(); c++) {
			if (c + 1 == r.size()) {
				line += r[c];
				break;
			}
			line += r[c];
			line.append(width[c] - r[c].size() + 1, ' ');
		}
		while (!line.empty() && line.back() == ' ')
			line.pop_back();
		std::printf("%s\n", line.c_str());
	}
}

} // namespace anpctl
