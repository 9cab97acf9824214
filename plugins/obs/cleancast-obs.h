/* cleancast-obs: the filters the module registers. */
#ifndef CLEANCAST_OBS_H
#define CLEANCAST_OBS_H

#include <obs-module.h>

extern struct obs_source_info cleancast_background_filter;
extern struct obs_source_info cleancast_noise_filter;

#endif
