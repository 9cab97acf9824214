// cleancast core: loads the wasm build and wraps its flat exports (web/src/cleancast_web.c)
// in small classes. Works in a window, a worker, an AudioWorklet scope and Node: it uses no
// fetch, atob, TextDecoder or location, and instantiates synchronously from bytes.

/** Smallest module with a SIMD128 instruction (v128.const + i8x16.popcnt... no: i32x4.splat). */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1,
  0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** True when this engine validates wasm SIMD128 (feature detection, no user-agent sniffing). */
export function simdSupported() {
  try { return WebAssembly.validate(SIMD_PROBE); } catch (e) { return false; }
}

/** The dist/ file name of the build this engine should load. */
export function wasmFileName(simd = simdSupported()) {
  return simd ? 'cleancast-simd.wasm' : 'cleancast.wasm';
}

/** Error codes as in include/cleancast/cleancast.h. */
export const CC_ERR_MODEL = -10000;

export class CleancastError extends Error {
  constructor(message, code) { super(message); this.name = 'CleancastError'; this.code = code; }
}

function now() {
  if (typeof performance !== 'undefined' && performance.now) return performance.now();
  return Date.now();
}

// The module needs a handful of WASI functions only for things the web hosts never reach
// (log formatting to stderr, the environment of a debug tuning hook) and the clock of the
// segmenter's stage timings. Anything it imports is answered here: the clock for real,
// the environment empty, the rest ENOSYS.
function wasiShim(module, getMemory) {
  const ENOSYS = 52;
  const impl = {
    clock_time_get(id, precision, outPtr) {
      const ns = BigInt(Math.round(now() * 1e6));
      new DataView(getMemory().buffer).setBigUint64(outPtr, ns, true);
      return 0;
    },
    environ_sizes_get(countPtr, sizePtr) {
      const dv = new DataView(getMemory().buffer);
      dv.setUint32(countPtr, 0, true);
      dv.setUint32(sizePtr, 0, true);
      return 0;
    },
    environ_get() { return 0; },
    proc_exit(code) { throw new CleancastError(`wasm called exit(${code})`, -1); },
  };
  const imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== 'function') continue;
    imports[imp.module] ??= {};
    imports[imp.module][imp.name] = impl[imp.name] ?? (() => ENOSYS);
  }
  return imports;
}

/** One instance of the wasm build (its own memory and heap). */
export class Cleancast {
  /**
   * @param {BufferSource|WebAssembly.Module} wasm  the bytes of cleancast(-simd).wasm, or a
   *   compiled module (same agent only: a Module does not survive cloning into a worklet)
   */
  constructor(wasm) {
    const module = wasm instanceof WebAssembly.Module ? wasm : new WebAssembly.Module(wasm);
    let memory = null;
    const instance = new WebAssembly.Instance(module, wasiShim(module, () => memory));
    this.x = instance.exports;
    memory = this.x.memory;
    this.memory = memory;
    if (this.x._initialize) this.x._initialize();
    this.x.cw_init();
    this.simd = WebAssembly.Module.exports(module).some((e) => e.name === 'cw_simd') ?
      !!this.x.cw_simd() : null;
  }

  /** Synchronous: compile and instantiate bytes (the AudioWorklet path). */
  static fromBytes(bytes) { return new Cleancast(bytes); }

  // Views of the memory, made again only when it grew (the old buffer is then detached): the
  // worklet reads and writes through them on every 128-frame quantum.
  get u8() {
    const b = this.memory.buffer;
    if (this._u8?.buffer !== b) this._u8 = new Uint8Array(b);
    return this._u8;
  }
  get f32() {
    const b = this.memory.buffer;
    if (this._f32?.buffer !== b) this._f32 = new Float32Array(b);
    return this._f32;
  }

  cstring(ptr) {
    const u8 = this.u8;
    let end = ptr;
    while (u8[end]) end++;
    let s = '';
    for (let i = ptr; i < end; i++) s += String.fromCharCode(u8[i]);
    return s;
  }

  version() { return this.cstring(this.x.cw_version()); }

  /** The denoiser model name used when none is given ('rnnoise2' or 'rnnoise'): the library's
   *  CC_DENOISE_DEFAULT_MODEL, as the native CLI and plugins use it. */
  defaultDenoiseModel() {
    return this.x.cw_dn_default_model ? this.cstring(this.x.cw_dn_default_model()) : 'rnnoise';
  }

  malloc(n) {
    const p = this.x.cw_malloc(n);
    if (!p) throw new CleancastError('wasm: out of memory', -12);
    return p;
  }
  free(p) { if (p) this.x.cw_free(p); }

  /** Copies bytes into a fresh heap block; returns its address. */
  copyIn(bytes) {
    const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes.buffer ?? bytes,
      bytes.byteOffset ?? 0, bytes.byteLength);
    const p = this.malloc(u8.length);
    this.u8.set(u8, p);
    return p;
  }

  /** Throws a CleancastError for a negative return, with the library's last log line. */
  check(r, what) {
    if (r >= 0) return r;
    const msg = this.cstring(this.x.cw_strerror(r));
    const log = this.cstring(this.x.cw_last_log());
    this.x.cw_clear_log();
    throw new CleancastError(`${what}: ${msg}${log ? ` (${log})` : ''}`, r);
  }
}

/** File names of the denoiser model names (as cc_model_find() maps them). */
export const DENOISE_MODEL_FILES = Object.freeze({ rnnoise: 'rnnoise.ccm', rnnoise2: 'rnnoise2.ccm' });

/** Pixel formats (CcPixelFormat). */
export const PixelFormat = Object.freeze({ RGBA: 0, BGRA: 1, RGB24: 2, I420: 3, NV12: 4 });
/** WebCodecs VideoFrame formats the library takes as they are (alpha of RGBX/BGRX unused). */
const VIDEO_FRAME_FORMATS = Object.freeze({ I420: PixelFormat.I420, NV12: PixelFormat.NV12,
  RGBA: PixelFormat.RGBA, RGBX: PixelFormat.RGBA, BGRA: PixelFormat.BGRA, BGRX: PixelFormat.BGRA });
/** Background modes (CcBackgroundMode). */
export const Background = Object.freeze({ none: 0, blur: 1, color: 2, image: 3, transparent: 4 });

/** A person-segmentation model held in wasm memory. */
export class SegModel {
  constructor(cc, bytes) {
    this.cc = cc;
    const p = cc.copyIn(bytes);
    try {
      this.h = cc.check(cc.x.cw_seg_model_open(p, bytes.byteLength), 'segmentation model');
    } finally { cc.free(p); }
    const wh = cc.x.cw_seg_model_input_size(this.h);
    this.width = wh >>> 16;
    this.height = wh & 0xffff;
  }
  close() { if (this.h) this.cc.x.cw_seg_model_close(this.h); this.h = 0; }
}

/**
 * Frame buffers in wasm memory for one frame size: the frame (RGBA or I420 planes) and its
 * mask. Grown when the size changes.
 */
class FrameBuf {
  constructor(cc) { this.cc = cc; this.p = 0; this.size = 0; this.mask = 0; this.maskSize = 0; }
  ensure(bytes, maskBytes) {
    if (bytes > this.size) { this.cc.free(this.p); this.p = this.cc.malloc(bytes); this.size = bytes; }
    if (maskBytes > this.maskSize) {
      this.cc.free(this.mask); this.mask = this.cc.malloc(maskBytes); this.maskSize = maskBytes;
    }
  }
  free() { this.cc.free(this.p); this.cc.free(this.mask); this.p = this.mask = 0; this.size = this.maskSize = 0; }
}

function planeLayout(format, w, h) {
  if (format === PixelFormat.I420) {
    const cw = (w + 1) >> 1, ch = (h + 1) >> 1;
    return { bytes: w * h + 2 * cw * ch, off: [0, w * h, w * h + cw * ch], stride: [w, cw, cw] };
  }
  if (format === PixelFormat.NV12) {
    const cw = (w + 1) >> 1, ch = (h + 1) >> 1;
    return { bytes: w * h + 2 * cw * ch, off: [0, w * h, 0], stride: [w, 2 * cw, 0] };
  }
  const bpp = format === PixelFormat.RGB24 ? 3 : 4;
  return { bytes: w * h * bpp, off: [0, 0, 0], stride: [w * bpp, 0, 0] };
}

/**
 * Segmenter + compositor for one stream. process() copies the frame in, segments it, and
 * composites it in place with its own mask (never a stale one).
 */
export class VideoPipeline {
  /**
   * @param {Cleancast} cc
   * @param {SegModel} model
   * @param {{raw?: boolean, smoothing?: number, background?: string, blurStrength?: number,
   *          color?: number[], lightWrap?: number}} opts
   */
  constructor(cc, model, opts = {}) {
    this.cc = cc;
    this.model = model;
    this.seg = cc.check(cc.x.cw_seg_open(model.h, opts.raw ? 1 : 0, opts.smoothing ?? -1),
      'segmenter');
    this.comp = 0;
    this.buf = new FrameBuf(cc);
    this.times = cc.malloc(24);
    this.configure(opts);
  }

  /** Background settings, live: background 'blur'|'color'|'image'|'none'|'transparent'. */
  configure(opts = {}) {
    const cc = this.cc;
    this.opts = { ...this.opts, ...opts };
    const o = this.opts;
    const mode = Background[o.background ?? 'blur'];
    if (mode === undefined) throw new CleancastError(`unknown background '${o.background}'`, -22);
    if (this.comp) cc.x.cw_comp_close(this.comp);
    const [r, g, b] = o.color ?? [-1, 0, 0];
    this.comp = cc.check(cc.x.cw_comp_open(mode, o.blurStrength ?? -1, r, g, b,
      o.lightWrap ?? -1), 'compositor');
    if (mode === Background.image && o.image) this.setBackground(o.image);
  }

  /** image: {data: Uint8ClampedArray|Uint8Array RGBA, width, height} (an ImageData). */
  setBackground(image) {
    const cc = this.cc;
    const p = cc.copyIn(image.data);
    try {
      cc.check(cc.x.cw_comp_set_background(this.comp, PixelFormat.RGBA, image.width,
        image.height, p, image.width * 4), 'background image');
    } finally { cc.free(p); }
  }

  /** Writes frame pixels into wasm memory: returns the plane addresses for the calls. */
  load(format, width, height, data) {
    const L = planeLayout(format, width, height);
    this.buf.ensure(L.bytes, width * height);
    this.maskAt = this.buf.mask;
    if (data) this.cc.u8.set(data.subarray ? data.subarray(0, L.bytes) : new Uint8Array(data, 0, L.bytes), this.buf.p);
    return L;
  }

  /**
   * Copies a WebCodecs VideoFrame into wasm memory in its own format (VideoFrame.copyTo(), no
   * canvas, no colour conversion): I420 and NV12 (1.5 bytes a pixel, the cameras' formats),
   * RGBA/RGBX/BGRA/BGRX. Returns what segment(), composite() and outputFrame() need, or null
   * where the library does not take the frame as it is (another format, a visible rect that is
   * scaled for display, NV12 with a transparent background): then use a canvas.
   * The mask lies right after the frame's planes, so that I420 + mask is an I420A frame.
   * Async (copyTo); nothing else may use this pipeline until it resolves.
   */
  async loadVideoFrame(frame) {
    const format = VIDEO_FRAME_FORMATS[frame.format] ?? -1;
    const { x, y, width, height } = frame.visibleRect ?? {};
    if (format < 0 || width !== frame.displayWidth || height !== frame.displayHeight) return null;
    const yuv = format === PixelFormat.I420 || format === PixelFormat.NV12;
    const transparent = this.opts.background === 'transparent';
    if (yuv && ((x | y) & 1 || (transparent && format === PixelFormat.NV12))) return null;
    const L = planeLayout(format, width, height);
    this.buf.ensure(L.bytes + width * height, 0);
    const p = this.buf.p;
    const planes = format === PixelFormat.I420 ? 3 : format === PixelFormat.NV12 ? 2 : 1;
    const layout = [];
    for (let i = 0; i < planes; i++) layout.push({ offset: L.off[i], stride: L.stride[i] });
    await frame.copyTo(this.cc.u8.subarray(p, p + L.bytes), { layout });
    this.maskAt = p + L.bytes;
    // Unspecified colour spaces (Chromium's fake camera, many webcams): limited range, and the
    // native tools' matrix rule (BT.709 from 720 lines up, else BT.601).
    const cs = frame.colorSpace ?? {};
    const matrix = !yuv ? 0 : cs.matrix === 'bt709' || (cs.matrix == null && height >= 720) ? 1 : 0;
    const fullRange = yuv ? (cs.fullRange ? 1 : 0) : 1;
    return { format, width, height, fullRange, matrix, layout, bytes: L.bytes,
      alpha: yuv && transparent, frameFormat: frame.format };
  }

  /**
   * The processed frame of loadVideoFrame() as a new VideoFrame (a copy; timestamp, duration
   * and colour space of src): its own format, I420A (the mask as alpha) for a transparent
   * background on I420, RGBA/BGRA for one on RGBX/BGRX.
   */
  outputFrame(info, src) {
    const { width: w, height: h } = info;
    let format = info.frameFormat, layout = info.layout, bytes = info.bytes;
    if (info.alpha) {
      format = 'I420A';
      layout = [...layout, { offset: bytes, stride: w }];
      bytes += w * h;
    } else if (this.opts.background === 'transparent') {
      format = info.format === PixelFormat.BGRA ? 'BGRA' : 'RGBA';
    }
    const p = this.buf.p;
    return new VideoFrame(this.cc.u8.subarray(p, p + bytes), { format, codedWidth: w, codedHeight: h,
      layout, timestamp: src.timestamp, duration: src.duration ?? undefined,
      colorSpace: src.colorSpace?.toJSON?.() ?? undefined });
  }

  /**
   * One VideoFrame through loadVideoFrame, segment, composite, outputFrame (the worker's path).
   * onSegmented(info): called between segmentation and compositing (the frame is still the
   * input then). Returns {frame (the new VideoFrame; the caller closes both), info, segmentMs
   * (copy in + segment), compositeMs (composite + the output frame)}, or null (see
   * loadVideoFrame: use a canvas).
   */
  async processVideoFrame(src, onSegmented) {
    const t0 = now();
    const info = await this.loadVideoFrame(src);
    if (!info) return null;
    const { format: f, width: w, height: h, fullRange: r, matrix: m } = info;
    this.segment(f, w, h, r, m);
    const t1 = now();
    onSegmented?.(info);
    if (!info.alpha) this.composite(f, w, h, r, m);
    const frame = this.outputFrame(info, src);
    return { frame, info, segmentMs: t1 - t0, compositeMs: now() - t1 };
  }

  /** A view of the frame buffer in wasm memory (valid until the next call). */
  frameView(format, width, height) {
    const L = planeLayout(format, width, height);
    return this.cc.u8.subarray(this.buf.p, this.buf.p + L.bytes);
  }

  maskView(width, height) {
    const m = this.maskAt ?? this.buf.mask;
    return this.cc.u8.subarray(m, m + width * height);
  }

  /** Segments the frame already loaded; matrix (YUV): 0 BT.601, 1 BT.709. */
  segment(format, width, height, fullRange = 1, matrix = 0) {
    const cc = this.cc, L = planeLayout(format, width, height), p = this.buf.p;
    cc.check(cc.x.cw_seg_process(this.seg, format, width, height, p + L.off[0], L.stride[0],
      p + L.off[1], L.stride[1], p + L.off[2], L.stride[2], fullRange, this.maskAt ?? this.buf.mask,
      width, matrix), 'segmentation');
  }

  composite(format, width, height, fullRange = 1, matrix = 0) {
    const cc = this.cc, L = planeLayout(format, width, height), p = this.buf.p;
    cc.check(cc.x.cw_comp_process(this.comp, format, width, height, p + L.off[0], L.stride[0],
      p + L.off[1], L.stride[1], p + L.off[2], L.stride[2], fullRange, this.maskAt ?? this.buf.mask,
      width, matrix), 'compositing');
  }

  /** Stage times of the last segment() in ms: convert, infer, refine. */
  timings() {
    this.cc.x.cw_seg_timings(this.seg, this.times);
    const d = new Float64Array(this.cc.memory.buffer, this.times, 3);
    return { convertMs: d[0] / 1000, inferMs: d[1] / 1000, refineMs: d[2] / 1000 };
  }

  /** Returns the mask (Uint8Array, width*height, a copy) of an RGBA/I420 frame. */
  mask(format, width, height, data, fullRange = 1) {
    this.load(format, width, height, data);
    this.segment(format, width, height, fullRange);
    return this.maskView(width, height).slice();
  }

  close() {
    const x = this.cc.x;
    if (this.seg) x.cw_seg_close(this.seg);
    if (this.comp) x.cw_comp_close(this.comp);
    this.buf.free();
    this.cc.free(this.times);
    this.seg = this.comp = 0;
  }
}

/** An RNNoise model (0.1 .ccm/.rnnn or 0.2 .ccm) held in wasm memory. */
export class DenoiseModel {
  constructor(cc, bytes) {
    this.cc = cc;
    const p = cc.copyIn(bytes);
    try {
      this.h = cc.check(cc.x.cw_dn_model_open(p, bytes.byteLength), 'denoiser model');
    } finally { cc.free(p); }
    this.kind = cc.x.cw_dn_model_kind(this.h);
  }
  close() { if (this.h) this.cc.x.cw_dn_model_close(this.h); this.h = 0; }
}

/** A streaming denoiser: any block size in, the same number of samples out (delayed by latency). */
export class Denoiser {
  /** opts: {sampleRate = 48000, channels = 1, strength = 1, maxBlock = 4800} */
  constructor(cc, model, opts = {}) {
    this.cc = cc;
    this.channels = opts.channels ?? 1;
    this.sampleRate = opts.sampleRate ?? 48000;
    this.h = cc.check(cc.x.cw_dn_open(model.h, this.sampleRate, this.channels,
      opts.strength ?? 1), 'denoiser');
    this.cap = opts.maxBlock ?? 4800;
    this.pin = cc.malloc(this.cap * this.channels * 4);
    this.pout = cc.malloc(this.cap * this.channels * 4);
    /** Delay of the output against the input, in samples at the stream rate. */
    this.latency = cc.x.cw_dn_latency(this.h);
  }

  /** in: Float32Array of interleaved samples (frames * channels); out: same size or new. */
  process(input, output = new Float32Array(input.length)) {
    const cc = this.cc, ch = this.channels;
    if (input.length === this.cap * ch) { // one whole block (the worklet's quantum): no subarrays
      if (!this.inView || this.inView.length === 0) { // first call, or a memory growth detached them
        this.inView = new Float32Array(cc.memory.buffer, this.pin, input.length);
        this.outView = new Float32Array(cc.memory.buffer, this.pout, input.length);
      }
      this.inView.set(input);
      const r = cc.x.cw_dn_process(this.h, this.pin, this.pout, this.cap);
      if (r < 0) cc.check(r, 'denoise');
      output.set(this.outView);
      return output;
    }
    for (let pos = 0; pos < input.length; pos += this.cap * ch) {
      const n = Math.min(this.cap * ch, input.length - pos);
      cc.f32.set(input.subarray(pos, pos + n), this.pin >> 2);
      cc.check(cc.x.cw_dn_process(this.h, this.pin, this.pout, n / ch), 'denoise');
      output.set(cc.f32.subarray(this.pout >> 2, (this.pout >> 2) + n), pos);
    }
    return output;
  }

  /** The last `latency` samples (what is still inside), as if followed by silence. */
  flush() {
    const cc = this.cc, ch = this.channels;
    const out = new Float32Array(this.latency * ch);
    let got = 0;
    while (got < this.latency) {
      const n = Math.min(this.cap, this.latency - got);
      const r = cc.check(cc.x.cw_dn_flush(this.h, this.pout, n), 'flush');
      if (r <= 0) break;
      out.set(cc.f32.subarray(this.pout >> 2, (this.pout >> 2) + r * ch), got * ch);
      got += r;
    }
    return out;
  }

  set strength(s) { this.cc.x.cw_dn_set_strength(this.h, s); }
  /** Voice activity probability of the last 10 ms frame, 0..1. */
  get vad() { return this.cc.x.cw_dn_vad(this.h); }
  reset() { this.cc.x.cw_dn_reset(this.h); }
  close() {
    if (this.h) this.cc.x.cw_dn_close(this.h);
    this.cc.free(this.pin); this.cc.free(this.pout);
    this.h = this.pin = this.pout = 0;
  }
}
