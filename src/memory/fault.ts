/**
 * A guest memory access that the page protections refuse. The CPU turns it into SIGSEGV with
 * si_addr = `address` and si_code SEGV_MAPERR (page not mapped) or SEGV_ACCERR (mapped, but the
 * protection forbids the access), exactly as Linux reports them.
 */
export class MemoryFault extends Error {
  constructor(
    readonly address: number,
    readonly write: boolean,
    /** true: the page is mapped but protected (SEGV_ACCERR); false: not mapped (SEGV_MAPERR). */
    readonly mapped: boolean,
    readonly exec = false,
  ) {
    super(`guest ${exec ? 'fetch' : write ? 'write' : 'read'} fault at 0x${address.toString(16)}`);
    this.name = 'MemoryFault';
  }
}
