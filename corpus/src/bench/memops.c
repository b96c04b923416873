#include "common.h"
/* memcpy and memset over mixed sizes (glibc's string functions). */
int main(int argc, char **argv) {
  long n = iterations(argc, argv, 200);
  static uint8_t src[1 << 16], dst[1 << 16];
  for (int i = 0; i < (int)sizeof src; i++) src[i] = (uint8_t)(i * 7);
  static const int sizes[] = { 1, 3, 8, 15, 16, 31, 64, 100, 255, 256, 1000, 4096, 10000, 65536 };
  uint64_t sum = 0;
  for (long it = 0; it < n; it++) {
    for (unsigned s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
      int len = sizes[s], off = (int)((it * 13 + s * 5) % 64);
      if (off + len > (int)sizeof dst) off = 0;
      memcpy(dst + off, src + (s * 17 % 64), len > (int)sizeof src - 64 ? (int)sizeof src - 64 : len);
      memset(dst + (off ^ 32) % 64, (int)(it + s), len / 2);
      sum += dst[(it * 31 + s) % sizeof dst];
    }
  }
  printf("memops %llu\n", (unsigned long long)sum);
  return 0;
}
