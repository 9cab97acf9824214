#!/usr/bin/env node
// Regenerates the committed RNNoise 0.2 seed corpus (corpus/ccm2) from a synthetic model
// written with the extractor's own writer: no xiph weights are committed. The topology is
// written out here by hand (a second statement of it, beside src/audio/model/rnn2model.c).
// The sparse layers get a few 8x4 blocks per row group (0, 1 or 2), so the file stays small.
// usage: node make_corpus2.mjs   (run in tests/audiomodel)
import fs from 'node:fs';
import { toCcm2 } from '../../models/rnnoise/extract2.mjs';

export function synthArrays() {
  let k = 0;
  const floats = (n) => { const b = Buffer.alloc(4 * n); for (let i = 0; i < n; i++) b.writeFloatLE((((k++ * 37) % 255) - 127) / 1024, 4 * i); return b; };
  const int8 = (n) => Buffer.from(Array.from({ length: n }, () => ((k++ * 53) % 255) - 127 & 0xff));
  const idx = (rows) => {
    const v = [];
    for (let g = 0; g < rows / 8; g++) { const nb = g % 3, c0 = 4 * ((g * 7) % 90); v.push(nb); for (let j = 0; j < nb; j++) v.push(c0 + 8 * j); }
    const b = Buffer.alloc(4 * v.length); v.forEach((x, i) => b.writeInt32LE(x, 4 * i));
    return { b, blocks: v.length - rows / 8 };
  };
  const out = [];
  const F = 0, I = 1, Q = 3;
  const add = (name, type, bytes) => out.push({ name, type, bytes });
  add('conv1_weights_float', F, floats(195 * 128)); add('conv1_bias', F, floats(128));
  add('conv2_weights_int8', Q, int8(384 * 384));
  for (const s of ['subias', 'scale', 'bias']) add(`conv2_${s}`, F, floats(384));
  for (let g = 1; g <= 3; g++)
    for (const part of ['input', 'recurrent']) {
      const p = `gru${g}_${part}`, ix = idx(1152);
      if (part === 'recurrent') add(`${p}_weights_diag`, F, floats(1152));
      add(`${p}_weights_int8`, Q, int8(32 * ix.blocks)); add(`${p}_weights_idx`, I, ix.b);
      for (const s of ['subias', 'scale', 'bias']) add(`${p}_${s}`, F, floats(1152));
    }
  add('dense_out_weights_float', F, floats(384 * 32)); add('dense_out_bias', F, floats(32));
  add('vad_dense_weights_float', F, floats(384)); add('vad_dense_bias', F, floats(1));
  return out;
}

if (process.argv[1] && new URL(import.meta.url).pathname.endsWith(process.argv[1].split('/').pop())) {
  fs.rmSync('corpus/ccm2', { recursive: true, force: true });
  fs.mkdirSync('corpus/ccm2', { recursive: true });
  const ccm = toCcm2(synthArrays());
  fs.writeFileSync('corpus/ccm2/valid_synth.ccm', ccm);
  fs.writeFileSync('corpus/ccm2/header_only.ccm', ccm.subarray(0, 40));
  // The first two records, with the header's file size patched to match (walks into the cut).
  let end = 40; for (let r = 0; r < 2; r++) end += ccm.readUInt32LE(end);
  const first = Buffer.concat([ccm.subarray(0, end), Buffer.alloc(4)]); first.writeUInt32LE(first.length, 12);
  fs.writeFileSync('corpus/ccm2/first_records.ccm', first);
  fs.writeFileSync('corpus/ccm2/empty.ccm', Buffer.alloc(0));
}
