// Web bench in one headless Debian Chromium run (web_bench.sh makes the frames):
//  video: the official @mediapipe/selfie_segmentation (useCpuInference: true, general model;
//    warm-up sends, each timed send ended by reading back a pixel of its mask) and ours (the
//    page bench/web/bench.html in the same browser: getImageData + segment + matte + composite
//    blur in wasm, SIMD128 and baseline, ended by reading a byte of the output) on the same frames
//    at 640x480 and 1280x720;
//  audio: OfflineAudioContext at 48 kHz, 128-frame worklet quanta: ours (RNNoise 0.1 and 0.2
//    models) against @jitsi/rnnoise-wasm 0.2.1 in jitsi-meet's worklet shape, as render wall
//    time over a ring-only worklet, per 10 ms of audio.
//   node bench/web_bench.mjs FRAMES_DIR N WARM
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openOfficial, CACHE } from '../tests/ref/official.mjs';
import { startServer } from '../web/demo/serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const [dir, nArg, warmArg] = process.argv.slice(2);
const n = Number(nArg || 20), warm = Number(warmArg || 10);
const SIZES = [[640, 480], [1280, 720]];
const med = (v) => { const s = [...v].sort((a, b) => a - b), m = s.length >> 1; return s.length & 1 ? s[m] : (s[m - 1] + s[m]) / 2; };
const q = (v, p) => { const s = [...v].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const f1 = (x) => x.toFixed(1).padStart(8);

const off = await openOfficial();
const server = await startServer({ extra: { bench: `${here}/web`, frames: dir, jitsi: `${CACHE}/models/jitsi-rnnoise-wasm/dist` } });
const page = await off.context.newPage();
page.on('pageerror', (e) => console.log(`# page error: ${e.message}`));
await page.goto(`http://127.0.0.1:${server.address().port}/extra/bench/bench.html`);
await page.waitForFunction(() => window.benchReady, null, { timeout: 30000 });
console.log(`# Chromium ${off.browserVersion}; ${n} frames per size after ${warm} warm-up; load before: ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);

await off.setModel(0);
const res = {};
console.log('who                      size       median_ms   p10_ms   p90_ms   seg_ms  (infer  refine)  comp_ms');
for (const [w, h] of SIZES) {
  const b = fs.readFileSync(path.join(dir, `clip_${h}p.rgb`));
  const frames = Array.from({ length: n }, (_, i) => new Uint8Array(b.buffer, b.byteOffset + i * w * h * 3, w * h * 3));
  const o = await off.time(frames, w, h, warm);
  res[`official ${h}`] = med(o.ms);
  console.log(`official (CPU inference)  ${`${w}x${h}`.padEnd(10)} ${f1(med(o.ms))} ${f1(q(o.ms, 0.1))} ${f1(q(o.ms, 0.9))}`);
  for (const simd of [true, false]) {
    const r = await page.evaluate((a) => window.timeVideo(a), { w, h, n, warm, simd, model: '/models/selfie_segmentation.tflite' });
    const all = r.rows.map((x) => x.all);
    res[`ours ${simd ? 'simd' : 'base'} ${h}`] = med(all);
    console.log(`ours ${simd ? 'SIMD128 ' : 'baseline'}            ${`${w}x${h}`.padEnd(10)} ${f1(med(all))} ${f1(q(all, 0.1))} ${f1(q(all, 0.9))} ${f1(med(r.rows.map((x) => x.seg)))} (${med(r.rows.map((x) => x.inferMs)).toFixed(1)} ${med(r.rows.map((x) => x.refineMs)).toFixed(1)}) ${f1(med(r.rows.map((x) => x.comp)))}`);
  }
}
for (const [, h] of SIZES)
  console.log(`# ${h}p: official / ours SIMD128 = ${(res[`official ${h}`] / res[`ours simd ${h}`]).toFixed(2)}x; SIMD128 speed-up over baseline wasm ${(res[`ours base ${h}`] / res[`ours simd ${h}`]).toFixed(2)}x`);

const seconds = 20, reps = 3;
const a = await page.evaluate((x) => window.timeAudio(x), { seconds, reps, simd: true });
const per10 = (ms) => 1000 * ms / (seconds * 100); // us per 10 ms of audio
const pass = Math.min(...a.pass.map((x) => x.ms));
console.log(`\naudio: ${seconds} s at 48 kHz in an OfflineAudioContext, best of ${reps}; ring-only worklet ${pass.toFixed(0)} ms`);
console.log('who                          render_ms  us_per_10ms(over ring)  in-worklet us_per_10ms');
const cost = {};
for (const k of ['jitsi', 'rnnoise', 'rnnoise2']) {
  const best = Math.min(...a[k].map((x) => x.ms));
  const st = a[k].find((x) => x.ms === best).st;
  const busy = st ? (st.busyMs ?? st.meanUs * st.quanta / 1000) : NaN;
  cost[k] = per10(best - pass);
  const name = { jitsi: '@jitsi/rnnoise-wasm 0.2.1', rnnoise: 'ours SIMD128, rnnoise (0.1)', rnnoise2: 'ours SIMD128, rnnoise2 (0.2)' }[k];
  console.log(`${name.padEnd(28)} ${f1(best)}   ${f1(cost[k])}                ${f1(per10(busy))}`);
}
console.log(`# jitsi / ours: rnnoise ${(cost.jitsi / cost.rnnoise).toFixed(2)}x, rnnoise2 ${(cost.jitsi / cost.rnnoise2).toFixed(2)}x`);
console.log(`# load after: ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
await page.close();
server.close();
await off.close();
