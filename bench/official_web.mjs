// Per-frame time of the official MediaPipe selfie segmentation solution (CPU inference) in
// headless Debian Chromium, on the frames official_web.sh made. An anchor, not a test.
//   node official_web.mjs DIR FRAMES WARM [WxH...]   (DIR holds clip_<H>p.rgb for each size;
//                                                     default 1280x720 1920x1080)
import fs from 'node:fs';
import path from 'node:path';
import { openOfficial } from '../tests/ref/official.mjs';

const [dir, nArg, warmArg, ...sizeArgs] = process.argv.slice(2);
const n = Number(nArg || 20), warm = Number(warmArg || 10);
const SIZES = (sizeArgs.length ? sizeArgs : ['1280x720', '1920x1080']).map((s) => s.split('x').map(Number));
const MODELS = [[0, 'general'], [1, 'landscape']];

function frames(w, h) {
  const f = path.join(dir, `clip_${h}p.rgb`);
  const b = fs.readFileSync(f);
  const sz = w * h * 3;
  if (b.length < sz * n) throw new Error(`${f}: ${b.length} bytes, want ${n} frames of ${w}x${h}`);
  return Array.from({ length: n }, (_, i) => new Uint8Array(b.buffer, b.byteOffset + i * sz, sz));
}
const q = (v, p) => { const s = [...v].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const median = (v) => { const s = [...v].sort((a, b) => a - b), m = s.length >> 1; return s.length & 1 ? s[m] : (s[m - 1] + s[m]) / 2; };

const off = await openOfficial();
console.log(`# official @mediapipe/selfie_segmentation, useCpuInference, ${await off.version()}`);
const data = Object.fromEntries(SIZES.map(([w, h]) => [h, frames(w, h)]));
let info = null;
console.log('who       model      size      frames  median_ms  p10_ms  p90_ms  min_ms');
for (const [id, name] of MODELS) {
  const t0 = Date.now();
  await off.setModel(id);
  const initMs = Date.now() - t0;
  for (const [w, h] of SIZES) {
    const r = await off.time(data[h], w, h, warm);
    info = r;
    console.log(`official  ${name.padEnd(10)} ${(w + 'x' + h).padEnd(9)} ${String(n).padStart(6)}  ${median(r.ms).toFixed(1).padStart(9)}  ${q(r.ms, 0.1).toFixed(1).padStart(6)}  ${q(r.ms, 0.9).toFixed(1).padStart(6)}  ${Math.min(...r.ms).toFixed(1).padStart(6)}`);
  }
  console.log(`#   ${name}: initialize() ${initMs} ms`);
}
console.log(`# warm-up: ${warm} untimed sends per size; each timed send ends after one pixel of the mask is read back`);
console.log(`# threads: wasm inference single-threaded (crossOriginIsolated=${info.crossOriginIsolated}, so no wasm threads); SwiftShader GL in the browser's GPU process; navigator.hardwareConcurrency=${info.cores}`);
await off.close();
