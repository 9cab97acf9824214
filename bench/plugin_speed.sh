#!/usr/bin/env bash
# CPU per 10 ms of the LADSPA/LV2 denoisers against the library called directly, one thread,
# 48 kHz mono, 60 s of noisy speech (DATA.md: Allison over applause, looped):
#   library      bench/audio_speed "api" (cc_denoiser_process in 480-frame blocks)
#   plugin_host  the LADSPA and LV2 plugins through dlopen, run() in blocks of 128/480/1024
#                and random 1..8192 (CPU of the run() calls only)
#   applyplugin  ladspa-sdk's host, whole process (16-bit WAV read/write included), minus the
#                same command with ladspa-sdk's amp_mono (the host's own cost)
# usage: bench/plugin_speed.sh BUILD_DIR   (prints "name us_per_10ms" lines)
set -eu
# (figures of one run on the 2-core shared machine in bench/plugin_speed.md)
B=$(realpath "${1:-build}")
. "$(dirname "$0")/../scripts/cachedir.sh"
D=$CLEANCAST_CACHE/data
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
ffmpeg -v error -nostdin -y -i "$D/speech/allison_vm_options_16k.wav" -stream_loop -1 -i "$D/noise/opensfx_applause_44k.wav" \
  -filter_complex "[0:a]aresample=48000,aloop=loop=-1:size=2e9,atrim=0:60[s];[1:a]aresample=48000,pan=mono|c0=c0,atrim=0:60,volume=0.6[n];[s][n]amix=inputs=2:duration=first:normalize=0" \
  -ac 1 -ar 48000 -c:a pcm_s16le "$W/in.wav"
ffmpeg -v error -nostdin -y -i "$W/in.wav" -f f32le "$W/in.f32"
L=$B/plugins/ladspa/cleancast_ladspa.so V=$B/plugins/lv2/cleancast.lv2/cleancast_lv2.so H=$B/tests/plugins/plugin_host
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$B/bench/audio_speed" "$W/in.wav" "$CLEANCAST_CACHE/models/rnnoise.ccm" | grep -E '^api|^rnnoise_api|api' | sed 's/^/library /' || true
for blk in 128 480 1024 random; do
  echo "ladspa_plugin_host_blocks_$blk $("$H" ladspa "$L" cleancast_denoise_mono 48000 1 "$W/in.f32" /dev/null --blocks $blk --time | sed -n 's/cpu_us_per_10ms //p')"
done
echo "lv2_plugin_host_blocks_480 $("$H" lv2 "$V" urn:cleancast:lv2:denoise-mono 48000 1 "$W/in.f32" /dev/null --blocks 480 --time | sed -n 's/cpu_us_per_10ms //p')"
echo "ladspa_gate_plugin_host_blocks_480 $("$H" ladspa "$L" cleancast_denoise_gate_mono 48000 1 "$W/in.f32" /dev/null --blocks 480 --time | sed -n 's/cpu_us_per_10ms //p')"
cpu() { python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN); print(r.ru_utime + r.ru_stime)' "$@"; }
t_plug=$(cpu applyplugin "$W/in.wav" "$W/out.wav" "$L" cleancast_denoise_mono 40 0)
t_amp=$(cpu applyplugin "$W/in.wav" "$W/out2.wav" /usr/lib/ladspa/amp.so amp_mono 1)
echo "applyplugin_cleancast_whole_process $(echo "$t_plug * 1000000 / 6000" | bc -l | xargs printf %.1f)"
echo "applyplugin_amp_mono_whole_process $(echo "$t_amp * 1000000 / 6000" | bc -l | xargs printf %.1f)"
echo "applyplugin_cleancast_minus_host $(echo "($t_plug - $t_amp) * 1000000 / 6000" | bc -l | xargs printf %.1f)"
