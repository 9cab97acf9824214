#!/usr/bin/env bash
# Self-test of the reference runners on 3 s of real speech, multichannel:
#  - rnnoise_ref.mjs: aligned output == raw output shifted by 480 samples (exactly, f32),
#    same length as the input; one VAD line per input frame; the two channels differ.
#  - arnndn_ref.sh --aligned: same length as the input.
# Skips (77) without node, ffmpeg, the wasm or the speech file.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../scripts/cachedir.sh"; cache=$CLEANCAST_CACHE
command -v node >/dev/null || { echo "SKIP: node not installed"; exit 77; }
command -v ffmpeg >/dev/null || { echo "SKIP: ffmpeg not installed"; exit 77; }
[ -f "$cache/models/jitsi-rnnoise-wasm/dist/rnnoise.wasm" ] || { echo "SKIP: wasm missing (models/fetch_rnnoise.sh)"; exit 77; }
speech=$cache/data/speech/codec2_ve9qrp_8k.wav
[ -f "$speech" ] || { echo "SKIP: $speech missing (data/fetch.sh)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# 3 s, stereo: left = speech, right = speech 1 s later (different content per channel)
ffmpeg -nostdin -loglevel error -i "$speech" -filter_complex \
  "[0:a]atrim=0:4,asplit[a][b];[a]atrim=0:3[l];[b]atrim=1:4,asetpts=PTS-STARTPTS[r];[l][r]join=inputs=2:channel_layout=stereo" \
  -c:a pcm_s16le "$tmp/in.wav" || { echo "FAIL: cannot make the input"; exit 1; }
node "$here/rnnoise_ref.mjs" "$tmp/in.wav" "$tmp/al.wav" --format f32 --vad "$tmp/vad.txt" || exit 1
node "$here/rnnoise_ref.mjs" "$tmp/in.wav" "$tmp/raw.wav" --format f32 --raw || exit 1
"$here/arnndn_ref.sh" "$tmp/in.wav" "$tmp/ff.wav" --aligned --format f32 || exit 1
node - "$here/audio_io.mjs" "$tmp" <<'JS'
const [wavmod, dir] = process.argv.slice(2);
const { readAudio: readWav } = await import(wavmod);
const fs = await import('node:fs');
const inp = readWav(`${dir}/in.wav`), al = readWav(`${dir}/al.wav`), raw = readWav(`${dir}/raw.wav`), ff = readWav(`${dir}/ff.wav`);
let fail = 0;
const check = (ok, msg) => { console.log(`${ok ? 'ok' : 'FAIL'}: ${msg}`); if (!ok) fail = 1; };
const n = inp.channels[0].length;
check(inp.channels.length === 2 && al.channels.length === 2, 'two channels in and out');
check(al.channels[0].length === n, `aligned output length ${al.channels[0].length} == input ${n}`);
check(raw.channels[0].length === Math.ceil(n / 480) * 480, `raw output length ${raw.channels[0].length} == whole frames`);
let same = true;
for (let c = 0; c < 2; c++) for (let i = 0; i + 480 < raw.channels[c].length && i < n; i++) if (al.channels[c][i] !== raw.channels[c][i + 480]) same = false;
check(same, 'aligned[i] == raw[i + 480] exactly');
let diff = 0;
for (let i = 0; i < n; i++) diff += Math.abs(al.channels[0][i] - al.channels[1][i]);
check(diff > 0, 'channels processed independently (outputs differ)');
let e_in = 0, e_out = 0;
for (let i = 0; i < n; i++) { e_in += inp.channels[0][i] ** 2; e_out += al.channels[0][i] ** 2; }
check(e_out > 0 && e_out < e_in, `output energy ${(e_out / e_in).toFixed(3)} of input (denoised, not silent)`);
const vad = fs.readFileSync(`${dir}/vad.txt`, 'utf8').trim().split('\n');
check(vad.length === Math.ceil(n / 480), `${vad.length} VAD lines for ${Math.ceil(n / 480)} frames`);
check(vad.every((l, i) => { const [f, v] = l.split(' ').map(Number); return f === i && v >= 0 && v <= 1; }), 'VAD lines "frame prob" in 0..1');
check(ff.channels[0].length === n, `arnndn aligned length ${ff.channels[0].length} == input ${n}`);
process.exit(fail);
JS
