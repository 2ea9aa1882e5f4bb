#ifndef TSDB_CCRC32C_H
#define TSDB_CCRC32C_H

#include <stddef.h>
#include <stdint.h>

/// Non-zero when this CPU has CRC-32C instructions (x86-64: SSE4.2; aarch64: the ARMv8 CRC32
/// extension) and `tsdb_crc32c_hardware` may be called. Detected once, at run time.
int tsdb_crc32c_hardware_available(void);

/// The CRC-32C (Castagnoli) of `count` bytes at `bytes`, continuing from `crc` (0 to start); the same
/// value as the software slicing-by-8 path in ColumnStore's `CRC32C`. Call only when
/// `tsdb_crc32c_hardware_available()` returned non-zero.
uint32_t tsdb_crc32c_hardware(uint32_t crc, const void *bytes, size_t count);

#endif
