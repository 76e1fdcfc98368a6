#include "protocol/tls_socket.hpp"

#include <openssl/err.h>

#include <cerrno>

#include "protocol/openssl_util.hpp"
#include "protocol/socket_writer_bio.hpp"

namespace fedq::protocol {
namespace {

using boost::system::error_code;

}  // namespace

Result<TlsSocket> TlsSocket::Create(tcp::socket socket, asio::ssl::context& context) {
  SSL* ssl = SSL_new(context.native_handle());
  if (ssl == nullptr) return Internal("SSL_new: " + OpenSslErrorText());
  TlsSocket tls(std::move(socket), ssl);
  error_code ec;
  tls.socket_.non_blocking(true, ec);
  if (ec) return IoError("socket: " + ec.message());
  // The descriptor stays the asio socket's: neither BIO closes it.
  const int fd = static_cast<int>(tls.socket_.native_handle());
  BIO* reader = BIO_new_socket(fd, BIO_NOCLOSE);
  BIO* writer = NewSocketWriterBio(fd);
  if (reader == nullptr || writer == nullptr) {
    BIO_free(reader);
    BIO_free(writer);
    return Internal("TLS socket BIOs: " + OpenSslErrorText());
  }
  SSL_set_bio(ssl, reader, writer);
  // Buffers are freed whenever empty, so quiet connections hold none.
  SSL_set_mode(ssl, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  return tls;
}

void TlsSocket::SetReadAhead(std::size_t bytes) {
  SSL_set_read_ahead(ssl_.get(), bytes > 0 ? 1 : 0);
  SSL_set_default_read_buffer_len(ssl_.get(), bytes);
}

// What an SSL call that returned `result` <= 0 wants: read or write
// readiness, or nothing more (then `failure` says why). Called at once after
// the call, before anything else can touch errno or the error queue.
TlsSocket::Outcome TlsSocket::Classify(int result) const {
  const int saved_errno = errno;
  const int reason = SSL_get_error(ssl_.get(), result);
  if (reason == SSL_ERROR_WANT_READ) return {Retry::kWhenReadable, {}};
  if (reason == SSL_ERROR_WANT_WRITE) return {Retry::kWhenWritable, {}};
  error_code failure;
  const unsigned long error = ERR_peek_error();
  ERR_clear_error();
  if (reason == SSL_ERROR_ZERO_RETURN) {
    failure = asio::error::eof;
  } else if (reason == SSL_ERROR_SYSCALL) {
    failure = saved_errno == 0 ? error_code(asio::ssl::error::stream_truncated)
                               : error_code(saved_errno, asio::error::get_system_category());
  } else if (reason != SSL_ERROR_SSL) {
    failure = asio::ssl::error::unexpected_result;
  } else if (ERR_GET_REASON(error) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
    failure = asio::ssl::error::stream_truncated;
  } else {
    failure = error_code(static_cast<int>(error), asio::error::get_ssl_category());
  }
  return {Retry::kNever, failure};
}

awaitable<error_code> TlsSocket::Resume(Outcome outcome) {
  if (outcome.retry == Retry::kNever) co_return outcome.failure;
  error_code ec;
  const auto wait =
      outcome.retry == Retry::kWhenReadable ? tcp::socket::wait_read : tcp::socket::wait_write;
  co_await socket_.async_wait(wait, asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

// Every loop below checks that the socket is still open before touching
// OpenSSL: after a close, the descriptor number may already belong to
// another connection.

awaitable<error_code> TlsSocket::Handshake(Role role) {
  if (role == Role::kClient) {
    SSL_set_connect_state(ssl_.get());
  } else {
    SSL_set_accept_state(ssl_.get());
  }
  while (socket_.is_open()) {
    ERR_clear_error();
    const int result = SSL_do_handshake(ssl_.get());
    if (result == 1) co_return error_code{};
    // Classify runs as the argument: before anything can touch errno.
    if (error_code ec = co_await Resume(Classify(result))) co_return ec;
  }
  co_return asio::error::operation_aborted;
}

awaitable<error_code> TlsSocket::ReadExactly(asio::mutable_buffer buffer) {
  auto* next = static_cast<uint8_t*>(buffer.data());
  std::size_t left = buffer.size();
  while (left > 0) {
    if (!socket_.is_open()) co_return asio::error::operation_aborted;
    ERR_clear_error();
    std::size_t got = 0;
    const int result = SSL_read_ex(ssl_.get(), next, left, &got);
    if (result == 1) {
      next += got;
      left -= got;
      continue;
    }
    // Classify runs as the argument: before anything can touch errno.
    if (error_code ec = co_await Resume(Classify(result))) co_return ec;
  }
  co_return error_code{};
}

awaitable<error_code> TlsSocket::WriteAll(std::span<const asio::const_buffer> buffers) {
  for (const asio::const_buffer& buffer : buffers) {
    const auto* next = static_cast<const uint8_t*>(buffer.data());
    std::size_t left = buffer.size();
    while (left > 0) {
      if (!socket_.is_open()) co_return asio::error::operation_aborted;
      ERR_clear_error();
      std::size_t put = 0;
      // Without SSL_MODE_ENABLE_PARTIAL_WRITE this writes everything or asks
      // to be called again with the same bytes once the socket is writable.
      const int result = SSL_write_ex(ssl_.get(), next, left, &put);
      if (result == 1) {
        next += put;
        left -= put;
        continue;
      }
      // Classify runs as the argument: before anything can touch errno.
      if (error_code ec = co_await Resume(Classify(result))) co_return ec;
    }
  }
  // The last records may still be gathered in the writer BIO.
  BIO* out = SSL_get_wbio(ssl_.get());
  while (socket_.is_open()) {
    ERR_clear_error();
    errno = 0;
    if (BIO_flush(out) == 1) co_return error_code{};
    if (!BIO_should_retry(out)) {
      co_return errno != 0 ? error_code(errno, asio::error::get_system_category())
                           : error_code(asio::error::broken_pipe);
    }
    if (error_code ec = co_await Resume({Retry::kWhenWritable, {}})) co_return ec;
  }
  co_return asio::error::operation_aborted;
}

}  // namespace fedq::protocol
