// PkiDirectory and RevocationList: files, modes, chains, refusal of misuse.
#include "protocol/pki.hpp"

#include <gtest/gtest.h>
#include <openssl/x509_vfy.h>
#include <unistd.h>

#include <fstream>

#include "protocol/openssl_util.hpp"
#include "protocol/revocation_list.hpp"

namespace fedq::protocol {
namespace {

namespace fs = std::filesystem;

class PkiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("fedq-pki-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    ASSERT_TRUE(pki_.InitCa("unit CA").ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Verifies `cert_file` against the directory's CA with OpenSSL's own verifier.
  int VerifyAgainstCa(const fs::path& cert_file) {
    auto ca = LoadCertificatePem(pki_.ca_cert_file());
    auto leaf = LoadCertificatePem(cert_file);
    X509_STORE* store = X509_STORE_new();
    X509_STORE_add_cert(store, ca->get());
    X509_STORE_CTX* ctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(ctx, store, leaf->get(), nullptr);
    const int ok = X509_verify_cert(ctx);
    const int error = ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    return error;
  }

  fs::path dir_;
  PkiDirectory pki_{fs::path(::testing::TempDir()) /
                    ("fedq-pki-" + std::to_string(::getpid()) + "-" +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name())};
};

TEST_F(PkiTest, IssuesCertificatesThatChainToTheCa) {
  auto server = pki_.IssueServer("coord.example", {"127.0.0.1", "::1"});
  auto client = pki_.IssueClient("device-1");
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ(VerifyAgainstCa(server->cert_file), X509_V_OK);
  EXPECT_EQ(VerifyAgainstCa(client->cert_file), X509_V_OK);
  EXPECT_EQ(client->common_name, "device-1");
  auto loaded = LoadCertificatePem(client->cert_file);
  EXPECT_EQ(Sha256FingerprintHex(loaded->get()), client->fingerprint_sha256);
  EXPECT_EQ(client->fingerprint_sha256.size(), 64u);
}

TEST_F(PkiTest, WritesPrivateKeysWithMode0600) {
  auto client = pki_.IssueClient("device-1");
  ASSERT_TRUE(client.ok());
  for (const fs::path& key : {pki_.ca_key_file(), client->key_file}) {
    EXPECT_EQ(fs::status(key).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write)
        << key;
  }
}

TEST_F(PkiTest, MakesExpiredCertificatesOnRequest) {
  auto old = pki_.IssueClient("old", Validity{-10 * 86400, 86400});
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(VerifyAgainstCa(old->cert_file), X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST_F(PkiTest, RefusesSecondCaDuplicateNamesAndPathTricks) {
  EXPECT_EQ(pki_.InitCa().status().code(), ErrorCode::kAlreadyExists);
  ASSERT_TRUE(pki_.IssueClient("a").ok());
  EXPECT_EQ(pki_.IssueClient("a").status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(pki_.IssueClient("../evil").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(pki_.IssueClient(".hidden").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(pki_.IssueServer("h", {"not-an-ip"}).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(PkiTest, RevokeAppendsTheFingerprintAndListShowsIt) {
  auto a = pki_.IssueClient("a");
  auto b = pki_.IssueClient("b");
  ASSERT_TRUE(a.ok() && b.ok());
  auto revoked = pki_.RevokeClient("b");
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(*revoked, b->fingerprint_sha256);
  auto list = RevocationList::Load(pki_.revocation_file());
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->Contains(b->fingerprint_sha256));
  EXPECT_FALSE(list->Contains(a->fingerprint_sha256));
  auto infos = pki_.List();
  ASSERT_TRUE(infos.ok());
  ASSERT_EQ(infos->size(), 3u);  // ca, a, b
  EXPECT_EQ((*infos)[0].kind, "ca");
  EXPECT_FALSE((*infos)[1].revoked);
  EXPECT_TRUE((*infos)[2].revoked);
}

TEST(RevocationListTest, AcceptsCommentsColonsAndUpperCase) {
  const fs::path file = fs::path(::testing::TempDir()) / ("revoked-" + std::to_string(::getpid()));
  const std::string fp(64, 'a');
  std::string colons;
  for (int i = 0; i < 32; ++i) colons += std::string(i ? ":" : "") + "BB";
  std::ofstream(file) << "# revoked devices\n\n" << fp << "  # lost phone\n" << colons << "\r\n";
  auto list = RevocationList::Load(file);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->size(), 2u);
  EXPECT_TRUE(list->Contains(std::string(64, 'b')));
  fs::remove(file);
}

TEST(RevocationListTest, NamesTheBadLineAndTreatsMissingFileAsEmpty) {
  const fs::path file =
      fs::path(::testing::TempDir()) / ("revoked-bad-" + std::to_string(::getpid()));
  std::ofstream(file) << std::string(64, 'a') << "\nnot-a-fingerprint\n";
  auto list = RevocationList::Load(file);
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.status().message().find(":2:"), std::string::npos) << list.status().message();
  fs::remove(file);
  auto empty = RevocationList::Load(file);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->size(), 0u);
}

}  // namespace
}  // namespace fedq::protocol
