// PkiDirectory: fedq's certificate authority on disk, made with the OpenSSL 3
// API (EC P-256 keys, ECDSA-SHA256 signatures). Layout under `dir`:
//   ca.crt ca.key | servers/<host>.crt .key | clients/<name>.crt .key | revoked.txt
// Private keys are written with mode 0600. Not thread-safe (it writes files);
// use one at a time per directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/status.hpp"

namespace fedq::protocol {

// Relative to the moment of issue; tests make expired certificates with
// negative offsets.
struct Validity {
  int64_t not_before_offset_seconds = -300;  // tolerate small clock skew
  int64_t lifetime_seconds = 365LL * 24 * 3600;
};

struct IssuedCertificate {
  std::filesystem::path cert_file;
  std::filesystem::path key_file;
  std::string common_name;
  std::string fingerprint_sha256;  // lower-case hex
};

struct CertificateInfo {
  std::string kind;  // "ca", "server", "client"
  std::string common_name;
  std::string fingerprint_sha256;
  std::string not_after;
  bool revoked = false;
  std::filesystem::path cert_file;
};

class PkiDirectory {
 public:
  explicit PkiDirectory(std::filesystem::path dir);

  // Makes the CA key and self-signed certificate. kAlreadyExists if there is one.
  Result<IssuedCertificate> InitCa(const std::string& common_name = "fedq CA",
                                   Validity validity = {0, 10LL * 365 * 24 * 3600});
  // A server certificate for `host` (DNS SAN) plus any `ips` (IP SANs).
  Result<IssuedCertificate> IssueServer(const std::string& host,
                                        const std::vector<std::string>& ips,
                                        Validity validity = {});
  // A client certificate whose subject CN is `name`.
  Result<IssuedCertificate> IssueClient(const std::string& name, Validity validity = {});
  // Adds the client certificate's fingerprint to revoked.txt; returns it.
  Result<std::string> RevokeClient(const std::string& name);
  // The CA and every certificate issued, with revocation status.
  Result<std::vector<CertificateInfo>> List() const;

  std::filesystem::path ca_cert_file() const { return dir_ / "ca.crt"; }
  std::filesystem::path ca_key_file() const { return dir_ / "ca.key"; }
  std::filesystem::path revocation_file() const { return dir_ / "revoked.txt"; }
  std::filesystem::path client_cert_file(const std::string& name) const;
  std::filesystem::path server_cert_file(const std::string& host) const;

 private:
  Result<IssuedCertificate> Issue(const std::string& kind, const std::string& name,
                                  const std::vector<std::string>& alt_names, Validity validity);

  std::filesystem::path dir_;
};

// Names become file names: letters, digits, '.', '-', '_'; not starting with '.'.
Status ValidateCertificateName(const std::string& name);

}  // namespace fedq::protocol
