// SPDX-License-Identifier: GPL-2.0
//
// anp_conformance: runs the registered cases and prints TAP 13.
//
//   anp_conformance                 every case (except explicit-only ones)
//   anp_conformance --list          names and descriptions
//   anp_conformance --case NAME     only NAME (repeatable)
//   anp_conformance --hold-socket PATH
//                                   open socket(AF_ANP, SOCK_DGRAM), write
//                                   PATH once it is open, and keep it open
//                                   until killed (selftests/module.sh uses
//                                   it to hold a module reference)
//
// Exit status as kselftest: 0 all passed, 1 one failed, 4 all skipped.
#include "harness.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include <csignal>
#include <sys/socket.h>

#include <linux/anp.h>

namespace anp_test {

bool g_case_failed;

std::vector<test_case> &registry()
{
	static std::vector<test_case> cases;
	return cases;
}

void diag(const std::string &msg)
{
	std::istringstream in(msg);
	std::string line;

	while (std::getline(in, line))
		std::cout << "# " << line << '\n';
	std::cout.flush();
}

void skip(const std::string &reason)
{
	throw skipped(reason);
}

std::string errno_name(int err)
{
	const char *n = strerrorname_np(err);

	return std::string(n ? n : "E?") + " (" + std::to_string(err) + ")";
}

std::string fmt_loc(const char *file, int line, const std::string &msg)
{
	std::string f(file);
	auto slash = f.rfind('/');

	if (slash != std::string::npos)
		f = f.substr(slash + 1);
	return f + ":" + std::to_string(line) + ": " + msg;
}

} // namespace anp_test

namespace {

using namespace anp_test;

void usage(const char *argv0)
{
	std::cerr << "usage: " << argv0
		  << " [--list] [--case NAME]... [--hold-socket PATH]\n";
}

int hold_socket(const char *path)
{
	int fd = socket(AF_ANP, SOCK_DGRAM, 0);

	if (fd < 0) {
		std::perror("socket(AF_ANP, SOCK_DGRAM, 0)");
		return 1;
	}
	{
		std::ofstream ready(path);

		ready << "ready\n";
		if (!ready) {
			std::perror(path);
			return 1;
		}
	}
	// Until killed.
	for (;;)
		pause();
}

} // namespace

int main(int argc, char **argv)
{
	std::vector<std::string> wanted;
	bool list = false;

	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];

		if (a == "--list") {
			list = true;
		} else if (a == "--case" && i + 1 < argc) {
			wanted.emplace_back(argv[++i]);
		} else if (a == "--hold-socket" && i + 1 < argc) {
			return hold_socket(argv[++i]);
		} else if (a == "-h" || a == "--help") {
			usage(argv[0]);
			return 0;
		} else {
			usage(argv[0]);
			return 2;
		}
	}

	auto &all = registry();

	if (list) {
		for (auto &tc : all)
			std::cout << tc.name << (tc.explicit_only ? " [explicit]" : "")
				  << (tc.pending.empty() ? "" : " [pending]")
				  << "\t" << tc.desc << '\n';
		return 0;
	}

	std::vector<const test_case *> run;
	std::set<std::string> found;

	for (auto &tc : all) {
		if (wanted.empty()) {
			if (!tc.explicit_only)
				run.push_back(&tc);
			continue;
		}
		for (auto &w : wanted) {
			if (w == tc.name) {
				run.push_back(&tc);
				found.insert(w);
			}
		}
	}
	for (auto &w : wanted) {
		if (!found.count(w)) {
			std::cerr << "no such case: " << w << " (see --list)\n";
			return 2;
		}
	}

	// A peer that went away must not kill the run.
	signal(SIGPIPE, SIG_IGN);

	std::cout << "TAP version 13\n1.." << run.size() << '\n';
	std::cout.flush();

	unsigned int n = 0, passed = 0, failed = 0, skips = 0, todo = 0;

	for (auto *tc : run) {
		std::string directive;
		bool ok = true;

		n++;
		g_case_failed = false;
		diag(std::string(tc->name) + ": " + std::string(tc->desc));
		try {
			tc->run();
			ok = !g_case_failed;
		} catch (const skipped &s) {
			directive = std::string(" # SKIP ") + s.what();
		} catch (const failure &f) {
			diag(f.what());
			ok = false;
		} catch (const std::exception &e) {
			diag(std::string("exception: ") + e.what());
			ok = false;
		}
		if (!directive.empty() && g_case_failed)
			ok = false, directive.clear();
		if (!tc->pending.empty() && directive.empty()) {
			// A pending case: its failure is a TODO, its success
			// a failure until the mark goes.
			if (ok) {
				ok = false;
				directive = " (pending case passes: remove the "
					    "pending mark)";
				diag(std::string(tc->name) + " is marked pending (" +
				     std::string(tc->pending) + ") but passes");
			} else {
				directive = " # TODO pending: " +
					    std::string(tc->pending);
				std::cout << "not ok " << n << " - " << tc->name
					  << directive << '\n';
				std::cout.flush();
				todo++;
				continue;
			}
		}
		std::cout << (ok ? "ok " : "not ok ") << n << " - " << tc->name
			  << directive << '\n';
		std::cout.flush();
		if (!ok)
			failed++;
		else if (!directive.empty())
			skips++;
		else
			passed++;
	}

	std::cout << "# " << passed << " passed, " << failed << " failed, "
		  << skips << " skipped, " << todo << " pending\n";
	if (failed)
		return 1;
	if (skips + todo && skips + todo == run.size())
		return 4;
	return 0;
}
