// Audio files for the reference runners, the compare tool and the bench, read and written by
// ffmpeg (any format it handles), which hands node raw float samples: no WAV code of our own.
// readAudio(file) -> { rate, channels: [Float64Array per channel, int16 scale (full scale 32768)],
//                      format: 's16' | 'f32' (what the file holds, for writing results alike) }
// writeAudio(file, rate, channels, format = 's16'): int16-scale samples to a WAV (pcm_s16le,
// rounded and clipped, or pcm_f32le), or whatever the extension of `file` asks ffmpeg for.
import { spawnSync } from 'node:child_process';

export class AudioError extends Error {}

const FF = process.env.FFMPEG || 'ffmpeg', FFPROBE = process.env.FFPROBE || 'ffprobe';
const BIG = 1 << 30;

function run(cmd, args, input) {
  const r = spawnSync(cmd, args, { input, maxBuffer: BIG });
  if (r.error) throw new AudioError(`${cmd}: ${r.error.code === 'ENOENT' ? 'not installed' : r.error.message}`);
  if (r.status !== 0) throw new AudioError(`${cmd} ${args.join(' ')}: ${r.stderr.toString().trim().split('\n').slice(-2).join(' ')}`);
  return r.stdout;
}

export function readAudio(file) {
  const info = run(FFPROBE, ['-v', 'error', '-select_streams', 'a:0', '-show_entries',
    'stream=sample_rate,channels,sample_fmt', '-of', 'json', file]);
  const st = JSON.parse(info.toString()).streams?.[0];
  if (!st) throw new AudioError(`${file}: no audio stream`);
  const rate = Number(st.sample_rate), nch = Number(st.channels);
  const raw = run(FF, ['-v', 'error', '-nostdin', '-i', file, '-map', '0:a:0', '-f', 'f32le',
    '-acodec', 'pcm_f32le', '-ac', String(nch), '-ar', String(rate), '-']);
  const n = Math.floor(raw.length / (4 * nch));
  const bytes = new Uint8Array(n * 4 * nch);
  bytes.set(raw.subarray(0, bytes.length));
  const v = new Float32Array(bytes.buffer);
  const channels = Array.from({ length: nch }, () => new Float64Array(n));
  for (let c = 0; c < nch; c++) { const o = channels[c]; for (let i = 0; i < n; i++) o[i] = v[i * nch + c] * 32768; }
  return { rate, channels, format: /^(flt|dbl)/.test(st.sample_fmt) ? 'f32' : 's16' };
}

export function writeAudio(file, rate, channels, format = 's16') {
  const nch = channels.length, n = channels[0].length;
  const body = new Float32Array(n * nch);
  for (let c = 0; c < nch; c++) {
    const x = channels[c];
    // s16: rounded and clipped here, so ffmpeg's conversion is exact
    if (format === 'f32') for (let i = 0; i < n; i++) body[i * nch + c] = x[i] / 32768;
    else for (let i = 0; i < n; i++) body[i * nch + c] = Math.max(-32768, Math.min(32767, Math.round(x[i]))) / 32768;
  }
  const args = ['-v', 'error', '-nostdin', '-y', '-f', 'f32le', '-ar', String(rate), '-ac', String(nch), '-i', '-'];
  if (/\.wav$/i.test(file)) args.push('-acodec', format === 'f32' ? 'pcm_f32le' : 'pcm_s16le');
  run(FF, [...args, file], Buffer.from(body.buffer));
}
