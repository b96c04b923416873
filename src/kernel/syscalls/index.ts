/** Registers every syscall family (one file per family, gVisor-style). */
import './io.js';
import './mm.js';
import './process.js';
import './time.js';
import './system.js';
import './fs-open.js';
import './fs-namespace.js';
import './fs-attr.js';
import './io-positional.js';
import './pipe.js';
import './poll.js';
import './identity.js';
import './signal.js';
import './thread.js';
import '../timers.js';
import '../io_uring/syscalls.js';
import '../io_uring/register.js';
