// Web bench in one headless Debian Chromium run (web_bench.sh makes the frames):
//  video: the official @mediapipe/selfie_segmentation (useCpuInference: true, general model;
//    warm-up sends, each timed send ended by reading back a pixel of its mask) and ours (the
//    page bench/web/bench.html in the same browser, SIMD128 and baseline, ended by reading a byte
//    of the output) on the same frames at 640x480 and 1280x720. Ours through the worker's path:
//    an I420 VideoFrame of the Y4M frame (as a camera gives it), copyTo() into wasm memory,
//    segment + matte + composite blur in place, a new I420 VideoFrame out (rows 'frame'); and
//    through its canvas fallback (getImageData RGBA; rows 'rgba', the only path before);
//  audio: OfflineAudioContext at 48 kHz, 128-frame worklet quanta: ours (RNNoise 0.1 and 0.2
//    models) against @jitsi/rnnoise-wasm 0.2.1 in jitsi-meet's worklet shape, as render wall
//    time over a ring-only worklet, per 10 ms of audio.
//   node bench/web_bench.mjs FRAMES_DIR N WARM
//   env CC_BENCH_BASE_DIST=DIR: also another build's dist/ (e.g. one made from an older commit)
//   in the same browser, on the same frames, interleaved with ours: rows 'base SIMD128' (both
//   paths where that build has them); CC_BENCH_DIST=DIR: ours from DIR instead of web/dist;
//   CC_BENCH_VIDEO_ONLY=1: no official solution, no audio (quick A/B of our video path);
//   CC_BENCH_AUDIO_ONLY=1: no video at all (quick A/B of the worklets).
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

const videoOnly = !!process.env.CC_BENCH_VIDEO_ONLY, audioOnly = !!process.env.CC_BENCH_AUDIO_ONLY;
const off = await openOfficial();
const baseDist = process.env.CC_BENCH_BASE_DIST, ourDist = process.env.CC_BENCH_DIST;
const server = await startServer({ extra: { bench: `${here}/web`, frames: dir, jitsi: `${CACHE}/models/jitsi-rnnoise-wasm/dist`,
  ...(baseDist ? { basedist: path.resolve(baseDist) } : {}), ...(ourDist ? { ourdist: path.resolve(ourDist) } : {}) } });
async function openBench(query) {
  const p = await off.context.newPage();
  p.on('pageerror', (e) => console.log(`# page error: ${e.message}`));
  await p.goto(`http://127.0.0.1:${server.address().port}/extra/bench/bench.html${query}`);
  await p.waitForFunction(() => window.benchReady, null, { timeout: 30000 });
  return p;
}
const page = await openBench(ourDist ? '?dist=/extra/ourdist/' : '');
if (ourDist) console.log(`# ours: ${ourDist}`);
const basePage = baseDist ? await openBench('?dist=/extra/basedist/') : null;
if (baseDist) console.log(`# base: ${baseDist}`);
console.log(`# Chromium ${off.browserVersion}; ${n} frames per size after ${warm} warm-up; load before: ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);

await off.setModel(0);
const res = {};
console.log('who                      size       median_ms   p10_ms   p90_ms   seg_ms  (infer  refine)  comp_ms');
for (const [w, h] of audioOnly ? [] : SIZES) {
  const b = fs.readFileSync(path.join(dir, `clip_${h}p.rgb`));
  const frames = Array.from({ length: n }, (_, i) => new Uint8Array(b.buffer, b.byteOffset + i * w * h * 3, w * h * 3));
  if (!videoOnly) {
    const o = await off.time(frames, w, h, warm);
    res[`official ${h}`] = med(o.ms);
    console.log(`official (CPU inference)  ${`${w}x${h}`.padEnd(10)} ${f1(med(o.ms))} ${f1(q(o.ms, 0.1))} ${f1(q(o.ms, 0.9))}`);
  }
  const runs = [['ours SIMD128 frame', page, true, 'simd', 'frame'], ['ours SIMD128 rgba ', page, true, 'simdrgba', 'rgba'],
    ['ours baseline frame', page, false, 'base', 'frame']];
  if (basePage) runs.push(['base SIMD128 frame', basePage, true, 'prev', 'frame'], ['base SIMD128 rgba ', basePage, true, 'prevrgba', 'rgba']);
  // rounds: every run once per round (the pages interleave), medians over all rounds' frames
  const rounds = Number(process.env.CC_BENCH_ROUNDS || 1), rows = {};
  for (let r = 0; r < rounds; r++) for (const [name, pg, simd, key, p] of runs) {
    const x = await pg.evaluate((a) => window.timeVideo(a), { w, h, n, warm, simd, model: '/models/selfie_segmentation.tflite', path: p });
    if (!x.missing) (rows[key] ??= []).push(...x.rows);
  }
  for (const [name, , , key] of runs) {
    const rs = rows[key];
    if (!rs) { console.log(`${name}       ${`${w}x${h}`.padEnd(10)} (this build has no such path)`); continue; }
    const all = rs.map((x) => x.all);
    res[`ours ${key} ${h}`] = med(all);
    console.log(`${name.padEnd(24)} ${`${w}x${h}`.padEnd(10)} ${f1(med(all))} ${f1(q(all, 0.1))} ${f1(q(all, 0.9))} ${f1(med(rs.map((x) => x.seg)))} (${med(rs.map((x) => x.inferMs)).toFixed(1)} ${med(rs.map((x) => x.refineMs)).toFixed(1)}) ${f1(med(rs.map((x) => x.comp)))}`);
  }
}
for (const [, h] of audioOnly ? [] : SIZES) {
  const r = (a, b) => (res[a] / res[b]).toFixed(2);
  console.log(`# ${h}p:` + (videoOnly ? '' : ` official / ours SIMD128 frame = ${r(`official ${h}`, `ours simd ${h}`)}x;`) +
    ` rgba path / frame path ${r(`ours simdrgba ${h}`, `ours simd ${h}`)}x; SIMD128 speed-up over baseline wasm ${r(`ours base ${h}`, `ours simd ${h}`)}x` +
    (basePage ? `; base rgba / ours frame ${r(`ours prevrgba ${h}`, `ours simd ${h}`)}x` + (res[`ours prev ${h}`] ? `, base frame / ours frame ${r(`ours prev ${h}`, `ours simd ${h}`)}x` : '') : ''));
}
if (videoOnly) {
  console.log(`# load after: ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  await page.close(); await basePage?.close(); server.close(); await off.close();
  process.exit(0);
}

const seconds = Number(process.env.CC_BENCH_AUDIO_SECONDS || 20), reps = Number(process.env.CC_BENCH_AUDIO_REPS || 3); // best of reps: rounds interleave every worklet
// reps rounds; each round runs every worklet once (and the base build's, interleaved)
const a = {}, b = {};
for (let r = 0; r < reps; r++) {
  for (const [pg, into] of basePage ? [[page, a], [basePage, b]] : [[page, a]]) {
    const x = await pg.evaluate((o) => window.timeAudio(o), { seconds, reps: 1, simd: true });
    for (const [k, v] of Object.entries(x)) (into[k] ??= []).push(...v);
  }
}
const per10 = (ms) => 1000 * ms / (seconds * 100); // us per 10 ms of audio
const pass = Math.min(...a.pass.map((x) => x.ms));
console.log(`\naudio: ${seconds} s at 48 kHz in an OfflineAudioContext, best of ${reps}; ring-only worklet ${pass.toFixed(0)} ms`);
console.log('who                          render_ms  us_per_10ms(over ring)  in-worklet us_per_10ms');
const cost = {};
for (const k of ['jitsi', 'jitsi2', 'rnnoise', 'rnnoise2']) {
  const best = Math.min(...a[k].map((x) => x.ms));
  const st = a[k].find((x) => x.ms === best).st;
  const busy = st ? (st.busyMs ?? st.meanUs * st.quanta / 1000) : NaN;
  cost[k] = per10(best - pass);
  const name = { jitsi: '@jitsi/rnnoise-wasm 0.1 build', jitsi2: '@jitsi/rnnoise-wasm 0.2 build', rnnoise: 'ours SIMD128, rnnoise (0.1)', rnnoise2: 'ours SIMD128, rnnoise2 (0.2)' }[k];
  console.log(`${name.padEnd(28)} ${f1(best)}   ${f1(cost[k])}                ${f1(per10(busy))}`);
}
// like for like: each model generation against jitsi's build of the same one (jitsi-meet's
// noise suppressor runs the 0.2 build); and the default (0.2) against jitsi's cheaper 0.1 build
console.log(`# same model: jitsi 0.1 build / ours rnnoise ${(cost.jitsi / cost.rnnoise).toFixed(2)}x, jitsi 0.2 build / ours rnnoise2 ${(cost.jitsi2 / cost.rnnoise2).toFixed(2)}x; jitsi 0.1 build / ours rnnoise2 ${(cost.jitsi / cost.rnnoise2).toFixed(2)}x`);
// per round (each round renders every worklet once, in turn): jitsi's cost over ring / ours, the
// median and range over rounds; less moved by one lucky or unlucky render than best-of
const perRound = (j, k) => a.pass.map((p, r) => (a[j][r].ms - p.ms) / (a[k][r].ms - p.ms));
for (const [j, k] of [['jitsi', 'rnnoise'], ['jitsi2', 'rnnoise2'], ['jitsi', 'rnnoise2']]) {
  const v = perRound(j, k);
  console.log(`# per-round ${j} / ours ${k}: median ${med(v).toFixed(2)}x, range ${Math.min(...v).toFixed(2)}-${Math.max(...v).toFixed(2)}x over ${v.length} rounds`);
}
if (basePage) {
  const bpass = Math.min(...b.pass.map((x) => x.ms));
  const bcost = {};
  for (const k of ['jitsi', 'rnnoise', 'rnnoise2']) {
    const best = Math.min(...b[k].map((x) => x.ms));
    const st = b[k].find((x) => x.ms === best).st;
    const busy = st ? (st.busyMs ?? st.meanUs * st.quanta / 1000) : NaN;
    bcost[k] = per10(best - bpass);
    if (k !== 'jitsi') console.log(`${`base SIMD128, ${k}`.padEnd(28)} ${f1(best)}   ${f1(bcost[k])}                ${f1(per10(busy))}`);
  }
  console.log(`# base page: ring-only ${bpass.toFixed(0)} ms, jitsi ${f1(bcost.jitsi)} us; jitsi / base: rnnoise ${(bcost.jitsi / bcost.rnnoise).toFixed(2)}x, rnnoise2 ${(bcost.jitsi / bcost.rnnoise2).toFixed(2)}x`);
}
console.log(`# load after: ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
await page.close();
await basePage?.close();
server.close();
await off.close();
