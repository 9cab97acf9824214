// Runs a wasm32-wasi command module (a test built by web/Makefile's `tests` target) under
// node's WASI with the given arguments, the environment, and / preopened; exits with its
// status (77 = skipped, as for every test here).
// usage: node wasi_run.mjs FILE.wasm [ARGS...]
import fs from 'node:fs';
import { WASI } from 'node:wasi';

const [file, ...args] = process.argv.slice(2);
if (!file || !fs.existsSync(file)) {
  console.log(`FAIL: SETUP FAILED: ${file ?? '(no file)'} missing (make web builds the wasm tests)`);
  process.exit(1);
}
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: process.env, preopens: { '/': '/' }, returnOnExit: true });
const module = await WebAssembly.compile(fs.readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
