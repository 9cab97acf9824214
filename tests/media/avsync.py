#!/usr/bin/env python3
"""Measures A/V sync in a media file from its content, with FFmpeg's own decoders:
flash times = video frames whose mean luma jumps above a threshold (signalstats YAVG),
onset times = first 5 ms audio block above -30 dBFS RMS after >= 300 ms without one (astats).
Prints JSON: flashes, onsets, offsets (onset - nearest flash, seconds), mean_offset_ms.
Usage: avsync.py FILE [--stream-url]"""
import json
import subprocess
import sys


def video_flashes(path):
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-f", "lavfi", "-i",
         "movie=%s,signalstats" % path.replace(":", "\\:").replace(",", "\\,"),
         "-show_entries", "frame=pts_time:frame_tags=lavfi.signalstats.YAVG", "-of", "csv=p=0"],
        capture_output=True, text=True, check=True).stdout
    frames = []
    for line in out.splitlines():
        parts = line.split(",")
        if len(parts) >= 2 and parts[0] not in ("", "N/A"):
            frames.append((float(parts[0]), float(parts[1])))
    flashes, prev = [], 255.0
    for t, y in frames:
        if y > 200 and prev <= 200:
            flashes.append(t)
        prev = y
    return flashes, len(frames)


def audio_onsets(path):
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", path, "-vn", "-af",
         "aresample=48000,pan=mono|c0=c0,asetnsamples=n=240:p=1,astats=metadata=1:reset=1,"
         "ametadata=print:key=lavfi.astats.Overall.RMS_level:file=-", "-f", "null", "-"],
        capture_output=True, text=True, check=True).stdout
    blocks, t = [], None
    for line in out.splitlines():
        if line.startswith("frame:"):
            for tok in line.split():
                if tok.startswith("pts_time:"):
                    t = float(tok.split(":")[1])
        elif "RMS_level=" in line and t is not None:
            v = line.split("=")[1]
            blocks.append((t, -200.0 if v in ("-inf", "inf", "nan") else float(v)))
    onsets, last_loud = [], -1e9
    for t, db in blocks:
        if db > -30:
            if t - last_loud >= 0.3:
                onsets.append(t)
            last_loud = t
    return onsets


def main():
    path = sys.argv[1]
    flashes, nframes = video_flashes(path)
    onsets = audio_onsets(path)
    offsets = []
    for o in onsets:
        if flashes:
            f = min(flashes, key=lambda x: abs(x - o))
            if abs(f - o) < 0.5:
                offsets.append(o - f)
    res = {"frames": nframes, "flashes": flashes, "onsets": onsets, "offsets": offsets,
           "mean_offset_ms": 1000 * sum(offsets) / len(offsets) if offsets else None}
    print(json.dumps(res))


if __name__ == "__main__":
    main()
