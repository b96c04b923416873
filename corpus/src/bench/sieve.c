#include "common.h"
int main(int argc, char **argv) {
  long n = iterations(argc, argv, 20);
  enum { N = 1 << 20 };
  static char comp[N];
  long count = 0;
  for (long it = 0; it < n; it++) {
    memset(comp, 0, sizeof comp);
    for (long i = 2; i < N; i++) if (!comp[i]) { count++; for (long j = i * 2; j < N; j += i) comp[j] = 1; }
  }
  printf("sieve %ld\n", count);
  return 0;
}
