#!/usr/bin/env node
// Did a denoiser keep the speech and remove the noise? Compares a captured output with the
// clean speech and the noisy input it was made from (all raw s16le mono at the same rate, the
// noisy input = clean + noise sample for sample).
//
// usage: node speech_kept.mjs OUT.raw NOISY.raw CLEAN.raw
//
// The output may start late and lag by an unknown delay (a live capture): the lag is found by
// cross-correlating with the clean speech (10 ms envelopes, then per sample in 0.1 s windows).
// Over the span where the output is active (its first 0.5 s left out: the denoiser adapts
// there) it prints one JSON line:
//   lag_samples (first window), lag_moved (largest minus smallest window lag), span_s,
//   sisdr_in_db / sisdr_out_db / sisdr_gain_db: SI-SDR (Le Roux et al. 2019) of the noisy
//     input and of the output against the clean speech, and the gain;
//   speech_gain_db: 20 log10 of the SI-SDR scale factor (the output's projection on the
//     clean speech): 0 = speech kept at its level;
//   noise_drop_db: level in the blocks where the clean speech is silent (below -45 dB of its
//     loudest 10 ms block), noisy input minus output.
import fs from 'node:fs';

function readS16(path) {
  const b = fs.readFileSync(path), n = b.length >> 1, x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = b.readInt16LE(2 * i) / 32768;
  return x;
}
const [outPath, noisyPath, cleanPath] = process.argv.slice(2);
if (!cleanPath) { console.error('usage: speech_kept.mjs OUT.raw NOISY.raw CLEAN.raw'); process.exit(2); }
const out = readS16(outPath), noisy = readS16(noisyPath), clean = readS16(cleanPath);
const B = 480;
const env = (x) => { const n = Math.floor(x.length / B), e = new Float64Array(n);
  for (let k = 0; k < n; k++) { let s = 0; for (let i = k * B; i < k * B + B; i++) s += x[i] * x[i]; e[k] = Math.sqrt(s / B); }
  return e; };
const eo = env(out), ec = env(clean);
const db = (p) => 10 * Math.log10(p + 1e-20);

// The active span of the output: blocks above -70 dBFS.
let first = -1, last = -1;
for (let k = 0; k < eo.length; k++) if (eo[k] > 3e-4) { if (first < 0) first = k; last = k; }
if (first < 0) { console.log(JSON.stringify({ error: 'output is silent' })); process.exit(1); }

// out[i] ~ clean[i - lag]: envelope lag first (up to 5 s either way), then per sample.
let bestK = 0, bestV = -Infinity;
for (let L = -500; L <= 500; L++) {
  let s = 0, a = 0, c = 0;
  for (let k = first; k <= last; k++) {
    const j = k - L;
    if (j < 0 || j >= ec.length) continue;
    s += eo[k] * ec[j]; a += eo[k] * eo[k]; c += ec[j] * ec[j];
  }
  const v = a > 0 && c > 0 ? s / Math.sqrt(a * c) : -Infinity;
  if (v > bestV) { bestV = v; bestK = L; }
}
// A live sink may skip a late chunk now and then, which moves the lag by a few samples: the
// lag is followed per 0.1 s window, within +-300 samples of the previous window's (pauses,
// where the clean speech is quiet, keep the previous lag).
const W = 4800;
const lo = first * B, hi = (last + 1) * B;
const i0 = lo + 24000;  // the first 0.5 s of output left out
const wins = [];        // [start, lag]
let cpeak = 0;
for (let k = 0; k < ec.length; k++) cpeak = Math.max(cpeak, ec[k]);
let lag = bestK * B;
for (let w0 = i0; w0 + W <= hi; w0 += W) {
  if (w0 - lag < 0 || w0 + W - lag > Math.min(clean.length, noisy.length)) continue;
  let ce = 0;
  for (let i = w0; i < w0 + W; i++) ce += clean[i - lag] ** 2;
  if (Math.sqrt(ce / W) > cpeak * 0.03) {  // within 30 dB of the loudest 10 ms: follow the lag
    // Against the noisy input, which the output is made from whatever the denoiser removed;
    // the lag moves only when another one fits clearly better (speech is periodic: near lags
    // fit almost as well).
    const fit = (L) => { let s = 0, a = 0;
      for (let i = w0; i < w0 + W; i += 2) { s += out[i] * noisy[i - L]; a += noisy[i - L] ** 2; }
      return s / Math.sqrt(a + 1e-20); };
    const cur = fit(lag);
    let bestS = -Infinity, bl = lag;
    for (let L = lag - 300; L <= lag + 300; L++) {
      if (w0 - L < 0 || w0 + W - L > Math.min(clean.length, noisy.length)) continue;
      const v = fit(L);
      if (v > bestS) { bestS = v; bl = L; }
    }
    if (bestS > cur * 1.1) lag = bl;
  }
  wins.push([w0, lag]);
}
if (wins.length * W < 48000) { console.log(JSON.stringify({ error: 'less than 1 s of output overlaps the input', lag })); process.exit(1); }
const lags = wins.map((w) => w[1]);
function sisdr(y) {  // y(i, lag): the signal at output index i; reference clean[i - lag]
  let yc = 0, cc = 0, t = 0, e = 0;
  for (const [w0, L] of wins) for (let i = w0; i < w0 + W; i++) { yc += y(i, L) * clean[i - L]; cc += clean[i - L] ** 2; }
  const a = yc / cc;
  for (const [w0, L] of wins) for (let i = w0; i < w0 + W; i++) { const r = a * clean[i - L]; t += r * r; e += (y(i, L) - r) ** 2; }
  return { db: 10 * Math.log10(t / e), scale: a };
}
const sOut = sisdr((i) => out[i]), sIn = sisdr((i, L) => noisy[i - L]);

// Noise-only blocks: the clean speech more than 45 dB below its loudest block.
const peak = (cpeak * cpeak) * B;
let pn = 0, po = 0, nb = 0;
for (const [w0, L] of wins) for (let i = w0; i + B <= w0 + W; i += B) {
  let s = 0, n = 0, o = 0;
  for (let j = i; j < i + B; j++) { s += clean[j - L] ** 2; n += noisy[j - L] ** 2; o += out[j] ** 2; }
  if (s < peak * 10 ** -4.5) { pn += n; po += o; nb++; }
}
console.log(JSON.stringify({
  lag_samples: lags[0], lag_moved: Math.max(...lags) - Math.min(...lags),
  span_s: +((wins.length * W) / 48000).toFixed(2),
  sisdr_in_db: +sIn.db.toFixed(2), sisdr_out_db: +sOut.db.toFixed(2),
  sisdr_gain_db: +(sOut.db - sIn.db).toFixed(2),
  speech_gain_db: +(20 * Math.log10(Math.abs(sOut.scale) / Math.abs(sIn.scale))).toFixed(2),
  noise_blocks: nb, noise_drop_db: nb ? +(db(pn / nb) - db(po / nb)).toFixed(2) : null,
}));
