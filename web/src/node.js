// Node helpers for the wasm build: model lookup (the order of cc_model_find() in
// src/model_find.c), PNM and WAV files (what web/cli.mjs and the tests read and write).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cleancast, simdSupported, wasmFileName } from './core.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Loads dist/cleancast(-simd).wasm next to this file (or dist/ beside src/). */
export function loadCleancast({ simd = process.env.CLEANCAST_WASM_SIMD !== '0' && simdSupported(), dir } = {}) {
  const name = wasmFileName(simd);
  const dirs = dir ? [dir] : [here, path.join(here, '..', 'dist')];
  for (const d of dirs) {
    const p = path.join(d, name);
    if (fs.existsSync(p)) return new Cleancast(fs.readFileSync(p));
  }
  throw new Error(`${name} not found in ${dirs.join(', ')} (run \`make web\`)`);
}

export const MODEL_NAMES = {
  general: { file: 'selfie_segmentation.tflite', kind: 'segmentation' },
  landscape: { file: 'selfie_segmentation_landscape.tflite', kind: 'segmentation' },
  rnnoise: { file: 'rnnoise.ccm', kind: 'noise-suppression' },
  rnnoise2: { file: 'rnnoise2.ccm', kind: 'noise-suppression' },
};

const DATADIR = '/usr/local/share/cleancast/models';

function readable(p) {
  try { return fs.statSync(p).isFile() && (fs.accessSync(p, fs.constants.R_OK), true); } catch { return false; }
}

/**
 * A model name to a file, as cc_model_find() does: $CLEANCAST_CACHE/models,
 * $XDG_CACHE_HOME/cleancast/models (absolute only), $HOME/.cache/cleancast/models, then the
 * installed data directory; anything else is a path taken as it is. Throws with the same
 * message as the library.
 */
export function findModel(nameOrPath, kind, env = process.env) {
  const names = Object.keys(MODEL_NAMES).filter((n) => !kind || MODEL_NAMES[n].kind === kind);
  const m = MODEL_NAMES[nameOrPath];
  if (!nameOrPath) throw new Error('cc_model_find: empty model name or no output buffer');
  if (!m) {
    if (!readable(nameOrPath))
      throw new Error(`model '${nameOrPath}': no such readable file, and not a model name (${names.join(', ')})`);
    return nameOrPath;
  }
  if (kind && m.kind !== kind)
    throw new Error(`model '${nameOrPath}' is a ${m.kind} model; a ${kind} model is wanted here (${names.join(', ')}, or a path)`);
  const dirs = [
    env.CLEANCAST_CACHE ? `${env.CLEANCAST_CACHE}/models` : '',
    env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? `${env.XDG_CACHE_HOME}/cleancast/models` : '',
    env.HOME ? `${env.HOME}/.cache/cleancast/models` : '',
    env.CLEANCAST_DATADIR || DATADIR,
  ];
  const what = ['$CLEANCAST_CACHE/models', '$XDG_CACHE_HOME/cleancast/models',
    '~/.cache/cleancast/models', 'installed data directory'];
  for (const d of dirs) if (d && readable(`${d}/${m.file}`)) return `${d}/${m.file}`;
  const looked = dirs.map((d, i) => (d ? d : `${what[i]} (not set)`)).join(', ');
  throw new Error(`model '${nameOrPath}' (${m.file}) not found; looked in ${looked}. ` +
    'Fetch it with `make models` in the cleancast source tree, or give a path');
}

// ---------------------------------------------------------------- PNM

function pnmTokens(buf, count) {
  const out = [];
  let i = 2;
  while (out.length < count) {
    while (i < buf.length && /\s/.test(String.fromCharCode(buf[i]))) i++;
    if (buf[i] === 0x23) { while (i < buf.length && buf[i] !== 10) i++; continue; }
    let s = '';
    while (i < buf.length && !/\s/.test(String.fromCharCode(buf[i]))) s += String.fromCharCode(buf[i++]);
    if (!s) throw new Error('truncated PNM header');
    out.push(Number(s));
  }
  return { vals: out, data: i + 1 };
}

/** Reads binary PPM (P6) or PGM (P5), maxval 255: {width, height, rgba}. */
export function readPnm(file) {
  const buf = fs.readFileSync(file);
  const magic = buf.subarray(0, 2).toString('latin1');
  if (magic !== 'P6' && magic !== 'P5') throw new Error(`${file}: not a binary PPM/PGM (P6/P5)`);
  const { vals: [w, h, maxval], data } = pnmTokens(buf, 3);
  if (!(w > 0 && h > 0 && w <= 16384 && h <= 16384) || maxval !== 255)
    throw new Error(`${file}: unsupported PNM (${w}x${h}, maxval ${maxval})`);
  const ch = magic === 'P6' ? 3 : 1;
  if (buf.length < data + w * h * ch) throw new Error(`${file}: truncated pixel data`);
  const rgba = new Uint8Array(w * h * 4);
  for (let p = 0; p < w * h; p++) {
    const s = data + p * ch;
    rgba[4 * p] = buf[s];
    rgba[4 * p + 1] = buf[s + (ch === 3 ? 1 : 0)];
    rgba[4 * p + 2] = buf[s + (ch === 3 ? 2 : 0)];
    rgba[4 * p + 3] = 255;
  }
  return { width: w, height: h, rgba };
}

export function pgmBytes(width, height, gray) {
  return Buffer.concat([Buffer.from(`P5\n${width} ${height}\n255\n`, 'latin1'), Buffer.from(gray.buffer, gray.byteOffset, width * height)]);
}

// ---------------------------------------------------------------- WAV

/** Reads a WAV (PCM 16/24/32, float 32/64, extensible): {sampleRate, channels, format, samples}
 *  with samples interleaved floats at int16 scale... no: at +-1 scale, like libsndfile. */
export function readWav(file) {
  const b = fs.readFileSync(file);
  if (b.length < 12 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE')
    throw new Error(`${file}: not a WAV file`);
  let off = 12, fmt = null, data = null;
  while (off + 8 <= b.length) {
    const id = b.toString('latin1', off, off + 4), size = b.readUInt32LE(off + 4);
    if (id === 'fmt ') fmt = { tag: b.readUInt16LE(off + 8), channels: b.readUInt16LE(off + 10),
      rate: b.readUInt32LE(off + 12), bits: b.readUInt16LE(off + 22),
      sub: size >= 40 ? b.readUInt16LE(off + 32) : 0 };
    else if (id === 'data') data = { off: off + 8, size: Math.min(size, b.length - off - 8) };
    off += 8 + size + (size & 1);
  }
  if (!fmt || !data) throw new Error(`${file}: WAV without fmt or data chunk`);
  const tag = fmt.tag === 0xfffe ? fmt.sub : fmt.tag;
  const isFloat = tag === 3, bytes = fmt.bits >> 3;
  if (!(tag === 1 && [1, 2, 3, 4].includes(bytes)) && !(isFloat && (bytes === 4 || bytes === 8)))
    throw new Error(`${file}: WAV encoding ${tag}/${fmt.bits} bits not supported (PCM or float)`);
  const n = Math.floor(data.size / bytes);
  const s = new Float32Array(n);
  for (let i = 0, p = data.off; i < n; i++, p += bytes) {
    if (isFloat) s[i] = bytes === 4 ? b.readFloatLE(p) : b.readDoubleLE(p);
    else if (bytes === 2) s[i] = b.readInt16LE(p) / 32768;
    else if (bytes === 1) s[i] = (b[p] - 128) / 128;
    else if (bytes === 3) s[i] = b.readIntLE(p, 3) / 8388608;
    else s[i] = b.readInt32LE(p) / 2147483648;
  }
  return { sampleRate: fmt.rate, channels: fmt.channels, isFloat, bits: fmt.bits,
    frames: Math.floor(n / fmt.channels), samples: s };
}

/** WAV bytes of samples (+-1 floats): 16-bit PCM (rounded, clipped) or 32-bit float. */
export function wavBytes({ sampleRate, channels, samples, isFloat = false, bits = 16 }) {
  const f = isFloat, bps = f ? 4 : bits === 24 ? 3 : bits === 32 ? 4 : 2;
  const dataSize = samples.length * bps;
  const b = Buffer.alloc(44 + dataSize);
  b.write('RIFF', 0, 'latin1'); b.writeUInt32LE(36 + dataSize, 4); b.write('WAVE', 8, 'latin1');
  b.write('fmt ', 12, 'latin1'); b.writeUInt32LE(16, 16); b.writeUInt16LE(f ? 3 : 1, 20);
  b.writeUInt16LE(channels, 22); b.writeUInt32LE(sampleRate, 24);
  b.writeUInt32LE(sampleRate * channels * bps, 28); b.writeUInt16LE(channels * bps, 32);
  b.writeUInt16LE(bps * 8, 34); b.write('data', 36, 'latin1'); b.writeUInt32LE(dataSize, 40);
  const scale = bps === 2 ? 32768 : bps === 3 ? 8388608 : 2147483648;
  for (let i = 0, p = 44; i < samples.length; i++, p += bps) {
    if (f) { b.writeFloatLE(samples[i], p); continue; }
    const v = Math.max(-scale, Math.min(scale - 1, Math.round(samples[i] * scale)));
    if (bps === 2) b.writeInt16LE(v, p); else if (bps === 3) b.writeIntLE(v, p, 3); else b.writeInt32LE(v, p);
  }
  return b;
}

/** Writes to a temporary name beside path, then renames (no half-written output). */
export function writeAtomic(file, bytes) {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try { fs.writeFileSync(tmp, bytes); fs.renameSync(tmp, file); } catch (e) {
    try { fs.unlinkSync(tmp); } catch { /* none */ }
    throw e;
  }
}
