/* cleancast media pipeline: video files with sound, live cameras and microphones,
 * through FFmpeg's libraries. Public API of libcleancast only. */
#ifndef CC_TOOLS_MEDIA_H
#define CC_TOOLS_MEDIA_H

/*
 * `cleancast process IN -o OUT ...` for anything that is not an image. argv is the
 * process command's own argv (argv[0] = "process"); the video-only options
 * (--denoise, --strength, --threads, --stats, --progress, ...) are parsed here, as are
 * the shared ones (--background, --model). Returns the process exit status
 * (0 ok, 1 failure, 2 bad usage).
 */
int cc_media_process(const char *in, const char *out, int argc, char **argv);

/* `cleancast live --camera DEV --mic DEV -o DEST ...`; argv[0] = "live". Exit status. */
int cc_media_live(int argc, char **argv);

#endif
