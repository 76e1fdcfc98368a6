#include "protocol/version_negotiation.hpp"

#include <algorithm>
#include <string>

namespace fedq::protocol {

std::optional<uint16_t> ChooseVersion(const std::vector<uint16_t>& offered) {
  std::optional<uint16_t> best;
  for (uint16_t v : offered) {
    const bool ours = std::find(kSupportedVersions.begin(), kSupportedVersions.end(), v) !=
                      kSupportedVersions.end();
    if (ours && (!best || v > *best)) best = v;
  }
  return best;
}

Error UnsupportedVersionError(const std::vector<uint16_t>& offered) {
  auto list = [](const auto& versions) {
    std::string s;
    for (uint16_t v : versions) s += (s.empty() ? "" : ", ") + std::to_string(v);
    return s.empty() ? std::string("none") : s;
  };
  Error e;
  e.code = WireError::kUnsupportedVersion;
  e.supported_versions.assign(kSupportedVersions.begin(), kSupportedVersions.end());
  e.message = "no common protocol version: client offers [" + list(offered) +
              "], coordinator supports [" + list(kSupportedVersions) + "]";
  return e;
}

}  // namespace fedq::protocol
