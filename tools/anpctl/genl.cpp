// SPDX-License-Identifier: GPL-2.0
// anpctl: generic netlink plumbing on libnl-3 / libnl-genl-3.
//
// libnl 3.7 (Debian 12) has no helper for extended acks, so the socket
// gets NETLINK_EXT_ACK and NETLINK_CAP_ACK by hand and the error callback
// reads NLMSGERR_ATTR_MSG from the TLVs that follow struct nlmsgerr.
#include "genl.hpp"

#include <cerrno>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include <sys/socket.h>
#include <linux/netlink.h>

#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

namespace anpctl {

namespace {

// What the kernel may send in a reply, checked by libnl while parsing.
const nla_policy *reply_policy()
{
	static const auto policy = [] {
		std::array<nla_policy, ANP_A_MAX + 1> p{};
		p[ANP_A_IFINDEX].type = NLA_U32;
		p[ANP_A_ADDR].type = NLA_U32;
		p[ANP_A_PREFIXLEN].type = NLA_U8;
		p[ANP_A_DST].type = NLA_U32;
		p[ANP_A_GATEWAY].type = NLA_U32;
		p[ANP_A_LLADDR].minlen = 6;
		p[ANP_A_NEIGH_STATE].type = NLA_U8;
		p[ANP_A_ROUTE_TYPE].type = NLA_U8;
		p[ANP_A_STATS].type = NLA_NESTED;
		p[ANP_A_STAT].type = NLA_NESTED;
		p[ANP_A_STAT_NAME].type = NLA_STRING;
		p[ANP_A_STAT_VALUE].type = NLA_U64;
		p[ANP_A_SOCK_TYPE].type = NLA_U8;
		p[ANP_A_SOCK_PROTO].type = NLA_U8;
		p[ANP_A_SOCK_STATE].type = NLA_U8;
		p[ANP_A_SOCK_LADDR].type = NLA_U32;
		p[ANP_A_SOCK_LPORT].type = NLA_U16;
		p[ANP_A_SOCK_RADDR].type = NLA_U32;
		p[ANP_A_SOCK_RPORT].type = NLA_U16;
		p[ANP_A_SOCK_RQUEUE].type = NLA_U32;
		p[ANP_A_SOCK_WQUEUE].type = NLA_U32;
		p[ANP_A_SOCK_DROPS].type = NLA_U32;
		p[ANP_A_SOCK_UID].type = NLA_U32;
		p[ANP_A_SOCK_INODE].type = NLA_U64;
		return p;
	}();
	return policy.data();
}

// The NLMSGERR_ATTR_MSG string of an ack or DONE message, if any.
// tlv_off: where the TLVs start, counted from the end of the nlmsghdr.
std::string extack_message(const nlmsghdr *nlh, std::size_t tlv_off)
{
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return {};
	if (nlh->nlmsg_len < NLMSG_HDRLEN + tlv_off)
		return {};

	auto *head = reinterpret_cast<const nlattr *>(
		reinterpret_cast<const char *>(nlh) + NLMSG_HDRLEN + tlv_off);
	int len = static_cast<int>(nlh->nlmsg_len - NLMSG_HDRLEN - tlv_off);
	const nlattr *msg = nla_find(head, len, NLMSGERR_ATTR_MSG);
	if (!msg || nla_len(msg) <= 0)
		return {};

	auto *s = static_cast<const char *>(nla_data(msg));
	return std::string(s, strnlen(s, static_cast<std::size_t>(nla_len(msg))));
}

struct MsgPut {
	void operator()(nl_msg *m) const { nlmsg_free(m); }
};

struct Conversation {
	bool done = false;
	bool interrupted = false;	// NLM_F_DUMP_INTR: the kernel's list
					// changed between two parts
	int error = 0;			// positive errno from the kernel
	std::string extack;
	// The replies, held until the dump is known to be consistent.
	std::vector<std::unique_ptr<nl_msg, MsgPut>> replies;
};

int on_valid(nl_msg *msg, void *arg)
{
	auto *c = static_cast<Conversation *>(arg);

	nlmsg_get(msg);
	c->replies.emplace_back(msg);
	return NL_OK;
}

int on_dump_intr(nl_msg *, void *arg)
{
	static_cast<Conversation *>(arg)->interrupted = true;
	return NL_OK;
}

int on_ack(nl_msg *, void *arg)
{
	static_cast<Conversation *>(arg)->done = true;
	return NL_STOP;
}

// NLMSG_DONE carries the dump's final status (and TLVs after it).
int on_finish(nl_msg *msg, void *arg)
{
	auto *c = static_cast<Conversation *>(arg);
	const nlmsghdr *nlh = nlmsg_hdr(msg);

	c->done = true;
	if (nlmsg_datalen(nlh) >= static_cast<int>(sizeof(int))) {
		int status;

		std::memcpy(&status, nlmsg_data(nlh), sizeof(status));
		if (status < 0) {
			c->error = -status;
			c->extack = extack_message(nlh, NLMSG_ALIGN(sizeof(int)));
		}
	}
	return NL_STOP;
}

int on_error(sockaddr_nl *, nlmsgerr *e, void *arg)
{
	auto *c = static_cast<Conversation *>(arg);
	// libnl hands us nlmsg_data() of the NLMSG_ERROR message.
	auto *nlh = reinterpret_cast<const nlmsghdr *>(
		reinterpret_cast<const char *>(e) - NLMSG_HDRLEN);
	std::size_t off = NLMSG_ALIGN(sizeof(*e));

	// Without NLM_F_CAPPED the request's payload is echoed first.
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= NLMSG_HDRLEN)
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);

	c->done = true;
	c->error = e->error < 0 ? -e->error : e->error;
	c->extack = extack_message(nlh, off);
	return NL_STOP;
}

struct CbFree {
	void operator()(nl_cb *cb) const { nl_cb_put(cb); }
};

// One request and its replies, collected in c.
void converse(nl_sock *sk, Request &req, Conversation &c)
{
	// A new sequence number each time: libnl checks replies against it.
	nlmsg_hdr(req.msg())->nlmsg_seq = NL_AUTO_SEQ;
	int err = nl_send_auto(sk, req.msg());
	if (err < 0)
		throw Failure(req.what() + ": cannot send the request: " +
			      nl_geterror(err));

	std::unique_ptr<nl_cb, CbFree> cb(nl_cb_alloc(NL_CB_DEFAULT));
	if (!cb)
		throw Failure("out of memory");

	nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, &c);
	nl_cb_set(cb.get(), NL_CB_ACK, NL_CB_CUSTOM, on_ack, &c);
	nl_cb_set(cb.get(), NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &c);
	nl_cb_set(cb.get(), NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, &c);
	nl_cb_err(cb.get(), NL_CB_CUSTOM, on_error, &c);

	while (!c.done) {
		err = nl_recvmsgs(sk, cb.get());
		if (c.done)
			break;
		if (err < 0)
			throw Failure(req.what() + ": " + nl_geterror(err));
	}
}

} // namespace

Request::Request(int family, std::uint8_t cmd, bool dump)
	: msg_(nlmsg_alloc())
{
	if (!msg_)
		throw Failure("out of memory");
	if (!genlmsg_put(msg_, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
			 dump ? NLM_F_DUMP : 0, cmd, ANP_GENL_VERSION)) {
		nlmsg_free(msg_);
		throw Failure("out of memory");
	}
}

Request::~Request()
{
	nlmsg_free(msg_);
}

void Request::put_u32(int type, std::uint32_t value)
{
	if (nla_put_u32(msg_, type, value) < 0)
		throw Failure("netlink request too large");
}

void Request::put_u8(int type, std::uint8_t value)
{
	if (nla_put_u8(msg_, type, value) < 0)
		throw Failure("netlink request too large");
}

void Request::put_be32(int type, std::uint32_t value)
{
	if (nla_put(msg_, type, sizeof(value), &value) < 0)
		throw Failure("netlink request too large");
}

Genl::Genl()
	: sk_(nl_socket_alloc()), family_(-1)
{
	if (!sk_)
		throw Failure("out of memory");

	int err = genl_connect(sk_);
	if (err < 0) {
		nl_socket_free(sk_);
		throw Failure(std::string("cannot open a generic netlink socket: ") +
			      nl_geterror(err));
	}

	// Best effort: without them errors still arrive, only terser.
	int one = 1;
	int fd = nl_socket_get_fd(sk_);
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	// Dump parts may be larger than a page.
	nl_socket_enable_msg_peek(sk_);

	family_ = genl_ctrl_resolve(sk_, ANP_GENL_NAME);
	if (family_ < 0) {
		int e = family_;

		nl_socket_free(sk_);
		if (e == -NLE_OBJ_NOTFOUND)
			throw Failure("the anp generic netlink family is not "
				      "available: is the anp module loaded?");
		throw Failure(std::string("cannot resolve the anp generic "
					  "netlink family: ") + nl_geterror(e));
	}
}

Genl::~Genl()
{
	nl_socket_free(sk_);
}

// A dump whose list keeps changing under it is tried this often.
constexpr int dump_tries = 10;

void Genl::run(Request &req, const std::function<void(const Attrs &)> &on_reply)
{
	Conversation c;

	for (int tries = 1;; tries++) {
		c = Conversation{};
		converse(sk_, req, c);
		if (!c.interrupted || c.error)
			break;
		// As `ip` does for NLM_F_DUMP_INTR, but without printing a
		// mixed listing: ask again.
		if (tries == dump_tries)
			throw Failure(req.what() + ": the kernel's list kept "
				      "changing during the dump (tried " +
				      std::to_string(dump_tries) + " times)");
	}

	if (!c.error) {
		for (const auto &m : c.replies) {
			Attrs tb{};

			if (genlmsg_parse(nlmsg_hdr(m.get()), 0, tb.data(), ANP_A_MAX,
					  const_cast<nla_policy *>(reply_policy())) < 0)
				throw Failure("malformed reply from the kernel");
			if (on_reply)
				on_reply(tb);
		}
		return;
	}

	std::string why = std::strerror(c.error);
	if (!c.extack.empty())
		throw Failure("Error: " + c.extack + " (" + why + ")");
	if (c.error == EPERM)
		throw Failure("Error: " + why + ": " + req.what() +
			      " needs CAP_NET_ADMIN");
	throw Failure("Error: " + req.what() + ": " + why);
}

Attrs parse_nested(const nlattr *nest)
{
	Attrs tb{};

	if (nla_parse_nested(tb.data(), ANP_A_MAX, const_cast<nlattr *>(nest),
			     const_cast<nla_policy *>(reply_policy())) < 0)
		throw Failure("malformed reply from the kernel");
	return tb;
}

} // namespace anpctl
