/* cc-media: the media pipeline of the CLI (tools/media/) behind a minimal command line, so
 * the media tests exercise exactly the CLI's code. Usage:
 *   cc-media process IN -o OUT [options]     cc-media live [options] */
#include <stdio.h>
#include <string.h>

#include <cleancast/cleancast.h>

#include "media.h"

static void log_cb(void *opaque, int level, const char *msg)
{
    (void)opaque;
    if (level <= CC_LOG_WARNING)
        fprintf(stderr, "cleancast: %s\n", msg);
}

int main(int argc, char **argv)
{
    cc_set_log_callback(log_cb, NULL);
    if (argc >= 2 && !strcmp(argv[1], "live"))
        return cc_media_live(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "process")) {
        /* IN comes first; -o OUT anywhere. */
        const char *in = argc > 2 && argv[2][0] != '-' ? argv[2] : NULL, *out = NULL;
        for (int i = 2; i + 1 < argc; i++)
            if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output"))
                out = argv[i + 1];
        return cc_media_process(in, out, argc - 1, argv + 1);
    }
    fprintf(stderr, "usage: cc-media process IN -o OUT [options] | cc-media live [options]\n");
    return 2;
}
