// @cleancast/web: cleancast's C core as WebAssembly for pages, workers and Node.
export * from './core.js';
export { createDenoiserNode } from './audio.js';
export type { DenoiserNode, DenoiserNodeOptions, DenoiserMessage } from './audio.js';
export { cleanVideoTrack } from './video.js';
export type { CleanVideo, CleanVideoOptions, VideoStats, VideoTap } from './video.js';
