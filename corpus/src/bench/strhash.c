#include "common.h"
/* Hashing strings: FNV-1a and djb2 over words of varying lengths, plus strlen/strcmp. */
int main(int argc, char **argv) {
  long n = iterations(argc, argv, 200);
  static char words[4096][24];
  for (int i = 0; i < 4096; i++) {
    int len = 3 + i % 19;
    for (int k = 0; k < len; k++) words[i][k] = (char)('a' + (i * 7 + k * 13) % 26);
    words[i][len] = 0;
  }
  uint64_t h1 = 1469598103934665603ull; uint32_t h2 = 5381; long eq = 0;
  for (long it = 0; it < n; it++) {
    for (int i = 0; i < 4096; i++) {
      const char *w = words[i];
      size_t len = strlen(w);
      for (size_t k = 0; k < len; k++) { h1 = (h1 ^ (uint8_t)w[k]) * 1099511628211ull; h2 = h2 * 33 + (uint8_t)w[k]; }
      eq += strcmp(w, words[(i + 1) & 4095]) < 0;
    }
  }
  printf("strhash %016llx %08x %ld\n", (unsigned long long)h1, h2, eq);
  return 0;
}
