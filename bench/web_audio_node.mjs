// Audio compute in node, robust to a loaded machine: per 10 ms of 48 kHz audio, the least CPU
// time over 25 interleaved rounds of 2 s: @jitsi/rnnoise-wasm 0.2.1 (the cached package's
// dist/rnnoise.wasm, rnnoise_process_frame on 480-sample frames, as bench/web/jitsi-worklet.js
// feeds it) against our Denoiser in 128-frame blocks (the worklet's quanta) for each wasm given.
// It measures the wasm alone (no AudioWorklet, no port messages): bench/web_bench.sh is the
// browser figure; this one is what load does not move much (the minimum of CPU time).
//   node bench/web_audio_node.mjs [WASM...] (default web/dist/cleancast-simd.wasm)
//   env MODEL=rnnoise2|rnnoise (default rnnoise2)
import fs from 'node:fs';
import { Cleancast, DenoiseModel, Denoiser } from '../web/src/core.js';
import { cacheDir } from '../web/demo/serve.mjs';

const cache = cacheDir();
const model = process.env.MODEL || 'rnnoise2';
const wasms = process.argv.length > 2 ? process.argv.slice(2) : [new URL('../web/dist/cleancast-simd.wasm', import.meta.url).pathname];
const F = 480, secs = 2, n = 48000 * secs, rounds = 25;
// a tone under noise (deterministic), float samples in [-1, 1]
const x = new Float32Array(n);
for (let i = 0, s = 7; i < n; i++) {
  s = (s * 1103515245 + 12345) >>> 0;
  x[i] = Math.sin(i * 0.013) * 0.2 * Math.sin(i * 0.0001) + (s / 4294967296 - 0.5) * 0.05;
}

const jmod = new WebAssembly.Module(fs.readFileSync(`${cache}/models/jitsi-rnnoise-wasm/dist/rnnoise.wasm`));
let mem = null;
const J = new WebAssembly.Instance(jmod, { a: {
  a: (size) => { try { mem.grow(Math.ceil((size - mem.buffer.byteLength) / 65536)); return 1; } catch { return 0; } },
  b: (d, s, k) => { new Uint8Array(mem.buffer).copyWithin(d, s, s + k); },
} }).exports;
mem = J.c;
J.d(); // constructors
const st = J.f(0), pin = J.g(F * 4), pout = J.g(F * 4); // rnnoise_create(NULL), buffers
const jitsi = () => {
  const f32 = new Float32Array(J.c.buffer);
  for (let p = 0; p + F <= n; p += F) {
    for (let i = 0; i < F; i++) f32[(pin >> 2) + i] = x[p + i] * 32768;
    J.j(st, pout, pin); // rnnoise_process_frame
  }
};
const runs = [['@jitsi/rnnoise-wasm 0.2.1', jitsi]];
for (const wf of wasms) {
  const cc = new Cleancast(fs.readFileSync(wf));
  const d = new Denoiser(cc, new DenoiseModel(cc, fs.readFileSync(`${cache}/models/${model}.ccm`)), { maxBlock: 128 });
  const out = new Float32Array(128);
  runs.push([`${wf} (${model})`, () => { for (let p = 0; p + 128 <= n; p += 128) d.process(x.subarray(p, p + 128), out); }]);
}
const best = runs.map(() => Infinity);
for (let r = 0; r < rounds; r++) {
  runs.forEach(([, f], k) => {
    const t = process.cpuUsage();
    f();
    const u = process.cpuUsage(t);
    best[k] = Math.min(best[k], (u.user + u.system) / (secs * 100));
  });
}
console.log(`# node ${process.version}; least CPU time of ${rounds} interleaved rounds of ${secs} s; load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
runs.forEach(([name], k) => console.log(`${name.padEnd(60)} ${best[k].toFixed(1).padStart(7)} us per 10 ms${k ? `   jitsi / this ${(best[0] / best[k]).toFixed(2)}x` : ''}`));
