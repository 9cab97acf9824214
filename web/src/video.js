// cleanVideoTrack(): a camera MediaStreamTrack in, a clean one out, through insertable streams
// and a dedicated worker (web/src/video-worker.js) running the wasm segmenter, matte and
// compositor. Chromium: MediaStreamTrackProcessor/Generator on this thread, their
// readable/writable transferred to the worker. The spec's worker-side VideoTrackGenerator:
// the track itself is transferred (feature-detected: used where the window has no
// MediaStreamTrackGenerator).
import { simdSupported, wasmFileName } from './core.js';

async function bytesOf(x, what) {
  if (x instanceof ArrayBuffer) return x;
  if (ArrayBuffer.isView(x)) return x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength);
  const r = await fetch(x);
  if (!r.ok) throw new Error(`${what}: ${x}: HTTP ${r.status}`);
  return r.arrayBuffer();
}

/**
 * @param {MediaStreamTrack} track  a camera (video) track
 * @param {object} o
 * @param {string|URL|BufferSource} o.model  selfie_segmentation(_landscape).tflite
 * @param {'blur'|'image'|'color'|'none'|'transparent'} [o.background='blur']
 * @param {number} [o.blurStrength]  0..1
 * @param {number[]} [o.color]  [r, g, b] for 'color'
 * @param {ImageData} [o.image]  for 'image'
 * @param {(stats:object)=>void} [o.onstats]
 * @param {number} [o.tap]  test hook: post the next N frames' input, mask and output to o.ontap
 *   (also settable through configure({tap}))
 * @param {(t:object)=>void} [o.ontap]
 * @param {number} [o.slowMs]  test hook: a busy wait per frame (a slow machine)
 * @returns {Promise<{track: MediaStreamTrack, stats: object, configure(o:object):void, stop():void}>}
 */
export async function cleanVideoTrack(track, o = {}) {
  const base = new URL('.', import.meta.url);
  const [wasm, model] = await Promise.all([
    bytesOf(o.wasm ?? new URL(wasmFileName(simdSupported()), base), 'wasm'),
    bytesOf(o.model, 'model')]);
  const worker = new Worker(o.workerUrl ?? new URL('video-worker.js', base), { type: 'module' });
  const options = { background: o.background ?? 'blur', blurStrength: o.blurStrength,
    color: o.color, image: o.image, raw: o.raw, smoothing: o.smoothing, tap: o.tap,
    slowMs: o.slowMs };
  const stats = { videoFrames: 0, videoDropped: 0, videoMsMedian: 0 };
  const frameRate = track.getSettings?.().frameRate ?? 0;
  let out;
  const ready = new Promise((resolve, reject) => {
    worker.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'ready') resolve();
      else if (m.type === 'track') out = m.track;
      else if (m.type === 'stats') { Object.assign(stats, m); o.onstats?.(stats); }
      else if (m.type === 'tap') o.ontap?.(m);
      else if (m.type === 'error') { stats.error = m.message; reject(new Error(`cleancast video: ${m.message}`)); }
    };
    worker.onerror = (e) => reject(new Error(`cleancast video worker: ${e.message}`));
  });
  if (typeof MediaStreamTrackProcessor !== 'undefined' && typeof MediaStreamTrackGenerator !== 'undefined') {
    const processor = new MediaStreamTrackProcessor({ track });
    const generator = new MediaStreamTrackGenerator({ kind: 'video' });
    out = generator;
    worker.postMessage({ type: 'start', wasm, model, options, frameRate, readable: processor.readable,
      writable: generator.writable }, [processor.readable, generator.writable]);
  } else {
    worker.postMessage({ type: 'start', wasm, model, options, frameRate, track }, [track]);
  }
  await ready;
  return {
    get track() { return out; },
    stats,
    configure(opts) { worker.postMessage({ type: 'configure', options: opts }); },
    stop() { worker.terminate(); out?.stop?.(); },
  };
}
