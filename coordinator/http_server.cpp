#include "coordinator/http_server.hpp"

#include <utility>  // before Asio, see DESIGN "Known pitfalls"
//
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "common/thread_name.hpp"

namespace fedq::coordinator {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

class Session;

// Lets a route answer from another thread: posts to the io_context only
// while the server runs, so no handler outlives it.
struct PostGate {
  std::mutex mu;
  asio::io_context* ioc = nullptr;
};

}  // namespace

struct HttpServer::Impl {
  Impl(const StatusRoutes& r, HttpServerOptions o) : routes(r), options(std::move(o)) {}
  void Accept();
  void Deliver(const std::weak_ptr<Session>& weak, HttpResponse response);

  const StatusRoutes& routes;
  HttpServerOptions options;
  // Before ioc: sessions destroyed with the io_context's handlers count down.
  std::size_t live_sessions = 0;  // io thread only
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::shared_ptr<PostGate> gate = std::make_shared<PostGate>();
  std::set<std::shared_ptr<Session>> awaiting;  // sessions whose answer is being computed
  std::uint16_t bound_port = 0;
  std::thread thread;
  bool started = false;
  bool stopped = false;
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl& server)
      : stream_(std::move(socket)), server_(server) {
    ++server_.live_sessions;
  }
  ~Session() { --server_.live_sessions; }

  void Read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    parser_->body_limit(server_.options.max_body_bytes);
    stream_.expires_after(server_.options.io_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void Send(HttpResponse r) {
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(r.status), 11);
    res->set(http::field::content_type, r.content_type);
    res->set(http::field::cache_control, "no-store");
    res->set("X-Content-Type-Options", "nosniff");
    res->keep_alive(keep_alive_);
    if (head_) {
      res->content_length(r.body.size());
    } else {
      res->body() = std::move(r.body);
      res->prepare_payload();
    }
    stream_.expires_after(server_.options.io_timeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
                        self->OnWritten(ec);
                      });
  }

 private:
  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return Close();
    if (ec == http::error::header_limit || ec == http::error::body_limit) {
      keep_alive_ = false;
      return Send({413, "text/plain; charset=utf-8", "request too large\n"});
    }
    if (ec) return Close();  // timeout, reset or malformed request
    const auto& req = parser_->get();
    keep_alive_ = req.keep_alive();
    head_ = req.method() == http::verb::head;
    HttpRequest request{std::string(req.method_string()), std::string(req.target())};
    server_.awaiting.insert(shared_from_this());
    std::weak_ptr<Session> weak = weak_from_this();
    auto gate = server_.gate;
    HttpServer::Impl* server = &server_;
    server_.routes.Handle(request, [gate, weak, server](HttpResponse response) {
      std::lock_guard lock(gate->mu);
      if (gate->ioc == nullptr) return;  // stopped: nobody to answer
      asio::post(*gate->ioc, [server, weak, response = std::move(response)]() mutable {
        server->Deliver(weak, std::move(response));
      });
    });
  }

  void OnWritten(beast::error_code ec) {
    if (ec || !keep_alive_) return Close();
    Read();
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpServer::Impl& server_;
  bool keep_alive_ = false;
  bool head_ = false;
};

}  // namespace

void HttpServer::Impl::Deliver(const std::weak_ptr<Session>& weak, HttpResponse response) {
  std::shared_ptr<Session> session = weak.lock();
  if (!session) return;
  awaiting.erase(session);
  session->Send(std::move(response));
}

void HttpServer::Impl::Accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (!ec) {
      if (live_sessions >= options.max_connections) {
        beast::error_code ignored;
        socket.close(ignored);  // over the cap: refuse rather than queue
      } else {
        std::make_shared<Session>(std::move(socket), *this)->Read();
      }
    }
    Accept();
  });
}

HttpServer::HttpServer(const StatusRoutes& routes, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(routes, std::move(options))) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  if (impl_->started) return FailedPrecondition("http server already started");
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->options.address, ec);
  if (ec) return InvalidArgument("http address '" + impl_->options.address + "': " + ec.message());
  tcp::endpoint endpoint(address, impl_->options.port);
  tcp::acceptor& acc = impl_->acceptor;
  if (acc.open(endpoint.protocol(), ec); !ec)
    acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return IoError("http listen on " + impl_->options.address + ":" +
                   std::to_string(impl_->options.port) + ": " + ec.message());
  }
  impl_->bound_port = acc.local_endpoint().port();
  {
    std::lock_guard lock(impl_->gate->mu);
    impl_->gate->ioc = &impl_->ioc;
  }
  impl_->started = true;
  impl_->Accept();
  impl_->thread = std::thread([this] {
    NameThisThread("fedq-http");
    impl_->ioc.run();
  });
  return Status::Ok();
}

void HttpServer::Stop() {
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  {
    std::lock_guard lock(impl_->gate->mu);
    impl_->gate->ioc = nullptr;  // answers still being computed are dropped
  }
  asio::post(impl_->ioc, [impl = impl_.get()] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
    impl->ioc.stop();
  });
  impl_->thread.join();
  impl_->awaiting.clear();  // their sockets close here, before the io_context goes
}

std::uint16_t HttpServer::port() const { return impl_->bound_port; }

}  // namespace fedq::coordinator
