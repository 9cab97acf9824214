#!/usr/bin/env node
// The extractor's search, on synthetic wasm binaries (no downloads): layer and model structs
// and weight arrays at random addresses spread over several data segments, with decoys
// (right sizes but a wrong activation, dangling pointers, a layer struct whose arrays run
// past initialised memory). It must find exactly our weights by shape wherever they are, and
// refuse ambiguous or overlapping layouts. Exit 0 pass, 1 fail.
import crypto from 'node:crypto';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const { extract, TOPOLOGY, arraySizes, ARRAY_ORDER, toCcm } = await import(path.join(here, '../../models/rnnoise/extract.mjs'));

let failures = 0;
const check = (ok, msg) => { console.log(`${ok ? 'ok' : 'FAIL'}: ${msg}`); if (!ok) failures++; };

function rng(seed) { let a = seed >>> 0; return () => { a = (a * 1664525 + 1013904223) >>> 0; return a / 4294967296; }; }

const leb = (v) => { const o = []; do { let b = v & 0x7f; v = Math.floor(v / 128); if (v) b |= 0x80; o.push(b); } while (v); return o; };
const sleb = (v) => { const o = []; for (;;) { const b = v & 0x7f; v >>= 7; if ((v === 0 && !(b & 0x40)) || (v === -1 && (b & 0x40))) { o.push(b); return o; } o.push(b | 0x80); } };

// A wasm binary whose data section holds `segments` ([{addr, bytes}]) as active segments,
// preceded by an unrelated custom section.
function wasm(segments) {
  const parts = [Buffer.from(leb(segments.length))];
  for (const s of segments) parts.push(Buffer.from([0, 0x41, ...sleb(s.addr), 0x0b, ...leb(s.bytes.length)]), Buffer.from(s.bytes));
  const body = Buffer.concat(parts);
  const custom = [4, ...Buffer.from('name'), 1, 2, 3];
  return Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0, ...leb(custom.length), ...custom, 11, ...leb(body.length)]), body]);
}

// Lays out a model in a flat memory of `size` bytes: arrays and structs at random places.
function layout(seed, opts = {}) {
  const r = rng(seed);
  const size = 400000;
  const mem = Buffer.alloc(size);
  for (let i = 0; i < size; i++) mem[i] = Math.floor(r() * 256); // garbage everywhere
  const used = [];
  const alloc = (n, align = 1) => {
    for (;;) {
      const a = Math.floor((1024 + r() * (size - n - 2048)) / align) * align;
      if (used.every(([s, e]) => a + n <= s - 16 || a >= e + 16)) { used.push([a, a + n]); return a; }
    }
  };
  const layers = TOPOLOGY.map((l) => {
    const sz = arraySizes(l), arrays = {}, ptr = {};
    for (const k of Object.keys(sz)) {
      arrays[k] = Int8Array.from({ length: sz[k] }, () => Math.floor(r() * 256) - 128);
      ptr[k] = alloc(sz[k]);
      mem.set(new Uint8Array(arrays[k].buffer), ptr[k]);
    }
    return { ...l, arrays, ptr };
  });
  const structAt = (l, acts = l.act, ptrs = l.ptr) => {
    const g = l.kind === 'gru', a = alloc(g ? 24 : 20, 4);
    const w = [ptrs.bias, ptrs.input_weights, ...(g ? [ptrs.recurrent_weights] : []), l.nin, l.nn, acts];
    w.forEach((v, i) => mem.writeUInt32LE(v >>> 0, a + 4 * i));
    return a;
  };
  const sAddr = layers.map((l) => structAt(l));
  const modelAt = () => { const a = alloc(48, 4); layers.forEach((l, i) => { mem.writeUInt32LE(l.nn, a + 8 * i); mem.writeUInt32LE(sAddr[i], a + 8 * i + 4); }); return a; };
  if (!opts.noModel) modelAt();
  if (opts.twoModels) modelAt();
  // Decoys that must not count: wrong activation, a pointer to nowhere, arrays past the end.
  const l0 = layers[0], l3 = layers[3];
  structAt(l0, 2);
  structAt(l3, l3.act, { ...l3.ptr, recurrent_weights: 0 });
  structAt(l0, l0.act, { ...l0.ptr, input_weights: size - 100 });
  if (opts.extraLayer) structAt(layers[5]); // a second valid vad_output struct
  if (opts.overlap) { // point denoise_output's bias into its own weights
    const l4 = layers[4];
    const a = sAddr[4];
    mem.writeUInt32LE(l4.ptr.input_weights + 10, a);
  }
  return { mem, layers, size };
}

function expectedSha(layers) {
  const parts = [];
  for (const l of layers) for (const k of ARRAY_ORDER) if (l.arrays[k]) parts.push(Buffer.from(l.arrays[k].buffer));
  return crypto.createHash('sha256').update(Buffer.concat(parts)).digest('hex');
}

// Cuts memory into back-to-back segments at the given addresses (arrays and structs may
// straddle a cut; the extractor rebuilds one memory image from all active segments).
function segmentsOf(mem, cuts) {
  const segs = [];
  let prev = 0;
  for (const c of [...cuts, mem.length]) { segs.push({ addr: prev, bytes: mem.subarray(prev, c) }); prev = c; }
  return segs;
}

for (const seed of [1, 2, 3, 4, 5]) {
  const { mem, layers } = layout(seed);
  const r = extract(wasm(segmentsOf(mem, [100000, 250000])));
  check(r.sha === expectedSha(layers) && r.how.startsWith('model struct'), `seed ${seed}: found by ${r.how}, sha ${r.sha.slice(0, 12)}`);
  check(layers.every((l, i) => ARRAY_ORDER.every((k) => !l.arrays[k] || Buffer.compare(Buffer.from(l.arrays[k].buffer), Buffer.from(r.layers[i].arrays[k].buffer)) === 0)), `seed ${seed}: every array equal`);
}
{
  const { mem, layers } = layout(7, { noModel: true });
  const r = extract(wasm(segmentsOf(mem, [200000])));
  check(r.sha === expectedSha(layers) && r.how.startsWith('unique layer'), `no model struct: found by ${r.how}`);
  // The .ccm written from it carries the same bytes
  check(toCcm(r.layers).length === 88320, '.ccm size 88320');
}
const refuses = (name, opts, re) => {
  const { mem } = layout(11, opts);
  try { extract(wasm(segmentsOf(mem, [150000]))); check(false, `${name}: accepted`); } catch (e) { check(re.test(e.message), `${name}: refused (${e.message})`); }
};
refuses('two model structs', { twoModels: true }, /2 model structs/);
refuses('no model struct and two vad_output structs', { noModel: true, extraLayer: true }, /vad_output: 2 candidate/);
{
  // denoise_output's bias pointer moved into its own input weights: every size still fits,
  // so only the overlap check can refuse it.
  const { mem } = layout(13, { overlap: true });
  try { const r = extract(wasm(segmentsOf(mem, [150000]))); check(false, `overlap: accepted (${r.how})`); } catch (e) { check(/overlap|candidate|model struct/.test(e.message), `overlap: refused (${e.message})`); }
}
{
  // Memory missing: the segment holding the weights is left out.
  const { mem } = layout(17);
  try { extract(wasm([{ addr: 0, bytes: mem.subarray(0, 1000) }])); check(false, 'weights missing: accepted'); } catch (e) { check(true, `weights missing: refused (${e.message})`); }
}
process.exit(failures ? 1 : 0);
