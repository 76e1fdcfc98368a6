// TLS settings from config, and the one place fedq makes OpenSSL contexts:
// TLS 1.3 only, mutual authentication against one CA, revocation by
// certificate fingerprint on the server side. A made context is immutable and
// may be shared by every connection on any thread.
#pragma once

#include <openssl/ssl.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/status.hpp"
#include "protocol/asio.hpp"
#include "protocol/revocation_list.hpp"

namespace fedq::protocol {

struct TlsConfig {
  std::filesystem::path ca_file;  // the CA that signs the peer's certificate
  std::filesystem::path
      cert_file;  // our certificate (PEM); a client may leave it empty (then refused)
  std::filesystem::path key_file;         // our private key (PEM, mode 0600)
  std::filesystem::path revocation_file;  // server: fingerprints to refuse; optional
  std::string server_name;  // client: the name (or IP) the coordinator's certificate must carry
};

// Server side: requires a client certificate signed by ca_file, not expired,
// with the clientAuth purpose, whose fingerprint is not in `revoked` (the
// list read from revocation_file, which the caller may replace later).
Result<std::shared_ptr<asio::ssl::context>> MakeServerTlsContext(
    const TlsConfig& config, std::shared_ptr<LiveRevocationList> revoked);
// config.revocation_file read now (none: an empty list).
Result<RevocationList> LoadRevocations(const TlsConfig& config);

// Client side: verifies the coordinator's chain against ca_file. The host name
// is checked per connection (ClientConnector), since one context may serve several.
Result<std::shared_ptr<asio::ssl::context>> MakeClientTlsContext(const TlsConfig& config);

// Sets SNI and the expected name (DNS name or IP address) on one connection.
Status ExpectServerName(SSL* ssl, const std::string& name);

}  // namespace fedq::protocol
