#include "protocol/tls_config.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>

#include "protocol/openssl_util.hpp"

namespace fedq::protocol {
namespace {

using Context = asio::ssl::context;

// OpenSSL decodes a certificate's extensions (key identifiers, purposes)
// lazily, on first use, under that certificate's lock, while other
// handshakes compare them without it (ThreadSanitizer sees parallel
// handshakes race on the CA's key identifier; openssl/openssl#25202).
// Decoding them here, before the context is shared, leaves handshakes only
// reading.
void CacheCertificateExtensions(X509_STORE* store) {
  STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(store);
  for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i) {
    if (X509* cert = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objects, i))) {
      X509_check_purpose(cert, -1, 0);
    }
  }
}

Result<std::shared_ptr<Context>> MakeBase(const TlsConfig& config, Context::method method) {
  std::shared_ptr<Context> ctx;
  try {
    ctx = std::make_shared<Context>(method);
  } catch (const std::exception& e) {
    return Internal(std::string("SSL context: ") + e.what());
  }
  SSL_CTX* native = ctx->native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION) != 1) {
    return Internal("cannot restrict the context to TLS 1.3: " + OpenSslErrorText());
  }
  // AES-128-GCM first: the fastest with AES instructions (most of a
  // round's CPU is record encryption), ChaCha20 next for devices without
  // them. The server follows the client's order.
  if (SSL_CTX_set_ciphersuites(
          native, "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384") !=
      1) {
    return Internal("cannot set the TLS 1.3 cipher suites: " + OpenSslErrorText());
  }

  boost::system::error_code ec;
  ctx->load_verify_file(config.ca_file.string(), ec);
  if (ec) return IoError("CA file " + config.ca_file.string() + ": " + ec.message());
  CacheCertificateExtensions(SSL_CTX_get_cert_store(native));
  if (config.cert_file.empty() && method == Context::tls_client) {
    return ctx;  // a client without a certificate: the coordinator refuses it (tests)
  }
  ctx->use_certificate_chain_file(config.cert_file.string(), ec);
  if (ec) return IoError("certificate " + config.cert_file.string() + ": " + ec.message());
  ctx->use_private_key_file(config.key_file.string(), Context::pem, ec);
  if (ec) return IoError("private key " + config.key_file.string() + ": " + ec.message());
  if (SSL_CTX_check_private_key(native) != 1) {
    return InvalidArgument("private key " + config.key_file.string() + " does not match " +
                           config.cert_file.string());
  }
  return ctx;
}

// Refuses a revoked leaf certificate inside the handshake, so a revoked
// client never reaches a session.
bool VerifyNotRevoked(const LiveRevocationList& revoked, bool preverified,
                      asio::ssl::verify_context& vctx) {
  X509_STORE_CTX* store = vctx.native_handle();
  if (!preverified || X509_STORE_CTX_get_error_depth(store) != 0) return preverified;
  const std::string fp = Sha256FingerprintHex(X509_STORE_CTX_get_current_cert(store));
  if (!revoked.current()->Contains(fp)) return true;
  spdlog::warn("tls: refusing revoked certificate CN='{}' sha256={}",
               CommonNameOf(X509_STORE_CTX_get_current_cert(store)), fp);
  X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REVOKED);
  return false;
}

}  // namespace

Result<RevocationList> LoadRevocations(const TlsConfig& config) {
  if (config.revocation_file.empty()) return RevocationList{};
  return RevocationList::Load(config.revocation_file);
}

Result<std::shared_ptr<Context>> MakeServerTlsContext(const TlsConfig& config,
                                                      std::shared_ptr<LiveRevocationList> revoked) {
  FEDQ_ASSIGN_OR_RETURN(auto ctx, MakeBase(config, Context::tls_server));
  boost::system::error_code ec;
  ctx->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert, ec);
  if (!ec) {
    ctx->set_verify_callback(
        [revoked](bool pre, asio::ssl::verify_context& v) {
          return VerifyNotRevoked(*revoked, pre, v);
        },
        ec);
  }
  if (ec) return Internal("verify setup: " + ec.message());
  // No session tickets: every connection proves its certificate afresh.
  SSL_CTX_set_num_tickets(ctx->native_handle(), 0);
  return ctx;
}

Result<std::shared_ptr<Context>> MakeClientTlsContext(const TlsConfig& config) {
  FEDQ_ASSIGN_OR_RETURN(auto ctx, MakeBase(config, Context::tls_client));
  boost::system::error_code ec;
  ctx->set_verify_mode(asio::ssl::verify_peer, ec);
  if (ec) return Internal("verify setup: " + ec.message());
  return ctx;
}

Status ExpectServerName(SSL* ssl, const std::string& name) {
  if (name.empty()) return InvalidArgument("TLS: the coordinator's name to verify is empty");
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  boost::system::error_code ec;
  asio::ip::make_address(name, ec);
  if (!ec) {  // an IP address: match an IP SAN; no SNI (RFC 6066 forbids literals)
    if (X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) != 1) {
      return InvalidArgument("bad IP address " + name);
    }
    return Status::Ok();
  }
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (SSL_set1_host(ssl, name.c_str()) != 1 || SSL_set_tlsext_host_name(ssl, name.c_str()) != 1) {
    return InvalidArgument("cannot set TLS server name " + name);
  }
  return Status::Ok();
}

}  // namespace fedq::protocol
