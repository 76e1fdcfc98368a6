// StatusRoutes: what the status HTTP port answers, independent of Beast:
// /healthz, /metrics (Prometheus text), /api/runs, /api/rounds?run=N,
// /api/clients (JSON) and / (the dashboard). /api answers come from the
// StoreWorker's thread, never from the caller's. Nothing secret is served:
// no run config (it names key files), no keys, no update payloads.
// Thread-safe; the StoreWorker and registry must outlive it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "coordinator/metrics.hpp"
#include "coordinator/store_worker.hpp"

namespace fedq::coordinator {

struct HttpRequest {
  std::string method;  // "GET", "HEAD", ...
  std::string target;  // path and query, e.g. "/api/rounds?run=1"
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class StatusRoutes {
 public:
  // Fingerprints of the clients connected now; must be thread-safe. May be
  // empty (no live session information).
  using ConnectedFn = std::function<std::vector<std::string>()>;

  StatusRoutes(StoreWorker& store, const MetricsRegistry& metrics, ConnectedFn connected = {});

  // Calls `done` exactly once: at once, or later on the StoreWorker's thread.
  void Handle(const HttpRequest& request, std::function<void(HttpResponse)> done) const;

 private:
  void Api(const std::string& path, const std::string& query,
           std::function<void(HttpResponse)> done) const;

  StoreWorker& store_;
  const MetricsRegistry& metrics_;
  ConnectedFn connected_;
};

}  // namespace fedq::coordinator
