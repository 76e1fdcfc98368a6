#include "coordinator/status_routes.hpp"

#include <charconv>
#include <nlohmann/json.hpp>
#include <set>

#include "coordinator/dashboard_page.hpp"

namespace fedq::coordinator {
namespace {

using nlohmann::json;

HttpResponse Json(const json& j, int status = 200) {
  // Names come from certificates: replace bad UTF-8 instead of throwing.
  return {status, "application/json",
          j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"};
}

HttpResponse Error(int status, const std::string& message) {
  return Json(json{{"error", message}}, status);
}

// The value of `key` in "a=1&b=2", or "" if absent.
std::string QueryValue(const std::string& query, std::string_view key) {
  std::string_view q = query;
  while (!q.empty()) {
    std::string_view pair = q.substr(0, q.find('&'));
    q.remove_prefix(std::min(q.size(), pair.size() + 1));
    if (pair.substr(0, pair.find('=')) == key && pair.find('=') != std::string_view::npos) {
      return std::string(pair.substr(pair.find('=') + 1));
    }
  }
  return "";
}

json OptionalNumber(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json RunsJson(const std::vector<RunInfo>& runs) {
  json out = json::array();
  for (const RunInfo& r : runs) {
    out.push_back({{"id", r.id},
                   {"name", r.name},
                   {"model_arch", r.model_arch},
                   {"strategy", r.strategy},
                   {"created_at_ms", r.created_at_ms}});
  }
  return out;
}

json RoundsJson(const std::vector<RoundRow>& rounds) {
  json out = json::array();
  for (const RoundRow& row : rounds) {
    const RoundRecord& r = row.record;
    out.push_back({{"round", r.round},
                   {"attempt", row.attempt},
                   {"status", row.status},
                   {"started_at_ms", r.started_at_ms},
                   {"finished_at_ms", r.finished_at_ms},
                   {"participants", r.participants},
                   {"updates_accepted", row.updates_accepted},
                   {"test_accuracy", OptionalNumber(r.test_accuracy)},
                   {"test_loss", OptionalNumber(r.test_loss)},
                   {"bytes_up", r.bytes_up},
                   {"bytes_down", r.bytes_down},
                   {"failure_reason", r.failure_reason}});
  }
  return out;
}

json ClientsJson(const std::vector<ClientRecord>& clients, const std::set<std::string>& live) {
  json out = json::array();
  for (const ClientRecord& c : clients) {
    out.push_back({{"id", c.id},
                   {"name", c.name},
                   {"fingerprint", c.fingerprint},
                   {"first_seen_ms", c.first_seen_ms},
                   {"last_seen_ms", c.last_seen_ms},
                   {"rounds_participated", c.rounds_participated},
                   {"connected", live.contains(c.fingerprint)}});
  }
  return out;
}

// Runs `query` on the store thread and answers with `to_json` of its result.
template <typename Query, typename ToJson>
void Answer(StoreWorker& store, Query query, ToJson to_json,
            std::function<void(HttpResponse)> done) {
  auto shared_done = std::make_shared<std::function<void(HttpResponse)>>(std::move(done));
  bool queued = store.Post([query, to_json, shared_done](Store& s) {
    auto result = query(s);
    if (!result.ok()) {
      int status = result.status().code() == ErrorCode::kNotFound ? 404 : 500;
      (*shared_done)(Error(status, result.status().message()));
      return;
    }
    (*shared_done)(Json(to_json(*result)));
  });
  if (!queued) (*shared_done)(Error(503, "store is shutting down"));
}

}  // namespace

StatusRoutes::StatusRoutes(StoreWorker& store, const MetricsRegistry& metrics,
                           ConnectedFn connected)
    : store_(store), metrics_(metrics), connected_(std::move(connected)) {}

void StatusRoutes::Handle(const HttpRequest& request,
                          std::function<void(HttpResponse)> done) const {
  if (request.method != "GET" && request.method != "HEAD") {
    return done(Error(405, "only GET and HEAD are served"));
  }
  const std::size_t q = request.target.find('?');
  const std::string path = request.target.substr(0, q);
  const std::string query = q == std::string::npos ? "" : request.target.substr(q + 1);
  if (path == "/healthz") return done({200, "text/plain; charset=utf-8", "ok\n"});
  if (path == "/metrics") {
    return done({200, "text/plain; version=0.0.4; charset=utf-8", metrics_.RenderPrometheus()});
  }
  if (path == "/" || path == "/index.html") {
    return done({200, "text/html; charset=utf-8", std::string(DashboardPage())});
  }
  if (path.starts_with("/api/")) return Api(path, query, std::move(done));
  done(Error(404, "no such page: " + path));
}

void StatusRoutes::Api(const std::string& path, const std::string& query,
                       std::function<void(HttpResponse)> done) const {
  if (path == "/api/runs") {
    return Answer(
        store_, [](Store& s) { return s.ListRuns(); }, RunsJson, std::move(done));
  }
  if (path == "/api/rounds") {
    std::string run_text = QueryValue(query, "run");
    std::int64_t run = 0;
    auto [end, ec] = std::from_chars(run_text.data(), run_text.data() + run_text.size(), run);
    if (run_text.empty() || ec != std::errc() || end != run_text.data() + run_text.size()) {
      return done(Error(400, "/api/rounds needs ?run=<run id>"));
    }
    return Answer(
        store_, [run](Store& s) { return s.ListRounds(run); }, RoundsJson, std::move(done));
  }
  if (path == "/api/clients") {
    std::vector<std::string> live = connected_ ? connected_() : std::vector<std::string>{};
    std::set<std::string> live_set(live.begin(), live.end());
    return Answer(
        store_, [](Store& s) { return s.ListClients(); },
        [live_set](const std::vector<ClientRecord>& c) { return ClientsJson(c, live_set); },
        std::move(done));
  }
  done(Error(404, "no such API: " + path));
}

}  // namespace fedq::coordinator
