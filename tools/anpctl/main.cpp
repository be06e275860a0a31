// SPDX-License-Identifier: GPL-2.0
// anpctl: configure the ANP host of a network namespace over the "anp"
// generic netlink family, in the manner of ip(8).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include "commands.hpp"
#include "genl.hpp"

namespace {

using anpctl::Args;
using anpctl::Failure;
using anpctl::UsageError;

constexpr const char *version = "0.1";

constexpr const char *usage_text =
	"Usage: anpctl [-n NETNS] OBJECT COMMAND [ARGS]\n"
	"       anpctl [-n NETNS] -b FILE\n"
	"\n"
	"Configure the ANP host (the second TCP/IP host behind the anp\n"
	"devices) of the current network namespace.\n"
	"\n"
	"  anpctl addr add PREFIX dev NAME      give the host an address\n"
	"  anpctl addr del PREFIX dev NAME      remove it\n"
	"  anpctl addr show [dev NAME]          list addresses and the host's MAC\n"
	"  anpctl route add DEST via GATEWAY [dev NAME] [rto_min TIME]\n"
	"                                       add a static route\n"
	"  anpctl route del DEST [via GATEWAY] [dev NAME]\n"
	"  anpctl route show [dev NAME]         connected and static routes\n"
	"  anpctl neigh show [dev NAME]         the host's ARP cache\n"
	"  anpctl stats [-z]                    the host's counters (-z: non-zero only)\n"
	"  anpctl sockets [-p]                  the AF_ANP sockets of the namespace,\n"
	"                                       as ss -uan shows UDP (-p: the\n"
	"                                       processes holding each one)\n"
	"  anpctl help | -h | --help            this text\n"
	"  anpctl -V | --version                the version\n"
	"\n"
	"PREFIX is A.B.C.D/LEN (A.B.C.D alone means /32); DEST is PREFIX or\n"
	"\"default\"; NAME is an anp device of this namespace (ip link add NAME\n"
	"type anp).  \"show\" may be written \"list\" or \"ls\", \"del\" \"delete\";\n"
	"\"addr\", \"route\" and \"neigh\" alone mean \"... show\".\n"
	"rto_min TIME: the minimum retransmission timeout of TCP connections\n"
	"over the route (default 200 ms), 1 ms to 120 s, as ip route's: TIME\n"
	"is N or Nms (milliseconds) or Ns (seconds), a fraction rounded up.\n"
	"\n"
	"Options:\n"
	"  -n NETNS   act in network namespace NETNS (a name under /run/netns,\n"
	"             or a path), as ip -n does\n"
	"  -b FILE    run the commands of FILE (\"-\": standard input), one per\n"
	"             line; blank lines and lines starting with # are skipped.\n"
	"             Stops at the first failing line; the lines before it stay\n"
	"             applied (each line is one request, as with ip -batch)\n"
	"\n"
	"\"sockets\" may be written \"socks\".  Its columns: Netid (udp, tcp,\n"
	"seqpacket), State (UNCONN, ESTAB, LISTEN, CLOSE, and for tcp SYN-SENT,\n"
	"SYN-RECV, FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT, CLOSE-WAIT, LAST-ACK,\n"
	"CLOSING), Recv-Q and Send-Q\n"
	"(bytes queued), the local and peer ADDRESS:PORT (0.0.0.0 for any\n"
	"address, * for no port), and the owner: uid:UID ino:INODE (the inode\n"
	"of socket:[INODE] in /proc/PID/fd), drops:N when the socket dropped\n"
	"datagrams, and with -p users:((\"NAME\",pid=PID,fd=FD),...).\n"
	"\n"
	"add and del need CAP_NET_ADMIN in the namespace; show, stats and\n"
	"sockets do not (-p sees only the processes /proc lets it see).\n"
	"Every add or del is a single netlink request: it is applied whole or\n"
	"not at all.\n"
	"\n"
	"Exit status: 0 success; 1 failure (bad address or prefix, unknown\n"
	"device, kernel rejection, anp module not loaded); 2 usage error.\n";

void run_command(const std::string &object, const Args &args)
{
	if (object == "addr" || object == "address")
		anpctl::cmd_addr(args);
	else if (object == "route")
		anpctl::cmd_route(args);
	else if (object == "neigh" || object == "neighbour" ||
		 object == "neighbor")
		anpctl::cmd_neigh(args);
	else if (object == "stats")
		anpctl::cmd_stats(args);
	else if (object == "sockets" || object == "socks" ||
		 object == "sock")
		anpctl::cmd_sockets(args);
	else
		throw UsageError("unknown object \"" + object + "\"");
}

void enter_netns(const std::string &name)
{
	std::string path = name.find('/') == std::string::npos ?
			   "/run/netns/" + name : name;
	int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		throw Failure("network namespace \"" + name + "\" does not exist (" +
			      std::strerror(errno) + ")");
	int err = setns(fd, CLONE_NEWNET);
	int saved = errno;
	close(fd);
	if (err)
		throw Failure("cannot enter network namespace \"" + name +
			      "\": " + std::strerror(saved));
}

// Runs every line of a batch file; the first failure ends the batch and
// is reported with its line number.
void run_batch(const std::string &file)
{
	std::ifstream in;
	std::istream *is = &std::cin;
	if (file != "-") {
		in.open(file);
		if (!in)
			throw Failure("cannot open \"" + file + "\": " +
				      std::strerror(errno));
		is = &in;
	}

	std::string line;
	for (unsigned int lineno = 1; std::getline(*is, line); lineno++) {
		std::istringstream words(line);
		Args args;
		for (std::string w; words >> w;)
			args.push_back(w);
		if (args.empty() || args[0][0] == '#')
			continue;

		std::string where = file + ":" + std::to_string(lineno) + ": ";
		try {
			run_command(args[0], Args(args.begin() + 1, args.end()));
		} catch (const UsageError &e) {
			throw UsageError(where + e.what());
		} catch (const Failure &e) {
			throw Failure(where + e.what());
		}
		std::fflush(stdout);
	}
	if (is->bad())
		throw Failure("cannot read \"" + file + "\"");
}

int run(int argc, char **argv)
{
	int i = 1;
	std::string batch;
	bool have_batch = false;

	for (; i < argc && argv[i][0] == '-'; i++) {
		std::string opt = argv[i];

		if (opt == "-h" || opt == "--help") {
			std::fputs(usage_text, stdout);
			return 0;
		}
		if (opt == "-V" || opt == "--version") {
			std::printf("anpctl %s (generic netlink family \"%s\" "
				    "version %d)\n", version, ANP_GENL_NAME,
				    ANP_GENL_VERSION);
			return 0;
		}
		if (opt != "-n" && opt != "-netns" && opt != "-b" &&
		    opt != "-batch")
			throw UsageError("unknown option \"" + opt + "\"");
		if (i + 1 >= argc)
			throw UsageError("option \"" + opt + "\" needs an argument");
		if (opt == "-n" || opt == "-netns") {
			enter_netns(argv[++i]);
		} else {
			batch = argv[++i];
			have_batch = true;
		}
	}

	if (have_batch) {
		if (i < argc)
			throw UsageError("-b takes no OBJECT");
		run_batch(batch);
		return 0;
	}
	if (i >= argc)
		throw UsageError("missing OBJECT");

	std::string object = argv[i];
	if (object == "help") {
		std::fputs(usage_text, stdout);
		return 0;
	}
	run_command(object, Args(argv + i + 1, argv + argc));
	return 0;
}

} // namespace

int main(int argc, char **argv)
{
	int status;

	try {
		status = run(argc, argv);
	} catch (const UsageError &e) {
		std::fprintf(stderr, "anpctl: %s (try \"anpctl help\")\n",
			     e.what());
		return 2;
	} catch (const std::exception &e) {
		std::fprintf(stderr, "anpctl: %s\n", e.what());
		return 1;
	}

	if (std::fflush(stdout) != 0) {
		std::fprintf(stderr, "anpctl: write error: %s\n",
			     std::strerror(errno));
		return 1;
	}
	return status;
}
