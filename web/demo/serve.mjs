#!/usr/bin/env node
// Serves the web package on 127.0.0.1 with COOP/COEP (SharedArrayBuffer, worklet included):
//   /            web/ (dist/, demo/, src/)      /models/  $CLEANCAST_CACHE/models (the pinned
//   files the native build uses; nothing is copied)   /data/  $CLEANCAST_CACHE/data
//   /extra/NAME  folders given to startServer({extra: {NAME: DIR}}) (tests, bench)
// usage: node web/demo/serve.mjs [PORT]   (default 8642; `make web-demo`)
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.tflite': 'application/octet-stream',
  '.binarypb': 'application/octet-stream', '.data': 'application/octet-stream' };

export function cacheDir(env = process.env) {
  if (env.CLEANCAST_CACHE) return env.CLEANCAST_CACHE;
  if (env.XDG_CACHE_HOME?.startsWith('/')) return path.join(env.XDG_CACHE_HOME, 'cleancast');
  return path.join(os.homedir(), '.cache', 'cleancast');
}

export function startServer({ port = 0, extra = {} } = {}) {
  const cache = cacheDir();
  const mounts = [['/models/', path.join(cache, 'models')], ['/data/', path.join(cache, 'data')],
    ...Object.entries(extra).map(([k, v]) => [`/extra/${k}/`, v]), ['/', webRoot]];
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const [prefix, dir] = mounts.find(([p]) => url.startsWith(p));
    const file = path.join(dir, path.normalize(url.slice(prefix.length)).replace(/^(\.\.[/\\])+/, ''));
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store' };
    let f = file;
    try { if (fs.statSync(f).isDirectory()) f = path.join(f, 'index.html'); } catch { /* 404 below */ }
    fs.readFile(f, (err, body) => {
      if (err) { res.writeHead(404, headers); res.end('not found'); return; }
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(f)] ?? 'application/octet-stream' });
      res.end(body);
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 8642);
  const s = await startServer({ port });
  console.log(`cleancast demo: http://127.0.0.1:${s.address().port}/demo/ (models from ${cacheDir()}/models)`);
}
