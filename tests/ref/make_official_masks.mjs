// Makes the committed reference masks of the official MediaPipe selfie segmentation solution
// (CPU inference) from test material in $CLEANCAST_CACHE/data. See README.md.
//
//   node make_official_masks.mjs [OUTDIR]     (default: ./official next to this script)
//
// Writes OUTDIR/<name>_<general|landscape>.pgm (mask at the input's full size) and, for the
// portraits, OUTDIR/<name>_crop_<model>.pgm: the official mask of a centre crop exactly the model's
// input size (256x256 or 256x144), where the official resampling is the identity, so it is
// round(255*p) of the network itself. OUTDIR/INDEX lists every mask with its input and the
// input's sha256, so a test can tell when its input is not the one the mask was made from.
// It also checks that a repeated send gives the same mask (no state carried between frames).
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { openOfficial, readPPM, writePGM, CACHE, PKG_VERSION } from './official.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = process.argv[2] || path.join(here, 'official');
const DATA = path.join(CACHE, 'data');
const MODELS = [
  { id: 0, name: 'general', w: 256, h: 256 },
  { id: 1, name: 'landscape', w: 256, h: 144 },
];
// name, input relative to $CLEANCAST_CACHE/data, centre crop too?
const INPUTS = [
  ['grace_hopper', 'images/grace_hopper.ppm', true],
  ['astronaut', 'images/astronaut.ppm', true],
  ['camera', 'images/camera.ppm', false],
  ['cap12_0000', 'frames/cap12_0000.ppm', false],
  ['cap12_0300', 'frames/cap12_0300.ppm', false],
  ['cap13_0100', 'frames/cap13_0100.ppm', false],
  ['cap13_0400', 'frames/cap13_0400.ppm', false],
];

function crop(img, x0, y0, w, h) {
  const o = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    o.set(img.rgb.subarray(((y0 + y) * img.w + x0) * 3, ((y0 + y) * img.w + x0 + w) * 3), y * w * 3);
  return { w, h, rgb: o };
}
function maskOf(r, w, h) {
  if (r.w !== w || r.h !== h) throw new Error(`official mask is ${r.w}x${r.h}, input ${w}x${h}`);
  const g = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) {
    // observed: the mask is in R and A (equal), G = B = 0
    if (r.rgba[4 * i] !== r.rgba[4 * i + 3] || r.rgba[4 * i + 1] || r.rgba[4 * i + 2])
      throw new Error(`mask pixel ${i} is not (m,0,0,m): ${r.rgba.subarray(4 * i, 4 * i + 4)}`);
    g[i] = r.rgba[4 * i];
  }
  return g;
}

const inputs = INPUTS.map(([name, rel, doCrop]) => {
  const file = path.join(DATA, rel);
  if (!fs.existsSync(file)) throw new Error(`${file} missing: run data/fetch.sh first`);
  const sha = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  return { name, rel, doCrop, img: readPPM(file), sha };
});

fs.mkdirSync(outDir, { recursive: true });
const off = await openOfficial({ log: (s) => { if (process.env.CC_VERBOSE) console.error(s); } });
const index = [
  `# official masks: @mediapipe/selfie_segmentation@${PKG_VERSION}, useCpuInference true, selfieMode false`,
  `# browser: ${await off.version()}`,
  '# mask model input(relative to $CLEANCAST_CACHE/data) region(full or crop:x,y,w,h) input_sha256',
];
for (const m of MODELS) {
  await off.setModel(m.id);
  let first = null;
  for (const inp of inputs) {
    const { img } = inp;
    const full = maskOf(await off.segment(img.rgb, img.w, img.h), img.w, img.h);
    if (!first) first = { inp, full };
    const f = `${inp.name}_${m.name}.pgm`;
    writePGM(path.join(outDir, f), full, img.w, img.h);
    index.push(`${f} ${m.name} ${inp.rel} full ${inp.sha}`);
    if (inp.doCrop) {
      const x0 = Math.floor((img.w - m.w) / 2), y0 = Math.floor((img.h - m.h) / 2);
      const c = crop(img, x0, y0, m.w, m.h);
      const cm = maskOf(await off.segment(c.rgb, c.w, c.h), c.w, c.h);
      const cf = `${inp.name}_crop_${m.name}.pgm`;
      writePGM(path.join(outDir, cf), cm, c.w, c.h);
      index.push(`${cf} ${m.name} ${inp.rel} crop:${x0},${y0},${m.w},${m.h} ${inp.sha}`);
    }
    console.log(`official: ${f}`);
  }
  // the same input again, after others: the solution must not carry state between frames
  const again = maskOf(await off.segment(first.inp.img.rgb, first.inp.img.w, first.inp.img.h), first.inp.img.w, first.inp.img.h);
  if (Buffer.compare(Buffer.from(again), Buffer.from(first.full)) !== 0)
    throw new Error(`${m.name}: a repeated send of ${first.inp.name} gave a different mask`);
}
await off.close();
fs.writeFileSync(path.join(outDir, 'INDEX'), index.join('\n') + '\n');
console.log(`official: ${index.length - 3} masks in ${outDir}`);
