#!/usr/bin/env node
// Extracts the RNNoise 0.2 "regular" model (xiph, BSD-3-Clause) from an emscripten build of
// rnnoise 0.2 — a .wasm, or the .js that embeds one as a base64 data URI (npm
// @jitsi/rnnoise-wasm@0.2.1 dist/rnnoise-sync.js, @timephy/rnnoise-wasm@1.0.0
// dist/generated/rnnoise-sync.js) — and writes it as our .ccm version 2 (FORMAT.md).
//
// How: parse the wasm's active data segments into a memory image (bytes between segments are
// zero, as in wasm), then find xiph's weight-array table by its structure. With 32-bit
// pointers each entry is 16 bytes,
//   { const char *name; int type; int size; const void *data; }
// and the table ends with an entry whose name is NULL. An entry is plausible when its name
// pointer leads to a short NUL-terminated identifier, its size is positive and its data lies
// inside memory; the table is the one run of at least MIN_TABLE plausible entries that ends
// in a NULL entry. No addresses are hard-coded.
// The type codes are learnt from the content, not assumed: names ending in _int8 hold bytes,
// names ending in _idx hold int32 block indices, the rest hold float32; every code must stand
// for exactly one of these kinds. Then each array is checked for its kind: floats finite,
// int32 sizes a multiple of 4, and each _idx array a well-formed 8x4 block-sparse index over
// its _int8 partner (one count per 8 rows, then that many column starts, multiples of 4,
// increasing; 32 weights per block; the rows counted from the layer's _bias).
//
// Fail closed: sha256 over the canonical serialisation of the table — for each entry in table
// order its name bytes, one NUL, type and size as u32 little-endian, then its size bytes of
// data — must equal the pinned hash, or nothing is written.
//
// usage: node extract2.mjs --input FILE(.js|.wasm) [--ccm OUT] [--raw OUT]
//                          [--expect-sha256 HEX] [--list] [--quiet]
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { crc32 } from './extract.mjs';

export const PINNED_SHA256 = '0b70372b7f640a32bd85d34f2441fb5403aeb2a5292bfc4c2c7abf0dbb5f0b4d';
export const MIN_TABLE = 8;
export const KIND_NAMES = { float: 'float32', int: 'int32', int8: 'int8' };
export const ELEM = { float: 4, int: 4, int8: 1 };

class ExtractError extends Error {}
const fail = (msg) => { throw new ExtractError(msg); };

// ---- input: the wasm inside an emscripten .js ----------------------------------------------
const DATA_URI = /["'`]data:application\/octet-stream;base64,([A-Za-z0-9+/]{8,}={0,2})["'`]/g;
export function wasmFromInput(bytes) {
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0x6d736100) return bytes;
  const text = bytes.toString('latin1');
  const found = [];
  for (const m of text.matchAll(DATA_URI)) {
    const b = Buffer.from(m[1], 'base64');
    if (b.length >= 8 && b.readUInt32LE(0) === 0x6d736100) found.push(b);
  }
  if (found.length !== 1) fail(`expected one base64 wasm data URI in the input, found ${found.length}`);
  return found[0];
}

// ---- wasm data segments -> memory image ----------------------------------------------------
export function memoryImage(b) {
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
  const segs = [];
  while (p < b.length) {
    const id = b[p++];
    const size = leb(b.length);
    const end = p + size;
    if (end > b.length) fail(`section ${id} at offset ${p} runs past the end of the file`);
    if (id === 11) {
      const n = leb(end);
      for (let i = 0; i < n; i++) {
        const flags = leb(end);
        let addr = null;
        if (flags === 0 || flags === 2) {
          if (flags === 2 && leb(end) !== 0) fail(`data segment ${i}: memory other than 0`);
          if (b[p++] !== 0x41) fail(`data segment ${i}: offset is not an i32.const`);
          addr = leb(end) >>> 0;
          if (b[p++] !== 0x0b) fail(`data segment ${i}: offset expression not terminated`);
        } else if (flags !== 1) fail(`data segment ${i}: unknown flags ${flags}`);
        const len = leb(end);
        if (p + len > end) fail(`data segment ${i} runs past its section`);
        if (addr !== null) segs.push({ addr, bytes: b.subarray(p, p + len) });
        p += len;
      }
    }
    p = end;
  }
  if (!segs.length) fail('no active data segments: nothing to search');
  const top = Math.max(...segs.map((s) => s.addr + s.bytes.length));
  if (top > 256 << 20) fail(`data segments reach address ${top}: implausible`);
  const mem = Buffer.alloc(top);
  for (const s of segs) mem.set(s.bytes, s.addr);
  return { mem, top };
}

// ---- the weight table ----------------------------------------------------------------------
const NAME_MAX = 47; // our .ccm name field holds 52 bytes with the NUL; xiph's blob 44
function cstring(mem, top, a) {
  if (a <= 0 || a >= top) return null;
  let e = a;
  while (e < top && e - a <= NAME_MAX && mem[e] >= 0x21 && mem[e] <= 0x7e) e++;
  if (e === a || e >= top || mem[e] !== 0) return null;
  const s = mem.toString('latin1', a, e);
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? s : null;
}

function entryAt(img, a) {
  const { mem, top } = img;
  if (a + 16 > top) return null;
  const name = cstring(mem, top, mem.readUInt32LE(a));
  if (!name) return null;
  const type = mem.readUInt32LE(a + 4), size = mem.readUInt32LE(a + 8), data = mem.readUInt32LE(a + 12);
  if (type > 255 || size === 0 || data === 0 || data + size > top) return null;
  return { name, type, size, data };
}

export function findTable(img) {
  const runs = [];
  for (let a = 0; a + 16 <= img.top; a += 4) {
    if (!entryAt(img, a) || (a >= 16 && entryAt(img, a - 16))) continue;
    const entries = [];
    let e = a;
    for (let x; (x = entryAt(img, e)); e += 16) entries.push(x);
    const terminated = e + 16 <= img.top && img.mem.readUInt32LE(e) === 0;
    if (terminated && entries.length >= MIN_TABLE) runs.push({ addr: a, entries });
  }
  if (runs.length !== 1)
    fail(`${runs.length} candidate weight tables (runs of >= ${MIN_TABLE} entries ending in a NULL name); want exactly one`);
  return runs[0];
}

const kindOfName = (n) => (n.endsWith('_int8') ? 'int8' : n.endsWith('_idx') ? 'int' : 'float');

// Learns type code -> kind from the names; checks every array against its kind.
export function checkTable(img, entries) {
  const codes = {};
  const names = new Set();
  for (const e of entries) {
    if (names.has(e.name)) fail(`array ${e.name} appears twice in the table`);
    names.add(e.name);
    const k = kindOfName(e.name);
    if (codes[e.type] && codes[e.type] !== k)
      fail(`type code ${e.type} is used for ${codes[e.type]} and ${k} arrays (at ${e.name})`);
    codes[e.type] = k;
  }
  const kinds = Object.values(codes);
  if (new Set(kinds).size !== kinds.length) fail(`one kind of array under several type codes: ${JSON.stringify(codes)}`);
  const spans = entries.map((e) => [e.data, e.data + e.size, e.name]).sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < spans.length; i++)
    if (spans[i][0] < spans[i - 1][1]) fail(`arrays ${spans[i - 1][2]} and ${spans[i][2]} overlap`);
  const byName = Object.fromEntries(entries.map((e) => [e.name, e]));
  for (const e of entries) {
    const k = codes[e.type];
    if (e.size % ELEM[k]) fail(`${e.name}: ${e.size} bytes is not a whole number of ${KIND_NAMES[k]}`);
    if (e.data % ELEM[k]) fail(`${e.name}: data at ${e.data} is not aligned for ${KIND_NAMES[k]}`);
    if (k === 'float')
      for (let i = 0; i < e.size; i += 4)
        if (!Number.isFinite(img.mem.readFloatLE(e.data + i))) fail(`${e.name}: element ${i / 4} is not finite`);
    if (k === 'int') {
      const base = e.name.slice(0, -'_weights_idx'.length);
      const w = byName[`${base}_weights_int8`], bias = byName[`${base}_bias`];
      if (!e.name.endsWith('_weights_idx') || !w || !bias) fail(`${e.name}: no _weights_int8 and _bias partner`);
      const rows = bias.size / 4;
      const v = Array.from({ length: e.size / 4 }, (_, i) => img.mem.readInt32LE(e.data + 4 * i));
      if (rows % 8) fail(`${e.name}: ${rows} rows is not a multiple of 8`);
      let p = 0, blocks = 0;
      for (let g = 0; g < rows / 8; g++) {
        if (p >= v.length) fail(`${e.name}: ends in row group ${g} of ${rows / 8}`);
        const nb = v[p++];
        if (nb < 0 || p + nb > v.length) fail(`${e.name}: row group ${g} has ${nb} blocks, ${v.length - p} entries left`);
        for (let j = 0, last = -1; j < nb; j++, p++) {
          if (v[p] < 0 || v[p] % 4 || v[p] <= last) fail(`${e.name}: row group ${g} column ${v[p]} (not a multiple of 4, or not increasing)`);
          last = v[p];
        }
        blocks += nb;
      }
      if (p !== v.length) fail(`${e.name}: ${v.length - p} entries after the last row group`);
      if (blocks * 32 !== w.size) fail(`${e.name}: ${blocks} blocks of 8x4 need ${blocks * 32} weights, ${w.name} has ${w.size}`);
    }
  }
  return codes;
}

export function canonical(entries, mem) {
  const parts = [];
  for (const e of entries) {
    const h = Buffer.alloc(8);
    h.writeUInt32LE(e.type, 0);
    h.writeUInt32LE(e.size, 4);
    parts.push(Buffer.from(e.name + '\0', 'latin1'), h, e.bytes || mem.subarray(e.data, e.data + e.size));
  }
  return Buffer.concat(parts);
}

// ---- our .ccm, version 2 (FORMAT.md) -------------------------------------------------------
export const CCM2_ARCH = 'rnnoise-0.2';
export const CCM2_REC_HEAD = 64;
export const CCM2_NAME = 52;
const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; };
export function toCcm2(arrays) { // arrays: [{name, type, bytes}]
  const recs = arrays.map((a) => {
    if (Buffer.byteLength(a.name) >= CCM2_NAME) fail(`name ${a.name} too long`);
    const name = Buffer.alloc(CCM2_NAME); name.write(a.name, 'latin1');
    const pad = Buffer.alloc((4 - (a.bytes.length % 4)) % 4);
    return Buffer.concat([u32(CCM2_REC_HEAD + a.bytes.length + pad.length), u32(a.type), u32(a.bytes.length), name, a.bytes, pad]);
  });
  const size = 40 + recs.reduce((s, r) => s + r.length, 0) + 4;
  const arch = Buffer.alloc(16); arch.write(CCM2_ARCH, 'latin1');
  const head = Buffer.concat([Buffer.from([0x89, 0x43, 0x43, 0x4d, 0x0d, 0x0a, 0x1a, 0x0a]), u32(2), u32(size), arch, u32(recs.length), u32(0)]);
  const all = Buffer.concat([head, ...recs]);
  return Buffer.concat([all, u32(crc32(all))]);
}

export function extract(input) {
  const wasm = wasmFromInput(input);
  const img = memoryImage(wasm);
  const table = findTable(img);
  const codes = checkTable(img, table.entries);
  const arrays = table.entries.map((e) => ({ ...e, kind: codes[e.type], bytes: Buffer.from(img.mem.subarray(e.data, e.data + e.size)) }));
  const canon = canonical(arrays);
  const sha = crypto.createHash('sha256').update(canon).digest('hex');
  return { arrays, codes, tableAddr: table.addr, sha, canon };
}

function writeAtomic(file, data) {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function main(argv) {
  const opt = { expect: PINNED_SHA256 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = () => { if (i + 1 >= argv.length) fail(`${a} needs a value`); return argv[++i]; };
    if (a === '--input') opt.input = v();
    else if (a === '--ccm') opt.ccm = v();
    else if (a === '--raw') opt.raw = v();
    else if (a === '--expect-sha256') opt.expect = v().toLowerCase();
    else if (a === '--list') opt.list = true;
    else if (a === '--quiet') opt.quiet = true;
    else fail(`unknown argument ${a} (usage: --input FILE [--ccm OUT] [--raw OUT] [--expect-sha256 HEX] [--list] [--quiet])`);
  }
  if (!opt.input) fail('missing --input FILE (a .wasm or the .js embedding one)');
  let bytes;
  try { bytes = fs.readFileSync(opt.input); } catch (e) { fail(`cannot read ${opt.input}: ${e.message}`); }
  const r = extract(bytes);
  if (opt.list)
    for (const a of r.arrays)
      console.log(`${a.name.padEnd(30)} type ${a.type} (${KIND_NAMES[a.kind]}) ${String(a.size).padStart(7)} bytes ${String(a.size / ELEM[a.kind]).padStart(7)} elements`);
  if (r.sha !== opt.expect)
    fail(`${opt.input}: weight table sha256 ${r.sha} does not match the pinned ${opt.expect}; refusing to write a model`);
  if (opt.ccm) writeAtomic(opt.ccm, toCcm2(r.arrays));
  if (opt.raw) writeAtomic(opt.raw, r.canon);
  if (!opt.quiet) {
    const n = r.arrays.reduce((s, a) => s + a.size / ELEM[a.kind], 0);
    const codes = Object.entries(r.codes).map(([c, k]) => `${c}=${KIND_NAMES[k]}`).join(' ');
    console.log(`extract2: ${opt.input}: table of ${r.arrays.length} arrays at 0x${r.tableAddr.toString(16)}; type codes ${codes}`);
    console.log(`extract2: ${n} stored values, sha256 ${r.sha} (pinned: match)`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  try { main(process.argv.slice(2)); } catch (e) {
    if (e instanceof ExtractError) { console.error(`extract2: error: ${e.message}`); process.exit(1); }
    throw e;
  }
}
