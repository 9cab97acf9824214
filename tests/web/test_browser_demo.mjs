// The demo page (web/demo/) in headless Debian Chromium with fake camera and microphone fed by
// DATA.md material (Y4M re-tagged C420jpeg, WAV 48 kHz): it starts, the clean video track
// delivers frames composited in the worker, the worklet runs, window.cleancastStats() reports.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { needSetup, launch, root } from './browser.mjs';
import { startServer, cacheDir } from '../../web/demo/serve.mjs';

const pw = needSetup();
const cache = cacheDir();
const clip = `${cache}/data/video/cap12_20s.y4m`;
if (!fs.existsSync(`${cache}/models/selfie_segmentation.tflite`) || !fs.existsSync(`${cache}/data/MANIFEST.sha256`)) {
  console.log('SKIP: models or material not fetched'); process.exit(77);
}
if (!fs.existsSync(clip)) { console.log(`FAIL: ${clip} missing from the fetched material`); process.exit(1); }
let failed = 0;
const check = (ok, msg) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${msg}`); if (!ok) failed++; };
const tmp = fs.mkdtempSync('/tmp/ccweb-demo-');
// 3 s at 640x480, C420jpeg (Chromium's fake capture wants a 4:2:0 JPEG-range tag)
execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', clip, '-t', '3', '-vf', 'scale=640:480,format=yuvj420p', '-strict', '-1', `${tmp}/cam.y4m`]);
execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', `${cache}/data/speech/alsa_front_left_48k.wav`, '-ar', '48000', '-ac', '1', '-c:a', 'pcm_s16le', `${tmp}/mic.wav`]);
const head = fs.readFileSync(`${tmp}/cam.y4m`).subarray(0, 80).toString('latin1');
check(/C420jpeg/.test(head), `fake camera clip tagged C420jpeg (${head.split('\n')[0]})`);

const server = await startServer();
const { ctx, close } = await launch(pw, ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  `--use-file-for-fake-video-capture=${tmp}/cam.y4m`, `--use-file-for-fake-audio-capture=${tmp}/mic.wav`]);
try {
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.log(`page: ${m.text()}`); });
  await page.goto(`http://127.0.0.1:${server.address().port}/demo/?autostart`);
  await page.waitForFunction(() => window.cleancastReady || window.cleancastError, null, { timeout: 60000 });
  const err = await page.evaluate(() => window.cleancastError);
  check(!err, `demo started${err ? `: ${err}` : ''}`);
  await page.waitForTimeout(5000);
  const s = await page.evaluate(() => window.cleancastStats());
  console.log(JSON.stringify(s));
  check(s.videoFrames >= 10, `clean video frames delivered: ${s.videoFrames} (dropped ${s.videoDropped}, median ${s.videoMsMedian.toFixed(1)} ms)`);
  check(s.audioQuanta >= 1000, `audio quanta processed: ${s.audioQuanta} (late ${s.audioLate})`);
  for (const k of ['videoFrames', 'videoDropped', 'videoMsMedian', 'audioQuanta', 'audioLate'])
    check(typeof s[k] === 'number', `cleancastStats().${k} is a number`);
} catch (e) {
  check(false, `browser run: ${e.stack ?? e}`);
} finally {
  await close();
  server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
