#!/usr/bin/env node
// Regenerates the committed seed corpus (corpus/ccm, corpus/rnnn) from synthetic models
// written with the extractor's own writers: no xiph weights are committed.
// usage: node make_corpus.mjs   (run in tests/audiomodel)
import fs from 'node:fs';
fs.rmSync('corpus', { recursive: true, force: true });
import { TOPOLOGY, arraySizes, toCcm, toRnnn } from '../../models/rnnoise/extract.mjs';

function model(fill) {
  let k = 0;
  return TOPOLOGY.map((l) => {
    const arrays = {};
    for (const [name, n] of Object.entries(arraySizes(l))) arrays[name] = Int8Array.from({ length: n }, () => fill(k++));
    return { ...l, arrays };
  });
}
const zeros = model(() => 0);
const ramp = model((k) => ((k * 37) % 256) - 128);
fs.mkdirSync('corpus/ccm', { recursive: true });
fs.mkdirSync('corpus/rnnn', { recursive: true });
const ccm = toCcm(zeros);
fs.writeFileSync('corpus/ccm/valid_zeros.ccm', ccm);
fs.writeFileSync('corpus/ccm/valid_ramp.ccm', toCcm(ramp));
fs.writeFileSync('corpus/ccm/header_only.ccm', ccm.subarray(0, 40));
fs.writeFileSync('corpus/ccm/first_record.ccm', ccm.subarray(0, 40 + ccm.readUInt32LE(40)));
const badcrc = Buffer.from(ccm); badcrc[badcrc.length - 1] ^= 1;
fs.writeFileSync('corpus/ccm/bad_crc.ccm', badcrc);
fs.writeFileSync('corpus/ccm/empty.ccm', Buffer.alloc(0));
const rnnn = toRnnn(zeros);
fs.writeFileSync('corpus/rnnn/valid_zeros.rnnn', rnnn);
fs.writeFileSync('corpus/rnnn/header_only.rnnn', 'rnnoise-nu model file version 1\n42 24 0\n');
fs.writeFileSync('corpus/rnnn/truncated.rnnn', rnnn.slice(0, 2000));
fs.writeFileSync('corpus/rnnn/out_of_range.rnnn', rnnn.slice(0, 3000).replace('\n0 ', '\n300 '));
