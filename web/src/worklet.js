// AudioWorkletProcessor 'cleancast-denoiser': RNNoise (0.1 or 0.2) from cleancast's wasm
// build on the microphone, in the context's own 128-frame quanta at the context's own rate.
//
// The library's streaming denoiser takes any block size: it keeps its own ring buffer up to
// 10 ms frames, resamples from/to the context rate inside (44.1 kHz and the others), and
// reports the whole delay (buffering + algorithm) once, as latencySamples.
//
// processorOptions: {wasm: ArrayBuffer|Uint8Array (cleancast(-simd).wasm bytes; a compiled
//   WebAssembly.Module does not survive cloning into this scope), model: bytes of
//   rnnoise.ccm / rnnoise2.ccm / .rnnn, strength = 1, enabled = true, tap = false,
//   vadIntervalMs = 100}
// AudioParams: strength (0..1), enabled (0/1), k-rate; port messages do the same:
//   {type: 'strength', value}, {type: 'enabled', value}, {type: 'reset'}, {type: 'stats'}.
// Posted back: {type: 'ready', latencySamples, latencyMs, sampleRate, simd, modelKind},
//   {type: 'error', message} (then the output is silence, never the raw input),
//   {type: 'vad', vad, frame, quanta, late, meanUs} every vadIntervalMs (the VAD and the counters
//   in one message; createDenoiserNode asks for 100 ms with onvad, else 1000 ms),
//   {type: 'stats', quanta, late, frame, meanUs} when asked.
import { Cleancast, DenoiseModel, Denoiser } from './core.js';

const clock = () => Date.now(); // performance is not defined in this scope

class CleancastDenoiserProcessor extends AudioWorkletProcessor {
  static get parameterDescriptors() {
    return [
      { name: 'strength', defaultValue: -1, minValue: -1, maxValue: 1, automationRate: 'k-rate' },
      { name: 'enabled', defaultValue: -1, minValue: -1, maxValue: 1, automationRate: 'k-rate' },
    ];
  }

  constructor(options) {
    super();
    const o = options?.processorOptions ?? {};
    this.frame = 0;       // input frames seen
    this.quanta = 0;
    this.late = 0;        // quanta whose processing took longer than their duration
    this.busyMs = 0;
    this.strength = o.strength ?? 1;
    this.enabled = o.enabled ?? true;
    this.tap = !!o.tap;
    this.lastVadPost = 0;
    // the VAD message's period: each post costs this thread ~50 us (see process())
    this.vadFrames = Math.max(1, Math.round(sampleRate * (o.vadIntervalMs ?? 100) / 1000));
    this.port.onmessage = (e) => this.onMessage(e.data);
    try {
      if (!o.wasm) throw new Error('processorOptions.wasm (the bytes of cleancast.wasm) is missing');
      if (!o.model) throw new Error('processorOptions.model (the denoiser model bytes) is missing');
      this.cc = new Cleancast(o.wasm);
      this.model = new DenoiseModel(this.cc, new Uint8Array(o.model.buffer ?? o.model));
      this.dn = new Denoiser(this.cc, this.model, { sampleRate, channels: 1, strength: this.effective(), maxBlock: 128 });
      this.silence = new Float32Array(128); // the input of a quantum with nothing connected
      this.port.postMessage({ type: 'ready', latencySamples: this.dn.latency,
        latencyMs: 1000 * this.dn.latency / sampleRate, sampleRate, simd: this.cc.simd,
        modelKind: this.model.kind });
    } catch (e) {
      this.fail(e);
    }
  }

  effective() { return this.enabled ? this.strength : 0; }

  fail(e) {
    this.failed = true;
    this.port.postMessage({ type: 'error', message: String(e?.message ?? e) });
  }

  apply() {
    if (this.dn) {
      this.dn.strength = this.effective();
      if (this.tap) this.port.postMessage({ type: 'applied', strength: this.effective(), frame: this.frame });
    }
  }

  onMessage(m) {
    if (m.type === 'strength') { this.strength = Math.min(1, Math.max(0, +m.value)); this.apply(); }
    else if (m.type === 'enabled') { this.enabled = !!m.value; this.apply(); }
    else if (m.type === 'reset') this.dn?.reset();
    else if (m.type === 'stats') this.postStats();
  }

  postStats() {
    this.port.postMessage({ type: 'stats', quanta: this.quanta, late: this.late, frame: this.frame,
      meanUs: this.quanta ? 1000 * this.busyMs / this.quanta : 0 });
  }

  process(inputs, outputs, params) {
    const out = outputs[0][0];
    if (!out) return true;
    if (this.failed || !this.dn) { out.fill(0); return true; }
    const s = params.strength[0], en = params.enabled[0];
    if (s !== this.paramStrength && s >= 0) { this.paramStrength = s; this.strength = s; this.apply(); }
    if (en !== this.paramEnabled && en >= 0) { this.paramEnabled = en; this.enabled = en >= 0.5; this.apply(); }
    const input = inputs[0][0], n = out.length;
    const t0 = clock();
    try {
      // a 128-frame quantum is one whole block of the Denoiser: persistent views, no subarrays
      this.dn.process(input ?? (n === 128 ? this.silence : new Float32Array(n)), out);
    } catch (e) {
      this.fail(e);
      out.fill(0);
      return true;
    }
    const ms = clock() - t0;
    this.busyMs += ms;
    if (ms > 1000 * n / sampleRate) this.late++;
    if (this.tap) this.port.postMessage({ type: 'tap', frame: this.frame, input: input ? input.slice() : new Float32Array(n), output: out.slice() });
    for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
    this.frame += n;
    this.quanta++;
    if (this.frame - this.lastVadPost >= this.vadFrames) {
      // One message carries the VAD and the counters: a postMessage from this thread costs
      // ~50 us (Chromium, bench/web_results.md run 5), i.e. ~5 us per 10 ms of audio at the
      // default 100 ms, as much as all the JS around the wasm call.
      this.lastVadPost = this.frame;
      this.port.postMessage({ type: 'vad', vad: this.dn.vad, frame: this.frame,
        quanta: this.quanta, late: this.late, meanUs: this.quanta ? 1000 * this.busyMs / this.quanta : 0 });
    }
    return true;
  }
}

registerProcessor('cleancast-denoiser', CleancastDenoiserProcessor);
