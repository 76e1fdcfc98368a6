#include "protocol/socket_writer_bio.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace fedq::protocol {
namespace {

// A connected pair of non-blocking stream sockets: [0] written through the
// BIO, [1] read by the test.
class SocketPair {
 public:
  SocketPair() {
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds_), 0);
    for (int fd : fds_) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  }
  ~SocketPair() {
    for (int fd : fds_)
      if (fd >= 0) close(fd);
  }
  int writer() const { return fds_[0]; }
  void CloseReader() {
    close(fds_[1]);
    fds_[1] = -1;
  }
  // Everything readable now.
  std::vector<char> ReadAll() {
    std::vector<char> got;
    char chunk[65536];
    for (ssize_t n; (n = read(fds_[1], chunk, sizeof chunk)) > 0;)
      got.insert(got.end(), chunk, chunk + n);
    return got;
  }

 private:
  int fds_[2] = {-1, -1};
};

std::vector<char> Pattern(std::size_t n, int seed) {
  std::vector<char> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<char>((i * 131 + seed) & 0xFF);
  return v;
}

TEST(SocketWriterBio, GathersRecordsAndSendsThemOnFlush) {
  SocketPair pair;
  BIO* bio = NewSocketWriterBio(pair.writer());
  ASSERT_NE(bio, nullptr);
  const std::vector<char> a = Pattern(16384, 1), b = Pattern(100, 2);
  EXPECT_EQ(BIO_write(bio, a.data(), static_cast<int>(a.size())), 16384);
  EXPECT_EQ(BIO_write(bio, b.data(), static_cast<int>(b.size())), 100);
  EXPECT_EQ(BIO_wpending(bio), 16484);
  EXPECT_TRUE(pair.ReadAll().empty());  // gathered, not sent yet
  EXPECT_EQ(BIO_flush(bio), 1);
  EXPECT_EQ(BIO_wpending(bio), 0);
  std::vector<char> want = a;
  want.insert(want.end(), b.begin(), b.end());
  EXPECT_EQ(pair.ReadAll(), want);
  BIO_free(bio);
}

// A full socket makes writes ask to be retried, consuming nothing; after
// the reader drains, retrying the same bytes completes the stream exactly.
TEST(SocketWriterBio, FullSocketAsksForRetryAndLosesNothing) {
  SocketPair pair;
  BIO* bio = NewSocketWriterBio(pair.writer());
  ASSERT_NE(bio, nullptr);
  std::vector<char> sent, received;
  bool blocked = false;
  for (int record = 0; record < 2000 && sent.size() < (64u << 20); ++record) {
    const std::vector<char> r = Pattern(16384 + record % 7, record);
    int n;
    while ((n = BIO_write(bio, r.data(), static_cast<int>(r.size()))) <= 0) {
      ASSERT_TRUE(BIO_should_retry(bio) && BIO_should_write(bio));
      blocked = true;
      const std::vector<char> got = pair.ReadAll();
      received.insert(received.end(), got.begin(), got.end());
    }
    ASSERT_EQ(n, static_cast<int>(r.size()));
    sent.insert(sent.end(), r.begin(), r.end());
  }
  while (BIO_flush(bio) != 1) {
    ASSERT_TRUE(BIO_should_retry(bio));
    const std::vector<char> got = pair.ReadAll();
    received.insert(received.end(), got.begin(), got.end());
  }
  const std::vector<char> rest = pair.ReadAll();
  received.insert(received.end(), rest.begin(), rest.end());
  EXPECT_TRUE(blocked) << "the socket never filled: the test proved nothing";
  EXPECT_EQ(received, sent);
  BIO_free(bio);
}

// A peer gone is an error with EPIPE, not a SIGPIPE that kills the process.
TEST(SocketWriterBio, PeerGoneIsAnErrorNotASignal) {
  SocketPair pair;
  BIO* bio = NewSocketWriterBio(pair.writer());
  ASSERT_NE(bio, nullptr);
  pair.CloseReader();
  const std::vector<char> a = Pattern(1000, 3);
  ASSERT_EQ(BIO_write(bio, a.data(), static_cast<int>(a.size())), 1000);  // gathered
  errno = 0;
  EXPECT_EQ(BIO_flush(bio), -1);
  EXPECT_EQ(errno, EPIPE);
  EXPECT_FALSE(BIO_should_retry(bio));
  BIO_free(bio);
}

}  // namespace
}  // namespace fedq::protocol
