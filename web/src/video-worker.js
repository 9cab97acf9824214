// Dedicated worker of cleanVideoTrack(): camera frames in (a ReadableStream of VideoFrames),
// segmentation + matte + compositing in wasm, clean frames out. Each frame is composited with
// its own mask; when a frame arrives while one is in work, the older waiting frame is dropped
// (closed and counted), so slowness never turns into queued latency.
import { Cleancast, SegModel, VideoPipeline, PixelFormat } from './core.js';

let pipe = null, cc = null, canvas = null, g = null;
let pending = null, busy = false, writer = null;
const stats = { videoFrames: 0, videoDropped: 0, times: [], segmentMs: 0, compositeMs: 0 };

function median(a) { const s = [...a].sort((x, y) => x - y); return s.length ? s[s.length >> 1] : 0; }

async function work() {
  if (busy) return;
  busy = true;
  while (pending) {
    const frame = pending;
    pending = null;
    const t0 = performance.now();
    try {
      const w = frame.displayWidth, h = frame.displayHeight;
      if (!canvas || canvas.width !== w || canvas.height !== h) {
        canvas = new OffscreenCanvas(w, h);
        g = canvas.getContext('2d', { willReadFrequently: true });
      }
      g.drawImage(frame, 0, 0, w, h);
      const img = g.getImageData(0, 0, w, h);
      pipe.load(PixelFormat.RGBA, w, h, img.data);
      pipe.segment(PixelFormat.RGBA, w, h);
      const t1 = performance.now();
      pipe.composite(PixelFormat.RGBA, w, h);
      const t2 = performance.now();
      const out = new VideoFrame(pipe.frameView(PixelFormat.RGBA, w, h).slice(), {
        format: 'RGBA', codedWidth: w, codedHeight: h, timestamp: frame.timestamp,
        duration: frame.duration ?? undefined });
      frame.close();
      await writer.write(out);
      stats.videoFrames++;
      stats.segmentMs = t1 - t0; stats.compositeMs = t2 - t1;
      stats.times.push(t2 - t0);
      if (stats.times.length > 120) stats.times.shift();
      self.postMessage({ type: 'stats', videoFrames: stats.videoFrames, videoDropped: stats.videoDropped,
        videoMsMedian: median(stats.times), segmentMs: stats.segmentMs, compositeMs: stats.compositeMs,
        ...pipe.timings() });
    } catch (e) {
      try { frame.close(); } catch { /* closed */ }
      self.postMessage({ type: 'error', message: String(e?.message ?? e) });
    }
  }
  busy = false;
}

async function pump(readable) {
  const reader = readable.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    if (pending) { pending.close(); stats.videoDropped++; }
    pending = value;
    work();
  }
  await writer.close().catch(() => {});
}

self.onmessage = async (e) => {
  const m = e.data;
  try {
    if (m.type === 'start') {
      cc = new Cleancast(m.wasm);
      pipe = new VideoPipeline(cc, new SegModel(cc, new Uint8Array(m.model)), m.options);
      let readable = m.readable, writable = m.writable;
      if (m.track) { // the spec's worker-side shape
        readable = new MediaStreamTrackProcessor({ track: m.track }).readable;
        const gen = new VideoTrackGenerator();
        writable = gen.writable;
        self.postMessage({ type: 'track', track: gen.track }, [gen.track]);
      }
      writer = writable.getWriter();
      self.postMessage({ type: 'ready', simd: cc.simd });
      pump(readable);
    } else if (m.type === 'configure') {
      pipe.configure(m.options);
    }
  } catch (err) {
    self.postMessage({ type: 'error', message: String(err?.message ?? err) });
  }
};
