/**
 * iced-x86, the decoder (and encoder/formatter) every module uses, loaded with require().
 *
 * Why not `import ... from 'iced-x86'`: iced-x86 is a CommonJS package whose glue file is 900 KB,
 * and an ES-module import of a CommonJS file makes Node scan all of it for export names
 * (cjs-module-lexer) and detect its format first: 100-150 ms of every process's start, against
 * ~45 ms for require() (measured, Node 20.20: `x64run hello` spent 0.4 s importing before its
 * first instruction). The values are the package's own objects: tests that import iced-x86
 * directly get the same enums and classes from Node's module cache.
 */
import { createRequire } from 'node:module';
import type * as Iced from 'iced-x86';
import { keepMemoryAttached } from './iced-wasm-memory.js';

/**
 * Loads iced-x86 with its WebAssembly memory kept from detaching (iced-wasm-memory.ts: a
 * detach anywhere in the process slows every typed-array access of the emulator).
 */
function loadIced(): typeof Iced {
  const OriginalModule = WebAssembly.Module;
  // iced's glue (wasm-bindgen, Node target) compiles its .wasm with `new WebAssembly.Module(bytes)`
  // when it is required: the bytes pass through here, once.
  const Patched = function (bytes: BufferSource) {
    const view = ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes);
    try {
      return new OriginalModule(keepMemoryAttached(view) as Uint8Array<ArrayBuffer>);
    } catch {
      return new OriginalModule(bytes); // a rewrite V8 rejects costs speed, never the decoder
    }
  } as unknown as typeof WebAssembly.Module;
  Object.setPrototypeOf(Patched, OriginalModule);
  (WebAssembly as { Module: typeof WebAssembly.Module }).Module = Patched;
  try {
    return createRequire(import.meta.url)('iced-x86') as typeof Iced;
  } finally {
    (WebAssembly as { Module: typeof WebAssembly.Module }).Module = OriginalModule;
  }
}

const iced = loadIced();

export const Code = iced.Code;
export type Code = Iced.Code;
export const CodeExt = iced.CodeExt;
export type CodeExt = Iced.CodeExt;
export const CpuidFeature = iced.CpuidFeature;
export type CpuidFeature = Iced.CpuidFeature;
export const Decoder = iced.Decoder;
export type Decoder = Iced.Decoder;
export const DecoderError = iced.DecoderError;
export type DecoderError = Iced.DecoderError;
export const DecoderOptions = iced.DecoderOptions;
export type DecoderOptions = Iced.DecoderOptions;
export const EncodingKind = iced.EncodingKind;
export type EncodingKind = Iced.EncodingKind;
export const FlowControl = iced.FlowControl;
export type FlowControl = Iced.FlowControl;
export const Formatter = iced.Formatter;
export type Formatter = Iced.Formatter;
export const FormatterSyntax = iced.FormatterSyntax;
export type FormatterSyntax = Iced.FormatterSyntax;
export const Instruction = iced.Instruction;
export type Instruction = Iced.Instruction;
export const InstructionInfoFactory = iced.InstructionInfoFactory;
export type InstructionInfoFactory = Iced.InstructionInfoFactory;
export const MemorySizeExt = iced.MemorySizeExt;
export type MemorySizeExt = Iced.MemorySizeExt;
export const Mnemonic = iced.Mnemonic;
export type Mnemonic = Iced.Mnemonic;
export const OpAccess = iced.OpAccess;
export type OpAccess = Iced.OpAccess;
export const OpCodeOperandKind = iced.OpCodeOperandKind;
export type OpCodeOperandKind = Iced.OpCodeOperandKind;
export const OpKind = iced.OpKind;
export type OpKind = Iced.OpKind;
export const Register = iced.Register;
export type Register = Iced.Register;
export const RflagsBits = iced.RflagsBits;
export type RflagsBits = Iced.RflagsBits;
