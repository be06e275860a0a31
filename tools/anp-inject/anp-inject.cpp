// SPDX-License-Identifier: GPL-2.0
//
// anp-inject: build Ethernet frames by hand and send them on an anp
// device with an AF_PACKET SOCK_RAW socket, to the ANP host's MAC.  The
// selftests use it to feed the host malformed frames and count what it
// does with them.
//
//   anp-inject -i IFACE --kind KIND [--count N] [--seed S]
//              [--dst-mac host|MAC] [--dst-ip A] [--src-ip A]
//              [--other-ip A] [--verbose]
//   anp-inject --list
//
// Defaults: --dst-mac host and --dst-ip come from `anpctl addr show dev
// IFACE` (the first address and its lladdr; anpctl is looked up next to
// this program, or in $ANPCTL); --src-ip is Linux's first IPv4 address on
// IFACE; --other-ip is --dst-ip + 1 (an address the host must not have).
//
// Prints one line per kind sent.  Exit 0 when every frame went out, 1 on
// a socket error, 2 on bad usage.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/if_ether.h>
#include <netpacket/packet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using bytes = std::vector<uint8_t>;
using mac_t = std::array<uint8_t, 6>;

struct usage_error : std::runtime_error {
	using std::runtime_error::runtime_error;
};

struct ctx {
	std::string ifname;
	int ifindex = 0;
	mac_t src_mac{};
	mac_t dst_mac{};
	uint32_t src_ip = 0;	// network order
	uint32_t dst_ip = 0;
	uint32_t other_ip = 0;
	uint16_t ip_id = 0x4e00;
	unsigned int index = 0;	// frame number within the run
	std::mt19937 rng;
};

// ---- helpers ---------------------------------------------------------

uint16_t inet_csum(const uint8_t *p, size_t len, uint32_t sum = 0)
{
	// RFC 1071: the 16-bit one's complement of the one's complement sum.
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += static_cast<uint32_t>(p[i]) << 8 | p[i + 1];
	if (len & 1)
		sum += static_cast<uint32_t>(p[len - 1]) << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return static_cast<uint16_t>(~sum);
}

void put16(bytes &b, size_t off, uint16_t v)
{
	b[off] = static_cast<uint8_t>(v >> 8);
	b[off + 1] = static_cast<uint8_t>(v);
}

void put32n(bytes &b, size_t off, uint32_t netorder)
{
	std::memcpy(&b[off], &netorder, 4);
}

std::optional<mac_t> parse_mac(const std::string &s)
{
	mac_t m;
	unsigned int v[6];
	char extra;

	if (std::sscanf(s.c_str(), "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2],
			&v[3], &v[4], &v[5], &extra) != 6)
		return std::nullopt;
	for (int i = 0; i < 6; i++) {
		if (v[i] > 0xff)
			return std::nullopt;
		m[i] = static_cast<uint8_t>(v[i]);
	}
	return m;
}

std::string fmt_mac(const mac_t &m)
{
	char buf[18];

	std::snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", m[0],
		      m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

std::string fmt_ip(uint32_t netorder)
{
	char buf[INET_ADDRSTRLEN];
	struct in_addr a = {netorder};

	inet_ntop(AF_INET, &a, buf, sizeof(buf));
	return buf;
}

uint32_t parse_ip(const std::string &s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s.c_str(), &a) != 1)
		throw usage_error("bad IPv4 address: " + s);
	return a.s_addr;
}

// ---- frame builders ---------------------------------------------------

bytes eth(const ctx &c, uint16_t type, const mac_t *dst = nullptr)
{
	bytes b(14);

	std::memcpy(&b[0], (dst ? *dst : c.dst_mac).data(), 6);
	std::memcpy(&b[6], c.src_mac.data(), 6);
	put16(b, 12, type);
	return b;
}

constexpr size_t ETH = 14;

// An IPv4 header (RFC 791 3.1) with a correct checksum.
bytes ipv4(ctx &c, uint8_t proto, uint32_t dst, size_t payload_len,
	   uint8_t ttl = 64, uint16_t frag = 0)
{
	bytes h(20);

	h[0] = 0x45;
	h[1] = 0;
	put16(h, 2, static_cast<uint16_t>(20 + payload_len));
	put16(h, 4, c.ip_id++);
	put16(h, 6, frag);
	h[8] = ttl;
	h[9] = proto;
	put32n(h, 12, c.src_ip);
	put32n(h, 16, dst);
	put16(h, 10, inet_csum(h.data(), 20));
	return h;
}

void ip_fix_csum(bytes &f, size_t ihl_bytes = 20)
{
	put16(f, ETH + 10, 0);
	put16(f, ETH + 10, inet_csum(&f[ETH], ihl_bytes));
}

// ICMP echo request (RFC 792) with a 32-byte payload.
bytes icmp_echo(const ctx &c, size_t payload = 32)
{
	bytes m(8 + payload);

	m[0] = 8;	// echo request
	m[1] = 0;
	put16(m, 4, 0x414e);	// identifier "AN"
	put16(m, 6, static_cast<uint16_t>(c.index));
	for (size_t i = 0; i < payload; i++)
		m[8 + i] = static_cast<uint8_t>('a' + i % 26);
	put16(m, 2, inet_csum(m.data(), m.size()));
	return m;
}

bytes cat(bytes a, const bytes &b)
{
	a.insert(a.end(), b.begin(), b.end());
	return a;
}

bytes echo_frame(ctx &c, uint32_t dst, uint8_t ttl = 64, uint16_t frag = 0)
{
	bytes m = icmp_echo(c);

	return cat(cat(eth(c, ETH_P_IP), ipv4(c, IPPROTO_ICMP, dst, m.size(),
					      ttl, frag)), m);
}

// ARP (RFC 826) for Ethernet/IPv4: 28 bytes.
bytes arp_body(const ctx &c, uint16_t op, uint32_t tip)
{
	bytes a(28);

	put16(a, 0, ARPHRD_ETHER);
	put16(a, 2, ETH_P_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a, 6, op);
	std::memcpy(&a[8], c.src_mac.data(), 6);
	put32n(a, 14, c.src_ip);
	std::memset(&a[18], 0, 6);
	put32n(a, 24, tip);
	return a;
}

bytes arp_frame(const ctx &c, const bytes &body)
{
	static const mac_t bcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	return cat(eth(c, ETH_P_ARP, &bcast), body);
}

bytes random_frame(ctx &c)
{
	uint32_t r = c.rng();
	uint16_t type;
	size_t len = c.rng() % 200;

	switch (r % 3) {
	case 0:
		type = ETH_P_IP;
		break;
	case 1:
		type = ETH_P_ARP;
		break;
	default:
		type = static_cast<uint16_t>(c.rng());
		break;
	}
	bytes f = eth(c, type);

	for (size_t i = 0; i < len; i++)
		f.push_back(static_cast<uint8_t>(c.rng()));
	// Half of the IPv4 frames start like a real header, to get past
	// the version/IHL checks into the deeper ones.
	if (type == ETH_P_IP && len >= 20 && (r >> 8) & 1)
		f[ETH] = 0x45;
	return f;
}

struct kind {
	const char *name;
	const char *desc;
	std::function<bytes(ctx &)> build;
};

const std::vector<kind> &kinds()
{
	static const std::vector<kind> k = {
		{"echo", "valid ICMP echo request to the host (control: a reply is due)",
		 [](ctx &c) { return echo_frame(c, c.dst_ip); }},
		{"trunc-eth", "14-byte frame: Ethernet header (IPv4 type), nothing after "
			      "(AF_PACKET refuses anything shorter than 14)",
		 [](ctx &c) { return eth(c, ETH_P_IP); }},
		{"trunc-ip", "IPv4 header cut after 12 bytes",
		 [](ctx &c) {
			 bytes f = echo_frame(c, c.dst_ip);
			 f.resize(ETH + 12);
			 return f;
		 }},
		{"bad-csum", "echo request with a wrong IPv4 header checksum",
		 [](ctx &c) {
			 bytes f = echo_frame(c, c.dst_ip);
			 f[ETH + 10] ^= 0x5a;
			 return f;
		 }},
		{"bad-version", "echo request with IP version 6 in an IPv4 frame (checksum right)",
		 [](ctx &c) {
			 bytes f = echo_frame(c, c.dst_ip);
			 f[ETH] = 0x65;
			 ip_fix_csum(f);
			 return f;
		 }},
		{"bad-ihl", "echo request with IHL 4 (16-byte header; checksum over 20)",
		 [](ctx &c) {
			 bytes f = echo_frame(c, c.dst_ip);
			 f[ETH] = 0x44;
			 ip_fix_csum(f);
			 return f;
		 }},
		{"bad-totlen", "echo request whose total length (200) exceeds the frame",
		 [](ctx &c) {
			 bytes f = echo_frame(c, c.dst_ip);
			 put16(f, ETH + 2, 200);
			 ip_fix_csum(f);
			 return f;
		 }},
		{"short-totlen", "echo request whose total length (16) is below IHL*4",
		 [](ctx &c) {
			 bytes f = echo_frame(c, c.dst_ip);
			 put16(f, ETH + 2, 16);
			 ip_fix_csum(f);
			 return f;
		 }},
		{"other-addr", "valid echo request to --other-ip (not the host's)",
		 [](ctx &c) { return echo_frame(c, c.other_ip); }},
		{"frag-first", "first fragment (MF set, offset 0) of an echo request",
		 [](ctx &c) { return echo_frame(c, c.dst_ip, 64, 0x2000); }},
		{"frag-last", "last fragment (MF clear, offset 64 bytes) of an echo request",
		 [](ctx &c) { return echo_frame(c, c.dst_ip, 64, 8); }},
		{"ttl0", "valid echo request with TTL 0 (RFC 1122 3.2.1.7: still ours)",
		 [](ctx &c) { return echo_frame(c, c.dst_ip, 0); }},
		{"bad-icmp-csum", "echo request with a wrong ICMP checksum",
		 [](ctx &c) {
			 bytes f = echo_frame(c, c.dst_ip);
			 f[ETH + 20 + 2] ^= 0x5a;
			 return f;
		 }},
		{"trunc-icmp", "valid IPv4 header carrying 3 bytes of ICMP",
		 [](ctx &c) {
			 bytes m = {8, 0, 0};

			 return cat(cat(eth(c, ETH_P_IP),
					ipv4(c, IPPROTO_ICMP, c.dst_ip, m.size())), m);
		 }},
		{"unknown-proto", "valid IPv4 datagram of protocol 253 (RFC 3692 experimental)",
		 [](ctx &c) {
			 bytes m(16, 0xab);

			 return cat(cat(eth(c, ETH_P_IP),
					ipv4(c, 253, c.dst_ip, m.size())), m);
		 }},
		{"unknown-type", "frame of EtherType 0x88b5 (IEEE 802 local experimental)",
		 [](ctx &c) {
			 bytes f = eth(c, 0x88b5);

			 f.resize(60, 0xcd);
			 return f;
		 }},
		{"other-mac", "valid echo request sent to a unicast MAC not the host's",
		 [](ctx &c) {
			 static const mac_t other = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
			 bytes f = echo_frame(c, c.dst_ip);

			 std::memcpy(&f[0], other.data(), 6);
			 return f;
		 }},
		{"arp-request", "valid broadcast ARP request for the host's address (reply due)",
		 [](ctx &c) { return arp_frame(c, arp_body(c, ARPOP_REQUEST, c.dst_ip)); }},
		{"arp-other", "valid broadcast ARP request for --other-ip (ignored)",
		 [](ctx &c) { return arp_frame(c, arp_body(c, ARPOP_REQUEST, c.other_ip)); }},
		{"trunc-arp", "ARP request for the host's address cut to 20 bytes",
		 [](ctx &c) {
			 bytes a = arp_body(c, ARPOP_REQUEST, c.dst_ip);

			 a.resize(20);
			 return arp_frame(c, a);
		 }},
		{"bad-arp", "ARP request for the host's address with, in turn, hrd 6, "
			    "pro 0x86dd, hln 8, pln 16, op 3, multicast sha",
		 [](ctx &c) {
			 bytes a = arp_body(c, ARPOP_REQUEST, c.dst_ip);

			 switch (c.index % 6) {
			 case 0: put16(a, 0, 6); break;
			 case 1: put16(a, 2, 0x86dd); break;
			 case 2: a[4] = 8; break;
			 case 3: a[5] = 16; break;
			 case 4: put16(a, 6, 3); break;
			 default: a[8] = 0x01; break;
			 }
			 return arp_frame(c, a);
		 }},
		{"random", "random bytes after a valid Ethernet header to the host's MAC "
			   "(EtherType IPv4, ARP or random; 0..199 bytes; --seed)",
		 [](ctx &c) { return random_frame(c); }},
	};
	return k;
}

// ---- interface and host discovery -------------------------------------

std::string self_dir()
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n <= 0)
		return ".";
	buf[n] = 0;
	std::string s(buf);
	auto slash = s.rfind('/');

	return slash == std::string::npos ? "." : s.substr(0, slash);
}

// The first "ADDR/PLEN dev IFACE lladdr MAC" line of anpctl addr show.
bool host_from_anpctl(const std::string &ifname, uint32_t *ip, mac_t *mac)
{
	const char *env = std::getenv("ANPCTL");
	std::string anpctl = env && *env ? env : self_dir() + "/anpctl";
	std::string cmd = "'" + anpctl + "' addr show dev '" + ifname + "'";
	FILE *p = popen(cmd.c_str(), "r");
	char line[512];
	bool found = false;

	if (!p)
		return false;
	while (!found && std::fgets(line, sizeof(line), p)) {
		char a[64], dev[64], mac_s[64];

		if (std::sscanf(line, "%63[0-9.]/%*d dev %63s lladdr %63s", a, dev,
				mac_s) != 3 || ifname != dev)
			continue;
		auto m = parse_mac(mac_s);

		if (!m)
			continue;
		*ip = parse_ip(a);
		*mac = *m;
		found = true;
	}
	pclose(p);
	return found;
}

uint32_t linux_ip(const std::string &ifname)
{
	struct ifaddrs *ifa, *i;
	uint32_t r = 0;

	if (getifaddrs(&ifa))
		return 0;
	for (i = ifa; i; i = i->ifa_next) {
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    ifname == i->ifa_name) {
			r = reinterpret_cast<struct sockaddr_in *>(i->ifa_addr)->sin_addr.s_addr;
			break;
		}
	}
	freeifaddrs(ifa);
	return r;
}

void usage(FILE *f)
{
	std::fprintf(f,
		"usage: anp-inject -i IFACE --kind KIND[,KIND...] [--count N] [--seed S]\n"
		"                  [--dst-mac host|MAC] [--dst-ip A] [--src-ip A]\n"
		"                  [--other-ip A] [--verbose]\n"
		"       anp-inject --list\n");
}

void hexdump(const bytes &f)
{
	for (size_t i = 0; i < f.size(); i++)
		std::printf("%s%02x", i % 16 ? " " : i ? "\n  " : "  ", f[i]);
	std::printf("\n");
}

} // namespace

int main(int argc, char **argv)
{
	ctx c;
	std::string dst_mac_arg = "host", kind_arg;
	std::optional<uint32_t> dst_ip, src_ip, other_ip;
	unsigned long count = 1, seed = 1;
	bool verbose = false;

	try {
		for (int i = 1; i < argc; i++) {
			std::string a = argv[i];
			auto val = [&]() -> std::string {
				if (i + 1 >= argc)
					throw usage_error(a + " needs a value");
				return argv[++i];
			};

			if (a == "-i" || a == "--iface")
				c.ifname = val();
			else if (a == "--kind" || a == "-k")
				kind_arg = val();
			else if (a == "--count" || a == "-c")
				count = std::stoul(val());
			else if (a == "--seed")
				seed = std::stoul(val());
			else if (a == "--dst-mac")
				dst_mac_arg = val();
			else if (a == "--dst-ip")
				dst_ip = parse_ip(val());
			else if (a == "--src-ip")
				src_ip = parse_ip(val());
			else if (a == "--other-ip")
				other_ip = parse_ip(val());
			else if (a == "-v" || a == "--verbose")
				verbose = true;
			else if (a == "--list") {
				for (auto &k : kinds())
					std::printf("%-14s %s\n", k.name, k.desc);
				return 0;
			} else if (a == "-h" || a == "--help") {
				usage(stdout);
				return 0;
			} else {
				throw usage_error("unknown argument " + a);
			}
		}
		if (c.ifname.empty() || kind_arg.empty())
			throw usage_error("-i and --kind are required");
		if (c.ifname.size() >= IFNAMSIZ)
			throw usage_error("interface name too long");
	} catch (const std::exception &e) {
		std::fprintf(stderr, "anp-inject: %s\n", e.what());
		usage(stderr);
		return 2;
	}

	std::vector<const kind *> todo;
	for (size_t pos = 0; pos <= kind_arg.size();) {
		size_t comma = kind_arg.find(',', pos);
		std::string name = kind_arg.substr(pos, comma - pos);
		const kind *found = nullptr;

		for (auto &k : kinds())
			if (name == k.name)
				found = &k;
		if (!found) {
			std::fprintf(stderr, "anp-inject: unknown kind '%s' (see --list)\n",
				     name.c_str());
			return 2;
		}
		todo.push_back(found);
		if (comma == std::string::npos)
			break;
		pos = comma + 1;
	}

	c.ifindex = static_cast<int>(if_nametoindex(c.ifname.c_str()));
	if (!c.ifindex) {
		std::fprintf(stderr, "anp-inject: %s: %s\n", c.ifname.c_str(),
			     std::strerror(errno));
		return 1;
	}

	int fd = socket(AF_PACKET, SOCK_RAW, 0);

	if (fd < 0) {
		std::fprintf(stderr, "anp-inject: socket(AF_PACKET, SOCK_RAW): %s\n",
			     std::strerror(errno));
		return 1;
	}

	struct ifreq ifr = {};

	std::memcpy(ifr.ifr_name, c.ifname.c_str(), c.ifname.size());
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		std::fprintf(stderr, "anp-inject: SIOCGIFHWADDR %s: %s\n",
			     c.ifname.c_str(), std::strerror(errno));
		return 1;
	}
	std::memcpy(c.src_mac.data(), ifr.ifr_hwaddr.sa_data, 6);

	uint32_t host_ip = 0;
	mac_t host_mac{};
	bool have_host = (dst_mac_arg == "host" || !dst_ip) &&
			 host_from_anpctl(c.ifname, &host_ip, &host_mac);

	if (dst_mac_arg == "host") {
		if (!have_host) {
			std::fprintf(stderr, "anp-inject: no address of the ANP host on %s "
				     "(anpctl addr show); pass --dst-mac\n",
				     c.ifname.c_str());
			return 1;
		}
		c.dst_mac = host_mac;
	} else {
		auto m = parse_mac(dst_mac_arg);

		if (!m) {
			std::fprintf(stderr, "anp-inject: bad MAC %s\n", dst_mac_arg.c_str());
			return 2;
		}
		c.dst_mac = *m;
	}
	if (!dst_ip && !have_host) {
		std::fprintf(stderr, "anp-inject: no address of the ANP host on %s "
			     "(anpctl addr show); pass --dst-ip\n", c.ifname.c_str());
		return 1;
	}
	c.dst_ip = dst_ip ? *dst_ip : host_ip;
	c.src_ip = src_ip ? *src_ip : linux_ip(c.ifname);
	c.other_ip = other_ip ? *other_ip : htonl(ntohl(c.dst_ip) + 1);
	c.rng.seed(static_cast<std::mt19937::result_type>(seed));

	struct sockaddr_ll sll = {};

	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = c.ifindex;
	sll.sll_halen = ETH_ALEN;

	int rc = 0;

	for (const kind *k : todo) {
		unsigned long sent = 0, total_bytes = 0;

		for (unsigned long n = 0; n < count; n++) {
			c.index = static_cast<unsigned int>(n);
			bytes f = k->build(c);

			std::memcpy(sll.sll_addr, f.data(), 6);
			if (verbose) {
				std::printf("%s #%lu, %zu bytes:\n", k->name, n, f.size());
				hexdump(f);
			}
			ssize_t w = sendto(fd, f.data(), f.size(), 0,
					   reinterpret_cast<struct sockaddr *>(&sll),
					   sizeof(sll));
			if (w != static_cast<ssize_t>(f.size())) {
				std::fprintf(stderr, "anp-inject: %s #%lu (%zu bytes): sendto: %s\n",
					     k->name, n, f.size(),
					     w < 0 ? std::strerror(errno) : "short write");
				rc = 1;
				break;
			}
			sent++;
			total_bytes += f.size();
		}
		std::printf("sent %lu %s frame%s (%lu bytes) on %s: %s -> %s, %s -> %s%s\n",
			    sent, k->name, sent == 1 ? "" : "s", total_bytes,
			    c.ifname.c_str(), fmt_mac(c.src_mac).c_str(),
			    fmt_mac(c.dst_mac).c_str(), fmt_ip(c.src_ip).c_str(),
			    fmt_ip(k->name == std::string("other-addr") ||
				   k->name == std::string("arp-other") ?
				   c.other_ip : c.dst_ip).c_str(),
			    k->name == std::string("random") ?
			    (" seed " + std::to_string(seed)).c_str() : "");
		if (rc)
			break;
	}
	close(fd);
	return rc;
}
