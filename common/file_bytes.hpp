// Whole-file reads into memory, transparently inflating gzip (detected by
// the magic bytes 1f 8b, never by the file name). Every read has a hard cap
// on the bytes it produces, so a gzip bomb is an error, not an OOM.
// Free functions with no shared state: safe to call from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/status.hpp"

namespace fedq {

// Large enough for every Fashion-MNIST / MNIST file (47 MB uncompressed).
inline constexpr std::size_t kDefaultMaxFileBytes = std::size_t{1} << 30;

// True if `bytes` starts with the gzip magic 1f 8b.
bool LooksLikeGzip(std::span<const uint8_t> bytes);

// Inflates one or more concatenated gzip members. Errors (kCorrupt) on a bad
// or truncated stream or trailing garbage; kOutOfRange if the output would
// exceed `max_output`.
Result<std::vector<uint8_t>> InflateGzip(std::span<const uint8_t> compressed,
                                         std::size_t max_output = kDefaultMaxFileBytes);

// Reads `path` whole; if it is gzip, returns the inflated bytes. Both the
// file and the inflated data are limited to `max_bytes`.
Result<std::vector<uint8_t>> ReadFileMaybeGzip(const std::string& path,
                                               std::size_t max_bytes = kDefaultMaxFileBytes);

}  // namespace fedq
