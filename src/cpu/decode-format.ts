/** Disassembly for diagnostics (SIGILL messages, traces); never on the execution path. */
import { Decoder, DecoderOptions, Formatter, FormatterSyntax } from './iced.js';

let formatter: Formatter | null = null;

/** AT&T-syntax disassembly of the instruction at the start of `bytes`. */
export function disassemble(bytes: Uint8Array, addr: number): string {
  formatter ??= new Formatter(FormatterSyntax.Gas);
  const dec = new Decoder(64, bytes, DecoderOptions.None);
  dec.ip = BigInt(addr);
  const ins = dec.decode();
  try {
    return ins.isInvalid ? '(bad)' : formatter.format(ins);
  } finally {
    ins.free();
    dec.free();
  }
}

export const hexBytes = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/** Length of the instruction at the start of `bytes` (0 if it does not decode). */
export function decodeLength(bytes: Uint8Array, addr: number): number {
  const dec = new Decoder(64, bytes, DecoderOptions.None);
  dec.ip = BigInt(addr);
  const ins = dec.decode();
  try {
    return ins.isInvalid ? 0 : ins.length;
  } finally {
    ins.free();
    dec.free();
  }
}
