// Main-thread side of the denoiser: loads the worklet, hands it the wasm and model bytes,
// and resolves once it runs (or rejects with the worklet's reason).
import { Cleancast, DENOISE_MODEL_FILES, simdSupported, wasmFileName } from './core.js';

async function bytesOf(x, what) {
  if (x instanceof ArrayBuffer) return x;
  if (ArrayBuffer.isView(x)) return x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength);
  const r = await fetch(x);
  if (!r.ok) throw new Error(`${what}: ${x}: HTTP ${r.status}`);
  return r.arrayBuffer();
}

/**
 * Creates the denoiser node: `source.connect(node).connect(context.destination)`.
 * @param {BaseAudioContext} context  any sample rate
 * @param {object} o
 * @param {string|URL|BufferSource} [o.model]  URL or bytes of rnnoise.ccm / rnnoise2.ccm;
 *   default: the library's default model (CC_DENOISE_DEFAULT_MODEL) under o.modelBase
 * @param {string|URL} [o.modelBase='/models/']  where the model files are served (default model)
 * @param {string|URL|BufferSource} [o.wasm]  URL or bytes of the wasm (default: dist/ next
 *   to this module, SIMD build where WebAssembly.validate accepts SIMD128)
 * @param {number} [o.strength=1]  0 = bypass .. 1 = full suppression
 * @param {boolean} [o.enabled=true]
 * @param {(vad:number)=>void} [o.onvad]
 * @param {number} [o.vadIntervalMs]  how often the worklet posts the VAD and its counters
 *   (node.stats): default 100 ms with onvad, else 1000 ms (each post costs the audio thread
 *   ~50 us, half the denoiser's own cost per 10 ms at 100 ms)
 * @param {boolean} [o.tap]  test hook: post every quantum's input and output to the port
 * @returns {Promise<AudioWorkletNode & {latencySamples:number, latencyMs:number,
 *   setStrength(s:number):void, setEnabled(b:boolean):void}>}
 */
export async function createDenoiserNode(context, o = {}) {
  const base = new URL('.', import.meta.url);
  await context.audioWorklet.addModule(o.workletUrl ?? new URL('worklet.js', base));
  const wasm = await bytesOf(o.wasm ?? new URL(wasmFileName(simdSupported()), base), 'wasm');
  let modelSrc = o.model;
  if (modelSrc === undefined || modelSrc === null) {
    const name = new Cleancast(wasm).defaultDenoiseModel();
    modelSrc = new URL(DENOISE_MODEL_FILES[name] ?? `${name}.ccm`,
      new URL(o.modelBase ?? '/models/', globalThis.location?.href ?? base));
  }
  const model = await bytesOf(modelSrc, 'model');
  const node = new AudioWorkletNode(context, 'cleancast-denoiser', {
    numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1],
    channelCount: 1, channelCountMode: 'explicit', channelInterpretation: 'speakers',
    processorOptions: { wasm, model, strength: o.strength ?? 1, enabled: o.enabled ?? true, tap: !!o.tap,
      vadIntervalMs: o.vadIntervalMs ?? (o.onvad ? 100 : 1000) },
  });
  const ready = await new Promise((resolve, reject) => {
    node.port.onmessage = (e) => {
      if (e.data.type === 'ready') resolve(e.data);
      else if (e.data.type === 'error') reject(new Error(`cleancast denoiser: ${e.data.message}`));
    };
    node.onprocessorerror = () => reject(new Error('cleancast denoiser: the processor failed'));
  });
  node.latencySamples = ready.latencySamples;
  node.latencyMs = ready.latencyMs;
  node.simd = ready.simd;
  node.stats = { quanta: 0, late: 0, vad: 0 };
  node.setStrength = (s) => node.port.postMessage({ type: 'strength', value: s });
  node.setEnabled = (b) => node.port.postMessage({ type: 'enabled', value: b });
  node.port.onmessage = (e) => {
    const m = e.data;
    if (m.type === 'vad') {
      node.stats.vad = m.vad;
      if (m.quanta !== undefined) Object.assign(node.stats, { quanta: m.quanta, late: m.late, frame: m.frame, meanUs: m.meanUs });
      o.onvad?.(m.vad);
    }
    else if (m.type === 'stats') Object.assign(node.stats, m);
    else if (m.type === 'error') { node.error = m.message; node.dispatchEvent(new ErrorEvent('error', { message: m.message })); }
    o.onmessage?.(m);
  };
  return node;
}
