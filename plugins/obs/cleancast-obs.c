/*
 * cleancast-obs: OBS Studio module with two filters over cleancast's public API.
 *   "cleancast background"        (cleancast_background_filter, async video sources)
 *   "cleancast noise suppression" (cleancast_noise_filter, audio sources)
 * The library is linked in statically with its symbols hidden, so the module carries no
 * versioned third-party runtime beyond what Debian's libobs already needs.
 */
#include <obs-module.h>

#include <cleancast/cleancast.h>

#include "cleancast-obs.h"

OBS_DECLARE_MODULE()
OBS_MODULE_USE_DEFAULT_LOCALE("cleancast-obs", "en-US")

MODULE_EXPORT const char *obs_module_description(void)
{
    return "cleancast: background removal and noise suppression on the CPU";
}

/* The library's messages go to OBS's log, tagged. Its per-frame calls log nothing above
   debug, so this only runs at open/close or on errors. */
static void log_to_obs(void *opaque, int level, const char *msg)
{
    (void)opaque;
    int obs_level = level <= CC_LOG_ERROR ? LOG_ERROR : level == CC_LOG_WARNING ? LOG_WARNING
                  : level == CC_LOG_INFO ? LOG_INFO : LOG_DEBUG;
    blog(obs_level, "[cleancast] %s", msg);
}

bool obs_module_load(void)
{
    cc_set_log_callback(log_to_obs, NULL);
    obs_register_source(&cleancast_background_filter);
    obs_register_source(&cleancast_noise_filter);
    blog(LOG_INFO, "[cleancast] module loaded (cleancast %s)", cc_version());
    return true;
}

void obs_module_unload(void)
{
    cc_set_log_callback(NULL, NULL);
}
