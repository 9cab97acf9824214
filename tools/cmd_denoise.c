#include <stdio.h>
#include "commands.h"
int cc_cmd_denoise(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "cleancast: denoise: not built yet\n");
    return 1;
}
