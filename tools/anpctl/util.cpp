// SPDX-License-Identifier: GPL-2.0
#include "util.hpp"

#include <cstdio>
#include <cstdlib>

#include <arpa/inet.h>
#include <strings.h>
#include <net/if.h>

#include "genl.hpp"

namespace anpctl {

namespace {

// Decimal 0..32, digits only.
bool parse_plen(const std::string &s, std::uint8_t &out)
{
	if (s.empty() || s.size() > 2)
		return false;
	unsigned int v = 0;
	for (char c : s) {
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + static_cast<unsigned int>(c - '0');
	}
	if (v > 32)
		return false;
	out = static_cast<std::uint8_t>(v);
	return true;
}

} // namespace

Prefix parse_prefix(const std::string &text, bool allow_default)
{
	if (allow_default && text == "default")
		return {0, 0};

	Prefix p{0, 32};
	std::string addr = text;
	auto slash = text.find('/');
	if (slash != std::string::npos) {
		addr = text.substr(0, slash);
		if (!parse_plen(text.substr(slash + 1), p.len))
			throw Failure("invalid prefix \"" + text + "\"");
	}
	in_addr a;
	if (inet_pton(AF_INET, addr.c_str(), &a) != 1)
		throw Failure("invalid prefix \"" + text + "\"");
	p.addr = a.s_addr;
	return p;
}

std::uint32_t parse_addr(const std::string &text)
{
	in_addr a;
	if (inet_pton(AF_INET, text.c_str(), &a) != 1)
		throw Failure("invalid address \"" + text + "\"");
	return a.s_addr;
}

std::uint32_t device_index(const std::string &name)
{
	unsigned int idx = 0;
	if (!name.empty() && name.size() < IF_NAMESIZE)
		idx = if_nametoindex(name.c_str());
	if (!idx)
		throw Failure("device \"" + name + "\" does not exist");
	return idx;
}

std::string device_name(std::uint32_t ifindex)
{
	char buf[IF_NAMESIZE];
	if (if_indextoname(ifindex, buf))
		return buf;
	return "if" + std::to_string(ifindex);
}

std::string format_addr(std::uint32_t be_addr)
{
	char buf[INET_ADDRSTRLEN];
	in_addr a{};
	a.s_addr = be_addr;
	return inet_ntop(AF_INET, &a, buf, sizeof(buf)) ? buf : "?";
}

std::string format_prefix(std::uint32_t be_addr, unsigned int len)
{
	return format_addr(be_addr) + "/" + std::to_string(len);
}

std::uint32_t parse_time_ms(const std::string &text, const std::string &what)
{
	// iproute2's get_time_rtt(): decimal, an optional fraction, a unit
	// among ms, msec, msecs (the default) and s, sec, secs, any case;
	// rounded up to whole milliseconds.  Signs, hex, exponents, "inf"
	// and values past 32 bits are refused rather than wrapped.
	std::size_t i = 0;
	bool digits = false, dot = false;
	for (; i < text.size(); i++) {
		char c = text[i];
		if (c >= '0' && c <= '9')
			digits = true;
		else if (c == '.' && !dot)
			dot = true;
		else
			break;
	}
	std::string unit = text.substr(i);
	double scale;
	if (unit.empty() || !strcasecmp(unit.c_str(), "ms") ||
	    !strcasecmp(unit.c_str(), "msec") ||
	    !strcasecmp(unit.c_str(), "msecs"))
		scale = 1;
	else if (!strcasecmp(unit.c_str(), "s") ||
		 !strcasecmp(unit.c_str(), "sec") ||
		 !strcasecmp(unit.c_str(), "secs"))
		scale = 1000;
	else
		digits = false;
	if (!digits)
		throw Failure("invalid " + what + " \"" + text +
			      "\" (a time: N, Nms or Ns)");

	double t = std::strtod(text.substr(0, i).c_str(), nullptr) * scale;
	if (t > 4294967295.0)
		throw Failure("invalid " + what + " \"" + text +
			      "\" (too large)");
	auto ms = static_cast<std::uint32_t>(t);
	if (ms < t)
		ms++;
	return ms;
}

std::string format_time_ms(std::uint32_t ms)
{
	char buf[32];
	if (ms >= 1000)
		std::snprintf(buf, sizeof(buf), "%gs", ms / 1e3);
	else
		std::snprintf(buf, sizeof(buf), "%ums", ms);
	return buf;
}

std::string format_mac(const void *mac)
{
	auto *m = static_cast<const unsigned char *>(mac);
	char buf[18];
	std::snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x",
		      m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

} // namespace anpctl
