// CRC-32C with the CPU's CRC instructions. The caller (ColumnStore's CRC32C.swift) asks
// tsdb_crc32c_hardware_available() once and otherwise uses its software path, so this file only has to
// compile everywhere; the instructions are enabled per function (target attributes), never for the
// whole target, so the binary still runs on CPUs without them.
//
// Convention: like the software path, the state is complemented on entry and on exit, so
// crc(a ++ b) == crc(b, continuing: crc(a)) and crc("123456789") == 0xE3069283.

#include "CCRC32C.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#include <nmmintrin.h>

#define TSDB_CRC32C_HAVE_HW 1

int tsdb_crc32c_hardware_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2") ? 1 : 0;
}

__attribute__((target("sse4.2")))
uint32_t tsdb_crc32c_hardware(uint32_t crc, const void *bytes, size_t count) {
    const unsigned char *p = (const unsigned char *)bytes;
    uint64_t c = (uint32_t)~crc;
    // Head: single bytes up to 8-byte alignment, so the loads below are aligned.
    while (count > 0 && ((uintptr_t)p & 7) != 0) {
        c = _mm_crc32_u8((uint32_t)c, *p);
        p++;
        count--;
    }
    // Body: 32 bytes per iteration (the instruction's latency is 3 cycles; one stream, unrolled).
    while (count >= 32) {
        uint64_t w0, w1, w2, w3;
        memcpy(&w0, p, 8);
        memcpy(&w1, p + 8, 8);
        memcpy(&w2, p + 16, 8);
        memcpy(&w3, p + 24, 8);
        c = _mm_crc32_u64(c, w0);
        c = _mm_crc32_u64(c, w1);
        c = _mm_crc32_u64(c, w2);
        c = _mm_crc32_u64(c, w3);
        p += 32;
        count -= 32;
    }
    while (count >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        c = _mm_crc32_u64(c, w);
        p += 8;
        count -= 8;
    }
    while (count > 0) {
        c = _mm_crc32_u8((uint32_t)c, *p);
        p++;
        count--;
    }
    return ~(uint32_t)c;
}

#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__)) && \
    (defined(__ARM_FEATURE_CRC32) || (defined(__linux__) && defined(__has_include) && __has_include(<sys/auxv.h>)))

#include <arm_acle.h>

#define TSDB_CRC32C_HAVE_HW 1

#if defined(__ARM_FEATURE_CRC32)
// Every CPU this binary targets has the instructions (e.g. Apple silicon, or -march=armv8.1-a and later).
int tsdb_crc32c_hardware_available(void) { return 1; }
#define TSDB_CRC32C_TARGET
#else
#include <sys/auxv.h>
#ifndef HWCAP_CRC32
#define HWCAP_CRC32 (1 << 7)
#endif
int tsdb_crc32c_hardware_available(void) { return (getauxval(AT_HWCAP) & HWCAP_CRC32) ? 1 : 0; }
#define TSDB_CRC32C_TARGET __attribute__((target("crc")))
#endif

TSDB_CRC32C_TARGET
uint32_t tsdb_crc32c_hardware(uint32_t crc, const void *bytes, size_t count) {
    const unsigned char *p = (const unsigned char *)bytes;
    uint32_t c = ~crc;
    while (count > 0 && ((uintptr_t)p & 7) != 0) {
        c = __crc32cb(c, *p);
        p++;
        count--;
    }
    while (count >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        c = __crc32cd(c, w);
        p += 8;
        count -= 8;
    }
    while (count > 0) {
        c = __crc32cb(c, *p);
        p++;
        count--;
    }
    return ~c;
}

#endif

#ifndef TSDB_CRC32C_HAVE_HW
// No CRC instructions known for this target: the software path is always used.
int tsdb_crc32c_hardware_available(void) { return 0; }

uint32_t tsdb_crc32c_hardware(uint32_t crc, const void *bytes, size_t count) {
    (void)bytes;
    (void)count;
    __builtin_trap();
    return crc;
}
#endif
