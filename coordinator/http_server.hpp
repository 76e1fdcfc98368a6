// HttpServer: the coordinator's status port (Boost.Beast, HTTP/1.1), serving
// StatusRoutes on its own io_context thread. Binds 127.0.0.1 unless told
// otherwise; bounds header and body sizes, times out idle or slow peers,
// caps connections. Beast stays inside http_server.cpp (it compiles
// slowly). Start/Stop from the owner's thread; Stop is idempotent and must
// not be called from a route handler. `routes` must outlive the server.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.hpp"
#include "coordinator/status_routes.hpp"

namespace fedq::coordinator {

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port, see HttpServer::port()
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 1024;  // only GET and HEAD are served
  std::chrono::milliseconds io_timeout{10'000};
  std::size_t max_connections = 64;
};

class HttpServer {
 public:
  HttpServer(const StatusRoutes& routes, HttpServerOptions options = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the server thread.
  Status Start();
  // Stops accepting, drops open connections, joins the thread.
  void Stop();
  // The bound port (meaningful after a successful Start()).
  std::uint16_t port() const;

  struct Impl;  // defined in http_server.cpp, with the Beast session

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace fedq::coordinator
