// Byte layout of an update blob (docs/update-blob.md is the prose spec; this
// header mirrors it as constants). Everything is little-endian. Pure
// constants: no state, safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fedq::codec::layout {

// "FQUB": FedQ Update Blob.
inline constexpr uint8_t kMagic[4] = {'F', 'Q', 'U', 'B'};
inline constexpr uint16_t kVersion = 1;

// Fixed header, then the spec string, then the payload, then the checksum.
inline constexpr std::size_t kMagicOffset = 0;       // 4 bytes
inline constexpr std::size_t kVersionOffset = 4;     // u16
inline constexpr std::size_t kSpecLenOffset = 6;     // u16, 1..kMaxSpecLen
inline constexpr std::size_t kCountOffset = 8;       // u64 element count n
inline constexpr std::size_t kSeedOffset = 16;       // u64 seed
inline constexpr std::size_t kStoredLenOffset = 24;  // u64 payload bytes as stored
inline constexpr std::size_t kRawLenOffset = 32;     // u64 payload bytes before the lossless stage
inline constexpr std::size_t kFixedHeaderSize = 40;  // the spec string starts here
inline constexpr std::size_t kChecksumSize = 4;      // CRC32C of every byte before it

inline constexpr std::size_t kMaxSpecLen = 255;
// 2^28 floats (1 GiB dense): far above any edge model, low enough that a
// lying header cannot make a decoder allocate without bound.
inline constexpr uint64_t kMaxElements = uint64_t{1} << 28;

// Payload of a top-k blob starts with a u32 byte length of the index section,
// then the indices as LEB128 varints: the first index, then each gap minus one.
inline constexpr std::size_t kIndexLenSize = 4;
inline constexpr std::size_t kMaxVarintBytes = 5;  // a u32

// Value sections: per-block f32 scales first, then the packed codes.
inline constexpr std::size_t kScaleSize = 4;
inline constexpr uint32_t kMaxBlock = 1u << 16;
inline constexpr uint32_t kMaxQsgdLevels = 127;

}  // namespace fedq::codec::layout
