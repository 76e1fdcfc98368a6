// fedq-pki: makes and manages the certificates of a fedq deployment. Flags
// only; the work is in pki_commands.cpp and fedq::protocol::PkiDirectory.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "pki_commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"fedq-pki: certificate authority, server and client certificates for fedq"};
  app.set_version_flag("--version", std::string("fedq-pki ") + FEDQ_VERSION);
  app.require_subcommand(1);
  std::string dir = "pki", name, host, ca_name = "fedq CA";
  std::vector<std::string> ips;
  int days = 365, ca_days = 3650;
  bool json = false;

  auto* init = app.add_subcommand("init", "create the CA (EC P-256) in --dir");
  init->add_option("--dir", dir, "PKI directory")->capture_default_str();
  init->add_option("--ca-name", ca_name, "CA common name")->capture_default_str();
  init->add_option("--days", ca_days, "CA validity in days")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);

  auto* server = app.add_subcommand("issue-server", "issue the coordinator's certificate");
  server->add_option("--dir", dir, "PKI directory")->capture_default_str();
  server->add_option("--host", host, "DNS name clients connect to")->required();
  server->add_option("--ip", ips, "IP address clients may connect to (repeatable)");
  server->add_option("--days", days, "validity in days")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);

  auto* client = app.add_subcommand("issue-client", "issue a client (device) certificate");
  client->add_option("--dir", dir, "PKI directory")->capture_default_str();
  client->add_option("--name", name, "client name (certificate CN)")->required();
  client->add_option("--days", days, "validity in days")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);

  auto* revoke = app.add_subcommand("revoke", "append a client's fingerprint to revoked.txt");
  revoke->add_option("--dir", dir, "PKI directory")->capture_default_str();
  revoke->add_option("--name", name, "client name")->required();

  auto* list = app.add_subcommand("list", "list the CA and issued certificates");
  list->add_option("--dir", dir, "PKI directory")->capture_default_str();
  list->add_flag("--json", json, "one JSON object on stdout");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (init->parsed()) return fedq::tools::RunInit(dir, ca_name, ca_days);
  if (server->parsed()) return fedq::tools::RunIssueServer(dir, host, ips, days);
  if (client->parsed()) return fedq::tools::RunIssueClient(dir, name, days);
  if (revoke->parsed()) return fedq::tools::RunRevoke(dir, name);
  return fedq::tools::RunList(dir, json);
}
