// Types of core.js: the wasm build (cleancast-simd.wasm / cleancast.wasm) and its wrappers.
// Works in windows, workers, AudioWorklet scopes and Node.

/** True when this engine validates wasm SIMD128 (feature detection, no user-agent sniffing). */
export function simdSupported(): boolean;
/** The dist/ file name of the build this engine should load. */
export function wasmFileName(simd?: boolean): 'cleancast-simd.wasm' | 'cleancast.wasm';

/** The library's model-format error code (include/cleancast/cleancast.h). */
export const CC_ERR_MODEL: -10000;

/** A negative return of the library, with its message and last log line. */
export class CleancastError extends Error {
  constructor(message: string, code: number);
  readonly name: 'CleancastError';
  /** The library's negative error code (-errno, or CC_ERR_MODEL). */
  code: number;
}

/** Bytes of a file: an ArrayBuffer or a view of one. */
export type Bytes = ArrayBuffer | ArrayBufferView;

/** One instance of the wasm build (its own memory and heap). Synchronous: no fetch inside. */
export class Cleancast {
  /**
   * @param wasm the bytes of cleancast(-simd).wasm, or a compiled module (same agent only: a
   *   WebAssembly.Module does not survive cloning into an AudioWorklet)
   */
  constructor(wasm: Bytes | WebAssembly.Module);
  static fromBytes(bytes: Bytes): Cleancast;
  /** Whether this is the SIMD128 build (null for a build without the marker). */
  readonly simd: boolean | null;
  readonly memory: WebAssembly.Memory;
  /** The wasm exports (cw_* functions of web/src/cleancast_web.c). */
  readonly x: Record<string, any>;
  /** The library's version string, e.g. "0.1.0". */
  version(): string;
  /** The denoiser model name the library uses when none is given (CC_DENOISE_DEFAULT_MODEL). */
  defaultDenoiseModel(): string;
  malloc(bytes: number): number;
  free(ptr: number): void;
  copyIn(bytes: Bytes): number;
  cstring(ptr: number): string;
  /** Returns r, or throws a CleancastError when r < 0. */
  check(r: number, what: string): number;
}

/** File names of the denoiser model names. */
export const DENOISE_MODEL_FILES: Readonly<{ rnnoise: 'rnnoise.ccm'; rnnoise2: 'rnnoise2.ccm' }>;

/** Pixel formats (CcPixelFormat). */
export const PixelFormat: Readonly<{ RGBA: 0; BGRA: 1; RGB24: 2; I420: 3; NV12: 4 }>;
export type PixelFormatId = 0 | 1 | 2 | 3 | 4;

/** Background modes (CcBackgroundMode). */
export const Background: Readonly<{ none: 0; blur: 1; color: 2; image: 3; transparent: 4 }>;
export type BackgroundMode = 'none' | 'blur' | 'color' | 'image' | 'transparent';

/** RGBA pixels: an ImageData or the same shape. */
export interface RgbaImage { data: Uint8Array | Uint8ClampedArray; width: number; height: number; }

/** A person-segmentation model (selfie_segmentation(_landscape).tflite) in wasm memory. */
export class SegModel {
  constructor(cc: Cleancast, bytes: Bytes);
  /** The model's input size (256x256 general, 256x144 landscape). */
  readonly width: number;
  readonly height: number;
  close(): void;
}

/** Background settings; each field kept until changed (configure() merges). */
export interface BackgroundOptions {
  /** default 'blur' */
  background?: BackgroundMode;
  /** blur strength 0..1 (default: the library's, 0.5) */
  blurStrength?: number;
  /** [r, g, b] 0..255 for 'color' */
  color?: [number, number, number] | number[];
  /** the picture for 'image' */
  image?: RgbaImage;
  /** light wrap 0..1 (default 0) */
  lightWrap?: number;
}

export interface SegmenterOptions {
  /** reproduce the official MediaPipe solution exactly: no matte, no smoothing */
  raw?: boolean;
  /** temporal smoothing 0..1 (0 = none; default 0.5) */
  smoothing?: number;
}

/** What loadVideoFrame() took: the library's format, size, YUV range (1 full) and matrix (0 BT.601, 1 BT.709). */
export interface VideoFrameInfo {
  format: PixelFormatId; width: number; height: number; fullRange: 0 | 1; matrix: 0 | 1;
  /** bytes of the planes (the mask follows them) */
  bytes: number;
  /** I420 with a transparent background: the mask is the output's alpha plane */
  alpha: boolean;
  /** the VideoFrame's format */
  frameFormat: string;
}

/** Stage times of the last segment(), ms. */
export interface SegTimings { convertMs: number; inferMs: number; refineMs: number; }

/** Segmenter + compositor for one stream (one frame size at a time, grown as needed). */
export class VideoPipeline {
  constructor(cc: Cleancast, model: SegModel, opts?: SegmenterOptions & BackgroundOptions);
  /** Live background change: merged into the current settings. */
  configure(opts?: BackgroundOptions): void;
  setBackground(image: RgbaImage): void;
  /** Copies the frame's pixels into wasm memory (data: width*height*4 for RGBA). */
  load(format: PixelFormatId, width: number, height: number, data?: Uint8Array | Uint8ClampedArray): unknown;
  /** Segments the loaded frame into the mask (width*height, 255 = person). */
  segment(format: PixelFormatId, width: number, height: number, fullRange?: 0 | 1, matrix?: 0 | 1): void;
  /** Composites the loaded frame in place with its own mask. */
  composite(format: PixelFormatId, width: number, height: number, fullRange?: 0 | 1, matrix?: 0 | 1): void;
  /**
   * Copies a VideoFrame (I420, NV12, RGBA/RGBX, BGRA/BGRX) into wasm memory as it is (copyTo);
   * null where the library does not take it (use a canvas). The mask follows the planes.
   */
  loadVideoFrame(frame: VideoFrame): Promise<VideoFrameInfo | null>;
  /** The processed frame as a new VideoFrame (I420A for a transparent background on I420). */
  outputFrame(info: VideoFrameInfo, src: VideoFrame): VideoFrame;
  /**
   * loadVideoFrame + segment + composite + outputFrame (the worker's path); onSegmented runs
   * before compositing. The caller closes both frames. null: use a canvas.
   */
  processVideoFrame(src: VideoFrame, onSegmented?: (info: VideoFrameInfo) => void):
    Promise<{ frame: VideoFrame; info: VideoFrameInfo; segmentMs: number; compositeMs: number } | null>;
  /** A view of the frame in wasm memory, valid until the next call. */
  frameView(format: PixelFormatId, width: number, height: number): Uint8Array;
  /** A view of the mask in wasm memory, valid until the next call. */
  maskView(width: number, height: number): Uint8Array;
  /** load + segment: a copy of the mask. */
  mask(format: PixelFormatId, width: number, height: number, data: Uint8Array | Uint8ClampedArray, fullRange?: 0 | 1): Uint8Array;
  timings(): SegTimings;
  close(): void;
}

/** An RNNoise model (0.1 .ccm/.rnnn or 0.2 .ccm) in wasm memory. */
export class DenoiseModel {
  constructor(cc: Cleancast, bytes: Bytes);
  /** CcDenoiseModelKind of the library */
  readonly kind: number;
  close(): void;
}

export interface DenoiserOptions {
  /** the stream's rate, any (resampled inside); default 48000 */
  sampleRate?: number;
  /** interleaved channels, default 1 */
  channels?: number;
  /** 0 = bypass .. 1 = full suppression; default 1 */
  strength?: number;
  /** the largest block passed to one wasm call, frames; default 4800 */
  maxBlock?: number;
}

/** A streaming denoiser: any block size in, the same number of samples out, delayed by latency. */
export class Denoiser {
  constructor(cc: Cleancast, model: DenoiseModel, opts?: DenoiserOptions);
  readonly channels: number;
  readonly sampleRate: number;
  /** Delay of the output against the input, samples at sampleRate (e.g. 959 at 48 kHz for RNNoise 0.1). */
  readonly latency: number;
  /** input: interleaved samples, +-1 scale; returns output (same length). */
  process(input: Float32Array, output?: Float32Array): Float32Array;
  /** The last `latency` samples still inside, as if followed by silence. */
  flush(): Float32Array;
  /** 0..1, applied from the next 10 ms frame */
  strength: number;
  /** Voice activity probability of the last 10 ms frame, 0..1. */
  readonly vad: number;
  reset(): void;
  close(): void;
}
