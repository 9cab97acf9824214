#!/usr/bin/env node
// Reference RNNoise: runs the official wasm build (@jitsi/rnnoise-wasm@0.2.1 dist/rnnoise.wasm,
// xiph rnnoise compiled with emscripten) in node on a 48 kHz WAV.
//
// usage: node rnnoise_ref.mjs IN.wav OUT.wav [--vad VAD.txt] [--wasm PATH] [--format s16|f32]
//                             [--raw] [--gain G]
//   IN.wav   48 kHz, PCM 16/24/32-bit or float; every channel is denoised on its own state.
//   OUT.wav  same rate and channels; s16 by default when the input is PCM, f32 when float.
//   --gain G multiply the int16-scale input by G before RNNoise and divide its output by G
//            (level-alignment experiments; default 1).
//   --vad    one line per 480-sample input frame: "<frame> <vad probability>" (channel 0).
//   --raw    keep RNNoise's delay: the output is the processor's output as it comes, rounded
//            up to whole frames. By default the 480-sample algorithmic delay is removed (one
//            extra frame of zeros is pushed through and the first 480 output samples are
//            dropped), so OUT is time-aligned with IN and has the same length.
// Samples go to rnnoise_process_frame() in int16 scale (s16 value, or float x 32768) — what
// RNNoise expects; the output is in the same scale. rnnoise_process_frame() returns the VAD
// probability of the frame it was given.
// Default wasm: $CLEANCAST_CACHE/models/jitsi-rnnoise-wasm/dist/rnnoise.wasm (models/fetch_rnnoise.sh).
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { readAudio as readWav, writeAudio as writeWav, AudioError as WavError } from './audio_io.mjs';

export const FRAME = 480;

export function defaultWasm() {
  const cache = process.env.CLEANCAST_CACHE || /* as scripts/cachedir.sh */
    (process.env.XDG_CACHE_HOME?.startsWith('/') ? path.join(process.env.XDG_CACHE_HOME, 'cleancast')
     : path.join(os.homedir(), '.cache', 'cleancast'));
  return path.join(cache, 'models', 'jitsi-rnnoise-wasm', 'dist', 'rnnoise.wasm');
}

// Instantiates the emscripten module without its browser-only JS glue. The export and import
// names are minified; their mapping is read from the glue (rnnoise.js next to the wasm).
export async function loadRnnoise(wasmPath = defaultWasm()) {
  const glue = fs.readFileSync(path.join(path.dirname(wasmPath), 'rnnoise.js'), 'latin1');
  const exp = {};
  for (const m of glue.matchAll(/Module\["(_{1,3}\w+)"\]\s*=\s*Module\["asm"\]\["(\w+)"\]/g)) exp[m[1]] = m[2];
  const memName = (glue.match(/wasmMemory\s*=\s*Module\["asm"\]\["(\w+)"\]/) || [])[1];
  const libArg = (glue.match(/var asmLibraryArg\s*=\s*\{([^}]*)\}/) || [])[1];
  if (!memName || !libArg || !exp._rnnoise_create || !exp._rnnoise_process_frame || !exp._malloc)
    throw new Error(`${wasmPath}: cannot find the emscripten export map in rnnoise.js`);
  let memory;
  const impls = {
    _emscripten_memcpy_big: (dst, src, n) => { new Uint8Array(memory.buffer).copyWithin(dst, src, src + n); },
    _emscripten_resize_heap: (req) => {
      req >>>= 0;
      const cur = memory.buffer.byteLength;
      if (req > 2 ** 31) return 0;
      try { memory.grow(Math.ceil((Math.max(req, cur * 1.2) - cur) / 65536)); return 1; } catch { return 0; }
    },
  };
  const env = {};
  for (const m of libArg.matchAll(/"(\w+)"\s*:\s*(\w+)/g)) {
    if (!impls[m[2]]) throw new Error(`rnnoise.js imports ${m[2]}, which this runner does not provide`);
    env[m[1]] = impls[m[2]];
  }
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmPath), { a: env });
  const x = instance.exports;
  memory = x[memName];
  if (exp.___wasm_call_ctors) x[exp.___wasm_call_ctors]();
  const fn = (name) => x[exp[name]];
  return {
    create: () => fn('_rnnoise_create')(0),
    destroy: (st) => fn('_rnnoise_destroy')(st),
    malloc: (n) => fn('_malloc')(n),
    process: (st, outPtr, inPtr) => fn('_rnnoise_process_frame')(st, outPtr, inPtr),
    heapF32: () => new Float32Array(memory.buffer),
  };
}

// Denoises one channel (Float64Array, int16 scale). Returns { out, vad } with out aligned to
// the input (same length) unless raw is set.
export function denoiseChannel(rn, x, { raw = false } = {}) {
  const st = rn.create();
  const inPtr = rn.malloc(FRAME * 4), outPtr = rn.malloc(FRAME * 4);
  if (!st || !inPtr || !outPtr) throw new Error('rnnoise_create/malloc failed in the wasm module');
  const nIn = Math.ceil(x.length / FRAME);
  const nFrames = raw ? nIn : nIn + 1;
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
  return { out: raw ? y : y.subarray(FRAME, FRAME + x.length), vad };
}

async function main(argv) {
  const pos = [], opt = { wasm: defaultWasm() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = () => { if (i + 1 >= argv.length) throw new WavError(`${a} needs a value`); return argv[++i]; };
    if (a === '--vad') opt.vad = v();
    else if (a === '--wasm') opt.wasm = v();
    else if (a === '--format') opt.format = v();
    else if (a === '--raw') opt.raw = true;
    else if (a === '--gain') { opt.gain = Number(v()); if (!(opt.gain > 0)) throw new WavError('--gain must be a positive number'); }
    else if (a.startsWith('--')) throw new WavError(`unknown option ${a}`);
    else pos.push(a);
  }
  if (pos.length !== 2) throw new WavError('usage: rnnoise_ref.mjs IN.wav OUT.wav [--vad VAD.txt] [--wasm PATH] [--format s16|f32] [--raw] [--gain G]');
  if (opt.format && !['s16', 'f32'].includes(opt.format)) throw new WavError(`--format must be s16 or f32, not ${opt.format}`);
  if (!fs.existsSync(opt.wasm)) throw new WavError(`${opt.wasm} not found: run models/fetch_rnnoise.sh`);
  const w = readWav(pos[0]);
  if (w.rate !== 48000) throw new WavError(`${pos[0]}: ${w.rate} Hz; RNNoise runs at 48000 Hz only (resample first)`);
  const rn = await loadRnnoise(opt.wasm);
  const g = opt.gain || 1;
  const res = w.channels.map((c) => denoiseChannel(rn, g === 1 ? c : c.map((v) => v * g), { raw: opt.raw }));
  if (g !== 1) for (const r of res) r.out = r.out.map((v) => v / g);
  writeWav(pos[1], w.rate, res.map((r) => r.out), opt.format || w.format);
  if (opt.vad) fs.writeFileSync(opt.vad, Array.from(res[0].vad, (v, i) => `${i} ${v.toFixed(6)}`).join('\n') + '\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`rnnoise_ref: error: ${e.message}`);
    process.exit(1);
  });
}
