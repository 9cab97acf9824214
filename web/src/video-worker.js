// Dedicated worker of cleanVideoTrack(): camera frames in (a ReadableStream of VideoFrames),
// segmentation + matte + compositing in wasm, clean frames out. Each frame is composited with
// its own mask; when a frame arrives while one is in work, the older waiting frame is dropped
// (closed and counted), so slowness never turns into queued latency.
import { Cleancast, SegModel, VideoPipeline, PixelFormat } from './core.js';

let pipe = null, cc = null, canvas = null, g = null;
let pending = null, pendingAt = 0, busy = false, writer = null;
const stats = { videoFrames: 0, videoDropped: 0, videoDroppedUpstream: 0, videoReceived: 0,
  maxWaitMs: 0, times: [], segmentMs: 0, compositeMs: 0 };
// While the wasm works (synchronously) nothing reads the stream, and Chromium's
// MediaStreamTrackProcessor drops the frames that pile up (it keeps only the newest few): those
// are counted from the gaps in the frame timestamps (period: the frame's duration, else the
// camera's frame rate, else the smallest gap seen).
let lastTs = null, minGap = Infinity, period = 0;
// Test hooks (options, live through configure): tap = N posts the next N frames' input pixels
// (in the format the wasm took them: the camera's I420/NV12, else RGBA), mask and output ('tap'
// messages, buffers transferred); slowMs adds a busy wait per frame
// (a slow machine, to test dropping); canvas: true takes every frame through the canvas (the
// fallback of formats the library does not take).
let tap = 0, slowMs = 0, canvasOnly = false;
function hooks(o) {
  if (o?.tap !== undefined) tap = o.tap | 0;
  if (o?.slowMs !== undefined) slowMs = +o.slowMs || 0;
  if (o?.canvas !== undefined) canvasOnly = !!o.canvas;
}

function median(a) { const s = [...a].sort((x, y) => x - y); return s.length ? s[s.length >> 1] : 0; }

async function work() {
  if (busy) return;
  busy = true;
  while (pending) {
    const frame = pending;
    pending = null;
    const t0 = performance.now();
    stats.maxWaitMs = Math.max(stats.maxWaitMs, t0 - pendingAt);
    try {
      // the frame as it is (I420/NV12 from cameras) straight into wasm memory, composited in
      // place; a canvas (RGBA) only for formats the library does not take
      let tapped = null;
      const onSegmented = (info) => {
        if (tap <= 0) return;
        const n = info.bytes;
        tapped = { input: pipe.cc.u8.slice(pipe.buf.p, pipe.buf.p + n),
          mask: pipe.maskView(info.width, info.height).slice(), info };
      };
      let out, t1, t2, outPixels = null;
      const r = frame.format && !canvasOnly ? await pipe.processVideoFrame(frame, onSegmented) : null;
      if (r) {
        out = r.frame;
        t1 = t0 + r.segmentMs;
        if (tapped) outPixels = pipe.cc.u8.slice(pipe.buf.p, pipe.buf.p + r.info.bytes);
      } else {
        const w = frame.displayWidth, h = frame.displayHeight;
        if (!canvas || canvas.width !== w || canvas.height !== h) {
          canvas = new OffscreenCanvas(w, h);
          g = canvas.getContext('2d', { willReadFrequently: true });
        }
        g.drawImage(frame, 0, 0, w, h);
        const img = g.getImageData(0, 0, w, h);
        pipe.load(PixelFormat.RGBA, w, h, img.data);
        pipe.segment(PixelFormat.RGBA, w, h);
        t1 = performance.now();
        onSegmented({ bytes: w * h * 4, width: w, height: h, format: PixelFormat.RGBA, frameFormat: 'RGBA',
          fullRange: 1, matrix: 0 });
        pipe.composite(PixelFormat.RGBA, w, h);
        out = new VideoFrame(pipe.frameView(PixelFormat.RGBA, w, h).slice(), {
          format: 'RGBA', codedWidth: w, codedHeight: h, timestamp: frame.timestamp,
          duration: frame.duration ?? undefined });
        if (tapped) outPixels = pipe.frameView(PixelFormat.RGBA, w, h).slice();
      }
      if (slowMs) for (const end = performance.now() + slowMs; performance.now() < end;) { /* slow */ }
      t2 = performance.now();
      if (tapped) {
        tap--;
        const i = tapped.info;
        // format: the pixel data's ('I420', 'NV12', 'RGBA'...); fullRange, matrix: how the
        // library read YUV (0 BT.601, 1 BT.709)
        self.postMessage({ type: 'tap', index: stats.videoFrames, timestamp: frame.timestamp,
          width: i.width, height: i.height, format: i.frameFormat, fullRange: i.fullRange,
          matrix: i.matrix, options: { ...pipe.opts }, input: tapped.input.buffer,
          mask: tapped.mask.buffer, output: outPixels.buffer },
        [tapped.input.buffer, tapped.mask.buffer, outPixels.buffer]);
      }
      frame.close();
      await writer.write(out);
      stats.videoFrames++;
      stats.segmentMs = t1 - t0; stats.compositeMs = t2 - t1;
      stats.times.push(t2 - t0);
      if (stats.times.length > 120) stats.times.shift();
      self.postMessage({ type: 'stats', videoFrames: stats.videoFrames, videoDropped: stats.videoDropped,
        videoReceived: stats.videoReceived, videoDroppedUpstream: stats.videoDroppedUpstream, maxWaitMs: stats.maxWaitMs, videoMsMedian: median(stats.times), segmentMs: stats.segmentMs, compositeMs: stats.compositeMs,
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
    stats.videoReceived++;
    if (lastTs !== null) {
      const gap = value.timestamp - lastTs;
      if (gap > 0) minGap = Math.min(minGap, gap);
      const p = value.duration || period || minGap;
      if (gap > 0 && p > 0 && Number.isFinite(p)) {
        const lost = Math.round(gap / p) - 1;
        if (lost > 0) { stats.videoDroppedUpstream += lost; stats.videoDropped += lost; }
      }
    }
    lastTs = value.timestamp;
    if (pending) { pending.close(); stats.videoDropped++; }
    pending = value;
    pendingAt = performance.now();
    work();
  }
  await writer.close().catch(() => {});
}

self.onmessage = async (e) => {
  const m = e.data;
  try {
    if (m.type === 'start') {
      cc = new Cleancast(m.wasm);
      hooks(m.options);
      if (m.frameRate > 0) period = 1e6 / m.frameRate;
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
      hooks(m.options);
      const { tap: _t, slowMs: _s, canvas: _c, ...rest } = m.options;
      if (Object.keys(rest).length) pipe.configure(rest);
    }
  } catch (err) {
    self.postMessage({ type: 'error', message: String(err?.message ?? err) });
  }
};
