// Shared by the browser tests: headless Debian Chromium through web/'s pinned playwright-core,
// with the flags of tests/ref/official.mjs (DESIGN.md) and fake capture devices.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.CC_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required',
];

/** Fails (exit 1, "SETUP FAILED") when what the project's setup installs is missing. */
export function needSetup() {
  const missing = [];
  if (!fs.existsSync(CHROMIUM)) missing.push(`${CHROMIUM} (scripts/install-deps.sh)`);
  if (!fs.existsSync(`${root}/web/node_modules/playwright-core/package.json`)) missing.push('web/node_modules/playwright-core (web/setup.sh)');
  for (const f of ['cleancast-simd.wasm', 'cleancast.wasm', 'index.js', 'worklet.js'])
    if (!fs.existsSync(`${root}/web/dist/${f}`)) missing.push(`web/dist/${f} (make web)`);
  if (missing.length) { console.log(`FAIL: SETUP FAILED: missing ${missing.join(', ')}`); process.exit(1); }
  return createRequire(`${root}/web/package.json`)('playwright-core');
}

export async function launch(pw, extraArgs = []) {
  const userDataDir = fs.mkdtempSync('/tmp/ccweb-chromium-');
  const ctx = await pw.chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs],
    permissions: ['camera', 'microphone'] });
  const close = async () => { await ctx.close(); fs.rmSync(userDataDir, { recursive: true, force: true }); };
  return { ctx, close };
}

export function fromB64(s) {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
}

export function snrDb(ref, test) {
  let s = 0, e = 0;
  for (let i = 0; i < ref.length; i++) { s += ref[i] * ref[i]; const d = test[i] - ref[i]; e += d * d; }
  return e === 0 ? Infinity : 10 * Math.log10(s / e);
}
