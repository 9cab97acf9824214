#!/usr/bin/env node
// The RNNoise 0.2 extractor's search, on synthetic builds (no downloads): the synthetic model
// of make_corpus2.mjs laid out at random addresses over several data segments, its weight
// table among decoys (a short terminated run, a long run with no NULL terminator, random
// bytes), wrapped in an emscripten-style .js as a base64 data URI. It must find exactly the
// synthetic arrays and write the committed corpus file byte for byte; it must refuse two
// tables, overlapping arrays, a NaN, a bad block index and a type code used for two kinds.
// Exit 0 pass, 1 fail.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const X = await import(path.join(here, '../../models/rnnoise/extract2.mjs'));
const { synthArrays } = await import(path.join(here, 'make_corpus2.mjs'));

let failures = 0;
const check = (ok, msg) => { console.log(`${ok ? 'ok' : 'FAIL'}: ${msg}`); if (!ok) failures++; };
function rng(seed) { let a = seed >>> 0; return () => { a = (a * 1664525 + 1013904223) >>> 0; return a / 4294967296; }; }
const leb = (v) => { const o = []; do { let b = v & 0x7f; v = Math.floor(v / 128); if (v) b |= 0x80; o.push(b); } while (v); return o; };
const sleb = (v) => { const o = []; for (;;) { const b = v & 0x7f; v >>= 7; if ((v === 0 && !(b & 0x40)) || (v === -1 && (b & 0x40))) { o.push(b); return o; } o.push(b | 0x80); } };
function wasm(segments) {
  const parts = [Buffer.from(leb(segments.length))];
  for (const s of segments) parts.push(Buffer.from([0, 0x41, ...sleb(s.addr), 0x0b, ...leb(s.bytes.length)]), Buffer.from(s.bytes));
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 11, ...leb(body.length)]), body]);
}

// opts: tables (how many copies of the table), mutate(arrays, layout) before writing.
function build(seed, opts = {}) {
  const r = rng(seed);
  const arrays = synthArrays();
  const size = 1 << 20;
  const mem = Buffer.alloc(size);
  for (let i = 0; i < size; i++) mem[i] = Math.floor(r() * 256);
  const used = [];
  const alloc = (n, align = 4) => {
    for (;;) {
      const a = Math.floor((1024 + r() * (size - n - 2048)) / align) * align;
      if (used.every(([s, e]) => a + n <= s - 16 || a >= e + 16)) { used.push([a, a + n]); return a; }
    }
  };
  const put = (bytes, align) => { const a = alloc(bytes.length, align); mem.set(bytes, a); return a; };
  // Largest arrays first (random placement fragments memory), then the names.
  const data = [];
  arrays.map((x, i) => i).sort((i, j) => arrays[j].bytes.length - arrays[i].bytes.length)
    .forEach((i) => { data[i] = put(arrays[i].bytes, 16); });
  const names = arrays.map((x) => put(Buffer.from(x.name + '\0', 'latin1'), 1));
  const entries = arrays.map((x, i) => ({ name: names[i], type: x.type, size: x.bytes.length, data: data[i] }));
  if (opts.mutate) opts.mutate(entries, mem, arrays);
  const table = (list, terminate = true) => {
    const b = Buffer.alloc(16 * (list.length + 1));
    list.forEach((e, i) => { b.writeUInt32LE(e.name, 16 * i); b.writeUInt32LE(e.type, 16 * i + 4); b.writeUInt32LE(e.size, 16 * i + 8); b.writeUInt32LE(e.data, 16 * i + 12); });
    if (!terminate) b.fill(0xee, 16 * list.length);
    return put(b, 4);
  };
  for (let t = 0; t < (opts.tables ?? 1); t++) table(entries);
  table(entries.slice(0, 5));          // decoy: terminated, too short
  table(entries.slice(10, 30), false); // decoy: long, no NULL terminator
  const cuts = [0, 300000, 700000, size];
  const segs = cuts.slice(0, -1).map((c, i) => ({ addr: c, bytes: mem.subarray(c, cuts[i + 1]) }));
  const w = wasm(segs);
  const js = `var f = "data:application/octet-stream;base64,";\nvar wasmBinaryFile = "data:application/octet-stream;base64,${w.toString('base64')}";\n`;
  return { js: Buffer.from(js, 'latin1'), arrays };
}

const shaOf = (arrays) => crypto.createHash('sha256').update(X.canonical(arrays.map((a) => ({ ...a, size: a.bytes.length })))).digest('hex');
for (const seed of [1, 2, 3]) {
  const { js, arrays } = build(seed);
  let r = null;
  try { r = X.extract(js); } catch (e) { check(false, `seed ${seed}: ${e.message}`); continue; }
  check(r.arrays.length === 43 && r.arrays.every((a, i) => a.name === arrays[i].name && a.type === arrays[i].type && a.bytes.equals(arrays[i].bytes)),
    `seed ${seed}: the 43 synthetic arrays found in table order`);
  check(r.sha === shaOf(arrays), `seed ${seed}: canonical sha256 ${r.sha.slice(0, 16)}...`);
  check(JSON.stringify(r.codes) === JSON.stringify({ 0: 'float', 1: 'int', 3: 'int8' }), `seed ${seed}: type codes learnt ${JSON.stringify(r.codes)}`);
  const corpus = fs.readFileSync(path.join(here, 'corpus/ccm2/valid_synth.ccm'));
  check(X.toCcm2(r.arrays).equals(corpus), `seed ${seed}: .ccm equals corpus/ccm2/valid_synth.ccm`);
}

function refused(what, opts, pattern) {
  const { js } = build(7, opts);
  try { X.extract(js); check(false, `${what}: accepted`); } catch (e) { check(pattern.test(e.message), `${what}: ${e.message}`); }
}
refused('two tables', { tables: 2 }, /2 candidate weight tables/);
refused('overlapping arrays', { mutate: (e) => { e[1].data = e[0].data + 64; } }, /overlap/);
refused('NaN in a float array', { mutate: (e, mem) => { mem.writeUInt32LE(0x7fc00000, e[1].data + 8); } }, /not finite/);
refused('block index not a multiple of 4', { mutate: (e, mem, a) => {
  const i = a.findIndex((x) => x.name === 'gru2_input_weights_idx');
  // group 0 has 0 blocks, group 1 has 1: entry 2 is a column start
  mem.writeInt32LE(mem.readInt32LE(e[i].data + 8) + 2, e[i].data + 8);
} }, /column/);
refused('one type code for two kinds', { mutate: (e, mem, a) => { e[a.findIndex((x) => x.name === 'gru1_input_weights_idx')].type = 0; } }, /type code 0/);
// An entry whose data runs past memory is not plausible: the table found is shorter, so its
// hash differs from the synthetic model's (the pinned-hash check refuses it).
{
  const { js, arrays } = build(7, { mutate: (e) => { e[5].size = 1 << 21; } });
  let r = null;
  try { r = X.extract(js); } catch (e) { r = { sha: e.message }; }
  check(r.sha !== shaOf(arrays), `table entry past memory: not the model (${r.arrays ? r.arrays.length + ' arrays' : r.sha})`);
}
process.exit(failures ? 1 : 0);
