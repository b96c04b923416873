#include "common.h"
int main(int argc, char **argv) {
  long n = iterations(argc, argv, 40);
  static uint32_t table[256];
  for (uint32_t i = 0; i < 256; i++) { uint32_t c = i; for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1; table[i] = c; }
  static uint8_t buf[1 << 18];
  for (int i = 0; i < (int)sizeof buf; i++) buf[i] = (uint8_t)(i ^ (i >> 7));
  uint32_t crc = 0;
  for (long it = 0; it < n; it++) {
    uint32_t c = ~crc;
    for (size_t i = 0; i < sizeof buf; i++) c = table[(c ^ buf[i]) & 0xff] ^ (c >> 8);
    crc = ~c;
  }
  printf("crc32 %08x\n", crc);
  return 0;
}
