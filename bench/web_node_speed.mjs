// Per-frame time of the wasm build in node (SIMD128 vs baseline) at 640x480 and 1280x720
// (segment + matte + composite, blur) and RNNoise 0.1 cost per 10 ms. usage: node bench/web_node_speed.mjs
import fs from 'fs';
import { Cleancast, SegModel, VideoPipeline, DenoiseModel, Denoiser } from '../web/src/core.js';
const M=(process.env.CLEANCAST_CACHE || process.env.HOME + '/.cache/cleancast') + '/models/';
for (const simd of [true,false]) {
  const cc = new Cleancast(fs.readFileSync(new URL(`../web/dist/cleancast${simd?'-simd':''}.wasm`, import.meta.url)));
  const m = new SegModel(cc, fs.readFileSync(M+'selfie_segmentation.tflite'));
  for (const [w,h] of [[640,480],[1280,720]]) {
    const v = new VideoPipeline(cc, m, {background:'blur'});
    const rgba = new Uint8Array(w*h*4); for (let i=0;i<rgba.length;i++) rgba[i]=(i*2654435761>>>24);
    v.load(0,w,h,rgba); for (let i=0;i<5;i++){v.segment(0,w,h);v.composite(0,w,h);}
    const t=[], inf=[]; for (let i=0;i<20;i++){const a=performance.now(); v.segment(0,w,h); v.composite(0,w,h); t.push(performance.now()-a); inf.push(v.timings().inferMs);}
    t.sort((a,b)=>a-b); inf.sort((a,b)=>a-b);
    console.log(`${simd?'simd128':'baseline'} ${w}x${h}: segment+matte+composite median ${t[10].toFixed(1)} ms, inference ${inf[10].toFixed(1)} ms`);
  }
  const dm = new DenoiseModel(cc, fs.readFileSync(M+'rnnoise.ccm'));
  const d = new Denoiser(cc, dm, {maxBlock:480}); const x=new Float32Array(48000*5).map((_, i)=>Math.sin(i*0.01)*0.1+((i*7919)%97-48)/1000);
  d.process(x.subarray(0,48000)); const a=performance.now(); d.process(x); console.log(`${simd?'simd128':'baseline'} rnnoise 0.1: ${(1000*(performance.now()-a)/500).toFixed(1)} us per 10 ms`);
}
