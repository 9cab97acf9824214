// @cleancast/web: cleancast's C core as WebAssembly for pages, workers and Node.
//   createDenoiserNode(context, {model})       AudioWorklet denoiser (RNNoise 0.1 / 0.2)
//   cleanVideoTrack(track, {model, background}) camera track in, clean track out (worker)
//   Cleancast, SegModel, VideoPipeline, DenoiseModel, Denoiser   the wasm itself (core.js)
export * from './core.js';
export { createDenoiserNode } from './audio.js';
export { cleanVideoTrack } from './video.js';
