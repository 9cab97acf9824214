import type { BackgroundOptions, Bytes } from './core.js';

export interface VideoStats {
  /** clean frames delivered */
  videoFrames: number;
  /** camera frames dropped (never queued): replaced while waiting, or never read while the
   *  wasm worked (timestamp gaps) */
  videoDropped: number;
  /** the part of videoDropped the worker never read */
  videoDroppedUpstream?: number;
  videoReceived?: number;
  /** median ms per frame (segment + matte + composite), last 120 frames */
  videoMsMedian: number;
  segmentMs?: number;
  compositeMs?: number;
  convertMs?: number;
  inferMs?: number;
  refineMs?: number;
  /** longest time a frame waited before its work started, ms */
  maxWaitMs?: number;
  error?: string;
}

/** What the tap test hook posts for a frame. */
export interface VideoTap {
  type: 'tap';
  index: number;
  timestamp: number;
  width: number;
  height: number;
  options: BackgroundOptions;
  /** RGBA that went into the wasm */
  input: ArrayBuffer;
  /** the frame's mask, width*height, 255 = person */
  mask: ArrayBuffer;
  /** the composited RGBA */
  output: ArrayBuffer;
}

export interface CleanVideoOptions extends BackgroundOptions {
  /** URL or bytes of selfie_segmentation.tflite (or _landscape) */
  model: string | URL | Bytes;
  /** URL or bytes of the wasm; default: dist/ next to the module, SIMD128 where validated */
  wasm?: string | URL | Bytes;
  /** URL of video-worker.js; default: next to the module */
  workerUrl?: string | URL;
  /** no matte, no smoothing (the official MediaPipe masks) */
  raw?: boolean;
  /** temporal smoothing 0..1 (default 0.5) */
  smoothing?: number;
  onstats?: (stats: VideoStats) => void;
  /** test hook: tap the next N frames (also through configure({tap})) */
  tap?: number;
  ontap?: (t: VideoTap) => void;
  /** test hook: a busy wait per frame in the worker, ms */
  slowMs?: number;
}

export interface CleanVideo {
  /** the clean video track */
  readonly track: MediaStreamTrack;
  /** updated live */
  readonly stats: VideoStats;
  /** background settings, live (merged with the current ones) */
  configure(options: BackgroundOptions & { tap?: number; slowMs?: number }): void;
  /** ends the worker and the clean track */
  stop(): void;
}

/** A camera track in, a clean one out (insertable streams and a worker). */
export function cleanVideoTrack(track: MediaStreamTrack, options: CleanVideoOptions): Promise<CleanVideo>;
