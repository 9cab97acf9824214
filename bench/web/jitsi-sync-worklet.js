// Bench only: the RNNoise 0.2 build of @jitsi/rnnoise-wasm 0.2.1 (dist/rnnoise-sync.js: xiph
// rnnoise 0.2, emscripten, the wasm inlined as base64 and instantiated synchronously), which is
// the one jitsi-meet's noise-suppression AudioWorklet runs (the package README: the async
// rnnoise.wasm is the 0.1 build, kept for jitsi-meet's noise detection). Same ring and frame
// shape as jitsi-worklet.js: 128-frame quanta into a ring, each 480-sample frame through
// rnnoise_process_frame in int16 scale.
import { Ring } from './jitsi-worklet.js';
import createRNNWasmModuleSync from '/extra/jitsi/rnnoise-sync.js';

const F = 480;
class JitsiSync extends Ring {
  constructor(o) {
    super(o);
    this.M = createRNNWasmModuleSync();
    this.st = this.M._rnnoise_create(0); // the built-in 0.2 model
    this.pin = this.M._malloc(F * 4);
    this.pout = this.M._malloc(F * 4);
    this.res = new Float32Array(F);
  }
  frame(buf) {
    const h = this.M.HEAPF32; // again each frame: a memory growth replaces it
    for (let i = 0; i < F; i++) h[(this.pin >> 2) + i] = buf[i] * 32768;
    this.M._rnnoise_process_frame(this.st, this.pout, this.pin);
    for (let i = 0; i < F; i++) this.res[i] = h[(this.pout >> 2) + i] / 32768;
    return this.res;
  }
}
registerProcessor('jitsi-rnnoise2', JitsiSync);
