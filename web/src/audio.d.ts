import type { Bytes } from './core.js';

/** Messages the worklet posts on its port (also given to DenoiserNodeOptions.onmessage). */
export type DenoiserMessage =
  | { type: 'ready'; latencySamples: number; latencyMs: number; sampleRate: number; simd: boolean | null; modelKind: number }
  | { type: 'vad'; vad: number; frame: number; quanta: number; late: number; meanUs: number }
  | { type: 'stats'; quanta: number; late: number; frame: number; meanUs: number }
  | { type: 'error'; message: string }
  | { type: string; [k: string]: unknown };

export interface DenoiserNodeOptions {
  /** URL or bytes of rnnoise2.ccm / rnnoise.ccm / an .rnnn file; default: the library's
   *  default model (CC_DENOISE_DEFAULT_MODEL, "rnnoise2") fetched from modelBase */
  model?: string | URL | Bytes;
  /** where the default model file is served; default '/models/' */
  modelBase?: string | URL;
  /** URL or bytes of the wasm; default: dist/ next to the module, SIMD128 where validated */
  wasm?: string | URL | Bytes;
  /** URL of worklet.js; default: next to the module */
  workletUrl?: string | URL;
  /** 0 = bypass .. 1 = full suppression; default 1 */
  strength?: number;
  /** default true; false keeps the same delay with strength 0 */
  enabled?: boolean;
  /** voice activity, every vadIntervalMs */
  onvad?: (vad: number) => void;
  /** period of the worklet's 'vad' message (the VAD and the counters of stats); default 100
   *  with onvad, else 1000 (each message costs the audio thread ~50 us) */
  vadIntervalMs?: number;
  onmessage?: (m: DenoiserMessage) => void;
  /** test hook: every quantum's input and output posted to the port */
  tap?: boolean;
}

/** The denoiser: an AudioWorkletNode ('cleancast-denoiser') with AudioParams 'strength' and
 *  'enabled' and these additions. Use it as `source.connect(node).connect(destination)`. */
export interface DenoiserNode extends AudioWorkletNode {
  /** whole delay of the output, samples at the context rate */
  readonly latencySamples: number;
  readonly latencyMs: number;
  readonly simd: boolean | null;
  readonly stats: { quanta: number; late: number; vad: number; meanUs?: number };
  /** set when the worklet reported an error (the output is then silence); an 'error' event fires */
  error?: string;
  setStrength(strength: number): void;
  setEnabled(enabled: boolean): void;
}

/** Loads the worklet, passes it the wasm and model bytes; resolves once it runs, rejects with
 *  the worklet's reason otherwise. Any context rate (44.1 kHz is resampled inside). */
export function createDenoiserNode(context: BaseAudioContext, options?: DenoiserNodeOptions): Promise<DenoiserNode>;
