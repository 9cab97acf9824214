/* cleancast media pipeline: video files with sound, live cameras and microphones,
 * through FFmpeg's libraries. Public API of libcleancast only. */
#ifndef CC_TOOLS_MEDIA_H
#define CC_TOOLS_MEDIA_H

#include "../options.h"

/*
 * `cleancast process IN -o OUT ...` for anything that is not an image, with the options
 * cc_media_parse_options() read (o->input, o->output set). Returns the process exit status
 * (0 ok, 1 failure, 2 bad usage).
 */
int cc_media_process(const CcMediaOptions *o);

/* `cleancast live --camera DEV --mic DEV -o DEST ...` with its parsed options. Exit status. */
int cc_media_live(const CcMediaOptions *o);

#endif
