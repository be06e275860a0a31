// SPDX-License-Identifier: GPL-2.0
//
// What the socket test tools (anp-tcp, anp-udp) share: their two
// exceptions, and the parsing and printing of --family, numbers,
// durations and ADDR:PORT endpoints.  sockaddr_anp has sockaddr_in's
// layout, so one sockaddr_in serves both families.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/anp.h>

namespace anp_cli {

// A bad command line: the tool prints it with its usage and exits 2.
struct UsageError : std::runtime_error {
	using std::runtime_error::runtime_error;
};

// The run itself failed: the tool prints it and exits 1.
struct Failure : std::runtime_error {
	using std::runtime_error::runtime_error;
};

struct Endpoint {
	std::uint32_t addr = 0;		// network order
	std::uint16_t port = 0;		// host order
};

// A decimal count up to max, with an optional K, M or G (powers of 1024).
inline std::uint64_t parse_u64(const std::string &opt, const std::string &s,
			       std::uint64_t max)
{
	char *end;

	errno = 0;
	unsigned long long v = std::strtoull(s.c_str(), &end, 10);
	std::uint64_t mul = 1;

	if (*end == 'K' || *end == 'k')
		mul = 1024, end++;
	else if (*end == 'M' || *end == 'm')
		mul = 1024 * 1024, end++;
	else if (*end == 'G' || *end == 'g')
		mul = 1024ULL * 1024 * 1024, end++;
	if (s.empty() || *end || errno || s[0] == '-' || v > max / mul)
		throw UsageError(opt + ": bad number \"" + s + "\"");
	return v * mul;
}

// Seconds, more than 0 and at most a day.
inline double parse_secs(const std::string &opt, const std::string &s)
{
	char *end;
	double v = std::strtod(s.c_str(), &end);

	if (s.empty() || *end || !(v > 0) || v > 86400)
		throw UsageError(opt + ": bad duration \"" + s + "\"");
	return v;
}

// --family anp|inet.
inline int parse_family(const std::string &opt, const std::string &s)
{
	if (s == "anp")
		return AF_ANP;
	if (s == "inet")
		return AF_INET;
	throw UsageError(opt + ": anp or inet, not \"" + s + "\"");
}

// A.B.C.D:PORT.
inline Endpoint parse_endpoint(const std::string &opt, const std::string &s)
{
	auto colon = s.rfind(':');
	in_addr a{};

	if (colon == std::string::npos ||
	    inet_pton(AF_INET, s.substr(0, colon).c_str(), &a) != 1)
		throw UsageError(opt + ": want A.B.C.D:PORT, not \"" + s + "\"");
	return {a.s_addr, static_cast<std::uint16_t>(
				  parse_u64(opt, s.substr(colon + 1), 65535))};
}

inline std::string ep_str(std::uint32_t addr, std::uint16_t port)
{
	char buf[INET_ADDRSTRLEN];
	in_addr a{};

	a.s_addr = addr;
	inet_ntop(AF_INET, &a, buf, sizeof(buf));
	return std::string(buf) + ":" + std::to_string(port);
}

inline std::string ep_str(const Endpoint &e)
{
	return ep_str(e.addr, e.port);
}

inline sockaddr_in make_sockaddr(int family, const Endpoint &e)
{
	sockaddr_in sa{};

	sa.sin_family = static_cast<sa_family_t>(family);
	sa.sin_port = htons(e.port);
	sa.sin_addr.s_addr = e.addr;
	return sa;
}

inline const char *family_name(int family)
{
	return family == AF_ANP ? "AF_ANP" : "AF_INET";
}

} // namespace anp_cli
