// cleanVideoTrack() in headless Debian Chromium with a fake camera fed by DATA.md material (Y4M
// re-tagged C420jpeg, 640x480): the worker's tap hook returns the pixels that went into the
// wasm (the camera's I420 VideoFrame as it is: the worker copies it into wasm memory and
// composites in place, no canvas), the mask and the composited output of chosen frames.
// 1. The I420 planes are the Y4M's own frames, byte for byte (Chromium's colour space: none
//    given, taken as limited-range BT.601, as Chromium itself shows them). The composited I420
//    output matches the native library on exactly those planes (`cleancast process` of a
//    one-frame Y4M to lossless H.264, --crf 0, portable executor, same background; 99.9 % within
//    1, max 8 on every plane; measured: identical), which holds the mask to the native one on the
//    colour steps; and the mask is close to the native mask of ffmpeg's RGB decode of the same
//    planes (mean < 1.5, < 3 % off by more than 16: the RGB path rounds differently at edges).
//    The worker's canvas fallback (forced by a test hook, the last step): Chromium's RGBA went
//    in, the mask and the output match the native library on exactly those pixels (99.9 % within
//    1, max 8), the pixels are the Y4M frame up to Chromium's YUV->RGB rounding (mean < 2).
// 2. Live reconfiguration: colour -> another colour -> none -> blur:1 -> blur:0.3, each tapped
//    frame composited with the options of its step.
// 3. A slow machine (a busy wait per frame in the worker): frames are dropped and counted, the
//    newest frame is taken (a frame never waits more than about one frame's work), not queued.
// 4. VideoPipeline.processVideoFrame() on VideoFrames of the same planes in other layouts: NV12
//    gives the I420 mask and output (interleaved), a transparent background on I420 gives I420A
//    with the mask as alpha, a BT.709 frame is read as BT.709 and keeps its colour space, NV12 +
//    transparent and a scaled display size go to the canvas (null).
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { needSetup, launch, root } from './browser.mjs';
import { startServer, cacheDir } from '../../web/demo/serve.mjs';

const pw = needSetup();
const cache = cacheDir();
const clip = `${cache}/data/video/cap12_20s.y4m`;
const native = `${process.env.CC_WEBNAT ?? `${root}/build-webnat`}/tools/cleancast`;
if (!fs.existsSync(`${cache}/models/selfie_segmentation.tflite`) || !fs.existsSync(`${cache}/data/MANIFEST.sha256`)) {
  console.log('SKIP: models or material not fetched'); process.exit(77);
}
for (const [f, how] of [[clip, 'the fetched material'], [native, '`make web-native`']])
  if (!fs.existsSync(f)) { console.log(`FAIL: SETUP FAILED: ${f} missing (${how})`); process.exit(1); }
// Both sides must be built from the same sources (make test builds web and web-native).
const newer = (dir, t) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ?
  newer(`${dir}/${e.name}`, t) : /\.[ch]$/.test(e.name) && fs.statSync(`${dir}/${e.name}`).mtimeMs > t ? [`${dir}/${e.name}`] : []);
const stale = newer(`${root}/src`, fs.statSync(native).mtimeMs);
if (stale.length) console.log(`note: ${native} is older than ${stale.slice(0, 3).join(', ')}: masks differ if those changed the chain (make web-native)`);
let failed = 0;
const check = (ok, msg) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${msg}`); if (!ok) failed++; };
const tmp = fs.mkdtempSync('/tmp/ccweb-video-');
const W = 640, H = 480, SECONDS = 4;
execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', clip, '-t', String(SECONDS), '-vf', `scale=${W}:${H},format=yuvj420p`, '-strict', '-1', `${tmp}/cam.y4m`]);
// the same frames as ffmpeg decodes them: Chromium's fake capture takes the C420jpeg planes as
// limited-range BT.601 (measured: mean 1.2, max 3 against that decode; 6.2 / 21 against full range)
execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', `${tmp}/cam.y4m`, '-vf', 'scale=in_range=tv:in_color_matrix=bt601', '-f', 'rawvideo', '-pix_fmt', 'rgb24', `${tmp}/cam.rgb`]);
const y4mFrames = fs.readFileSync(`${tmp}/cam.rgb`);
// and the Y4M's own planes (what the fake camera delivers as I420)
execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', `${tmp}/cam.y4m`, '-f', 'rawvideo', '-pix_fmt', 'yuvj420p', `${tmp}/cam.yuv`]);
const camYuv = fs.readFileSync(`${tmp}/cam.yuv`), yuvSize = W * H * 3 / 2;
const y4mYuv = Array.from({ length: Math.floor(camYuv.length / yuvSize) }, (_, f) => camYuv.subarray(f * yuvSize, (f + 1) * yuvSize));

const u8 = (s) => new Uint8Array(Buffer.from(s, 'base64'));
function writePpm(file, rgba, w, h) {
  const rgb = Buffer.alloc(w * h * 3);
  for (let p = 0; p < w * h; p++) { rgb[3 * p] = rgba[4 * p]; rgb[3 * p + 1] = rgba[4 * p + 1]; rgb[3 * p + 2] = rgba[4 * p + 2]; }
  fs.writeFileSync(file, Buffer.concat([Buffer.from(`P6\n${w} ${h}\n255\n`, 'latin1'), rgb]));
}
function readPnm(file) {
  const b = fs.readFileSync(file);
  const m = /^P([56])\s+(\d+)\s+(\d+)\s+255\s/.exec(b.toString('latin1', 0, 64));
  return { ch: m[1] === '6' ? 3 : 1, width: +m[2], height: +m[3], data: b.subarray(m[0].length) };
}
const nat = (...args) => execFileSync(native, args, { stdio: ['ignore', 'pipe', 'pipe'] });
/** {within1 %, over4 count, max, mean abs} of two byte arrays (stride a/b, count n per pixel) */
function diff(a, b, n, sa = n, sb = n) {
  let w1 = 0, o4 = 0, max = 0, sum = 0;
  const px = Math.floor(a.length / sa);
  for (let p = 0; p < px; p++) for (let c = 0; c < n; c++) {
    const d = Math.abs(a[p * sa + c] - b[p * sb + c]);
    w1 += d <= 1; o4 += d > 4; max = Math.max(max, d); sum += d;
  }
  const N = px * n;
  return { within1: 100 * w1 / N, over4: o4, max, mean: sum / N };
}
const fmt = (d) => `within1 ${d.within1.toFixed(3)}%, >4 ${d.over4}, max ${d.max}, mean ${d.mean.toFixed(4)}`;
const hex = (c) => c.map((v) => v.toString(16).padStart(2, '0')).join('');

const server = await startServer({ extra: { pages: `${root}/tests/web/pages` } });
const base = `http://127.0.0.1:${server.address().port}`;
const { ctx, close } = await launch(pw, ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  `--use-file-for-fake-video-capture=${tmp}/cam.y4m`]);
try {
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.log(`page: ${m.text()}`); });
  page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
  await page.goto(`${base}/extra/pages/video.html`);
  await page.waitForFunction(() => window.pageReady, null, { timeout: 30000 });

  // ---- 1 + 2: masks and composites vs native, live reconfiguration
  const steps = [
    { options: { background: 'color', color: [0, 255, 0] }, taps: 3 },
    { options: { color: [255, 0, 255] }, taps: 2 },
    { options: { background: 'none' }, taps: 1 },
    { options: { background: 'blur', blurStrength: 1 }, taps: 2 },
    { options: { blurStrength: 0.3 }, taps: 1 },
    // the worker's canvas fallback (formats the library does not take): RGBA through getImageData
    { options: { canvas: true, background: 'color', color: [0, 0, 255] }, taps: 2 },
  ];
  const r = await page.evaluate((a) => window.runVideo(a), { model: '/models/selfie_segmentation.tflite',
    initial: { background: 'color', color: [0, 255, 0], smoothing: 0, lightWrap: 0 }, steps, settleMs: 500 });
  console.log(`stats ${JSON.stringify(r.stats)}; playing ${r.playing.width}x${r.playing.height}`);
  check(r.playing.width === W && r.playing.height === H, `clean track plays in a <video> at ${r.playing.width}x${r.playing.height}`);
  check(r.taps.length === steps.reduce((s, x) => s + x.taps, 0), `${r.taps.length} frames tapped`);
  const worst = { comp: 100, y4m: 0, y4mMask: 100 };
  let lastIndex = -1;
  for (const t of r.taps) {
    const step = steps[t.step], o = t.options;
    const name = `step ${t.step} frame ${t.index} (${o.background}${o.background === 'color' ? ` ${hex(o.color)}` : ''}${o.background === 'blur' ? ` ${o.blurStrength}` : ''})`;
    check(t.index > lastIndex, `${name}: frames in order`); lastIndex = t.index;
    const want = { background: 'color', color: [0, 255, 0], blurStrength: undefined };
    for (let i = 0; i <= t.step; i++) Object.assign(want, steps[i].options);
    check(o.background === want.background && (o.background !== 'color' || hex(o.color) === hex(want.color)) &&
      (o.background !== 'blur' || o.blurStrength === want.blurStrength), `${name}: the step's options were applied`);
    const input = u8(t.input), mask = u8(t.mask), output = u8(t.output);
    const bg = o.background === 'color' ? `color:${hex(o.color)}` : o.background === 'blur' ? `blur:${o.blurStrength}` : 'none';
    let best = -1, bestD = Infinity;
    if (steps.slice(0, t.step + 1).some((x) => x.options.canvas)) {
      // the canvas path: Chromium's RGBA went in
      check(t.format === 'RGBA' && input.length === t.width * t.height * 4, `${name}: the canvas fallback took the frame as RGBA (format ${t.format})`);
      writePpm(`${tmp}/in.ppm`, input, t.width, t.height);
      if (process.env.CC_TEST_KEEP) fs.copyFileSync(`${tmp}/in.ppm`, `${process.env.CC_TEST_KEEP}/in${t.index}.ppm`);
      nat('mask', `${tmp}/in.ppm`, '-o', `${tmp}/mask.pgm`, '--backend', 'portable');
      const dm = diff(mask, readPnm(`${tmp}/mask.pgm`).data, 1);
      check(dm.within1 >= 99.9 && dm.max <= 8, `${name}: mask vs native mask of the same pixels: ${fmt(dm)}`);
      nat('process', `${tmp}/in.ppm`, '-o', `${tmp}/out.ppm`, '--backend', 'portable', '--background', bg, '--light-wrap', '0');
      const dc = diff(output, readPnm(`${tmp}/out.ppm`).data, 3, 4, 3);
      worst.comp = Math.min(worst.comp, dc.within1);
      check(dc.within1 >= 99.9 && dc.max <= 8, `${name}: output vs native process --background ${bg}: ${fmt(dc)}`);
      let bgPx = 0, exact = 0;
      for (let p = 0; p < t.width * t.height; p++) if (mask[p] === 0) {
        bgPx++; exact += output[4 * p] === o.color[0] && output[4 * p + 1] === o.color[1] && output[4 * p + 2] === o.color[2];
      }
      check(bgPx > 1000 && exact / bgPx > 0.99, `${name}: ${(100 * exact / bgPx).toFixed(2)}% of ${bgPx} background pixels are the colour`);
      // which Y4M frame this is: ffmpeg's decode nearest to Chromium's pixels
      for (let f = 0; f < y4mYuv.length; f++) {
        let s = 0;
        const off = f * W * H * 3;
        for (let p = 0; p < W * H; p += 97) s += Math.abs(y4mFrames[off + 3 * p + 1] - input[4 * p + 1]);
        if (s < bestD) { bestD = s; best = f; }
      }
      const dy = diff(input, y4mFrames.subarray(best * W * H * 3, (best + 1) * W * H * 3), 3, 4, 3);
      check(dy.mean < 2 && dy.over4 < 0.01 * W * H * 3, `${name}: is Y4M frame ${best} (Chromium's RGB vs ffmpeg's: ${fmt(dy)})`);
    } else {
      const cw = t.width >> 1, ch = t.height >> 1, ySize = t.width * t.height, frameSize = ySize + 2 * cw * ch;
      check(t.format === 'I420' && input.length === frameSize && t.fullRange === 0 && t.matrix === 0,
        `${name}: the camera's I420 frame went in as it is (format ${t.format}, ${input.length} bytes, full range ${t.fullRange}, matrix ${t.matrix})`);
      // which Y4M frame this is: the one with the same planes
      for (let f = 0; f < y4mYuv.length; f++) {
        let s = 0;
        for (let p = 0; p < ySize; p += 97) s += Math.abs(y4mYuv[f][p] - input[p]);
        if (s < bestD) { bestD = s; best = f; }
      }
      const dy = diff(input, y4mYuv[best], 1);
      worst.y4m = Math.max(worst.y4m, dy.max);
      check(dy.max === 0, `${name}: is Y4M frame ${best}, byte for byte (${fmt(dy)})`);
      // the native chain on the same planes: a one-frame Y4M, limited range as the worker read it
      const hdr = `YUV4MPEG2 W${t.width} H${t.height} F30:1 Ip A1:1 C420mpeg2 XYSCSS=420MPEG2 XCOLORRANGE=LIMITED\nFRAME\n`;
      fs.writeFileSync(`${tmp}/in.y4m`, Buffer.concat([Buffer.from(hdr, 'latin1'), input]));
      if (process.env.CC_TEST_KEEP) fs.copyFileSync(`${tmp}/in.y4m`, `${process.env.CC_TEST_KEEP}/in${t.index}.y4m`);
      nat('process', `${tmp}/in.y4m`, '-o', `${tmp}/out.mp4`, '--crf', '0', '--backend', 'portable', '--background', bg,
        '--light-wrap', '0', '--denoise', 'off', '-q');
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', `${tmp}/out.mp4`, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', `${tmp}/out.yuv`]);
      const natOut = fs.readFileSync(`${tmp}/out.yuv`);
      const planes = [[0, ySize, 'Y'], [ySize, cw * ch, 'U'], [ySize + cw * ch, cw * ch, 'V']];
      for (const [off, n, pl] of planes) {
        const dc = diff(output.subarray(off, off + n), natOut.subarray(off, off + n), 1);
        worst.comp = Math.min(worst.comp, dc.within1);
        check(dc.within1 >= 99.9 && dc.max <= 8, `${name}: output ${pl} vs native process --background ${bg} of the same planes: ${fmt(dc)}`);
      }
      if (o.background === 'none') check(diff(output, input, 1).max === 0, `${name}: 'none' passes the frame through`);
      if (o.background === 'color') {
        // the colour's Y (BT.601 limited range) on the background pixels
        const [R, G, B] = o.color;
        const yWant = Math.round(16 + (65.481 * R + 128.553 * G + 24.966 * B) / 255);
        let bgPx = 0, exact = 0;
        for (let p = 0; p < ySize; p++) if (mask[p] === 0) { bgPx++; exact += Math.abs(output[p] - yWant) <= 1; }
        check(bgPx > 1000 && exact / bgPx > 0.99, `${name}: ${(100 * exact / bgPx).toFixed(2)}% of ${bgPx} background pixels have the colour's Y ${yWant}`);
      }
    }
    const ref = y4mFrames.subarray(best * W * H * 3, (best + 1) * W * H * 3);
    const rgbPpm = Buffer.concat([Buffer.from(`P6\n${W} ${H}\n255\n`, 'latin1'), ref]);
    fs.writeFileSync(`${tmp}/y4m.ppm`, rgbPpm);
    nat('mask', `${tmp}/y4m.ppm`, '-o', `${tmp}/ymask.pgm`, '--backend', 'portable');
    const dym = diff(mask, readPnm(`${tmp}/ymask.pgm`).data, 1);
    worst.y4mMask = Math.min(worst.y4mMask, dym.within1);
    let off16 = 0;
    const ym = readPnm(`${tmp}/ymask.pgm`).data;
    for (let p = 0; p < mask.length; p++) off16 += Math.abs(mask[p] - ym[p]) > 16;
    check(dym.mean < 1.5 && off16 / mask.length < 0.03, `${name}: mask vs native mask of ffmpeg's RGB decode of the same frame: ${fmt(dym)}, ${(100 * off16 / mask.length).toFixed(3)}% off by >16`);
  }
  console.log(`summary: composite within1 >= ${worst.comp.toFixed(3)}% (every plane), camera planes vs Y4M max ${worst.y4m}, ` +
    `mask of ffmpeg's RGB decode within1 >= ${worst.y4mMask.toFixed(3)}%`);

  // ---- 4: processVideoFrame() on the other layouts, from the first Y4M frame's planes
  const fm = await page.evaluate((a) => window.runFormats(a), { model: '/models/selfie_segmentation.tflite',
    yuv: Buffer.from(y4mYuv[0]).toString('base64'), width: W, height: H });
  {
    const ys = W * H, cs = ys / 4, i420 = fm.i420, nv12 = fm.nv12, a = fm.alpha;
    const m0 = u8(i420.mask), o0 = u8(i420.out), o1 = u8(nv12.out);
    check(i420.format === 'I420' && i420.timestamp === 1234 && i420.info.matrix === 0 && i420.info.fullRange === 0,
      `I420 VideoFrame: I420 out, timestamp kept, BT.601 limited read (${i420.format}, ${JSON.stringify(i420.info)})`);
    check(nv12.format === 'NV12' && diff(u8(nv12.mask), m0, 1).max === 0, `NV12 VideoFrame: NV12 out, the same mask as I420 (${nv12.format})`);
    let uv = 0;
    for (let i = 0; i < cs; i++) uv += o1[ys + 2 * i] !== o0[ys + i] || o1[ys + 2 * i + 1] !== o0[ys + cs + i];
    check(diff(o1.subarray(0, ys), o0.subarray(0, ys), 1).max === 0 && uv === 0, `NV12 output = I420 output (Y and interleaved U, V; ${uv} chroma pairs differ)`);
    const oa = u8(a.out);
    check(a.format === 'I420A' && oa.length === ys * 2.5 && diff(oa.subarray(ys * 1.5), u8(a.mask), 1).max === 0 &&
      diff(oa.subarray(0, ys * 1.5), y4mYuv[0], 1).max === 0, `transparent on I420: I420A out, alpha = mask, planes untouched (${a.format}, ${oa.length} bytes)`);
    const d709 = diff(u8(fm.bt709.mask), m0, 1);
    check(fm.bt709.info.matrix === 1 && fm.bt709.colorSpace.matrix === 'bt709' && diff(u8(fm.bt709.out), y4mYuv[0], 1).max === 0 &&
      d709.max > 0, `BT.709 frame: read with BT.709 (the mask moves: ${fmt(d709)}), colour space kept, 'none' passes it (${JSON.stringify(fm.bt709.colorSpace)})`);
    check(fm.nv12Alpha === null && fm.scaled === null, 'NV12 + transparent and a display size other than the visible one: null (canvas fallback)');
  }

  // ---- 3: a slow machine drops frames (counted), never queues them
  const slowMs = 150;
  const s = await page.evaluate((a) => window.runSlow(a), { model: '/models/selfie_segmentation.tflite', slowMs, ms: 3000 });
  console.log(`slow: ${JSON.stringify(s.stats)} painted ${s.painted} camera ${JSON.stringify(s.settings)}`);
  const st = s.stats;
  check(st.videoDropped > 0, `slow worker (+${slowMs} ms/frame): ${st.videoDropped} frames dropped and counted`);
  const sent = 3 * s.settings.frameRate;
  check(Math.abs(st.videoFrames + st.videoDropped - sent) <= 0.1 * sent + 3,
    `every camera frame is delivered or counted dropped: ${st.videoFrames} + ${st.videoDropped} (${st.videoDroppedUpstream} before the worker read them) ~ ${sent} in 3 s at ${s.settings.frameRate} fps`);
  check(st.videoFrames >= 5 && st.videoFrames <= 3000 / slowMs + 2, `delivered at the worker's pace: ${st.videoFrames} frames in 3 s at >= ${slowMs} ms each`);
  check(st.maxWaitMs < st.videoMsMedian * 1.5 + 50, `no queue: a frame waited at most ${st.maxWaitMs.toFixed(1)} ms (one frame's work ${st.videoMsMedian.toFixed(1)} ms)`);
} catch (e) {
  check(false, `browser run: ${e.stack ?? e}`);
} finally {
  await close();
  server.close();
  if (process.env.CC_TEST_KEEP) fs.copyFileSync(`${tmp}/cam.y4m`, `${process.env.CC_TEST_KEEP}/cam.y4m`);
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
