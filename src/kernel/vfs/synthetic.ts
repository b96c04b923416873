/** Mounts the synthetic /proc and /dev every guest sees. */
import type { Kernel } from '../kernel.js';
import { ProcFs } from './procfs.js';
import { DevFs } from './devfs.js';

export function mountSynthetic(kernel: Kernel): void {
  kernel.vfs.mount('/proc', new ProcFs(kernel, () => kernel.currentThread?.process.pid ?? 0));
  kernel.vfs.mount('/dev', new DevFs(kernel, () => kernel.currentThread));
}
