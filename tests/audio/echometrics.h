/*
 * Echo-cancellation metrics (issue 16) on the test set of data/build_echo.sh, shared by
 * tests/audio/test_echo.c and bench/echo_eval.c. Signals are mono float arrays of one
 * length at 48 kHz, the processed output time-aligned with the mic.
 */
#ifndef CC_TESTS_ECHOMETRICS_H
#define CC_TESTS_ECHOMETRICS_H

#include <stdint.h>

/* One case of the set: its cases.txt line and its four signals. */
typedef struct CcEchoCase {
    char name[64], kind[8];
    double rt60, delay_ms, drift_ppm, near_dbfs, ser_db, snr_db, seconds;
    int clip;
    int rate;
    int64_t n;
    float *mic, *far, *near, *echo;
} CcEchoCase;

/* Reads the cases.txt of dir (at most max); returns the count, -1 on error (printed). */
int cc_echo_read_list(const char *dir, CcEchoCase *cases, int max);
/* Loads the four WAVs of a case; 0 or -1 (printed). */
int cc_echo_load(const char *dir, CcEchoCase *c);
void cc_echo_unload(CcEchoCase *c);

/*
 * ERLE, dB: 10 log10(sum mic^2 / sum out^2) over the 20 ms frames of [from, to) s in which
 * the echo alone is within 30 dB of its loudest frame (the far end is audible).
 */
double cc_echo_erle(const CcEchoCase *c, const float *out, double from_s, double to_s);
/* SI-SDR of est against the clean near end over [from, to) s, dB. */
double cc_echo_sisdr(const CcEchoCase *c, const float *est, double from_s, double to_s);
/* Near-end level kept, dB: 20 log10(<out, near> / <near, near>) over [from, to) s (0 = all
 * of it, -3 = lost 3 dB); noise and echo in out do not count, being uncorrelated with it. */
double cc_echo_near_gain(const CcEchoCase *c, const float *out, double from_s, double to_s);

#endif
