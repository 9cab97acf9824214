/**
 * @file audio.h
 * Noise suppression (placeholder: filled in by the audio-core work).
 */
#ifndef CLEANCAST_AUDIO_H
#define CLEANCAST_AUDIO_H

#include "cleancast.h"

#endif
