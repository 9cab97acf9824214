// Bench only: @jitsi/rnnoise-wasm (0.2.1, the cached npm package's dist/rnnoise.wasm) in the
// worklet shape jitsi-meet uses (NoiseSuppressorWorklet): 128-frame quanta into a ring, each
// full 480-sample frame through rnnoise_process_frame (int16-scale floats), output delayed by
// one frame. The module is instantiated directly from bytes (its emscripten glue needs atob and
// more that the worklet scope lacks), with the two imports it has: resize_heap and memcpy_big.
// Also 'cc-pass': the same ring with no processing (the baseline the costs are measured over).
// jitsi-sync-worklet.js builds on Ring for the package's RNNoise 0.2 build.
const F = 480;
export class Ring extends AudioWorkletProcessor {
  constructor(o) {
    super();
    this.inBuf = new Float32Array(F); this.inN = 0;
    this.out = new Float32Array(4 * F); this.outR = 0; this.outN = 0;
    this.busyMs = 0; this.frames = 0; this.quanta = 0;
    this.port.onmessage = (e) => { if (e.data.type === 'stats') this.port.postMessage({ type: 'stats', busyMs: this.busyMs, frames: this.frames, quanta: this.quanta }); };
  }
  frame(buf) { return buf; }
  process(inputs, outputs) {
    const x = inputs[0][0], y = outputs[0][0];
    this.quanta++;
    const t0 = Date.now();
    for (let i = 0; i < 128; i++) {
      this.inBuf[this.inN++] = x ? x[i] : 0;
      if (this.inN === F) {
        const r = this.frame(this.inBuf);
        for (let k = 0; k < F; k++) this.out[(this.outR + this.outN + k) % this.out.length] = r[k];
        this.outN += F; this.inN = 0; this.frames++;
      }
    }
    for (let i = 0; i < 128; i++) {
      if (this.outN > 0) { y[i] = this.out[this.outR]; this.outR = (this.outR + 1) % this.out.length; this.outN--; } else y[i] = 0;
    }
    this.busyMs += Date.now() - t0;
    return true;
  }
}
class Jitsi extends Ring {
  constructor(o) {
    super(o);
    const module = new WebAssembly.Module(o.processorOptions.wasm);
    let mem = null;
    const inst = new WebAssembly.Instance(module, { a: {
      a: (size) => { try { mem.grow(Math.ceil((size - mem.buffer.byteLength) / 65536)); return 1; } catch { return 0; } },
      b: (d, s, n) => { new Uint8Array(mem.buffer).copyWithin(d, s, s + n); },
    } });
    this.x = inst.exports; mem = this.x.c;
    this.x.d(); // constructors
    this.st = this.x.f(0); // rnnoise_create(NULL): the built-in model
    this.pin = this.x.g(F * 4); this.pout = this.x.g(F * 4);
    this.res = new Float32Array(F);
  }
  frame(buf) {
    const f32 = new Float32Array(this.x.c.buffer);
    for (let i = 0; i < F; i++) f32[(this.pin >> 2) + i] = buf[i] * 32768;
    this.x.j(this.st, this.pout, this.pin); // rnnoise_process_frame(st, out, in) -> vad
    for (let i = 0; i < F; i++) this.res[i] = f32[(this.pout >> 2) + i] / 32768;
    return this.res;
  }
}
registerProcessor('cc-pass', Ring);
registerProcessor('jitsi-rnnoise', Jitsi);
