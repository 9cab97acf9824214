/**
 * @file version.h
 * Compile-time version of cleancast. cc_version() returns the run-time one.
 */
#ifndef CLEANCAST_VERSION_H
#define CLEANCAST_VERSION_H

#define CC_VERSION_MAJOR 0
#define CC_VERSION_MINOR 1
#define CC_VERSION_PATCH 0
#define CC_VERSION_STRING "0.1.0"

#endif
