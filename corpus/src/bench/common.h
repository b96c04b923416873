/* Benchmark kernels: each takes an iteration count (argv[1]) and prints a checksum, so a run
 * can be checked against the native output and timed. Built with gcc -O2 -static. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
static inline long iterations(int argc, char **argv, long dflt) { return argc > 1 ? atol(argv[1]) : dflt; }
