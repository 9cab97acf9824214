#include <stdio.h>
#include "commands.h"
int cc_cmd_mask(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "cleancast: mask: not built yet\n");
    return 1;
}
