// Node helpers (@cleancast/web/node): the wasm from dist/, model lookup, PNM and WAV files.
import type { Cleancast } from './core.js';

/** Loads dist/cleancast(-simd).wasm (SIMD128 unless CLEANCAST_WASM_SIMD=0 or unsupported). */
export function loadCleancast(options?: { simd?: boolean; dir?: string }): Cleancast;

export const MODEL_NAMES: Record<'general' | 'landscape' | 'rnnoise' | 'rnnoise2',
  { file: string; kind: 'segmentation' | 'noise-suppression' }>;

/** A model name (general, landscape, rnnoise, rnnoise2) or path to a file, looked up like
 *  cc_model_find(): $CLEANCAST_CACHE/models, $XDG_CACHE_HOME/cleancast/models,
 *  ~/.cache/cleancast/models, the installed data folder. Throws with the library's message. */
export function findModel(nameOrPath: string, kind?: 'segmentation' | 'noise-suppression',
  env?: Record<string, string | undefined>): string;

/** Binary PPM (P6) or PGM (P5), maxval 255, as RGBA. */
export function readPnm(file: string): { width: number; height: number; rgba: Uint8Array };
/** PGM (P5) bytes of an 8-bit image. */
export function pgmBytes(width: number, height: number, gray: Uint8Array): Uint8Array;

export interface Wav {
  sampleRate: number;
  channels: number;
  isFloat: boolean;
  bits: number;
  frames: number;
  /** interleaved, +-1 scale */
  samples: Float32Array;
}
/** WAV: PCM 8/16/24/32, float 32/64, extensible. */
export function readWav(file: string): Wav;
/** WAV bytes: 16/24/32-bit PCM (rounded, clipped) or 32-bit float. */
export function wavBytes(w: { sampleRate: number; channels: number; samples: Float32Array; isFloat?: boolean; bits?: number }): Uint8Array;
/** Writes to a temporary name beside file, then renames. */
export function writeAtomic(file: string, bytes: Uint8Array): void;
