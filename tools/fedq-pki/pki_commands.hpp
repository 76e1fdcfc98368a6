// The fedq-pki subcommands: each takes parsed flags, prints what it did and
// returns an exit code (0 ok, 1 runtime failure). Single-threaded.
#pragma once

#include <string>
#include <vector>

namespace fedq::tools {

int RunInit(const std::string& dir, const std::string& ca_name, int days);
int RunIssueServer(const std::string& dir, const std::string& host,
                   const std::vector<std::string>& ips, int days);
int RunIssueClient(const std::string& dir, const std::string& name, int days);
int RunRevoke(const std::string& dir, const std::string& name);
int RunList(const std::string& dir, bool json);

}  // namespace fedq::tools
