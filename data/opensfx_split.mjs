// Splits OpenTTD's sample catalogue (opensfx.cat) into WAV files.
// Usage: node opensfx_split.mjs opensfx.cat OUTDIR INDEX:NAME...
// Layout (little-endian): a table of N entries {u32 offset (bit 31 = "new format" flag),
// u32 size}; the first offset / 8 gives N. Each offset points at a record: u8 length, that
// many bytes of description (credits and licence, NUL-terminated), then a RIFF/WAVE file of
// `size` bytes, then u8 length and the original file name.
// Writes OUTDIR/NAME.wav for each INDEX:NAME and OUTDIR/credits.txt (NAME: description).
import fs from 'node:fs';
import path from 'node:path';

function fail(msg) { console.error(`opensfx_split: ${msg}`); process.exit(1); }

const [catPath, outDir, ...wanted] = process.argv.slice(2);
if (!catPath || !outDir || wanted.length === 0) fail('usage: opensfx_split.mjs CAT OUTDIR INDEX:NAME...');
const b = fs.readFileSync(catPath);
if (b.length < 8) fail(`${catPath}: too short for a catalogue`);
const first = b.readUInt32LE(0) & 0x7fffffff;
if (first % 8 !== 0 || first < 8 || first > b.length) fail(`${catPath}: bad table size ${first}`);
const count = first / 8;
fs.mkdirSync(outDir, { recursive: true });
const credits = [];
for (const w of wanted) {
  const m = /^(\d+):([a-z0-9_]+)$/.exec(w);
  if (!m) fail(`bad argument ${w} (want INDEX:name)`);
  const idx = Number(m[1]), name = m[2];
  if (idx >= count) fail(`entry ${idx} out of range (catalogue has ${count})`);
  const off = b.readUInt32LE(idx * 8) & 0x7fffffff, size = b.readUInt32LE(idx * 8 + 4);
  if (off >= b.length) fail(`entry ${idx}: offset ${off} past the end`);
  const dlen = b[off];
  const riff = off + 1 + dlen;
  if (riff + size > b.length || size < 44) fail(`entry ${idx}: RIFF of ${size} bytes at ${riff} does not fit`);
  const desc = b.subarray(off + 1, riff).toString('latin1').replace(/\0+$/, '');
  if (b.toString('latin1', riff, riff + 4) !== 'RIFF' || b.toString('latin1', riff + 8, riff + 12) !== 'WAVE')
    fail(`entry ${idx}: no RIFF/WAVE header`);
  if (b.readUInt32LE(riff + 4) + 8 !== size) fail(`entry ${idx}: RIFF size disagrees with the table`);
  fs.writeFileSync(path.join(outDir, `${name}.wav`), b.subarray(riff, riff + size));
  credits.push(`${name} (opensfx.cat entry ${idx}): ${desc}`);
}
fs.writeFileSync(path.join(outDir, 'credits.txt'), credits.join('\n') + '\n');
