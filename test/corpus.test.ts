/**
 * Every corpus case must reproduce its native golden output under the default engine (the JIT,
 * blocks translated after 32 executions): stdout, stderr, exit status or killing signal, and
 * (for cases run in a fixture directory) the directory tree left behind. The goldens were
 * recorded by corpus/record.mjs on x86-64 Linux. corpus-interpreter.test.ts replays the same
 * goldens with the JIT off.
 */
import { describeCorpus } from './helpers/corpus-suite.js';

describeCorpus('corpus programs match their native goldens (JIT)', {});
