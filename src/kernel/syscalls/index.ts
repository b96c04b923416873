/** Registers every syscall family (one file per family, gVisor-style). */
import './io.js';
import './mm.js';
import './process.js';
import './time.js';
import './system.js';
