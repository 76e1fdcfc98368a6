// The status dashboard: one self-contained HTML page (inline CSS and JS,
// canvas charts) that loads everything from /api/* and /metrics and
// refreshes itself. No external URL: the coordinator may have no internet.
// Immutable; thread-safe.
#pragma once

#include <string_view>

namespace fedq::coordinator {

std::string_view DashboardPage();

}  // namespace fedq::coordinator
