#include "common.h"
static int cmp(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
int main(int argc, char **argv) {
  long n = iterations(argc, argv, 1);
  /* optional element count (default 1M, the benchmark's size; the corpus golden uses less so
   * that the interpreter-only replay stays short) */
  int N = argc > 2 ? atoi(argv[2]) : 1000000;
  int *a = malloc(N * sizeof(int));
  uint64_t sum = 0;
  for (long it = 0; it < n; it++) {
    uint32_t s = 12345 + (uint32_t)it;
    for (int i = 0; i < N; i++) { s = s * 1103515245u + 12345u; a[i] = (int)(s >> 1); }
    qsort(a, N, sizeof(int), cmp);
    for (int i = 0; i < N; i += 1000) sum += (uint32_t)a[i];
  }
  printf("qsort %llu %d %d\n", (unsigned long long)sum, a[0], a[N - 1]);
  free(a);
  return 0;
}
