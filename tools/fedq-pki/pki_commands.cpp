#include "pki_commands.hpp"

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "protocol/pki.hpp"

namespace fedq::tools {
namespace {

using protocol::IssuedCertificate;
using protocol::PkiDirectory;
using protocol::Validity;

int Fail(const Status& status) {
  std::cerr << "fedq-pki: " << status.ToString() << "\n";
  return 1;
}

Validity DaysValidity(int days) { return Validity{-300, int64_t{days} * 24 * 3600}; }

int Report(const Result<IssuedCertificate>& issued, const char* what) {
  if (!issued.ok()) return Fail(issued.status());
  std::cout << what << " '" << issued->common_name << "'\n"
            << "  certificate  " << issued->cert_file.string() << "\n"
            << "  private key  " << issued->key_file.string() << " (mode 0600)\n"
            << "  sha256       " << issued->fingerprint_sha256 << "\n";
  return 0;
}

}  // namespace

int RunInit(const std::string& dir, const std::string& ca_name, int days) {
  PkiDirectory pki(dir);
  return Report(pki.InitCa(ca_name, Validity{0, int64_t{days} * 24 * 3600}), "created CA");
}

int RunIssueServer(const std::string& dir, const std::string& host,
                   const std::vector<std::string>& ips, int days) {
  PkiDirectory pki(dir);
  return Report(pki.IssueServer(host, ips, DaysValidity(days)), "issued server certificate");
}

int RunIssueClient(const std::string& dir, const std::string& name, int days) {
  PkiDirectory pki(dir);
  return Report(pki.IssueClient(name, DaysValidity(days)), "issued client certificate");
}

int RunRevoke(const std::string& dir, const std::string& name) {
  PkiDirectory pki(dir);
  auto fp = pki.RevokeClient(name);
  if (!fp.ok()) return Fail(fp.status());
  std::cout << "revoked client '" << name << "' (sha256 " << *fp << ") in "
            << pki.revocation_file().string()
            << "\nthe coordinator refuses it from its next start (revocation_file in its config)\n";
  return 0;
}

int RunList(const std::string& dir, bool json) {
  PkiDirectory pki(dir);
  auto infos = pki.List();
  if (!infos.ok()) return Fail(infos.status());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : *infos) {
    if (json) {
      out.push_back({{"kind", c.kind},
                     {"common_name", c.common_name},
                     {"sha256", c.fingerprint_sha256},
                     {"not_after", c.not_after},
                     {"revoked", c.revoked},
                     {"file", c.cert_file.string()}});
      continue;
    }
    std::printf("%-7s %-24s %s  %s%s\n", c.kind.c_str(), c.common_name.c_str(),
                c.fingerprint_sha256.c_str(), c.not_after.c_str(), c.revoked ? "  REVOKED" : "");
  }
  if (json) std::cout << nlohmann::json{{"certificates", out}}.dump() << "\n";
  return 0;
}

}  // namespace fedq::tools
