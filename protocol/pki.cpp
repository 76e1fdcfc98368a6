#include "protocol/pki.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <utility>

#include "protocol/openssl_util.hpp"
#include "protocol/revocation_list.hpp"

namespace fedq::protocol {
namespace {

namespace fs = std::filesystem;
using Extensions = std::vector<std::pair<int, std::string>>;

struct Issuer {
  X509* cert = nullptr;  // nullptr: self-signed
  EVP_PKEY* key = nullptr;
};

Status SetRandomSerial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return Internal("RAND_bytes failed");
  bytes[0] &= 0x7F;  // a positive INTEGER
  BIGNUM* bn = BN_bin2bn(bytes, sizeof bytes, nullptr);
  const bool ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != nullptr;
  BN_free(bn);
  return ok ? Status::Ok() : Internal("serial: " + OpenSslErrorText());
}

Status AddExtensions(X509* cert, X509* issuer, const Extensions& extensions) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
  for (const auto& [nid, value] : extensions) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (ext == nullptr) return Internal("extension " + value + ": " + OpenSslErrorText());
    const int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    if (ok != 1) return Internal("add extension: " + OpenSslErrorText());
  }
  return Status::Ok();
}

Result<X509Ptr> MakeCertificate(const std::string& common_name, EVP_PKEY* key, Issuer issuer,
                                const Validity& validity, const Extensions& extensions) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) return Internal("X509_new");
  FEDQ_RETURN_IF_ERROR(SetRandomSerial(cert.get()));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), validity.not_before_offset_seconds);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()),
                  validity.not_before_offset_seconds + validity.lifetime_seconds);
  X509_NAME* subject = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_NID(subject, NID_commonName, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                 -1, 0) != 1) {
    return InvalidArgument("bad common name: " + OpenSslErrorText());
  }
  const X509_NAME* issuer_name = issuer.cert ? X509_get_subject_name(issuer.cert) : subject;
  if (X509_set_issuer_name(cert.get(), issuer_name) != 1 || X509_set_pubkey(cert.get(), key) != 1) {
    return Internal("issuer/pubkey: " + OpenSslErrorText());
  }
  FEDQ_RETURN_IF_ERROR(AddExtensions(cert.get(), issuer.cert, extensions));
  EVP_PKEY* signing_key = issuer.key ? issuer.key : key;
  if (X509_sign(cert.get(), signing_key, EVP_sha256()) <= 0) {
    return Internal("sign: " + OpenSslErrorText());
  }
  return cert;
}

std::string CertificatePem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string PrivateKeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

Result<IssuedCertificate> WritePair(X509* cert, EVP_PKEY* key, const fs::path& cert_file,
                                    const fs::path& key_file) {
  std::error_code ec;
  fs::create_directories(cert_file.parent_path(), ec);
  if (ec) return IoError("mkdir " + cert_file.parent_path().string() + ": " + ec.message());
  FEDQ_RETURN_IF_ERROR(WriteFileWithMode(key_file, PrivateKeyPem(key), 0600));
  FEDQ_RETURN_IF_ERROR(WriteFileWithMode(cert_file, CertificatePem(cert), 0644));
  return IssuedCertificate{cert_file, key_file, CommonNameOf(cert), Sha256FingerprintHex(cert)};
}

Result<EvpPkeyPtr> GenerateP256Key() {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return Internal("EC key generation: " + OpenSslErrorText());
  return key;
}

void CollectInfos(const fs::path& folder, const std::string& kind, const RevocationList& revoked,
                  std::vector<CertificateInfo>& out) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.path().extension() == ".crt") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    auto cert = LoadCertificatePem(file);
    if (!cert.ok()) continue;
    const std::string fp = Sha256FingerprintHex(cert->get());
    out.push_back({kind, CommonNameOf(cert->get()), fp, NotAfterText(cert->get()),
                   revoked.Contains(fp), file});
  }
}

}  // namespace

Status ValidateCertificateName(const std::string& name) {
  if (name.empty() || name.size() > 64 || name[0] == '.') {
    return InvalidArgument("certificate name must be 1-64 characters, not starting with '.'");
  }
  for (char c : name) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
    if (!ok)
      return InvalidArgument("certificate name '" + name +
                             "' has a character other than "
                             "letters, digits, '.', '-', '_'");
  }
  return Status::Ok();
}

PkiDirectory::PkiDirectory(fs::path dir) : dir_(std::move(dir)) {}

fs::path PkiDirectory::client_cert_file(const std::string& name) const {
  return dir_ / "clients" / (name + ".crt");
}

fs::path PkiDirectory::server_cert_file(const std::string& host) const {
  return dir_ / "servers" / (host + ".crt");
}

Result<IssuedCertificate> PkiDirectory::InitCa(const std::string& common_name, Validity validity) {
  std::error_code ec;
  if (fs::exists(ca_key_file(), ec) || fs::exists(ca_cert_file(), ec)) {
    return Status(ErrorCode::kAlreadyExists, "a CA already exists in " + dir_.string());
  }
  FEDQ_ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateP256Key());
  const Extensions extensions = {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                                 {NID_key_usage, "critical,keyCertSign,cRLSign"},
                                 {NID_subject_key_identifier, "hash"}};
  FEDQ_ASSIGN_OR_RETURN(X509Ptr cert,
                        MakeCertificate(common_name, key.get(), {}, validity, extensions));
  return WritePair(cert.get(), key.get(), ca_cert_file(), ca_key_file());
}

Result<IssuedCertificate> PkiDirectory::Issue(const std::string& kind, const std::string& name,
                                              const std::vector<std::string>& alt_names,
                                              Validity validity) {
  FEDQ_RETURN_IF_ERROR(ValidateCertificateName(name));
  const fs::path folder = dir_ / (kind == "server" ? "servers" : "clients");
  std::error_code ec;
  if (fs::exists(folder / (name + ".crt"), ec)) {
    return Status(ErrorCode::kAlreadyExists,
                  "a " + kind + " certificate '" + name +
                      "' already exists (revoke it, then remove its files)");
  }
  FEDQ_ASSIGN_OR_RETURN(X509Ptr ca_cert, LoadCertificatePem(ca_cert_file()));
  FEDQ_ASSIGN_OR_RETURN(EvpPkeyPtr ca_key, LoadPrivateKeyPem(ca_key_file()));
  FEDQ_ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateP256Key());
  const bool server = kind == "server";
  Extensions extensions = {{NID_basic_constraints, "critical,CA:FALSE"},
                           {NID_key_usage, "critical,digitalSignature"},
                           {NID_ext_key_usage, server ? "serverAuth" : "clientAuth"},
                           {NID_subject_key_identifier, "hash"},
                           {NID_authority_key_identifier, "keyid:always"}};
  if (!alt_names.empty()) {
    std::string san;
    for (const auto& a : alt_names) san += (san.empty() ? "" : ",") + a;
    extensions.emplace_back(NID_subject_alt_name, san);
  }
  FEDQ_ASSIGN_OR_RETURN(
      X509Ptr cert,
      MakeCertificate(name, key.get(), {ca_cert.get(), ca_key.get()}, validity, extensions));
  return WritePair(cert.get(), key.get(), folder / (name + ".crt"), folder / (name + ".key"));
}

Result<IssuedCertificate> PkiDirectory::IssueServer(const std::string& host,
                                                    const std::vector<std::string>& ips,
                                                    Validity validity) {
  std::vector<std::string> alt_names = {"DNS:" + host};
  for (const auto& ip : ips) {
    ASN1_OCTET_STRING* parsed = a2i_IPADDRESS(ip.c_str());
    if (parsed == nullptr) return InvalidArgument("not an IP address: " + ip);
    ASN1_OCTET_STRING_free(parsed);
    alt_names.push_back("IP:" + ip);
  }
  return Issue("server", host, alt_names, validity);
}

Result<IssuedCertificate> PkiDirectory::IssueClient(const std::string& name, Validity validity) {
  return Issue("client", name, {}, validity);
}

Result<std::string> PkiDirectory::RevokeClient(const std::string& name) {
  FEDQ_RETURN_IF_ERROR(ValidateCertificateName(name));
  FEDQ_ASSIGN_OR_RETURN(X509Ptr cert, LoadCertificatePem(client_cert_file(name)));
  const std::string fp = Sha256FingerprintHex(cert.get());
  FEDQ_RETURN_IF_ERROR(RevocationList::Append(revocation_file(), fp, "client " + name));
  return fp;
}

Result<std::vector<CertificateInfo>> PkiDirectory::List() const {
  FEDQ_ASSIGN_OR_RETURN(X509Ptr ca, LoadCertificatePem(ca_cert_file()));
  FEDQ_ASSIGN_OR_RETURN(const RevocationList revoked, RevocationList::Load(revocation_file()));
  std::vector<CertificateInfo> out;
  const std::string fp = Sha256FingerprintHex(ca.get());
  out.push_back({"ca", CommonNameOf(ca.get()), fp, NotAfterText(ca.get()), false, ca_cert_file()});
  CollectInfos(dir_ / "servers", "server", revoked, out);
  CollectInfos(dir_ / "clients", "client", revoked, out);
  return out;
}

}  // namespace fedq::protocol
