// The official MediaPipe selfie segmentation solution (npm @mediapipe/selfie_segmentation,
// unpacked by models/fetch.sh) run unmodified in headless Debian Chromium, driven by
// playwright-core. Shared by make_official_masks.mjs and bench/official_web.mjs.
//
//   const off = await openOfficial();            // server on 127.0.0.1 + Chromium
//   await off.setModel(0);                       // 0 = general (256x256), 1 = landscape (256x144)
//   const mask = await off.segment(rgb, w, h);   // Uint8Array w*h, the official mask, 8-bit
//   const t = await off.time([rgb...], w, h, warm); // t.ms: per-frame ms after `warm` sends
//   await off.close();
//
// Pixels reach the page over HTTP and go into a canvas with putImageData (opaque, so exact);
// the canvas is what `send()` gets. The mask is read back exactly: results.segmentationMask is
// uploaded to a WebGL2 texture and read with readPixels (no premultiplied-alpha round trip), and
// the page reports which channel carries it (see README.md for what was observed).
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CACHE = process.env.CLEANCAST_CACHE || /* as scripts/cachedir.sh */
    (process.env.XDG_CACHE_HOME?.startsWith('/') ? path.join(process.env.XDG_CACHE_HOME, 'cleancast')
     : path.join(os.homedir(), '.cache', 'cleancast'));
export const PKG_VERSION = '0.1.1675465747';
export const PKG_DIR = path.join(CACHE, 'dl', `mediapipe-selfie_segmentation-${PKG_VERSION}`);
export const CHROMIUM = process.env.CC_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

const PAGE = `<!doctype html><html><head><meta charset="utf-8">
<script src="/pkg/selfie_segmentation.js"></script></head><body>
<canvas id="in"></canvas>
<script>
let ss = null, last = null, gl = null, tex = null, fb = null;
window.ccSetModel = async (model) => {
  if (ss) { await ss.close(); ss = null; }
  ss = new SelfieSegmentation({ locateFile: (f) => '/pkg/' + f });
  ss.setOptions({ modelSelection: model, selfieMode: false, useCpuInference: true });
  ss.onResults((r) => { last = r; });
  await ss.initialize();
  return 'ok';
};
async function loadImage(id, w, h) {
  const rgb = new Uint8Array(await (await fetch('/img/' + id)).arrayBuffer());
  if (rgb.length !== w * h * 3) throw new Error('image ' + id + ': got ' + rgb.length + ' bytes');
  const rgba = new Uint8ClampedArray(w * h * 4);
  for (let i = 0, j = 0; i < w * h; i++, j += 3) {
    rgba[4 * i] = rgb[j]; rgba[4 * i + 1] = rgb[j + 1]; rgba[4 * i + 2] = rgb[j + 2]; rgba[4 * i + 3] = 255;
  }
  const c = document.createElement('canvas');
  c.width = w; c.height = h;
  c.getContext('2d').putImageData(new ImageData(rgba, w, h), 0, 0);
  return c;
}
// Reads a CanvasImageSource exactly: texImage2D without premultiplication, then readPixels.
function readSource(src, w, h) {
  if (!gl) {
    gl = document.createElement('canvas').getContext('webgl2');
    tex = gl.createTexture(); fb = gl.createFramebuffer();
  }
  gl.bindTexture(gl.TEXTURE_2D, tex);
  gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
  gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
  gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, w, h, 0, gl.RGBA, gl.UNSIGNED_BYTE, src);
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, tex, 0);
  const px = new Uint8Array(w * h * 4);
  gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, px);
  return px;
}
function b64(u8) {
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
  return btoa(s);
}
window.ccSegment = async (id, w, h) => {
  const c = await loadImage(id, w, h);
  last = null;
  await ss.send({ image: c });
  if (!last) throw new Error('no results after send()');
  const m = last.segmentationMask;
  const mw = m.width, mh = m.height;
  const px = readSource(m, mw, mh);
  // per channel: min, max (so the caller can see which one carries the mask)
  const st = [0, 1, 2, 3].map((k) => { let lo = 255, hi = 0;
    for (let i = k; i < px.length; i += 4) { lo = Math.min(lo, px[i]); hi = Math.max(hi, px[i]); }
    return [lo, hi]; });
  return { type: Object.prototype.toString.call(m), w: mw, h: mh, stats: st, rgba: b64(px) };
};
// Times one send per frame (frames loaded into canvases first, not timed), after WARM
// untimed sends. Each is stopped only after one pixel of the returned mask has been read back:
// send() resolves before the GL work ends.
window.ccTime = async (ids, w, h, warm) => {
  const cs = [];
  for (const id of ids) cs.push(await loadImage(id, w, h));
  const probe = document.createElement('canvas'); probe.width = 1; probe.height = 1;
  const pctx = probe.getContext('2d', { willReadFrequently: true });
  const once = async (c) => {
    await ss.send({ image: c });
    pctx.drawImage(last.segmentationMask, w >> 1, h >> 1, 1, 1, 0, 0, 1, 1);
    return pctx.getImageData(0, 0, 1, 1).data[0];
  };
  for (let i = 0; i < warm; i++) await once(cs[i % cs.length]);
  const ms = [];
  for (const c of cs) { const t0 = performance.now(); await once(c); ms.push(performance.now() - t0); }
  return { ms, crossOriginIsolated: self.crossOriginIsolated === true, cores: navigator.hardwareConcurrency };
};
</script></body></html>`;

function startServer(images) {
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(req.url.split('?')[0]);
    let body = null, type = 'application/octet-stream';
    if (url === '/' || url === '/index.html') { body = PAGE; type = TYPES['.html']; }
    else if (url.startsWith('/img/') && images.has(url.slice(5))) body = images.get(url.slice(5));
    else if (url.startsWith('/pkg/')) {
      const f = path.join(PKG_DIR, path.basename(url.slice(5)));
      if (fs.existsSync(f)) { body = fs.readFileSync(f); type = TYPES[path.extname(f)] || type; }
    }
    if (body === null) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function openOfficial({ log = () => {} } = {}) {
  if (!fs.existsSync(path.join(PKG_DIR, 'selfie_segmentation.js')))
    throw new Error(`${PKG_DIR} missing: run models/fetch.sh first`);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: apt-get install chromium`);
  const { chromium } = await import('playwright-core');
  const images = new Map();
  const server = await startServer(images);
  const port = server.address().port;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS,
  });
  const page = ctx.pages()[0] || await ctx.newPage();
  const consoleLines = [];
  page.on('console', (m) => { consoleLines.push(m.text()); log(`[page] ${m.text()}`); });
  page.on('pageerror', (e) => log(`[page error] ${e.message}`));
  await page.goto(`http://127.0.0.1:${port}/index.html`);
  let seq = 0;
  const put = (rgb, w, h) => {
    if (rgb.length !== w * h * 3) throw new Error(`image of ${rgb.length} bytes is not ${w}x${h} RGB`);
    const id = String(seq++);
    images.set(id, Buffer.from(rgb.buffer, rgb.byteOffset, rgb.length));
    return id;
  };
  return {
    context: ctx, // the browser context: other pages can run in the same Chromium (bench/web_bench.mjs)
    browserVersion: ctx.browser() ? ctx.browser().version() : null,
    consoleLines,
    async version() { return page.evaluate(() => navigator.userAgent); },
    async setModel(model) { return page.evaluate((m) => window.ccSetModel(m), model); },
    // Returns { mask: Uint8Array(w*h) from the carrying channel, info }.
    async segment(rgb, w, h) {
      const id = put(rgb, w, h);
      const r = await page.evaluate(([i, ww, hh]) => window.ccSegment(i, ww, hh), [id, w, h]);
      images.delete(id);
      const rgba = Buffer.from(r.rgba, 'base64');
      return { rgba: new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length), w: r.w, h: r.h, type: r.type, stats: r.stats };
    },
    // frames: array of RGB buffers, all w x h. Returns { ms: [per frame], crossOriginIsolated, cores }.
    async time(frames, w, h, warm) {
      const ids = frames.map((f) => put(f, w, h));
      const r = await page.evaluate(([i, ww, hh, a]) => window.ccTime(i, ww, hh, a), [ids, w, h, warm]);
      for (const id of ids) images.delete(id);
      return r;
    },
    async close() {
      await ctx.close();
      server.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

// ---- small PNM helpers ------------------------------------------------------------------------
function pnmHeader(buf) {
  // P5/P6, whitespace-separated width height maxval, comments allowed, one whitespace byte after.
  const tok = []; let i = 0;
  while (tok.length < 4) {
    while (i < buf.length && /\s/.test(String.fromCharCode(buf[i]))) i++;
    if (buf[i] === 0x23) { while (i < buf.length && buf[i] !== 0x0a) i++; continue; }
    let s = '';
    while (i < buf.length && !/\s/.test(String.fromCharCode(buf[i]))) s += String.fromCharCode(buf[i++]);
    if (!s) throw new Error('truncated PNM header');
    tok.push(s);
  }
  return { magic: tok[0], w: +tok[1], h: +tok[2], maxval: +tok[3], off: i + 1 };
}
export function readPPM(file) {
  const b = fs.readFileSync(file);
  const h = pnmHeader(b);
  if (h.magic !== 'P6' || h.maxval !== 255) throw new Error(`${file}: not an 8-bit P6 PPM`);
  if (b.length < h.off + h.w * h.h * 3) throw new Error(`${file}: truncated`);
  return { w: h.w, h: h.h, rgb: new Uint8Array(b.buffer, b.byteOffset + h.off, h.w * h.h * 3) };
}
export function readPGM(file) {
  const b = fs.readFileSync(file);
  const h = pnmHeader(b);
  if (h.magic !== 'P5' || h.maxval !== 255) throw new Error(`${file}: not an 8-bit P5 PGM`);
  return { w: h.w, h: h.h, g: new Uint8Array(b.buffer, b.byteOffset + h.off, h.w * h.h) };
}
export function writePGM(file, g, w, h) {
  fs.writeFileSync(file, Buffer.concat([Buffer.from(`P5\n${w} ${h}\n255\n`), Buffer.from(g)]));
}
