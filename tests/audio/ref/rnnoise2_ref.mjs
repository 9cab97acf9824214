#!/usr/bin/env node
// Reference RNNoise 0.2: runs the official 0.2 build (@jitsi/rnnoise-wasm@0.2.1
// dist/rnnoise-sync.js, xiph rnnoise 0.2 compiled with emscripten, the wasm inlined as base64)
// in node on a 48 kHz WAV.
//
// usage: node rnnoise2_ref.mjs IN.wav OUT.wav [--vad VAD.txt] [--js PATH] [--format s16|f32]
//                              [--raw]
//   IN.wav   48 kHz, PCM 16/24/32-bit or float; every channel is denoised on its own state.
//   OUT.wav  same rate and channels; s16 by default when the input is PCM, f32 when float.
//   --vad    one line per 480-sample input frame: "<frame> <vad probability>" (channel 0);
//            the probability rnnoise_process_frame() returned for that frame.
//   --raw    keep the delay: the output as the processor emits it, rounded up to whole frames.
//            By default the 960-sample delay of 0.2 (two frames: overlap-add plus the delayed
//            spectrum) is removed: two extra frames of zeros are pushed through and the first
//            960 output samples dropped, so OUT is time-aligned with IN and as long.
// Samples go to rnnoise_process_frame() in int16 scale (s16 value, or float x 32768).
// Default module: $CLEANCAST_CACHE/models/jitsi-rnnoise-wasm/dist/rnnoise-sync.js
// (models/fetch_rnnoise.sh unpacks the package).
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { readAudio as readWav, writeAudio as writeWav, AudioError as WavError } from './audio_io.mjs';

export const FRAME = 480;
export const DELAY = 960;

export function defaultJs() {
  const cache = process.env.CLEANCAST_CACHE || /* as scripts/cachedir.sh */
    (process.env.XDG_CACHE_HOME?.startsWith('/') ? path.join(process.env.XDG_CACHE_HOME, 'cleancast')
     : path.join(os.homedir(), '.cache', 'cleancast'));
  return path.join(cache, 'models', 'jitsi-rnnoise-wasm', 'dist', 'rnnoise-sync.js');
}

// The package's own ES module, imported as it is. It is imported from a data: URL of its
// bytes so that node does not warn about the package.json that lacks "type": "module"; the
// module needs no file next to it (the wasm is inline).
export async function loadRnnoise2(jsPath = defaultJs()) {
  const src = fs.readFileSync(jsPath);
  const mod = await import('data:text/javascript;base64,' + src.toString('base64'));
  const M = mod.default();
  if (typeof M._rnnoise_create !== 'function' || typeof M._rnnoise_process_frame !== 'function')
    throw new Error(`${jsPath}: no _rnnoise_create/_rnnoise_process_frame exports`);
  return {
    create: () => M._rnnoise_create(0),
    destroy: (st) => M._rnnoise_destroy(st),
    malloc: (n) => M._malloc(n),
    process: (st, outPtr, inPtr) => M._rnnoise_process_frame(st, outPtr, inPtr),
    heapF32: () => M.HEAPF32,
  };
}

// Denoises one channel (Float64Array, int16 scale). Returns { out, vad } with out aligned to
// the input (same length) unless raw is set.
export function denoiseChannel(rn, x, { raw = false } = {}) {
  const st = rn.create();
  const inPtr = rn.malloc(FRAME * 4), outPtr = rn.malloc(FRAME * 4);
  if (!st || !inPtr || !outPtr) throw new Error('rnnoise_create/malloc failed in the wasm module');
  const nIn = Math.ceil(x.length / FRAME);
  const nFrames = raw ? nIn : nIn + DELAY / FRAME;
  const y = new Float64Array(nFrames * FRAME), vad = new Float64Array(nIn);
  for (let f = 0; f < nFrames; f++) {
    let h = rn.heapF32();
    for (let i = 0; i < FRAME; i++) { const k = f * FRAME + i; h[inPtr / 4 + i] = k < x.length ? Math.fround(x[k]) : 0; }
    const v = rn.process(st, outPtr, inPtr);
    if (f < nIn) vad[f] = v;
    h = rn.heapF32();
    for (let i = 0; i < FRAME; i++) y[f * FRAME + i] = h[outPtr / 4 + i];
  }
  rn.destroy(st);
  return { out: raw ? y : y.subarray(DELAY, DELAY + x.length), vad };
}

async function main(argv) {
  const pos = [], opt = { js: defaultJs() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = () => { if (i + 1 >= argv.length) throw new WavError(`${a} needs a value`); return argv[++i]; };
    if (a === '--vad') opt.vad = v();
    else if (a === '--js') opt.js = v();
    else if (a === '--format') opt.format = v();
    else if (a === '--raw') opt.raw = true;
    else if (a.startsWith('--')) throw new WavError(`unknown option ${a}`);
    else pos.push(a);
  }
  if (pos.length !== 2) throw new WavError('usage: rnnoise2_ref.mjs IN.wav OUT.wav [--vad VAD.txt] [--js PATH] [--format s16|f32] [--raw]');
  if (opt.format && !['s16', 'f32'].includes(opt.format)) throw new WavError(`--format must be s16 or f32, not ${opt.format}`);
  if (!fs.existsSync(opt.js)) throw new WavError(`${opt.js} not found: run models/fetch_rnnoise.sh`);
  const w = readWav(pos[0]);
  if (w.rate !== 48000) throw new WavError(`${pos[0]}: ${w.rate} Hz; RNNoise runs at 48000 Hz only (resample first)`);
  const rn = await loadRnnoise2(opt.js);
  const res = w.channels.map((c) => denoiseChannel(rn, c, { raw: opt.raw }));
  writeWav(pos[1], w.rate, res.map((r) => r.out), opt.format || w.format);
  if (opt.vad) fs.writeFileSync(opt.vad, Array.from(res[0].vad, (v, i) => `${i} ${v.toFixed(6)}`).join('\n') + '\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`rnnoise2_ref: error: ${e.message}`);
    process.exit(1);
  });
}
