#include "common.h"
/* A small stack-machine interpreter with switch dispatch running a loop-heavy program. */
enum { PUSH, ADD, SUB, MUL, DUP, SWAP, JNZ, DEC, POP, HALT, LOAD, STORE };
int main(int argc, char **argv) {
  long n = iterations(argc, argv, 300000);
  /* acc = 0; for (i = n; i; i--) acc = acc * 31 + i */
  long prog[] = { PUSH, 0, STORE, 0, PUSH, 0, LOAD, 1, /* 8: */ LOAD, 0, PUSH, 31, MUL, LOAD, 1, ADD, STORE, 0, LOAD, 1, DEC, DUP, STORE, 1, JNZ, 8, HALT };
  long vars[2] = { 0, n };
  long stack[64]; int sp = 0; long pc = 0;
  prog[5] = 0;
  for (;;) {
    long op = prog[pc++];
    switch (op) {
      case PUSH: stack[sp++] = prog[pc++]; break;
      case ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case SWAP: { long t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; } break;
      case JNZ: { long t = prog[pc++]; if (stack[--sp]) pc = t; } break;
      case DEC: stack[sp - 1]--; break;
      case POP: sp--; break;
      case LOAD: stack[sp++] = vars[prog[pc++]]; break;
      case STORE: vars[prog[pc++]] = stack[--sp]; break;
      case HALT: goto done;
    }
  }
done:
  printf("bytecode %ld\n", vars[0]);
  return 0;
}
