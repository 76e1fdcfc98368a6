// Small RAII wrappers and helpers over the OpenSSL 3 C API, shared by the PKI
// code and the TLS channel. Internal to fedq::protocol; every function is
// thread-safe (OpenSSL 3 needs no locking setup).
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.hpp"

namespace fedq::protocol {

struct X509Deleter {
  void operator()(X509* p) const { X509_free(p); }
};
struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioDeleter {
  void operator()(BIO* p) const { BIO_free_all(p); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

// Lower-case hex SHA-256 of the DER certificate, 64 characters, no colons.
std::string Sha256FingerprintHex(const X509* cert);
// The subject's commonName, or "" when it has none.
std::string CommonNameOf(const X509* cert);
// notAfter as "YYYY-MM-DD HH:MM:SS UTC".
std::string NotAfterText(const X509* cert);

// The most recent OpenSSL error queue entry as text (and clears the queue).
std::string OpenSslErrorText();

Result<X509Ptr> LoadCertificatePem(const std::filesystem::path& path);
Result<EvpPkeyPtr> LoadPrivateKeyPem(const std::filesystem::path& path);

// Writes `data` to `path` with mode `mode` (applied even when the file existed).
Status WriteFileWithMode(const std::filesystem::path& path, std::string_view data, unsigned mode);

// Fingerprint text as users may write it ("AB:CD:..", upper case) -> canonical
// lower-case hex; "" when it is not 64 hex digits.
std::string NormalizeFingerprint(std::string_view text);

}  // namespace fedq::protocol
