#!/usr/bin/env node
// Extracts the RNNoise 0.1 model (xiph, BSD-3-Clause) from a build of rnnoise — an emscripten
// .wasm, or an x86-64/aarch64 ELF shared object such as Debian obs-studio's obs-filters.so —
// and writes it as our binary .ccm (see FORMAT.md) and FFmpeg's text .rnnn.
//
// How: parse the binary into a memory image (wasm: sections and active data segments; ELF:
// PT_LOAD segments at their addresses with R_*_RELATIVE relocations applied), then look for
// the layer structs of rnn.h by shape. With 32-bit pointers they are
//   DenseLayer { i8 *bias; i8 *input_weights; int nb_inputs, nb_neurons, activation; }  20 bytes
//   GRULayer   { i8 *bias; i8 *input_weights; i8 *recurrent_weights;
//                int nb_inputs, nb_neurons, activation; }                                24 bytes
//   RNNModel   { int input_dense_size; DenseLayer *input_dense; int vad_gru_size; ... }  48 bytes
// and with 64-bit pointers (LP64) 32, 40 and 96 bytes (pointers 8-aligned).
// A candidate counts only if every size fits the topology below and every pointer leads to an
// array of the right length inside initialised memory. The model struct, when present, picks
// the layers; otherwise each layer must be unique. No offsets are hard-coded.
// Fails closed unless sha256 of the 87,503 weights in .rnnn order equals the pinned hash.
//
// usage: node extract.mjs --input FILE [--ccm OUT] [--rnnn OUT] [--raw OUT]
//                         [--expect-sha256 HEX] [--quiet]
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

export const PINNED_SHA256 = '85a2b1d85147dec0df3b05e0f05b0e041bde9974d28814fffb275b70d7740247';
export const WEIGHT_COUNT = 87503;

// RNNoise 0.1 topology, in the layer order of FFmpeg's .rnnn file.
export const TOPOLOGY = [
  { name: 'input_dense', kind: 'dense', nin: 42, nn: 24, act: 0 },
  { name: 'vad_gru', kind: 'gru', nin: 24, nn: 24, act: 2 },
  { name: 'noise_gru', kind: 'gru', nin: 90, nn: 48, act: 2 },
  { name: 'denoise_gru', kind: 'gru', nin: 114, nn: 96, act: 2 },
  { name: 'denoise_output', kind: 'dense', nin: 96, nn: 22, act: 1 },
  { name: 'vad_output', kind: 'dense', nin: 24, nn: 1, act: 1 },
];

export function arraySizes(l) {
  const g = l.kind === 'gru' ? 3 : 1;
  const s = { input_weights: l.nin * l.nn * g, bias: l.nn * g };
  if (l.kind === 'gru') s.recurrent_weights = l.nn * l.nn * 3;
  return s;
}
// Array order inside a layer in .rnnn (and in our .ccm and in CcRnnModel.storage).
export const ARRAY_ORDER = ['input_weights', 'recurrent_weights', 'bias'];

class ExtractError extends Error {}
const fail = (msg) => { throw new ExtractError(msg); };

// ---- wasm binary ---------------------------------------------------------------------------
function parseWasm(b) {
  if (b.length < 8 || b.readUInt32LE(0) !== 0x6d736100) fail('not a wasm binary (bad magic)');
  if (b.readUInt32LE(4) !== 1) fail(`unsupported wasm version ${b.readUInt32LE(4)}`);
  let p = 8;
  const leb = (end) => {
    let r = 0, s = 0, x;
    do {
      if (p >= end) fail(`truncated LEB128 at offset ${p}`);
      if (s > 28) fail(`LEB128 too long at offset ${p}`);
      x = b[p++]; r += (x & 0x7f) * 2 ** s; s += 7;
    } while (x & 0x80);
    return r;
  };
  const segments = [];
  while (p < b.length) {
    const id = b[p++];
    const size = leb(b.length);
    const start = p, end = p + size;
    if (end > b.length) fail(`section ${id} at offset ${start} runs past the end of the file`);
    if (id === 11) {
      const n = leb(end);
      for (let i = 0; i < n; i++) {
        const flags = leb(end);
        let addr = null;
        if (flags === 0 || flags === 2) {
          if (flags === 2 && leb(end) !== 0) fail('data segment for a memory other than 0');
          if (b[p++] !== 0x41) fail(`data segment ${i}: offset is not an i32.const`);
          addr = leb(end) >>> 0; // i32.const is signed LEB; addresses here are small positives
          if (b[p++] !== 0x0b) fail(`data segment ${i}: offset expression not terminated`);
        } else if (flags !== 1) fail(`data segment ${i}: unknown flags ${flags}`);
        const len = leb(end);
        if (p + len > end) fail(`data segment ${i} runs past its section`);
        if (addr !== null) segments.push({ addr, bytes: b.subarray(p, p + len) });
        p += len;
      }
    }
    p = end;
  }
  if (!segments.length) fail('no active data segments: nothing to search');
  return segments;
}

// ---- ELF64 (little endian) shared object --------------------------------------------------
// Loads PT_LOAD segments at their virtual addresses and applies R_*_RELATIVE relocations
// (the pointers inside the structs of a position-independent library are stored there).
function parseElf(b) {
  if (b.length < 64 || b.readUInt32BE(0) !== 0x7f454c46) fail('not an ELF file');
  if (b[4] !== 2 || b[5] !== 1) fail('only 64-bit little-endian ELF is supported');
  const machine = b.readUInt16LE(18);
  const relative = { 62: 8, 183: 1027 }[machine]; // x86-64 R_X86_64_RELATIVE, aarch64 R_AARCH64_RELATIVE
  if (!relative) fail(`unsupported ELF machine ${machine}`);
  const num = (off) => Number(b.readBigUInt64LE(off));
  const phoff = num(32), phentsize = b.readUInt16LE(54), phnum = b.readUInt16LE(56);
  const shoff = num(40), shentsize = b.readUInt16LE(58), shnum = b.readUInt16LE(60);
  if (phoff + phnum * phentsize > b.length || shoff + shnum * shentsize > b.length) fail('ELF header tables run past the end of the file');
  const segments = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (b.readUInt32LE(o) !== 1) continue; // PT_LOAD
    const off = num(o + 8), vaddr = num(o + 16), filesz = num(o + 32);
    if (off + filesz > b.length) fail(`ELF segment ${i} runs past the end of the file`);
    segments.push({ addr: vaddr, bytes: Buffer.from(b.subarray(off, off + filesz)) });
  }
  if (!segments.length) fail('ELF file without loadable segments');
  const relocs = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    if (b.readUInt32LE(o + 4) !== 4) continue; // SHT_RELA
    const off = num(o + 24), size = num(o + 32), ent = num(o + 56) || 24;
    if (off + size > b.length) fail(`ELF section ${i} runs past the end of the file`);
    for (let r = off; r + 24 <= off + size; r += ent)
      if (Number(b.readBigUInt64LE(r + 8) & 0xffffffffn) === relative) relocs.push([num(r), num(r + 16)]);
  }
  for (const [where, value] of relocs) {
    const s = segments.find((x) => where >= x.addr && where + 8 <= x.addr + x.bytes.length);
    if (s) s.bytes.writeBigUInt64LE(BigInt(value), where - s.addr);
  }
  return segments;
}

function memoryImage(segments) {
  const top = Math.max(...segments.map((s) => s.addr + s.bytes.length));
  if (top > 256 << 20) fail(`data segments reach address ${top}: implausible`);
  const mem = Buffer.alloc(top);
  const defined = new Uint8Array(top);
  for (const s of segments) { mem.set(s.bytes, s.addr); defined.fill(1, s.addr, s.addr + s.bytes.length); }
  return { mem, defined, top };
}

// ---- search by shape ----------------------------------------------------------------------
// Struct layouts for a pointer size P (4: wasm32, 8: LP64): pointers first, then three ints.
function layouts(P) {
  return {
    dense: { size: P === 8 ? 32 : 20, ptrs: ['bias', 'input_weights'], ints: 2 * P },
    gru: { size: P === 8 ? 40 : 24, ptrs: ['bias', 'input_weights', 'recurrent_weights'], ints: 3 * P },
    model: { stride: P === 8 ? 16 : 8, ptrOff: P === 8 ? 8 : 4 },
  };
}

function findModel(img) {
  const { mem, defined, top } = img;
  const P = img.ptrSize || 4;
  const L = layouts(P);
  const rdPtr = (a) => (P === 8 ? Number(mem.readBigUInt64LE(a)) : mem.readUInt32LE(a));
  const arrayOk = (ptr, len) => ptr > 0 && ptr + len <= top && defined.subarray(ptr, ptr + len).every((x) => x);
  const cands = TOPOLOGY.map(() => []);
  for (let a = 0; a + 20 <= top; a += 4) {
    if (!defined[a]) continue;
    TOPOLOGY.forEach((l, li) => {
      const lay = L[l.kind];
      if (a % P || a + lay.size > top) return;
      const nin = mem.readUInt32LE(a + lay.ints), nn = mem.readUInt32LE(a + lay.ints + 4), act = mem.readUInt32LE(a + lay.ints + 8);
      if (nin !== l.nin || nn !== l.nn || act !== l.act) return;
      const sz = arraySizes(l);
      const ptrs = {};
      lay.ptrs.forEach((k, i) => { ptrs[k] = rdPtr(a + P * i); });
      for (const k of Object.keys(sz)) if (!arrayOk(ptrs[k], sz[k])) return;
      cands[li].push({ addr: a, ptrs });
    });
  }
  // The model struct: {int size, pointer} pairs pointing at one candidate of each layer.
  const models = [];
  const ms = L.model.stride;
  for (let a = 0; a + ms * TOPOLOGY.length <= top; a += P) {
    if (mem.readUInt32LE(a) !== TOPOLOGY[0].nn) continue;
    const pick = [];
    for (let li = 0; li < TOPOLOGY.length; li++) {
      const size = mem.readUInt32LE(a + ms * li), ptr = rdPtr(a + ms * li + L.model.ptrOff);
      const c = size === TOPOLOGY[li].nn && cands[li].find((x) => x.addr === ptr);
      if (!c) break;
      pick.push(c);
    }
    if (pick.length === TOPOLOGY.length) models.push({ addr: a, pick });
  }
  let pick, how;
  if (models.length === 1) { pick = models[0].pick; how = `model struct at 0x${models[0].addr.toString(16)}`; }
  else if (models.length > 1) fail(`${models.length} model structs match the topology: ambiguous`);
  else {
    cands.forEach((c, li) => {
      if (c.length !== 1) fail(`layer ${TOPOLOGY[li].name}: ${c.length} candidate structs and no model struct`);
    });
    pick = cands.map((c) => c[0]); how = 'unique layer structs (no model struct found)';
  }
  // Arrays must not overlap each other.
  const spans = [];
  TOPOLOGY.forEach((l, li) => {
    const sz = arraySizes(l);
    for (const k of Object.keys(sz)) spans.push([pick[li].ptrs[k], pick[li].ptrs[k] + sz[k], `${l.name}.${k}`]);
  });
  spans.sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < spans.length; i++)
    if (spans[i][0] < spans[i - 1][1]) fail(`arrays ${spans[i - 1][2]} and ${spans[i][2]} overlap`);
  const layers = TOPOLOGY.map((l, li) => {
    const sz = arraySizes(l);
    const arrays = {};
    for (const k of Object.keys(sz)) arrays[k] = Int8Array.from(mem.subarray(pick[li].ptrs[k], pick[li].ptrs[k] + sz[k]), (x) => (x << 24) >> 24);
    return { ...l, arrays, structAddr: pick[li].addr };
  });
  return { layers, how, candidates: cands.map((c) => c.length) };
}

export function weightsInRnnnOrder(layers) {
  const out = Buffer.alloc(WEIGHT_COUNT);
  let o = 0;
  for (const l of layers) for (const k of ARRAY_ORDER) if (l.arrays[k]) { out.set(Buffer.from(l.arrays[k].buffer, l.arrays[k].byteOffset, l.arrays[k].length), o); o += l.arrays[k].length; }
  if (o !== WEIGHT_COUNT) fail(`weight count ${o}, want ${WEIGHT_COUNT}`);
  return out;
}

// ---- writers ------------------------------------------------------------------------------
// FFmpeg arnndn's text format: a version line, then per layer a line "nb_inputs nb_neurons
// activation" and one line per array (input weights, recurrent weights for GRUs, bias).
export function toRnnn(layers) {
  let s = 'rnnoise-nu model file version 1\n';
  for (const l of layers) {
    s += `${l.nin} ${l.nn} ${l.act}\n`;
    for (const k of ARRAY_ORDER) if (l.arrays[k]) s += Array.from(l.arrays[k]).join(' ') + '\n';
  }
  return s;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; t[n] = c >>> 0; }
  return t;
})();
export function crc32(buf) {
  let c = 0xffffffff;
  for (const x of buf) c = CRC_TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function fixedString(str, len) {
  const b = Buffer.alloc(len);
  if (Buffer.byteLength(str) >= len) fail(`name ${str} too long for ${len} bytes`);
  b.write(str, 'latin1');
  return b;
}
const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; };

// Our .ccm (models/rnnoise/FORMAT.md).
export function toCcm(layers) {
  const recs = layers.map((l) => {
    const arrays = ARRAY_ORDER.filter((k) => l.arrays[k]).map((k) => {
      const data = Buffer.from(l.arrays[k].buffer, l.arrays[k].byteOffset, l.arrays[k].length);
      const pad = Buffer.alloc((4 - (data.length % 4)) % 4);
      return Buffer.concat([fixedString(k, 24), u32(1), u32(data.length), data, pad]);
    });
    const body = Buffer.concat([fixedString(l.name, 24), u32(l.kind === 'gru' ? 2 : 1), u32(l.nin), u32(l.nn), u32(l.act), u32(arrays.length), ...arrays]);
    return Buffer.concat([u32(body.length + 4), body]);
  });
  const size = 40 + recs.reduce((a, r) => a + r.length, 0) + 4;
  const head = Buffer.concat([Buffer.from([0x89, 0x43, 0x43, 0x4d, 0x0d, 0x0a, 0x1a, 0x0a]), u32(1), u32(size), fixedString('rnnoise-0.1', 16), u32(recs.length), u32(0)]);
  const all = Buffer.concat([head, ...recs]);
  return Buffer.concat([all, u32(crc32(all))]);
}

function writeAtomic(file, data) {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

// Accepts a wasm module (32-bit pointers) or an ELF64 shared object (64-bit pointers,
// relocations applied), e.g. Debian obs-studio's obs-filters.so.
export function extract(bytes) {
  const isElf = bytes.length >= 4 && bytes.readUInt32BE(0) === 0x7f454c46;
  const img = memoryImage(isElf ? parseElf(bytes) : parseWasm(bytes));
  img.ptrSize = isElf ? 8 : 4;
  const found = findModel(img);
  const weights = weightsInRnnnOrder(found.layers);
  const sha = crypto.createHash('sha256').update(weights).digest('hex');
  return { ...found, weights, sha };
}

// ---- command line -------------------------------------------------------------------------
function main(argv) {
  const opt = { expect: PINNED_SHA256 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = () => { if (i + 1 >= argv.length) fail(`${a} needs a value`); return argv[++i]; };
    if (a === '--input' || a === '--wasm') opt.wasm = v();
    else if (a === '--ccm') opt.ccm = v();
    else if (a === '--rnnn') opt.rnnn = v();
    else if (a === '--raw') opt.raw = v();
    else if (a === '--expect-sha256') opt.expect = v().toLowerCase();
    else if (a === '--quiet') opt.quiet = true;
    else fail(`unknown argument ${a} (usage: --input FILE [--ccm OUT] [--rnnn OUT] [--raw OUT] [--expect-sha256 HEX] [--quiet])`);
  }
  if (!opt.wasm) fail('missing --input FILE (a .wasm or ELF .so holding rnnoise)');
  let bytes;
  try { bytes = fs.readFileSync(opt.wasm); } catch (e) { fail(`cannot read ${opt.wasm}: ${e.message}`); }
  const r = extract(bytes);
  if (r.sha !== opt.expect)
    fail(`${opt.wasm}: weights sha256 ${r.sha} does not match the pinned ${opt.expect}; refusing to write a model`);
  if (opt.ccm) writeAtomic(opt.ccm, toCcm(r.layers));
  if (opt.rnnn) writeAtomic(opt.rnnn, toRnnn(r.layers));
  if (opt.raw) writeAtomic(opt.raw, r.weights);
  if (!opt.quiet) {
    console.log(`extract: ${opt.wasm}: found by ${r.how}; candidates per layer ${r.candidates.join(',')}`);
    console.log(`extract: ${WEIGHT_COUNT} weights, sha256 ${r.sha} (pinned: match)`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  try { main(process.argv.slice(2)); } catch (e) {
    if (e instanceof ExtractError) { console.error(`extract: error: ${e.message}`); process.exit(1); }
    throw e;
  }
}
