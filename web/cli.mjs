#!/usr/bin/env node
// cleancast's wasm build from the command line, with the native CLI's options, defaults,
// messages and exit codes (0 ok, 1 failure, 2 usage):
//   node web/cli.mjs mask IN.ppm -o OUT.pgm [--raw] [--model general|landscape|FILE]
//   node web/cli.mjs denoise IN.wav -o OUT.wav [--strength S] [--model rnnoise|rnnoise2|FILE]
// Models are found by name in the same cache as the native build (cc_model_find()'s order).
// Environment: CLEANCAST_WASM_SIMD=0 forces the baseline (non-SIMD) build.
import fs from 'node:fs';
import { DenoiseModel, Denoiser, SegModel, VideoPipeline, PixelFormat } from './src/core.js';
import { findModel, loadCleancast, pgmBytes, readPnm, readWav, wavBytes, writeAtomic } from './src/node.js';

const MASK_HELP = `usage: cleancast mask IN -o OUT.pgm [options]
Writes the person mask of an image (PPM or PGM here) as an 8-bit PGM of the
same size: 255 = person, 0 = background.

  -o, --output FILE     output .pgm
  --model NAME          segmentation model: general (256x256, default), landscape
                        (256x144) or a .tflite path; names are looked up in
                        $CLEANCAST_CACHE/models, $XDG_CACHE_HOME/cleancast/models,
                        ~/.cache/cleancast/models, then the installed data folder
  --raw                 reproduce the official MediaPipe solution exactly (no refinement)
  --backend B           auto (default) or portable (the only executor in wasm)
  -v, --verbose         more messages
  -h, --help            this help
`;

// the library's CC_DENOISE_DEFAULT_MODEL, read from the wasm build (as the native CLI uses it)
let DEFAULT_DN = 'rnnoise';
try { DEFAULT_DN = loadCleancast().defaultDenoiseModel(); } catch { /* reported where the wasm is needed */ }
const DENOISE_HELP = `usage: cleancast denoise IN -o OUT [options]

Removes noise from speech. Output has the input's rate, channels and length,
time-aligned with the input (the denoiser's delay is removed), and its sample
encoding. Files: WAV (8/16/24/32-bit PCM, 32/64-bit float, extensible);
8000..192000 Hz, 1..8 channels.

  -o, --output PATH    output file (written to a temporary file, then renamed)
  --engine NAME        rnnoise (neural, default); speex is not in the wasm build
  --strength S         0 = bypass .. 1 = full suppression (default 1)
  --model M            the denoiser's model: rnnoise2 (RNNoise 0.2) or rnnoise
                       (RNNoise 0.1, 10 ms less delay), default ${DEFAULT_DN}, or a
                       file (.ccm, .rnnn). The name is looked up in
                       $CLEANCAST_CACHE/models, $XDG_CACHE_HOME/cleancast/models,
                       ~/.cache/cleancast/models, then the installed data folder
                       (\`make models\` fetches it)
  -v, --verbose        print what it does
  -h, --help           this text
`;

class Usage extends Error {}

/** getopt_long-like: long options with values (--x V or --x=V), short -o V, -h, -v. */
function parse(cmd, argv, spec) {
  const opts = {}, pos = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { pos.push(...argv.slice(i + 1)); break; }
    if (!a.startsWith('-') || a === '-') { pos.push(a); continue; }
    let name = a, val;
    if (a.startsWith('--') && a.includes('=')) [name, val] = [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
    const key = spec[name];
    if (!key) throw new Usage(`cleancast ${cmd}: unknown option '${a}' (see cleancast ${cmd} --help)`);
    if (key.arg) {
      if (val === undefined) {
        if (i + 1 >= argv.length) throw new Usage(`cleancast ${cmd}: ${a} needs a value`);
        val = argv[++i];
      }
      opts[key.name] = val;
    } else {
      opts[key.name] = (opts[key.name] ?? 0) + 1;
    }
  }
  return { opts, pos };
}

function modelArg(opt, arg, kind) {
  const names = { general: 'segmentation', landscape: 'segmentation', rnnoise: 'noise-suppression', rnnoise2: 'noise-suppression' };
  const want = kind === 'segmentation' ? 'general, landscape or a .tflite path' : 'rnnoise, rnnoise2 or a model file (.ccm, .rnnn)';
  if (names[arg]) {
    if (names[arg] !== kind)
      throw new Usage(`cleancast: ${opt} '${arg}': that is a ${names[arg]} model; ${opt} takes ${want}` +
        (kind === 'segmentation' ? ' (the denoiser\'s model is --denoise-model)' : ''));
    return arg;
  }
  if (!arg || (!fs.existsSync(arg) && !arg.includes('/') && !arg.includes('.')))
    throw new Usage(`cleancast: unknown ${opt} '${arg}' (${want})`);
  return arg;
}

function numberArg(opt, arg, lo, hi) {
  const v = arg.trim() === arg && arg !== '' ? Number(arg) : NaN;
  if (!(v >= lo && v <= hi)) throw new Usage(`cleancast: ${opt} wants a number from ${lo} to ${hi}, not '${arg}'`);
  return v;
}

function cmdMask(argv) {
  const { opts, pos } = parse('mask', argv, {
    '-o': { name: 'output', arg: 1 }, '--output': { name: 'output', arg: 1 },
    '--model': { name: 'model', arg: 1 }, '--raw': { name: 'raw' },
    '--backend': { name: 'backend', arg: 1 }, '-v': { name: 'verbose' },
    '--verbose': { name: 'verbose' }, '-h': { name: 'help' }, '--help': { name: 'help' },
  });
  if (opts.help) { process.stdout.write(MASK_HELP); return 0; }
  const model = modelArg('--model', opts.model ?? 'general', 'segmentation');
  if (opts.backend && !['auto', 'portable', 'xnnpack'].includes(opts.backend))
    throw new Usage(`cleancast: --backend wants auto, xnnpack or portable, not '${opts.backend}'`);
  if (opts.backend === 'xnnpack') {
    console.error('cleancast mask: the xnnpack backend is not in the wasm build');
    return 1;
  }
  if (pos.length !== 1 || !opts.output) {
    console.error('cleancast mask: want one input and -o OUTPUT');
    process.stderr.write(MASK_HELP);
    return 2;
  }
  let modelPath;
  try { modelPath = findModel(model, 'segmentation'); } catch (e) { console.error(`cleancast: ${e.message}`); return 1; }
  let img;
  try { img = readPnm(pos[0]); } catch (e) { console.error(`cleancast: ${e.code === 'ENOENT' ? `cannot open ${pos[0]}: No such file or directory` : e.message}`); return 1; }
  const cc = loadCleancast();
  let m;
  try { m = new SegModel(cc, fs.readFileSync(modelPath)); } catch (e) {
    console.error(`cleancast: cannot load model ${modelPath}: ${e.message}`); return 1;
  }
  const v = new VideoPipeline(cc, m, { raw: !!opts.raw, background: 'none' });
  const t0 = performance.now();
  const mask = v.mask(PixelFormat.RGBA, img.width, img.height, img.rgba);
  if (opts.verbose) console.error(`cleancast mask: ${img.width}x${img.height}, ${(performance.now() - t0).toFixed(1)} ms (wasm ${cc.simd ? 'simd128' : 'baseline'})`);
  writeAtomic(opts.output, pgmBytes(img.width, img.height, mask));
  return 0;
}

function cmdDenoise(argv) {
  const { opts, pos } = parse('denoise', argv, {
    '-o': { name: 'output', arg: 1 }, '--output': { name: 'output', arg: 1 },
    '--engine': { name: 'engine', arg: 1 }, '--strength': { name: 'strength', arg: 1 },
    '--model': { name: 'model', arg: 1 }, '-v': { name: 'verbose' },
    '--verbose': { name: 'verbose' }, '-h': { name: 'help' }, '--help': { name: 'help' },
  });
  if (opts.help) { process.stdout.write(DENOISE_HELP); return 0; }
  if (pos.length > 1) { console.error(`cleancast denoise: more than one input ('${pos[0]}', '${pos[1]}')`); return 2; }
  const engine = opts.engine ?? 'rnnoise';
  if (!['rnnoise', 'speex'].includes(engine))
    throw new Usage(`cleancast: --engine wants rnnoise or speex, not '${engine}'`);
  const strength = opts.strength !== undefined ? numberArg('--strength', opts.strength, 0, 1) : 1;
  const model = modelArg('--model', opts.model ?? DEFAULT_DN, 'noise-suppression');
  if (!pos.length || !opts.output) { console.error('cleancast denoise: need an input and -o OUTPUT (see --help)'); return 2; }
  if (engine === 'speex') { console.error('cleancast denoise: cannot open the denoiser: the speex engine is not in the wasm build'); return 1; }
  let w;
  try { w = readWav(pos[0]); } catch (e) { console.error(`cleancast denoise: ${e.code === 'ENOENT' ? `${pos[0]}: No such file or directory` : e.message}`); return 1; }
  if (w.sampleRate < 8000 || w.sampleRate > 192000) { console.error(`cleancast denoise: ${pos[0]}: sample rate ${w.sampleRate} Hz outside 8000..192000`); return 1; }
  if (w.channels > 8 || w.channels < 1) { console.error(`cleancast denoise: ${pos[0]}: ${w.channels} channels; at most 8 are supported`); return 1; }
  let modelPath;
  try { modelPath = findModel(model, 'noise-suppression'); } catch (e) { console.error(`cleancast: ${e.message}`); return 1; }
  const cc = loadCleancast();
  let dm, dn;
  try { dm = new DenoiseModel(cc, fs.readFileSync(modelPath)); } catch (e) { console.error(`cleancast denoise: cannot load model ${modelPath}: ${e.message}`); return 1; }
  try { dn = new Denoiser(cc, dm, { sampleRate: w.sampleRate, channels: w.channels, strength }); } catch (e) { console.error(`cleancast denoise: cannot open the denoiser: ${e.message}`); return 1; }
  const t0 = performance.now();
  const lat = dn.latency, ch = w.channels;
  const out = new Float32Array(w.samples.length + lat * ch);
  dn.process(w.samples, out.subarray(0, w.samples.length));
  out.set(dn.flush(), w.samples.length);
  if (opts.verbose) console.error(`cleancast denoise: ${w.frames} frames, ${w.sampleRate} Hz, ${ch} ch, latency ${lat} compensated, ${(performance.now() - t0).toFixed(0)} ms (wasm ${cc.simd ? 'simd128' : 'baseline'})`);
  try {
    writeAtomic(opts.output, wavBytes({ ...w, samples: out.subarray(lat * ch) }));
  } catch (e) { console.error(`cleancast denoise: ${opts.output}: ${e.message}`); return 1; }
  return 0;
}

function main(argv) {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'mask') return cmdMask(rest);
    if (cmd === 'denoise') return cmdDenoise(rest);
    if (cmd === '-h' || cmd === '--help') {
      process.stdout.write('usage: node web/cli.mjs mask|denoise ... (see COMMAND --help)\n');
      return 0;
    }
    console.error(`cleancast: unknown command '${cmd ?? ''}' (mask, denoise)`);
    return 2;
  } catch (e) {
    if (e instanceof Usage) { console.error(e.message); return 2; }
    console.error(`cleancast: ${e.message}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
