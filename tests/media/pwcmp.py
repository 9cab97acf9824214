#!/usr/bin/env python3
"""Compares pictures a PipeWire client received with `cleancast process` of the same frames.

pwcmp.py RECEIVED REF W H FMT  (FMT: I420, NV12 or YUY2; REF: raw I420 of every source frame)
The received stream starts wherever the client joined: its first frames are aligned with REF
by their mean-luma signature (the clip has flashes), then each received picture is matched
with the REF frame at its expected index +-2 (a dropped picture shifts the rest). Luma only
(the same bytes in all three layouts). Prints JSON: frames, offset, psnr median / min (dB).
"""
import json, sys

def frames(path, size):
    data = open(path, 'rb').read()
    return [data[i:i + size] for i in range(0, len(data) - size + 1, size)]

def luma(f, fmt, w, h):
    if fmt == 'YUY2':
        return f[0:w * h * 2:2]
    return f[:w * h]

def sig(y):
    s = y[::61]
    return sum(s) / len(s)

def psnr(a, b):
    a, b = a[::3], b[::3]
    se = sum((x - z) * (x - z) for x, z in zip(a, b))
    if se == 0:
        return 99.0
    import math
    return 10 * math.log10(255.0 * 255.0 * len(a) / se)

rec, ref, w, h, fmt = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
rsize = {'I420': w * h * 3 // 2, 'NV12': w * h * 3 // 2, 'YUY2': w * h * 2}[fmt]
R = [luma(f, fmt, w, h) for f in frames(rec, rsize)]
F = [f[:w * h] for f in frames(ref, w * h * 3 // 2)]
if not R or not F:
    print(json.dumps({'frames': len(R), 'error': 'nothing to compare'})); sys.exit(1)
rs, fs = [sig(y) for y in R], [sig(y) for y in F]
n = min(len(rs), 60)
best = min(range(len(fs)), key=lambda o: sum(abs(rs[i] - fs[i + o]) if i + o < len(fs) else 255
                                             for i in range(n)))
vals, shift = [], 0
for i, y in enumerate(R):
    cands = [j for j in range(i + best + shift - 2, i + best + shift + 3) if 0 <= j < len(F)]
    if not cands:
        break
    p, j = max((psnr(y, F[j]), j) for j in cands)
    shift = j - i - best
    vals.append(p)
vals.sort()
print(json.dumps({'frames': len(R), 'compared': len(vals), 'offset': best,
                  'psnr_median': round(vals[len(vals) // 2], 2) if vals else None,
                  'psnr_min': round(vals[0], 2) if vals else None,
                  'psnr_p05': round(vals[len(vals) // 20], 2) if vals else None}))
