// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the blob checksum.
// Uses the SSE4.2 crc32 instruction when the CPU has it (checked once at run
// time), else a table. Pure function, safe from any thread.
#pragma once

#include <cstdint>
#include <span>

namespace fedq::codec {

// CRC32C of data; Crc32c("123456789") == 0xE3069283.
uint32_t Crc32c(std::span<const uint8_t> data);

// The table-driven version alone, for tests that check both paths agree.
uint32_t Crc32cPortable(std::span<const uint8_t> data);

}  // namespace fedq::codec
