// Type-checked by tests/web/test_readme.mjs (tsc --noEmit): the public API as README.md uses it.
import { createDenoiserNode, cleanVideoTrack, Cleancast, SegModel, VideoPipeline, PixelFormat,
  DenoiseModel, Denoiser, CleancastError, simdSupported, wasmFileName } from '@cleancast/web';
import type { DenoiserNode, CleanVideo, VideoStats, BackgroundOptions } from '@cleancast/web';
import { loadCleancast, findModel, readPnm, pgmBytes, readWav, wavBytes } from '@cleancast/web/node';

export async function page(): Promise<void> {
  const cam = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
  const ctx = new AudioContext();
  const denoiser: DenoiserNode = await createDenoiserNode(ctx, { strength: 0.8, onvad: (v: number) => void v });
  ctx.createMediaStreamSource(cam).connect(denoiser).connect(ctx.destination);
  denoiser.setStrength(0.7);
  denoiser.setEnabled(true);
  const ms: number = denoiser.latencyMs + denoiser.latencySamples;
  const clean: CleanVideo = await cleanVideoTrack(cam.getVideoTracks()[0],
    { model: '/models/selfie_segmentation.tflite', background: 'blur', blurStrength: 0.6 });
  const stream = new MediaStream([clean.track]);
  const bg: BackgroundOptions = { background: 'color', color: [0, 120, 0] };
  clean.configure(bg);
  const s: VideoStats = clean.stats;
  console.log(ms, stream.id, s.videoFrames + s.videoDropped + s.videoMsMedian);
  clean.stop();
  // @ts-expect-error: not a background mode
  clean.configure({ background: 'sepia' });
}

export function node(): void {
  const cc: Cleancast = loadCleancast({ simd: simdSupported() });
  const name: string = wasmFileName(cc.simd ?? false);
  const img = readPnm('photo.ppm');
  const seg = new VideoPipeline(cc, new SegModel(cc, new Uint8Array(8)), { raw: true });
  const mask: Uint8Array = seg.mask(PixelFormat.RGBA, img.width, img.height, img.rgba);
  const pgm: Uint8Array = pgmBytes(img.width, img.height, mask);
  const wav = readWav('noisy.wav');
  const dn = new Denoiser(cc, new DenoiseModel(cc, new Uint8Array(8)), { sampleRate: wav.sampleRate, channels: wav.channels });
  const out: Float32Array = dn.process(wav.samples);
  dn.strength = 0.5;
  const v: number = dn.vad + dn.latency;
  const bytes: Uint8Array = wavBytes({ sampleRate: wav.sampleRate, channels: wav.channels, samples: out });
  try { findModel(cc.defaultDenoiseModel(), 'noise-suppression'); } catch (e) {
    if (e instanceof CleancastError) console.log(e.code);
  }
  console.log(name, pgm.length, v, bytes.length);
}
