// The wasm build's --raw masks against the official MediaPipe solution's (tests/ref/official,
// made in headless Chromium): for every INDEX entry, at least 99.9 % of pixels within +-1 and
// none off by more than 4, as the native build is held to (tests/ref/test_official.c). Both
// flavours (SIMD128 and baseline) and the CLI (web/cli.mjs mask --raw) are checked.
// Exit 77 only when models or test material were never fetched.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SegModel, VideoPipeline, PixelFormat } from '../../web/src/core.js';
import { findModel, loadCleancast, readPnm } from '../../web/src/node.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cache = process.env.CLEANCAST_CACHE || (process.env.XDG_CACHE_HOME?.startsWith('/') ?
  `${process.env.XDG_CACHE_HOME}/cleancast` : `${process.env.HOME}/.cache/cleancast`); // scripts/cachedir.sh
for (const f of ['cleancast-simd.wasm', 'cleancast.wasm'])
  if (!fs.existsSync(`${root}/web/dist/${f}`)) { console.log(`FAIL: SETUP FAILED: web/dist/${f} missing (make web)`); process.exit(1); }
let failed = 0;
const fail = (m) => { console.log(`FAIL: ${m}`); failed++; };

let models;
try {
  models = { general: findModel('general', 'segmentation'), landscape: findModel('landscape', 'segmentation') };
} catch (e) { console.log(`SKIP: ${e.message}`); process.exit(77); }
if (!cache || !fs.existsSync(`${cache}/data/MANIFEST.sha256`)) { console.log('SKIP: test material not fetched'); process.exit(77); }

function readPgm(file) {
  const b = fs.readFileSync(file);
  const m = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(b.toString('latin1', 0, 64));
  if (!m) throw new Error(`${file}: not a PGM`);
  return { width: +m[1], height: +m[2], data: b.subarray(m[0].length) };
}

function crop(img, x, y, w, h) {
  const out = new Uint8Array(w * h * 4);
  for (let r = 0; r < h; r++) out.set(img.rgba.subarray(((y + r) * img.width + x) * 4, ((y + r) * img.width + x + w) * 4), r * w * 4);
  return { width: w, height: h, rgba: out };
}

function compare(name, ours, off) {
  let within1 = 0, over4 = 0, worst = 0, equal = 0;
  for (let i = 0; i < off.length; i++) {
    const d = Math.abs(ours[i] - off[i]);
    equal += d === 0; within1 += d <= 1; over4 += d > 4; worst = Math.max(worst, d);
  }
  const pct = 100 * within1 / off.length;
  console.log(`${name.padEnd(44)} equal ${(100 * equal / off.length).toFixed(4)}%  within1 ${pct.toFixed(4)}%  >4 ${over4}  max ${worst}`);
  if (pct < 99.9) fail(`${name}: only ${pct.toFixed(4)}% within 1`);
  if (over4) fail(`${name}: ${over4} pixels off by more than 4 (max ${worst})`);
}

const entries = fs.readFileSync(`${root}/tests/ref/official/INDEX`, 'utf8').split('\n')
  .filter((l) => l && !l.startsWith('#')).map((l) => l.split(/\s+/));
for (const simd of [true, false]) {
  const cc = loadCleancast({ simd });
  if (!!cc.simd !== simd) fail(`loaded the ${cc.simd ? 'SIMD' : 'baseline'} build for simd=${simd}`);
  const pipes = {};
  for (const [k, p] of Object.entries(models)) pipes[k] = new VideoPipeline(cc, new SegModel(cc, fs.readFileSync(p)), { raw: true, background: 'none' });
  for (const [mask, model, rel, region, sha] of entries) {
    const file = `${cache}/data/${rel}`;
    if (!fs.existsSync(file)) { fail(`${rel} missing from the fetched material`); continue; }
    const hash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    if (hash !== sha) { fail(`${rel}: sha256 ${hash}, INDEX says ${sha}`); continue; }
    let img = readPnm(file);
    if (region.startsWith('crop:')) { const [x, y, w, h] = region.slice(5).split(',').map(Number); img = crop(img, x, y, w, h); }
    const off = readPgm(`${root}/tests/ref/official/${mask}`);
    if (off.width !== img.width || off.height !== img.height) { fail(`${mask}: size differs`); continue; }
    const ours = pipes[model].mask(PixelFormat.RGBA, img.width, img.height, img.rgba);
    compare(`${mask} (${simd ? 'simd128' : 'baseline'})`, ours, off.data);
  }
}

// The CLI on one full-frame entry: same bytes as the API.
const [mask, model, rel] = entries.find((e) => e[3] === 'full');
const tmp = fs.mkdtempSync('/tmp/ccweb-');
execFileSync(process.execPath, [`${root}/web/cli.mjs`, 'mask', `${cache}/data/${rel}`, '-o', `${tmp}/m.pgm`, '--raw', '--model', model]);
compare(`cli ${mask}`, readPgm(`${tmp}/m.pgm`).data, readPgm(`${root}/tests/ref/official/${mask}`).data);
fs.rmSync(tmp, { recursive: true });
console.log(failed ? `${failed} failures` : 'all masks match');
process.exit(failed ? 1 : 0);
