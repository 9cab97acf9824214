// Minimal WAV reader/writer for the reference runners and the bench (node, no dependencies).
// Reads PCM 16/24/32-bit and IEEE float 32/64 (plain or WAVE_FORMAT_EXTENSIBLE), any channel
// count; returns per-channel Float64Arrays in int16 scale (full scale = 32768).
import fs from 'node:fs';

export class WavError extends Error {}

export function readWav(file) {
  let b;
  try { b = fs.readFileSync(file); } catch (e) { throw new WavError(`${file}: cannot read: ${e.message}`); }
  if (b.length < 12 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE')
    throw new WavError(`${file}: not a RIFF/WAVE file`);
  let p = 12, fmt = null, data = null;
  while (p + 8 <= b.length) {
    const id = b.toString('latin1', p, p + 4), size = b.readUInt32LE(p + 4);
    const body = b.subarray(p + 8, Math.min(b.length, p + 8 + size));
    if (id === 'fmt ') {
      if (body.length < 16) throw new WavError(`${file}: fmt chunk of ${body.length} bytes is too short`);
      fmt = { tag: body.readUInt16LE(0), channels: body.readUInt16LE(2), rate: body.readUInt32LE(4),
              align: body.readUInt16LE(12), bits: body.readUInt16LE(14) };
      if (fmt.tag === 0xfffe) {
        if (body.length < 40) throw new WavError(`${file}: WAVE_FORMAT_EXTENSIBLE fmt chunk too short`);
        fmt.tag = body.readUInt16LE(24);
      }
    } else if (id === 'data') { data = body; break; }
    p += 8 + size + (size & 1);
  }
  if (!fmt) throw new WavError(`${file}: no fmt chunk`);
  if (!data) throw new WavError(`${file}: no data chunk`);
  const { tag, channels, bits } = fmt;
  const bps = bits / 8;
  const ok = (tag === 1 && [16, 24, 32].includes(bits)) || (tag === 3 && [32, 64].includes(bits));
  if (!ok) throw new WavError(`${file}: unsupported encoding (format tag ${tag}, ${bits} bits)`);
  if (channels < 1 || fmt.align !== channels * bps) throw new WavError(`${file}: bad block align ${fmt.align} for ${channels} channels of ${bits} bits`);
  const n = Math.floor(data.length / fmt.align);
  const ch = Array.from({ length: channels }, () => new Float64Array(n));
  if ((tag === 3 && bits === 32) || (tag === 1 && bits === 16)) {
    // fast path: typed view on an aligned little-endian copy
    const bytes = new Uint8Array(n * fmt.align);
    bytes.set(data.subarray(0, n * fmt.align));
    const v = tag === 3 ? new Float32Array(bytes.buffer) : new Int16Array(bytes.buffer);
    const k = tag === 3 ? 32768 : 1;
    for (let c = 0; c < channels; c++) { const o = ch[c]; for (let i = 0; i < n; i++) o[i] = v[i * channels + c] * k; }
    return { rate: fmt.rate, channels: ch, format: tag === 3 ? 'f32' : 's16', bits };
  }
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) {
      const o = i * fmt.align + c * bps;
      let v;
      if (tag === 3) v = (bits === 32 ? data.readFloatLE(o) : data.readDoubleLE(o)) * 32768;
      else if (bits === 16) v = data.readInt16LE(o);
      else if (bits === 24) v = data.readIntLE(o, 3) / 256;
      else v = data.readInt32LE(o) / 65536;
      ch[c][i] = v;
    }
  }
  return { rate: fmt.rate, channels: ch, format: tag === 3 ? 'f32' : 's16', bits };
}

// Writes int16-scale samples; format 's16' (rounded, clipped) or 'f32' (divided by 32768).
export function writeWav(file, rate, channels, format = 's16') {
  const nch = channels.length, n = channels[0].length;
  const bps = format === 'f32' ? 4 : 2;
  const b = Buffer.alloc(44 + n * nch * bps);
  b.write('RIFF', 0, 'latin1'); b.writeUInt32LE(36 + n * nch * bps, 4); b.write('WAVE', 8, 'latin1');
  b.write('fmt ', 12, 'latin1'); b.writeUInt32LE(16, 16);
  b.writeUInt16LE(format === 'f32' ? 3 : 1, 20); b.writeUInt16LE(nch, 22); b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * nch * bps, 28); b.writeUInt16LE(nch * bps, 32); b.writeUInt16LE(bps * 8, 34);
  b.write('data', 36, 'latin1'); b.writeUInt32LE(n * nch * bps, 40);
  const body = format === 'f32' ? new Float32Array(n * nch) : new Int16Array(n * nch);
  for (let c = 0; c < nch; c++) {
    const x = channels[c];
    if (format === 'f32') for (let i = 0; i < n; i++) body[i * nch + c] = x[i] / 32768;
    else for (let i = 0; i < n; i++) body[i * nch + c] = Math.max(-32768, Math.min(32767, Math.round(x[i])));
  }
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new WavError('big-endian host: not supported');
  b.set(new Uint8Array(body.buffer), 44);
  fs.writeFileSync(file, b);
}
