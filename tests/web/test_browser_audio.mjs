// The AudioWorklet denoiser in headless Debian Chromium, fed by the fake microphone (a 48 kHz
// WAV of DATA.md speech + noise), at 48 kHz and 44.1 kHz contexts, with the strength changed
// mid-stream through the port. Checks, on exactly the samples the worklet got (its tap hook):
//  - against the native denoiser (build-webnat/tools/cleancast denoise: the native build
//    without speexdsp, so the same resampler as wasm; float WAV, latency removed),
//    the worklet output shifted by its reported latency: >= 40 dB before the change (strength
//    1) and after it (native run at the new strength);
//  - against the same wasm in node with the same strength schedule: >= 40 dB overall;
//  - the quanta are contiguous, the strength change is applied, a broken model is reported to
//    the page (never passed through).
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { needSetup, launch, fromB64, snrDb, root } from './browser.mjs';
import { startServer, cacheDir } from '../../web/demo/serve.mjs';
import { DenoiseModel, Denoiser } from '../../web/src/core.js';
import { loadCleancast, readWav, wavBytes } from '../../web/src/node.js';

const pw = needSetup();
const cache = cacheDir();
// The native build the wasm is held to: the same C with the same resampler, i.e. without
// speexdsp (the release build resamples with speexdsp, which gives other bits at 44.1 kHz).
// `make web-native` builds it in build-webnat/ (make test does).
const cli = process.env.CC_WEB_NATIVE_CLI || `${root}/build-webnat/tools/cleancast`;
if (!fs.existsSync(`${cache}/models/rnnoise.ccm`) || !fs.existsSync(`${cache}/data/MANIFEST.sha256`)) {
  console.log('SKIP: models or material not fetched'); process.exit(77);
}
if (!fs.existsSync(cli)) { console.log(`FAIL: SETUP FAILED: native CLI ${cli} not built`); process.exit(1); }
let failed = 0;
const check = (ok, msg) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${msg}`); if (!ok) failed++; };

const tmp = fs.mkdtempSync('/tmp/ccweb-audio-');
const D = `${cache}/data`;
execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', `${D}/speech/alsa_front_left_48k.wav`, '-stream_loop', '-1', '-i', `${D}/noise/alsa_noise_48k.wav`,
  '-filter_complex', '[0:a]aformat=sample_fmts=flt:sample_rates=48000:channel_layouts=mono,apad,atrim=0:8[s];[1:a]aformat=sample_fmts=flt:sample_rates=48000:channel_layouts=mono,volume=0.5,atrim=0:8[n];[s][n]amix=inputs=2:normalize=0',
  '-c:a', 'pcm_s16le', `${tmp}/mic.wav`]);

const server = await startServer({ extra: { pages: `${root}/tests/web/pages` } });
const base = `http://127.0.0.1:${server.address().port}`;
const { ctx, close } = await launch(pw, ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  `--use-file-for-fake-audio-capture=${tmp}/mic.wav`]);
const cc = loadCleancast();
const model = new DenoiseModel(cc, fs.readFileSync(`${cache}/models/rnnoise.ccm`));

function native(input, rate, strength) {
  fs.writeFileSync(`${tmp}/in.wav`, wavBytes({ sampleRate: rate, channels: 1, samples: input, isFloat: true }));
  execFileSync(cli, ['denoise', `${tmp}/in.wav`, '-o', `${tmp}/out.wav`, '--strength', String(strength), '--model', 'rnnoise']);
  return readWav(`${tmp}/out.wav`).samples;
}

try {
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.log(`page: ${m.text()}`); });
  await page.goto(`${base}/extra/pages/audio.html`);
  await page.waitForFunction(() => window.pageReady);
  const broken = await page.evaluate(() => window.runBroken());
  check(/cleancast denoiser: .*model/i.test(broken), `a broken model is reported to the page: "${broken}"`);

  for (const rate of [48000, 44100]) {
    const s2 = 0.5;
    const r = await page.evaluate((a) => window.runAudio(a), { sampleRate: rate, model: '/models/rnnoise.ccm', seconds: 5, changeAt: 2.5, strength2: s2 });
    const input = fromB64(r.input), output = fromB64(r.output), lat = r.latency;
    console.log(`${rate} Hz: ${input.length} frames, latency ${lat} (${(1000 * lat / rate).toFixed(1)} ms), simd ${r.simd}, quanta ${r.stats.quanta} late ${r.stats.late}`);
    check(r.sampleRate === rate, `context runs at ${rate} Hz (${r.sampleRate})`);
    check(r.contiguous && r.firstFrame === 0, 'every quantum seen, in order, from frame 0');
    let rms = 0; for (const v of input) rms += v * v; rms = Math.sqrt(rms / input.length);
    check(rms > 0.01, `the fake microphone delivers sound (rms ${rms.toFixed(4)})`);
    const ap = r.applied.find((a) => a.strength === s2);
    check(!!ap, `strength ${s2} applied mid-stream${ap ? ` at frame ${ap.frame}` : ''}`);
    if (!ap) continue;
    const F = ap.frame;
    // The same wasm in node with the same schedule.
    const dn = new Denoiser(cc, model, { sampleRate: rate });
    const ref = new Float32Array(input.length);
    dn.process(input.subarray(0, F), ref.subarray(0, F));
    dn.strength = s2;
    dn.process(input.subarray(F), ref.subarray(F));
    dn.close();
    const sw = snrDb(ref, output);
    check(sw >= 40, `worklet vs wasm in node, same schedule: ${sw.toFixed(1)} dB`);
    // Native, latency removed; worklet output[n + lat] is input n.
    const n1 = native(input, rate, 1), n2 = native(input, rate, s2);
    const a0 = 0, a1 = F - lat - 960, b0 = F + 2 * 480, b1 = input.length - lat;
    const seg = (x, a, b, off) => x.subarray(a + off, b + off);
    const sa = snrDb(seg(n1, a0, a1, 0), seg(output, a0, a1, lat));
    const sb = snrDb(seg(n2, b0, b1, 0), seg(output, b0, b1, lat));
    check(sa >= 40, `worklet vs native denoiser, strength 1 part: ${sa.toFixed(1)} dB`);
    check(sb >= 40, `worklet vs native denoiser, strength ${s2} part: ${sb.toFixed(1)} dB`);
  }
} catch (e) {
  check(false, `browser run: ${e.stack ?? e}`);
} finally {
  await close();
  server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(failed ? `${failed} failures` : 'worklet matches the native denoiser');
process.exit(failed ? 1 : 0);
