// Hostile or broken peers over loopback TLS: each gets a clear Error (or is
// dropped at its deadline) and a closed connection, and afterwards a good
// client still connects and completes an exchange.
#include <sys/resource.h>

#include "loopback_fixture.hpp"
#include "protocol/frame_header.hpp"

namespace fedq::protocol::testing {
namespace {

using namespace std::chrono_literals;

ChannelOptions ShortTimeouts() {
  ChannelOptions o;
  o.read_timeout = 200ms;  // the drip test's pace (300 ms a byte) is slower than this
  o.write_timeout = 2000ms;
  return o;
}

long MaxRssKiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

std::vector<uint8_t> Header(uint16_t type, uint32_t json_length, uint32_t binary_length,
                            uint32_t magic = kMagic) {
  const auto h =
      EncodeHeader(FrameHeader{magic, kProtocolVersion, type, json_length, binary_length});
  return {h.begin(), h.end()};
}

class BadPeerTest : public ::testing::Test {
 protected:
  // The answer must be an Error with `code`; then the server ends the session.
  void ExpectErrorThenGoodClient(const Result<Message>& answer, WireError code) {
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    const auto* error = std::get_if<Error>(&*answer);
    ASSERT_NE(error, nullptr) << "answer is message type " << static_cast<int>(TypeOf(*answer));
    EXPECT_EQ(error->code, code) << error->message;
    EXPECT_FALSE(error->message.empty());
    const auto sessions = server_.WaitForSessions(1);
    EXPECT_FALSE(sessions.at(0).end.ok());
    ExpectGoodClientWorks(2);
  }

  void ExpectGoodClientWorks(size_t sessions_after) {
    const Status s =
        server_.Run(FullExchange(MakeConnector(SharedPki().good_client), server_.port()));
    EXPECT_TRUE(s.ok()) << s.ToString();
    const auto sessions = server_.WaitForSessions(sessions_after);
    EXPECT_TRUE(sessions.back().end.ok()) << sessions.back().end.ToString();
  }

  Result<Message> SendRaw(std::vector<uint8_t> bytes) {
    return server_.Run(SendRawAndReceive(MakeConnector(SharedPki().good_client), server_.port(),
                                         std::move(bytes)));
  }

  LoopbackServer server_{ShortTimeouts()};
};

TEST_F(BadPeerTest, RejectsOversizeLengthBeforeAllocating) {
  const uint64_t allocated_before = Channel::TotalBodyBytesAllocated();
  const long rss_before = MaxRssKiB();
  Result<Message> answer = SendRaw(Header(4, 100, 0xFFFFFFF0u));  // a 4 GiB "update"
  // Only the client's receipt of the small Error reply counts, not 4 GiB.
  EXPECT_LT(Channel::TotalBodyBytesAllocated() - allocated_before, 4096u);
  EXPECT_LT(MaxRssKiB() - rss_before, 64 * 1024) << "max RSS grew by more than 64 MiB";
  ExpectErrorThenGoodClient(answer, WireError::kTooLarge);
}

TEST_F(BadPeerTest, RejectsOversizeJsonLength) {
  const uint64_t allocated_before = Channel::TotalBodyBytesAllocated();
  Result<Message> answer = SendRaw(Header(1, 0x7FFFFFFFu, 0));
  EXPECT_LT(Channel::TotalBodyBytesAllocated() - allocated_before, 4096u);
  ExpectErrorThenGoodClient(answer, WireError::kTooLarge);
}

TEST_F(BadPeerTest, RejectsGarbageBytes) {
  std::vector<uint8_t> garbage(300);
  for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<uint8_t>(i * 37 + 11);
  ExpectErrorThenGoodClient(SendRaw(garbage), WireError::kBadFrame);
}

TEST_F(BadPeerTest, RejectsUnknownMessageType) {
  ExpectErrorThenGoodClient(SendRaw(Header(99, 2, 0)), WireError::kBadFrame);
}

TEST_F(BadPeerTest, RejectsMalformedJsonInAValidHeader) {
  const std::string json = "{\"software_version\": \"0.1\", \"protocol_versions\": [1";
  std::vector<uint8_t> frame = Header(1, static_cast<uint32_t>(json.size()), 0);
  frame.insert(frame.end(), json.begin(), json.end());
  ExpectErrorThenGoodClient(SendRaw(frame), WireError::kBadMessage);
}

TEST_F(BadPeerTest, RejectsFieldOfTheWrongType) {
  const std::string json =
      R"({"software_version":"0.1","protocol_versions":[1],"codecs":[],"max_frame_bytes":"big"})";
  std::vector<uint8_t> frame = Header(1, static_cast<uint32_t>(json.size()), 0);
  frame.insert(frame.end(), json.begin(), json.end());
  Result<Message> answer = SendRaw(frame);
  ASSERT_TRUE(answer.ok());
  ASSERT_TRUE(std::holds_alternative<Error>(*answer));
  EXPECT_NE(std::get<Error>(*answer).message.find("max_frame_bytes"), std::string::npos);
  ExpectErrorThenGoodClient(answer, WireError::kBadMessage);
}

awaitable<Status> SendTruncatedThenClose(ClientConnector connector, uint16_t port) {
  auto channel = co_await connector.Connect("127.0.0.1", port);
  if (!channel.ok()) co_return channel.status();
  std::vector<uint8_t> frame = Header(4, 200, 1000);
  frame.resize(frame.size() + 50, '{');  // 50 of the 1200 body bytes, then gone
  auto shared = std::make_shared<const OutgoingFrame>(RawOutgoingFrame(std::move(frame)));
  const Status sent = co_await (*channel)->SendEncoded(shared);
  (*channel)->Close("test: truncating");
  co_return sent;
}

TEST_F(BadPeerTest, TruncatedFrameThenCloseEndsOnlyThatSession) {
  const Status sent =
      server_.Run(SendTruncatedThenClose(MakeConnector(SharedPki().good_client), server_.port()));
  ASSERT_TRUE(sent.ok()) << sent.ToString();
  const auto sessions = server_.WaitForSessions(1);
  EXPECT_EQ(sessions.at(0).end.code(), ErrorCode::kUnavailable) << sessions[0].end.ToString();
  EXPECT_NE(sessions[0].end.message().find("frame body"), std::string::npos);
  ExpectGoodClientWorks(2);
}

// Drips the start of a valid Hello one byte per 300 ms: slower than the
// server's 200 ms frame deadline. Two bytes suffice to cross it.
awaitable<Result<Message>> DripHello(ClientConnector connector, uint16_t port) {
  auto channel = co_await connector.Connect("127.0.0.1", port);
  if (!channel.ok()) co_return channel.status();
  const Message hello = GoodHello();
  const std::vector<uint8_t> frame = EncodeFrame(hello);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (size_t i = 0; i < 2; ++i) {
    auto one = std::make_shared<const OutgoingFrame>(RawOutgoingFrame({frame[i]}));
    const Status sent = co_await (*channel)->SendEncoded(one);
    if (!sent.ok()) break;
    timer.expires_after(300ms);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  Result<Message> answer = co_await (*channel)->Receive(2000ms);
  co_return answer;
}

TEST_F(BadPeerTest, DropsSlowDripPeerAtTheReadDeadline) {
  Result<Message> answer =
      server_.Run(DripHello(MakeConnector(SharedPki().good_client), server_.port()));
  const auto sessions = server_.WaitForSessions(1);
  EXPECT_EQ(sessions.at(0).end.code(), ErrorCode::kTimeout) << sessions[0].end.ToString();
  EXPECT_FALSE(sessions[0].welcomed);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  ASSERT_TRUE(std::holds_alternative<Error>(*answer));
  EXPECT_EQ(std::get<Error>(*answer).code, WireError::kTimeout);
  ExpectGoodClientWorks(2);
}

}  // namespace
}  // namespace fedq::protocol::testing
