#!/usr/bin/env node
// Compares two WAVs sample by sample (opus_compare-style tolerance check for float audio).
// usage: node compare.mjs REF.wav TEST.wav [--min-snr DB] [--max-lag N] [--skip N]
//   Prints the SNR of TEST against REF (10 log10 sum ref^2 / sum (test-ref)^2) over the common
//   length after skipping N samples at the start, per channel, and the lag in -max..max
//   (default 0) where it is best (positive: TEST is late). With --min-snr, exits 1 when the
//   SNR at lag 0 of any channel is below DB.
import path from 'node:path';
import { readAudio as readWav, AudioError as WavError } from './audio_io.mjs';

export function snrDb(ref, test, lag = 0, skip = 0) {
  let s = 0, e = 0;
  for (let i = skip; i < ref.length; i++) {
    const j = i + lag;
    if (j < 0 || j >= test.length) continue;
    s += ref[i] * ref[i];
    const d = test[j] - ref[i];
    e += d * d;
  }
  if (e === 0) return Infinity;
  return 10 * Math.log10(s / e);
}

function main(argv) {
  const pos = [], opt = { maxLag: 0, skip: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--min-snr') opt.minSnr = Number(argv[++i]);
    else if (a === '--max-lag') opt.maxLag = Number(argv[++i]);
    else if (a === '--skip') opt.skip = Number(argv[++i]);
    else pos.push(a);
  }
  if (pos.length !== 2) throw new WavError('usage: compare.mjs REF.wav TEST.wav [--min-snr DB] [--max-lag N] [--skip N]');
  const a = readWav(pos[0]), b = readWav(pos[1]);
  if (a.rate !== b.rate) throw new WavError(`rates differ: ${a.rate} vs ${b.rate}`);
  if (a.channels.length !== b.channels.length) throw new WavError(`channel counts differ: ${a.channels.length} vs ${b.channels.length}`);
  let ok = true;
  a.channels.forEach((ra, c) => {
    const tb = b.channels[c];
    const s0 = snrDb(ra, tb, 0, opt.skip);
    let best = { lag: 0, snr: s0 };
    for (let lag = -opt.maxLag; lag <= opt.maxLag; lag++) {
      const s = snrDb(ra, tb, lag, opt.skip);
      if (s > best.snr) best = { lag, snr: s };
    }
    console.log(`channel ${c}: length ${ra.length} vs ${tb.length}, SNR ${s0.toFixed(2)} dB at lag 0` +
      (opt.maxLag ? `, best ${best.snr.toFixed(2)} dB at lag ${best.lag}` : ''));
    if (opt.minSnr !== undefined && !(s0 >= opt.minSnr)) ok = false;
  });
  if (!ok) { console.log(`FAIL: SNR below ${opt.minSnr} dB`); process.exit(1); }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  try { main(process.argv.slice(2)); } catch (e) { console.error(`compare: error: ${e.message}`); process.exit(1); }
}
