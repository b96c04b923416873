#include "common.h"
int main(int argc, char **argv) {
  long n = iterations(argc, argv, 4);
  enum { N = 128 };
  static double a[N][N], b[N][N], c[N][N];
  for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) { a[i][j] = (i * j % 7) - 3.0; b[i][j] = (i + 2 * j) % 5 + 0.5; }
  double tr = 0;
  for (long it = 0; it < n; it++) {
    for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) c[i][j] = 0;
    for (int i = 0; i < N; i++) for (int k = 0; k < N; k++) { double x = a[i][k]; for (int j = 0; j < N; j++) c[i][j] += x * b[k][j]; }
    for (int i = 0; i < N; i++) tr += c[i][i];
    a[it % N][(it * 7) % N] += 1.0;
  }
  printf("matmul %.3f\n", tr);
  return 0;
}
