/**
 * The corpus again with the JIT off (`jit: { enabled: false }`, the CLI's --no-jit): the
 * interpreter alone must reproduce every native golden too. A separate file so that vitest runs
 * it in parallel with the JIT replay.
 */
import { describeCorpus } from './helpers/corpus-suite.js';

describeCorpus('corpus programs match their native goldens (interpreter only)', { jit: { enabled: false } });
