#include <stdio.h>
#include "media.h"
int cc_media_live(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "cleancast live: not built yet\n");
    return 1;
}
