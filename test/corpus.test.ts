/**
 * Every corpus case must reproduce its native golden output with the JIT on: stdout, stderr,
 * exit status or killing signal, and (for cases run in a fixture directory) the directory tree
 * left behind. The goldens were recorded by corpus/record.mjs on x86-64 Linux.
 * corpus-interpreter.test.ts replays the same goldens with the JIT off.
 *
 * Blocks are translated after 32 executions here, not after the default 16000 (which is tuned
 * for speed, see src/jit/engine.ts): most corpus programs are short, and at the default they
 * would run almost entirely in the interpreter, so this suite would not test the JIT.
 *
 * This suite runs the built dist/ (what `npx x64run` and the benchmarks run: tsc's output after
 * the build inlined numeric constants, src/tools/inline-constants.ts); the interpreter suite
 * runs the TypeScript sources. `npm test` builds dist first.
 */
import { describeCorpus } from './helpers/corpus-suite.js';

describeCorpus('corpus programs match their native goldens (JIT, threshold 32, built dist/)', { jit: { enabled: true, threshold: 32 } }, 'dist');
