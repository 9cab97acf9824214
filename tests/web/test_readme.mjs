// web/README.md's examples run as written: each fenced block after an `<!-- example: browser -->`
// marker is served as a page (with web/ at / and the model cache at /models/, as `make web-demo`
// does) and opened in headless Chromium with a fake camera and microphone; each block after
// `<!-- example: node -->` runs under node in a temp folder where `@cleancast/web` resolves to
// web/ and the files it reads exist. A block passes when it throws nothing (no page error, no
// console error) and does what it says (the <video> plays the clean track; node writes its files).
// Then the .d.ts types: tsc (web/'s pinned typescript) checks tests/web/types/usage.ts.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { needSetup, launch, root } from './browser.mjs';
import { startServer, cacheDir } from '../../web/demo/serve.mjs';
import { readWav } from '../../web/src/node.js';

const pw = needSetup();
const cache = cacheDir();
for (const f of ['selfie_segmentation.tflite', 'rnnoise2.ccm', 'rnnoise.ccm'])
  if (!fs.existsSync(`${cache}/models/${f}`)) { console.log(`SKIP: ${f} not fetched`); process.exit(77); }
if (!fs.existsSync(`${cache}/data/MANIFEST.sha256`)) { console.log('SKIP: material not fetched'); process.exit(77); }
let failed = 0;
const check = (ok, msg) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${msg}`); if (!ok) failed++; };
const readme = fs.readFileSync(`${root}/web/README.md`, 'utf8');
const blocks = [...readme.matchAll(/<!-- example: (browser|node) -->\s*```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ kind: m[1], code: m[3] }));
check(blocks.some((b) => b.kind === 'browser') && blocks.some((b) => b.kind === 'node'), `README examples found: ${blocks.map((b) => b.kind).join(', ')}`);

const tmp = fs.mkdtempSync('/tmp/ccweb-readme-');
try {
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', `${cache}/data/video/cap12_20s.y4m`, '-t', '3', '-vf', 'scale=640:480,format=yuvj420p', '-strict', '-1', `${tmp}/cam.y4m`]);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', `${cache}/data/speech/alsa_front_left_48k.wav`, '-t', '3', '-ar', '48000', '-ac', '1', '-c:a', 'pcm_s16le', `${tmp}/mic.wav`]);
  // ---- node blocks: @cleancast/web resolves to web/ through node_modules in the temp folder
  fs.mkdirSync(`${tmp}/node/node_modules/@cleancast`, { recursive: true });
  fs.symlinkSync(`${root}/web`, `${tmp}/node/node_modules/@cleancast/web`);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', `${tmp}/cam.y4m`, '-frames:v', '1', '-vf', 'scale=in_range=tv', `${tmp}/node/photo.ppm`]);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', `${tmp}/mic.wav`, '-c:a', 'pcm_s16le', `${tmp}/node/noisy.wav`]);
  let i = 0;
  for (const b of blocks.filter((x) => x.kind === 'node')) {
    const f = `${tmp}/node/example${i++}.mjs`;
    fs.writeFileSync(f, b.code);
    try {
      const out = execFileSync('node', [f], { cwd: `${tmp}/node`, env: { ...process.env, CLEANCAST_CACHE: cache }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      check(true, `node example ${i}: ${out.trim()}`);
      for (const o of ['mask.pgm', 'clean.wav']) if (b.code.includes(`'${o}'`))
        check(fs.existsSync(`${tmp}/node/${o}`) && fs.statSync(`${tmp}/node/${o}`).size > 1000, `node example ${i} wrote ${o}`);
      if (b.code.includes("'clean.wav'")) {
        const [a, c] = [readWav(`${tmp}/node/noisy.wav`), readWav(`${tmp}/node/clean.wav`)];
        check(a.frames === c.frames && a.sampleRate === c.sampleRate, `clean.wav has the length of noisy.wav (${c.frames} / ${a.frames} frames)`);
      }
    } catch (e) { check(false, `node example ${i}: ${e.stderr || e.message}`); }
  }
  // ---- browser blocks
  fs.mkdirSync(`${tmp}/pages`);
  blocks.filter((x) => x.kind === 'browser').forEach((b, k) => fs.writeFileSync(`${tmp}/pages/example${k}.html`, `<!doctype html><meta charset="utf-8">\n${b.code}`));
  const server = await startServer({ extra: { readme: `${tmp}/pages` } });
  const { ctx, close } = await launch(pw, ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${tmp}/cam.y4m`, `--use-file-for-fake-audio-capture=${tmp}/mic.wav`]);
  try {
    for (let k = 0; k < blocks.filter((x) => x.kind === 'browser').length; k++) {
      const page = await ctx.newPage();
      const errors = [], logs = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => { if (m.type() === 'error' && !/favicon|404/.test(m.text())) errors.push(m.text()); else logs.push(m.text()); });
      await page.goto(`http://127.0.0.1:${server.address().port}/extra/readme/example${k}.html`);
      await page.waitForTimeout(6000);
      const v = await page.evaluate(() => { const el = document.querySelector('video'); return el ? { w: el.videoWidth, h: el.videoHeight, t: el.currentTime } : null; });
      check(errors.length === 0, `browser example ${k + 1}: no errors${errors.length ? `: ${errors.join('; ')}` : ''}`);
      check(v && v.w === 640 && v.h === 480 && v.t > 1, `browser example ${k + 1}: the <video> plays the clean track (${JSON.stringify(v)})`);
      check(logs.some((l) => /denoiser delay \d/.test(l)), `browser example ${k + 1}: denoiser ran (${logs.find((l) => /denoiser delay/.test(l))})`);
      const last = logs.filter((l) => /^\d+ \d+$/.test(l)).pop();
      check(last && +last.split(' ')[0] > 10, `browser example ${k + 1}: clean frames counted (frames dropped: ${last})`);
      await page.close();
    }
  } finally { await close(); server.close(); }
  // ---- types
  const tsc = `${root}/web/node_modules/typescript/bin/tsc`;
  if (!fs.existsSync(tsc)) check(false, 'SETUP FAILED: web/node_modules/typescript missing (web/setup.sh)');
  else {
    try {
      execFileSync('node', [tsc, '-p', `${root}/tests/web/types/tsconfig.json`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      check(true, 'tsc: tests/web/types/usage.ts type-checks against web/dist/*.d.ts');
    } catch (e) { check(false, `tsc: ${e.stdout}${e.stderr}`); }
  }
} catch (e) {
  check(false, `run: ${e.stack ?? e}`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
