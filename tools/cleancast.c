/* cleancast command-line tool: dispatches to sub-commands. */
#include <stdio.h>
#include <string.h>

#include <cleancast/cleancast.h>

#include "commands.h"

typedef struct Command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} Command;

static const Command commands[] = {
    { "mask", cc_cmd_mask, "write the person mask of an image as a PGM" },
    { "process", cc_cmd_process, "blur, replace or remove the background of an image or video file" },
    { "denoise", cc_cmd_denoise, "remove noise from speech in a WAV file" },
    { "live", cc_cmd_live, "clean a camera and microphone live to a file, stream or virtual device" },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: cleancast COMMAND [options]   (cleancast COMMAND --help)\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n  --version  print the version\n");
}

static void log_cb(void *opaque, int level, const char *msg)
{
    int verbose = *(const int *)opaque;
    if (level <= CC_LOG_WARNING || (verbose && level <= CC_LOG_INFO) || verbose > 1)
        fprintf(stderr, "cleancast: %s\n", msg);
}

void cc_tool_log_init(int verbose)
{
    static int level;
    level = verbose;
    cc_set_log_callback(log_cb, &level);
}

int main(int argc, char **argv)
{
    cc_tool_log_init(0);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("cleancast %s\n", cc_version());
        return 0;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "cleancast: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
