/* `cleancast live`: camera and microphone, cleaned, to files, streams and virtual devices. */
#include "commands.h"
#include "media/media.h"

int cc_cmd_live(int argc, char **argv)
{
    return cc_media_live(argc, argv);
}
