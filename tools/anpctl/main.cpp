// SPDX-License-Identifier: GPL-2.0
// anpctl: configure the ANP host of the current network namespace over
// the "anp" generic netlink family, in the manner of ip(8).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "commands.hpp"
#include "genl.hpp"

namespace {

constexpr const char *version = "0.1";

constexpr const char *usage_text =
	"Usage: anpctl OBJECT COMMAND [ARGS]\n"
	"\n"
	"Configure the ANP host (the second TCP/IP host behind the anp\n"
	"devices) of the current network namespace.\n"
	"\n"
	"  anpctl addr add PREFIX dev NAME      give the host an address\n"
	"  anpctl addr del PREFIX dev NAME      remove it\n"
	"  anpctl addr show [dev NAME]          list addresses and the host's MAC\n"
	"  anpctl route add DEST via GATEWAY [dev NAME]\n"
	"                                       add a static route\n"
	"  anpctl route del DEST [via GATEWAY] [dev NAME]\n"
	"  anpctl route show [dev NAME]         connected and static routes\n"
	"  anpctl neigh show [dev NAME]         the host's ARP cache\n"
	"  anpctl stats [-z]                    the host's counters (-z: non-zero only)\n"
	"  anpctl help | -h | --help            this text\n"
	"  anpctl -V | --version                the version\n"
	"\n"
	"PREFIX is A.B.C.D/LEN (A.B.C.D alone means /32); DEST is PREFIX or\n"
	"\"default\"; NAME is an anp device of this namespace (ip link add NAME\n"
	"type anp).  \"show\" may be written \"list\" or \"ls\", \"del\" \"delete\";\n"
	"\"addr\", \"route\" and \"neigh\" alone mean \"... show\".\n"
	"\n"
	"add and del need CAP_NET_ADMIN in the namespace; show and stats do not.\n"
	"\n"
	"Exit status: 0 success; 1 failure (bad address or prefix, unknown\n"
	"device, kernel rejection, anp module not loaded); 2 usage error.\n";

int usage_error(const std::string &msg)
{
	std::fprintf(stderr, "anpctl: %s (try \"anpctl help\")\n", msg.c_str());
	return 2;
}

} // namespace

int main(int argc, char **argv)
{
	using namespace anpctl;

	if (argc < 2)
		return usage_error("missing OBJECT");

	std::string object = argv[1];
	Args args(argv + 2, argv + argc);

	try {
		if (object == "help" || object == "-h" || object == "--help") {
			std::fputs(usage_text, stdout);
			return 0;
		}
		if (object == "-V" || object == "--version") {
			std::printf("anpctl %s (generic netlink family \"%s\" "
				    "version %d)\n", version, ANP_GENL_NAME,
				    ANP_GENL_VERSION);
			return 0;
		}
		if (object == "addr" || object == "address")
			cmd_addr(args);
		else if (object == "route")
			cmd_route(args);
		else if (object == "neigh" || object == "neighbour" ||
			 object == "neighbor")
			cmd_neigh(args);
		else if (object == "stats")
			cmd_stats(args);
		else
			return usage_error("unknown object \"" + object + "\"");
	} catch (const UsageError &e) {
		return usage_error(e.what());
	} catch (const Failure &e) {
		std::fprintf(stderr, "anpctl: %s\n", e.what());
		return 1;
	} catch (const std::exception &e) {
		std::fprintf(stderr, "anpctl: %s\n", e.what());
		return 1;
	}

	if (std::fflush(stdout) != 0) {
		std::fprintf(stderr, "anpctl: write error: %s\n",
			     std::strerror(errno));
		return 1;
	}
	return 0;
}
