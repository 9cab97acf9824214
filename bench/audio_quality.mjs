#!/usr/bin/env node
// Audio quality bench: SI-SDR improvement of noise suppressors on speech + noise mixes.
//
// usage: node bench/audio_quality.mjs [--build DIR] [--work DIR] [--engines LIST] [--quick]
//                                     [--json FILE]
//   --build DIR    meson build directory with tools/cleancast (default: build)
//   --work DIR     where mixes and outputs go (default: $TMPDIR/cleancast-audio-quality)
//   --engines L    comma list of: ours,ours2,ref,ref2,speex,afftdn,arnndn (default: all)
//   --quick        one speech clip per noise (smoke run)
//   --rescore      score the outputs an earlier run left in --work instead of running engines
//
// Material (DATA.md, converted by data/fetch.sh into $CLEANCAST_CACHE/data, all 48 kHz):
//   speech: Allison (16 kHz source), Codec2 (8 kHz sources, five speakers concatenated),
//           ALSA channel voices (48 kHz, all eight concatenated), Codec2 speech_orig (16 kHz)
//   noise:  keyboard (Model-M presses/releases, EVEN scancodes only, 80-250 ms apart),
//           hum (Sonic Pi ambi_drone + ambi_haunted_hum loops plus 1/f pink noise at -10 dB),
//           traffic (OpenSFX buses, truck, level crossing), applause (OpenSFX applause)
//   Noise tracks are stitched from random segments with 20 ms crossfades (no exact loop), a
//   fixed seed makes every run identical. Mix = 1 s noise lead-in + speech + 0.5 s tail; the
//   SNR is set from the speech power over the trimmed speech (leading/trailing silence below
//   -50 dB of the peak frame removed) against the noise power over the same span.
//   SNRs -5, 0, 5, 10, 15 dB. Mixes are float WAVs in +-1 (int16 scale / 32768).
// Score: SI-SDR (Le Roux et al. 2019) of the output against the clean reference over the
// whole mix, minus the SI-SDR of the unprocessed mix: dB gained. Outputs should be
// time-aligned with the input; the bench measures each engine's lag on its first mix, prints
// it, and shifts the outputs back when it exceeds 8 samples (FFmpeg afftdn: 1200).
// Two more scores for what users hear (RNNoise engines clip word onsets and dull "s"/"sh"):
//   onset kept     speech onsets (10 ms frames of the clean speech at most 40 dB below its loudest
//                  frame and at least 20 dB above every frame of the 100 ms before, plus the 40 ms
//                  after): the output's projection gain onto the clean speech there,
//                  20 log10(<out, clean> / <clean, clean>), in dB (0 = kept, -6 = halved). Noise
//                  uncorrelated with the speech does not count. Reported per input SNR as the
//                  median over the mixes and pooled (the sums of all mixes in one ratio), and
//                  the worst mix: a mean of dB would be ruled by the one or two mixes where an
//                  engine removes nearly everything.
//   sibilance kept the same on 4-8 kHz (both signals through one 4th-order Butterworth high-pass at
//                  4 kHz and low-pass at 8 kHz), over the frames where the clean speech has at
//                  least 30 % of its energy in that band (and is at most 40 dB below its peak).
// Engines (one thread each):
//   ours   tools/cleancast denoise IN -o OUT --model rnnoise             (RNNoise 0.1 weights)
//   ours2  tools/cleancast denoise IN -o OUT --model rnnoise2            (RNNoise 0.2)
//   ref2   the official 0.2 build (@jitsi/rnnoise-wasm@0.2.1 dist/rnnoise-sync.js) via
//          tests/audio/ref/rnnoise2_ref.mjs, delay removed (the anchor for ours2)
//   ref    the official wasm (@jitsi/rnnoise-wasm@0.2.1) via tests/audio/ref/rnnoise_ref.mjs,
//          in this process, delay removed (the anchor: ours should equal it within 0.1 dB)
//   speex  tools/cleancast denoise IN -o OUT --engine speex
//   afftdn Debian FFmpeg `afftdn=tn=1` (noise floor tracking on, other options default; it
//          adds 1200 samples of delay, compensated here). Out of the box it removes little
//          here: a spot check of stronger settings (nr=30:nf=-25, nr=97:nf=-20) gained at most
//          about 1 dB more on single mixes; we keep the defaults rather than tune on the test set.
//   arnndn Debian FFmpeg `arnndn` with our .rnnn, level-aligned (tests/audio/ref/arnndn_ref.sh)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { readAudio as readWav, writeAudio as writeWav } from '../tests/audio/ref/audio_io.mjs';
import { loadRnnoise, denoiseChannel, defaultWasm } from '../tests/audio/ref/rnnoise_ref.mjs';
import { loadRnnoise2, denoiseChannel as denoiseChannel2, defaultJs as defaultJs2 } from '../tests/audio/ref/rnnoise2_ref.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '..');
const CACHE = process.env.CLEANCAST_CACHE || /* as scripts/cachedir.sh */
    (process.env.XDG_CACHE_HOME?.startsWith('/') ? path.join(process.env.XDG_CACHE_HOME, 'cleancast')
     : path.join(os.homedir(), '.cache', 'cleancast'));
const DATA = path.join(CACHE, 'data');
const RATE = 48000;
const SNRS = [-5, 0, 5, 10, 15];

// ---- deterministic PRNG (mulberry32) -------------------------------------------------------
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function die(msg) { console.error(`audio_quality: error: ${msg}`); process.exit(1); }

function load(rel) {
  const f = path.join(DATA, rel);
  if (!fs.existsSync(f)) die(`${f} missing: run data/fetch.sh (make data)`);
  const w = readWav(f);
  if (w.rate !== RATE) die(`${f}: ${w.rate} Hz, want ${RATE}`);
  const n = w.channels[0].length, x = new Float64Array(n);
  for (const c of w.channels) for (let i = 0; i < n; i++) x[i] += c[i] / w.channels.length;
  return x;
}
const concat = (parts) => { const n = parts.reduce((a, p) => a + p.length, 0), o = new Float64Array(n); let k = 0; for (const p of parts) { o.set(p, k); k += p.length; } return o; };
const zeros = (n) => new Float64Array(n);
const power = (x, a = 0, b = x.length) => { let s = 0; for (let i = a; i < b; i++) s += x[i] * x[i]; return s / Math.max(1, b - a); };

// Trims leading/trailing 10 ms frames more than 50 dB below the loudest frame.
function trim(x) {
  const F = 480, nf = Math.floor(x.length / F), e = [];
  for (let f = 0; f < nf; f++) e.push(power(x, f * F, f * F + F));
  const thr = Math.max(...e) * 1e-5;
  let a = 0, b = nf - 1;
  while (a < nf && e[a] < thr) a++;
  while (b > a && e[b] < thr) b--;
  return x.slice(a * F, (b + 1) * F);
}

// ---- material ------------------------------------------------------------------------------
function speechClips(quick) {
  const gap = zeros(RATE * 0.3);
  const clips = [
    { name: 'allison', x: trim(load('speech/allison_vm_options_16k.wav')) },
    { name: 'codec2', x: concat(['hts1a', 'hts2a', 'mmt1', 'big_dog', 'cross', 'forig', 'morig'].flatMap((s) => [trim(load(`speech/codec2_${s}_8k.wav`)), gap])) },
    { name: 'alsa', x: concat(['front_center', 'front_left', 'front_right', 'rear_center', 'rear_left', 'rear_right', 'side_left', 'side_right'].flatMap((s) => [trim(load(`speech/alsa_${s}_48k.wav`)), gap])) },
    { name: 'codec2_16k', x: trim(load('speech/codec2_speech_orig_16k.wav')) },
  ];
  return quick ? clips.slice(0, 1) : clips;
}

// A noise track of length n stitched from random segments of the sources, 20 ms crossfades.
function stitch(sources, n, r) {
  const out = new Float64Array(n), X = 960;
  let pos = 0;
  while (pos < n) {
    const src = sources[Math.floor(r() * sources.length)];
    const len = Math.min(src.length, Math.floor(RATE * (0.8 + 1.5 * r())));
    const off = Math.floor(r() * Math.max(1, src.length - len));
    for (let i = 0; i < len && pos + i < n; i++) {
      let g = 1;
      if (i < X && pos > 0) g = i / X;
      if (i >= len - X) g = Math.min(g, (len - i) / X);
      out[pos + i] += g * src[off + i];
    }
    pos += Math.max(X, len - X);
  }
  return out;
}

function pink(n, r) { // Paul Kellet's economy 1/f filter on white noise
  const o = new Float64Array(n);
  let b0 = 0, b1 = 0, b2 = 0;
  for (let i = 0; i < n; i++) {
    const w = r() * 2 - 1;
    b0 = 0.99765 * b0 + w * 0.0990460; b1 = 0.96300 * b1 + w * 0.2965164; b2 = 0.57000 * b2 + w * 1.0526913;
    o[i] = b0 + b1 + b2 + w * 0.1848;
  }
  return o;
}

function keyboard(n, r, keys) {
  const out = new Float64Array(n);
  let pos = Math.floor(r() * RATE * 0.1);
  while (pos < n) {
    const k = keys[Math.floor(r() * keys.length)];
    const add = (x, at) => { for (let i = 0; i < x.length && at + i < n; i++) out[at + i] += x[i]; };
    add(k.press, pos);
    add(k.release, pos + Math.floor(RATE * (0.06 + 0.06 * r())));
    pos += Math.floor(RATE * (0.08 + 0.17 * r()));
  }
  return out;
}

function noiseMakers() {
  const keyDir = path.join(DATA, 'noise', 'keys');
  if (!fs.existsSync(keyDir)) die(`${keyDir} missing: run data/fetch.sh`);
  const codes = [...new Set(fs.readdirSync(keyDir).map((f) => (f.match(/^buckle_([0-9a-f]{2})-0_/) || [])[1]).filter(Boolean))]
    .filter((c) => parseInt(c, 16) % 2 === 0) // odd scancodes are reserved for evaluation
    .filter((c) => fs.existsSync(path.join(keyDir, `buckle_${c}-1_44k.wav`)));
  if (!codes.length) die(`no even-scancode key sounds in ${keyDir}`);
  const keys = codes.map((c) => ({ press: load(`noise/keys/buckle_${c}-0_44k.wav`), release: load(`noise/keys/buckle_${c}-1_44k.wav`) }));
  const hum = [load('noise/sonicpi_ambi_drone_44k.wav'), load('noise/sonicpi_ambi_haunted_hum_44k.wav')];
  const traffic = ['modern_bus', 'old_bus', 'truck_pullaway', 'level_crossing'].map((s) => load(`noise/opensfx_${s}_44k.wav`));
  const applause = [load('noise/opensfx_applause_44k.wav')];
  return {
    keyboard: (n, r) => keyboard(n, r, keys),
    hum: (n, r) => {
      const h = stitch(hum, n, r), p = pink(n, r);
      const g = Math.sqrt(power(h) / Math.max(1e-9, power(p)) * 0.1);
      return h.map((v, i) => v + g * p[i]);
    },
    traffic: (n, r) => stitch(traffic, n, r),
    applause: (n, r) => stitch(applause, n, r),
  };
}

function makeMixes(work, quick) {
  const dir = path.join(work, 'mix');
  fs.mkdirSync(dir, { recursive: true });
  const r = rng(20261124);
  const clips = speechClips(quick), makers = noiseMakers();
  const mixes = [];
  for (const [noiseName, make] of Object.entries(makers)) {
    for (const clip of clips) {
      const lead = RATE, tail = RATE / 2, n = lead + clip.x.length + tail;
      const noise = make(n, r);
      const clean = concat([zeros(lead), clip.x, zeros(tail)]);
      const ps = power(clip.x), pn = power(noise, lead, lead + clip.x.length);
      for (const snr of SNRS) {
        const g = Math.sqrt(ps / (pn * 10 ** (snr / 10)));
        const mix = clean.map((v, i) => v + g * noise[i]);
        // Headroom: keep the mix under 0.9 full scale (scale invariant for SI-SDR and SNR).
        const peak = mix.reduce((a, v) => Math.max(a, Math.abs(v)), 0), k = Math.min(1, 0.9 * 32768 / peak);
        const id = `${noiseName}_${clip.name}_${snr < 0 ? 'm' : 'p'}${Math.abs(snr)}`;
        const m = { id, noise: noiseName, speech: clip.name, snr, mix: path.join(dir, `${id}.wav`), clean: path.join(dir, `${id}.clean.wav`) };
        writeWav(m.mix, RATE, [mix.map((v) => v * k)], 'f32');
        writeWav(m.clean, RATE, [clean.map((v) => v * k)], 'f32');
        mixes.push(m);
      }
    }
  }
  return mixes;
}

// ---- metrics -------------------------------------------------------------------------------
export function siSdr(est, ref) {
  const n = Math.min(est.length, ref.length);
  let sr = 0, rr = 0;
  for (let i = 0; i < n; i++) { sr += est[i] * ref[i]; rr += ref[i] * ref[i]; }
  const a = sr / rr;
  let t = 0, e = 0;
  for (let i = 0; i < n; i++) { const s = a * ref[i], d = est[i] - s; t += s * s; e += d * d; }
  return 10 * Math.log10(t / e);
}

// Biquad (RBJ cookbook), in place. type 'hp' | 'lp', corner f0 Hz, quality q.
function biquad(x, type, f0, q) {
  const w = 2 * Math.PI * f0 / RATE, c = Math.cos(w), al = Math.sin(w) / (2 * q);
  const b0 = type === 'hp' ? (1 + c) / 2 : (1 - c) / 2, b1 = type === 'hp' ? -(1 + c) : 1 - c, b2 = b0;
  const a0 = 1 + al, a1 = -2 * c, a2 = 1 - al;
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i], y = (b0 * v + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0;
    x2 = x1; x1 = v; y2 = y1; y1 = y; x[i] = y;
  }
  return x;
}
// 4-8 kHz: 4th-order Butterworth high-pass and low-pass (two biquads each, Q 0.5412 and 1.3066).
function sibilantBand(x) {
  const y = Float64Array.from(x);
  for (const q of [0.5412, 1.3066]) { biquad(y, 'hp', 4000, q); biquad(y, 'lp', 8000, q); }
  return y;
}
const F10 = RATE / 100;
// Where to score onsets and sibilance on a clean track: sample ranges [a, b).
function speechRegions(clean) {
  const nf = Math.floor(clean.length / F10), e = new Float64Array(nf);
  for (let f = 0; f < nf; f++) e[f] = power(clean, f * F10, f * F10 + F10);
  const peak = Math.max(...e), onsets = [], sib = [];
  for (let f = 10; f < nf; f++) {
    if (e[f] < peak * 1e-4) continue;
    let before = 0;
    for (let g = f - 10; g < f; g++) before = Math.max(before, e[g]);
    if (before * 100 <= e[f]) onsets.push([f * F10, Math.min(nf, f + 5) * F10]);
  }
  const band = sibilantBand(clean);
  for (let f = 0; f < nf; f++)
    if (e[f] >= peak * 1e-4 && power(band, f * F10, f * F10 + F10) >= 0.3 * e[f]) sib.push([f * F10, f * F10 + F10]);
  return { onsets, sib, band };
}
// Projection of est onto ref over the ranges: { er: <est, ref>, rr: <ref, ref> } (null without
// ranges); its gain in dB is keptDb().
function kept(est, ref, ranges) {
  let er = 0, rr = 0;
  for (const [a, b] of ranges) for (let i = a; i < b && i < est.length; i++) { er += est[i] * ref[i]; rr += ref[i] * ref[i]; }
  return rr > 0 ? { er, rr } : null;
}
const keptDb = (k) => 20 * Math.log10(Math.max(k.er / k.rr, 1e-6));

function bestLag(est, ref, maxLag = 4800) {
  // Cross-correlation over 3 s after the 1 s lead-in, every 2nd sample, lags up to 100 ms.
  const a = RATE, b = Math.min(ref.length, est.length, a + 3 * RATE);
  let best = 0, bestV = -Infinity;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let s = 0;
    for (let i = a; i < b; i += 2) { const j = i + lag; if (j >= 0 && j < est.length) s += est[j] * ref[i]; }
    if (s > bestV) { bestV = s; best = lag; }
  }
  return best;
}

// ---- engines -------------------------------------------------------------------------------
function runCmd(cmd, args) {
  const p = spawnSync(cmd, args, { encoding: 'utf8' });
  if (p.error) return `cannot run ${cmd}: ${p.error.message}`;
  if (p.status !== 0) return `${path.basename(cmd)} exited ${p.status}: ${(p.stderr || '').trim().split('\n').slice(-2).join(' / ')}`;
  return null;
}

function engines(build) {
  const cli = path.resolve(build, 'tools', 'cleancast');
  let rn = null, rn2 = null;
  return {
    ours: { label: 'ours (rnnoise)', run: (i, o) => runCmd(cli, ['denoise', i, '-o', o, '--engine', 'rnnoise', '--model', 'rnnoise']) },
    ours2: { label: 'ours (rnnoise 0.2)', run: (i, o) => runCmd(cli, ['denoise', i, '-o', o, '--model', 'rnnoise2']) },
    ref: {
      label: 'reference wasm',
      run: async (i, o) => {
        if (!rn) { if (!fs.existsSync(defaultWasm())) return `${defaultWasm()} missing: run models/fetch_rnnoise.sh`; rn = await loadRnnoise(); }
        const w = readWav(i);
        writeWav(o, w.rate, w.channels.map((c) => denoiseChannel(rn, c).out), 'f32');
        return null;
      },
    },
    ref2: {
      label: 'official 0.2 wasm',
      run: async (i, o) => {
        if (!rn2) { if (!fs.existsSync(defaultJs2())) return `${defaultJs2()} missing: run models/fetch_rnnoise.sh`; rn2 = await loadRnnoise2(); }
        const w = readWav(i);
        writeWav(o, w.rate, w.channels.map((c) => denoiseChannel2(rn2, c).out), 'f32');
        return null;
      },
    },
    speex: { label: 'ours (speex)', run: (i, o) => runCmd(cli, ['denoise', i, '-o', o, '--engine', 'speex']) },
    afftdn: { label: 'ffmpeg afftdn', run: (i, o) => runCmd('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-i', i, '-af', 'afftdn=tn=1', '-c:a', 'pcm_f32le', o]) },
    arnndn: { label: 'ffmpeg arnndn', run: (i, o) => runCmd(path.join(root, 'tests', 'audio', 'ref', 'arnndn_ref.sh'), [i, o, '--aligned', '--format', 'f32']) },
  };
}

// ---- main ----------------------------------------------------------------------------------
async function main(argv) {
  const opt = { build: 'build', work: path.join(os.tmpdir(), 'cleancast-audio-quality'), engines: 'ours,ours2,ref,ref2,speex,afftdn,arnndn' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = () => { if (i + 1 >= argv.length) die(`${a} needs a value`); return argv[++i]; };
    if (a === '--build') opt.build = v();
    else if (a === '--work') opt.work = v();
    else if (a === '--engines') opt.engines = v();
    else if (a === '--quick') opt.quick = true;
    else if (a === '--rescore') opt.rescore = true;
    else if (a === '--json') opt.json = v();
    else die(`unknown argument ${a}`);
  }
  const all = engines(opt.build);
  const names = opt.engines.split(',').filter(Boolean);
  for (const n of names) if (!all[n]) die(`unknown engine ${n} (ours, ours2, ref, ref2, speex, afftdn, arnndn)`);

  const t0 = Date.now();
  const mixes = makeMixes(opt.work, opt.quick);
  const secs = mixes.reduce((a, m) => a + readWav(m.clean).channels[0].length, 0) / RATE;
  console.log(`audio_quality: ${mixes.length} mixes (${secs.toFixed(0)} s of audio) in ${opt.work}, made in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const res = {}; // res[engine][mix.id] = SI-SDR improvement
  const onset = {}, sib = {}; // [engine][mix.id] = dB kept (null: nothing to score)
  const regions = {}; // per mix: onset / sibilant ranges and the clean 4-8 kHz band
  const base = {};
  const status = {};
  for (const m of mixes) base[m.id] = siSdr(readWav(m.mix).channels[0], readWav(m.clean).channels[0]);
  for (const e of names) {
    const outDir = path.join(opt.work, e);
    fs.mkdirSync(outDir, { recursive: true });
    res[e] = {};
    onset[e] = {};
    sib[e] = {};
    let lag = null, lenNote = null;
    const t = Date.now();
    for (const m of mixes) {
      const out = path.join(outDir, `${m.id}.wav`);
      const err = opt.rescore && fs.existsSync(out) ? null : await all[e].run(m.mix, out);
      if (err) { status[e] = `not run: ${err}`; break; }
      if (!fs.existsSync(out)) { status[e] = 'not run: no output file'; break; }
      let est = readWav(out).channels[0];
      const clean = readWav(m.clean).channels[0];
      if (est.length !== clean.length && !lenNote) lenNote = `output length ${est.length} != input ${clean.length}`;
      if (lag === null) {
        lag = bestLag(est, clean);
        status[e] = `measured lag ${lag} samples` + (Math.abs(lag) > 8 ? ', output shifted back by it (the engine does not compensate its delay)' : '');
      }
      if (Math.abs(lag) > 8) est = Float64Array.from(clean, (_, i) => (i + lag < est.length && i + lag >= 0 ? est[i + lag] : 0));
      res[e][m.id] = siSdr(est, clean) - base[m.id];
      const rg = regions[m.id] || (regions[m.id] = speechRegions(clean));
      onset[e][m.id] = kept(est, clean, rg.onsets);
      sib[e][m.id] = kept(sibilantBand(est), rg.band, rg.sib);
    }
    if (lenNote) status[e] = `${status[e] || ''}; ${lenNote}`;
    console.log(`audio_quality: ${e}: ${((Date.now() - t) / 1000).toFixed(1)} s wall (${status[e] || ''})`);
  }

  // Table: mean SI-SDR improvement per input SNR.
  const ran = names.filter((e) => Object.keys(res[e]).length === mixes.length);
  const mean = (e, pred) => { const v = mixes.filter(pred).map((m) => res[e][m.id]); return v.reduce((a, x) => a + x, 0) / v.length; };
  const fmt = (v) => (v >= 0 ? '+' : '') + v.toFixed(2);
  const pad = (s, n) => String(s).padStart(n);
  console.log('\nSI-SDR improvement (dB), mean over ' + `${mixes.length / SNRS.length} mixes per SNR (${[...new Set(mixes.map((m) => m.speech))].join(', ')} x ${[...new Set(mixes.map((m) => m.noise))].join(', ')}); 1 thread per engine`);
  console.log('| input SNR | mix SI-SDR | ' + ran.map((e) => all[e].label).join(' | ') + (ran.includes('ours') && ran.includes('ref') ? ' | ours - ref |' : ' |'));
  console.log('|---:|---:|' + ran.map(() => '---:').join('|') + (ran.includes('ours') && ran.includes('ref') ? '|---:|' : '|'));
  for (const snr of SNRS) {
    const sel = (m) => m.snr === snr;
    const b = mixes.filter(sel).map((m) => base[m.id]).reduce((a, x) => a + x, 0) / mixes.filter(sel).length;
    let line = `| ${pad(snr, 3)} dB | ${fmt(b)} | ` + ran.map((e) => fmt(mean(e, sel))).join(' | ');
    if (ran.includes('ours') && ran.includes('ref')) line += ` | ${fmt(mean('ours', sel) - mean('ref', sel))}`;
    console.log(line + ' |');
  }
  console.log('\nPer noise (mean over SNRs):');
  console.log('| noise | ' + ran.map((e) => all[e].label).join(' | ') + ' |');
  console.log('|---|' + ran.map(() => '---:').join('|') + '|');
  for (const nz of [...new Set(mixes.map((m) => m.noise))]) console.log(`| ${nz} | ` + ran.map((e) => fmt(mean(e, (m) => m.noise === nz))).join(' | ') + ' |');
  if (ran.includes('ours') && ran.includes('ref')) {
    const d = mixes.map((m) => Math.abs(res.ours[m.id] - res.ref[m.id]));
    const worst = mixes[d.indexOf(Math.max(...d))];
    console.log(`\nours - ref: max |difference| over the ${mixes.length} mixes ${Math.max(...d).toFixed(4)} dB (${worst.id}); aim: within 0.1 dB`);
  }
  if (ran.includes('ours2') && ran.includes('ref2')) {
    const d = mixes.map((m) => Math.abs(res.ours2[m.id] - res.ref2[m.id]));
    const worst = mixes[d.indexOf(Math.max(...d))];
    console.log(`ours2 - ref2 (RNNoise 0.2): max |difference| over the ${mixes.length} mixes ${Math.max(...d).toFixed(4)} dB (${worst.id})`);
  }
  // Onsets and sibilance kept (dB against the clean speech; 0 = all kept), per input SNR:
  // "median / pooled", and the worst mix.
  const keptStats = (tab, e, pred) => {
    const v = mixes.filter(pred).map((m) => tab[e][m.id]).filter((x) => x);
    if (!v.length) return { med: NaN, pooled: NaN, worst: NaN };
    const db = v.map(keptDb).sort((a, b) => a - b), h = db.length >> 1;
    const med = db.length % 2 ? db[h] : (db[h - 1] + db[h]) / 2;
    const pooled = keptDb({ er: v.reduce((a, x) => a + x.er, 0), rr: v.reduce((a, x) => a + x.rr, 0) });
    return { med, pooled, worst: db[0] };
  };
  for (const [title, tab] of [['Speech onsets kept (dB, projection onto the clean speech; 0 = all), median / pooled over the mixes', onset], ['Sibilance kept, 4-8 kHz (dB, projection onto the clean speech band; 0 = all), median / pooled over the mixes', sib]]) {
    console.log(`\n${title}:`);
    console.log('| input SNR | ' + ran.map((e) => all[e].label).join(' | ') + ' |');
    console.log('|---:|' + ran.map(() => '---:').join('|') + '|');
    const cell = (st) => `${fmt(st.med)} / ${fmt(st.pooled)}`;
    for (const snr of SNRS) console.log(`| ${pad(snr, 3)} dB | ` + ran.map((e) => cell(keptStats(tab, e, (m) => m.snr === snr))).join(' | ') + ' |');
    console.log('| all | ' + ran.map((e) => cell(keptStats(tab, e, () => true))).join(' | ') + ' |');
    console.log('| worst mix | ' + ran.map((e) => fmt(keptStats(tab, e, () => true).worst)).join(' | ') + ' |');
  }
  if (ran.includes('arnndn') && ran.includes('ref')) {
    const d = mixes.map((m) => Math.abs(res.arnndn[m.id] - res.ref[m.id]));
    console.log(`arnndn - ref: max |difference| ${Math.max(...d).toFixed(4)} dB (independent implementation, same weights)`);
  }
  for (const e of names.filter((x) => !ran.includes(x))) console.log(`${all[e].label}: ${status[e]}`);
  if (opt.json) fs.writeFileSync(opt.json, JSON.stringify({ snrs: SNRS, mixes: mixes.map(({ id, noise, speech, snr }) => ({ id, noise, speech, snr, mix_sisdr: base[id] })), improvement: res, onset_kept: onset, sibilance_kept: sib, status }, null, 1));
}

main(process.argv.slice(2)).catch((e) => die(e.stack || e.message));
