// SPDX-License-Identifier: GPL-2.0
// anpctl: parsing and printing addresses, names and prefixes.
#pragma once

#include <cstdint>
#include <string>

namespace anpctl {

struct Prefix {
	std::uint32_t addr;	// network byte order
	std::uint8_t len;	// 0..32
};

// "a.b.c.d/n" or "a.b.c.d" (then /32); "default" when allow_default.
// Throws Failure naming the bad text.
Prefix parse_prefix(const std::string &text, bool allow_default);
// A plain dotted-quad address; what names it in the error ("address").
std::uint32_t parse_addr(const std::string &text);
// ifindex of a device of this netns; Failure when there is none.
std::uint32_t device_index(const std::string &name);
// Device name of ifindex, or "if<n>" when it has none (any more).
std::string device_name(std::uint32_t ifindex);

// A time in milliseconds as iproute2 reads rto_min ("10ms", "0.5s",
// "200": milliseconds).  Failure naming what and the text when bad.
std::uint32_t parse_time_ms(const std::string &text, const std::string &what);
// As ip route prints it: "10ms", or "1.5s" from one second on.
std::string format_time_ms(std::uint32_t ms);

std::string format_addr(std::uint32_t be_addr);
std::string format_prefix(std::uint32_t be_addr, unsigned int len);
std::string format_mac(const void *mac);

} // namespace anpctl
