#include "sim/sim_pki.hpp"

#include <cstdio>

#include "protocol/pki.hpp"

namespace fedq::sim {

std::string SimClientName(int index, int clients) {
  const int width = static_cast<int>(std::to_string(std::max(clients - 1, 0)).size());
  char buf[64];
  std::snprintf(buf, sizeof buf, "sim-client-%0*d", width, index);
  return buf;
}

Result<SimPki> MakeSimPki(int clients) {
  FEDQ_ASSIGN_OR_RETURN(TempDir dir, TempDir::Create("fedq-sim-pki-"));
  protocol::PkiDirectory pki(dir.path());
  FEDQ_ASSIGN_OR_RETURN(protocol::IssuedCertificate ca, pki.InitCa("fedq-sim CA"));
  FEDQ_ASSIGN_OR_RETURN(protocol::IssuedCertificate server,
                        pki.IssueServer("localhost", {"127.0.0.1"}));
  SimPki out{std::move(dir), ca.cert_file, server.cert_file, server.key_file, {}, {}, {}};
  for (int i = 0; i < clients; ++i) {
    std::string name = SimClientName(i, clients);
    FEDQ_ASSIGN_OR_RETURN(protocol::IssuedCertificate c, pki.IssueClient(name));
    out.client_names.push_back(std::move(name));
    out.client_certs.push_back(c.cert_file);
    out.client_keys.push_back(c.key_file);
  }
  return out;
}

}  // namespace fedq::sim
