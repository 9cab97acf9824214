/* `cleancast live`: camera and microphone, cleaned, to files, streams and virtual devices. */
#include "commands.h"
#include "media/media.h"
#include "options.h"

int cc_cmd_live(int argc, char **argv)
{
    CcMediaOptions o;
    int r = cc_media_parse_options(&o, argc, argv, 1);
    if (r)
        return r == 1 ? 0 : 2;
    if (o.verbose)
        cc_tool_log_init(o.verbose);
    return cc_media_live(&o);
}
