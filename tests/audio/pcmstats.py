#!/usr/bin/env python3
"""Sound measures for tests/audio/cli_test.sh, on samples ffmpeg decodes (mono, f32, 48 kHz).

  pcmstats.py gain IN OUT        how much quieter OUT is than IN, dB (RMS)
  pcmstats.py sisdr REF EST      scale-invariant SDR of EST against REF, dB (Le Roux et al.)
  pcmstats.py mix CLEAN NOISE SNR OUT.f32   CLEAN + NOISE scaled to SNR dB, raw f32 mono 48 kHz
"""
import array
import math
import subprocess
import sys


def samples(path):
    raw = subprocess.run(['ffmpeg', '-v', 'error', '-i', path, '-ac', '1', '-ar', '48000',
                          '-f', 'f32le', '-'], capture_output=True, check=True).stdout
    a = array.array('f')
    a.frombytes(raw)
    return a


def rms(x):
    return math.sqrt(sum(v * v for v in x) / max(len(x), 1))


def main():
    cmd = sys.argv[1]
    if cmd == 'gain':
        a, b = samples(sys.argv[2]), samples(sys.argv[3])
        print('%.1f' % (20 * math.log10(rms(a) / max(rms(b), 1e-12))))
    elif cmd == 'sisdr':
        s, e = samples(sys.argv[2]), samples(sys.argv[3])
        n = min(len(s), len(e))
        dot = sum(s[i] * e[i] for i in range(n))
        ss = sum(s[i] * s[i] for i in range(n))
        k = dot / ss
        num = k * k * ss
        den = sum((k * s[i] - e[i]) ** 2 for i in range(n))
        print('%.2f' % (10 * math.log10(num / max(den, 1e-20))))
    elif cmd == 'mix':
        s, v = samples(sys.argv[2]), samples(sys.argv[3])
        k = rms(s) / 10 ** (float(sys.argv[4]) / 20) / rms(v)
        out = array.array('f', (s[i] + k * v[i % len(v)] for i in range(len(s))))
        with open(sys.argv[5], 'wb') as f:
            out.tofile(f)
    else:
        sys.exit(__doc__)


main()
