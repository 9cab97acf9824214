#include <stdio.h>
#include "commands.h"
int cc_cmd_process(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "cleancast: process: not built yet\n");
    return 1;
}
