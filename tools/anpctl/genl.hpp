// SPDX-License-Identifier: GPL-2.0
// anpctl: one generic netlink conversation with the anp family (libnl-3).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

#include <linux/anp.h>

struct nl_sock;
struct nl_msg;
struct nlattr;

namespace anpctl {

// A problem worth one line on stderr and exit status 1.
struct Failure : std::runtime_error {
	using std::runtime_error::runtime_error;
};

// A malformed command line: exit status 2.
struct UsageError : std::runtime_error {
	using std::runtime_error::runtime_error;
};

// The top-level attributes of one message, indexed by ANP_A_*.
using Attrs = std::array<nlattr *, ANP_A_MAX + 1>;

// One request to the anp family, owned (RAII).
class Request {
public:
	Request(int family, std::uint8_t cmd, bool dump);
	~Request();
	Request(const Request &) = delete;
	Request &operator=(const Request &) = delete;

	void put_u32(int type, std::uint32_t value);
	void put_u8(int type, std::uint8_t value);
	// value is in network byte order already
	void put_be32(int type, std::uint32_t value);

	nl_msg *msg() const { return msg_; }
	const std::string &what() const { return what_; }
	void set_what(std::string what) { what_ = std::move(what); }

private:
	nl_msg *msg_;
	std::string what_;		// "addr add": for error messages
};

// A generic netlink socket with the anp family resolved.
class Genl {
public:
	// Throws Failure when netlink is unusable or the family is absent.
	Genl();
	~Genl();
	Genl(const Genl &) = delete;
	Genl &operator=(const Genl &) = delete;

	int family() const { return family_; }

	// Sends req and reads until its ack (or the end of a dump), calling
	// on_reply with the attributes of every reply message.  A kernel
	// rejection throws Failure with the extack message when there is one.
	// A dump the kernel marks NLM_F_DUMP_INTR (its list changed between
	// two parts) is asked again, so on_reply sees one consistent listing.
	void run(Request &req,
		 const std::function<void(const Attrs &)> &on_reply = {});

private:
	nl_sock *sk_;
	int family_;
};

// The attributes of one ANP_A_STAT nest, or of any nested attribute.
Attrs parse_nested(const nlattr *nest);

} // namespace anpctl
