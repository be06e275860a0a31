// SPDX-License-Identifier: GPL-2.0
// anpctl: the commands.  Each takes the words after its object name
// ("add 10.77.0.2/24 dev anp0" for `anpctl addr ...`), checks them all
// before talking to the kernel, and sends at most one change request, so
// nothing is ever half-applied.  Errors are thrown (genl.hpp).
#pragma once

#include <string>
#include <vector>

namespace anpctl {

using Args = std::vector<std::string>;

void cmd_addr(const Args &args);
void cmd_route(const Args &args);
void cmd_neigh(const Args &args);
void cmd_stats(const Args &args);
void cmd_sockets(const Args &args);

} // namespace anpctl
