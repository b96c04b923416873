// Types of corpus/harness.mjs (shared by corpus/record.mjs and test/helpers/corpus.ts).
export declare const CORPUS_DIR: string;
export declare const ROOT_DIR: string;
export declare const FIXTURE_MTIME: number;
export declare const CASE_UMASK: number;
export interface WorkDir { dir: string; cleanup(): void }
export interface CaseLike { program: string; stdin?: string | null; stdinBase64?: string }
export declare function prepareWorkDir(spec: string | undefined | null): WorkDir | null;
export declare function listTree(dir: string, startedMs: number): string;
export declare function caseStdin(c: CaseLike): Buffer;
export declare function encodeOutput(bytes: Uint8Array, sortLines?: boolean): { text: string; base64?: undefined } | { base64: string; text?: undefined };
export declare function sortTextLines(text: string): string;
export declare function outputFields(name: string, bytes: Uint8Array, sortLines?: boolean): Record<string, string | null>;
export declare function programPath(c: CaseLike): string;
