/*
 * Comparisons for the plugin tests (raw mono or interleaved f32 files). One line of
 * key=value results; the exit status says whether the limits given were met.
 *
 *   plugcmp exact A B MAX_ABS
 *       same length; largest |A-B| and the SNR of A against B. Pass: max |A-B| <= MAX_ABS.
 *
 *   plugcmp align REC REF NOISY CLEAN RATE MIN_MATCH_DB MIN_GAIN_DB
 *       REC: a live recording (mono) that starts and ends anywhere; REF: the denoiser's
 *       output for NOISY, time-aligned with NOISY and CLEAN (the clean speech in it). The lag
 *       of REC behind REF is found by cross-correlating 10 ms envelopes (+-5 s), then per
 *       sample (+-10 ms). Over the overlap, less its first 0.5 s: match_db = SNR of REC
 *       against REF; SI-SDR (Le Roux et al. 2019) of NOISY and of REC against CLEAN
 *       (sisdr_in_db, sisdr_out_db, sisdr_gain_db); speech_gain_db = level of the clean
 *       speech in REC (the SI-SDR scale, 0 = kept). Pass: match_db >= MIN_MATCH_DB,
 *       sisdr_gain_db >= MIN_GAIN_DB, |speech_gain_db| <= 3 dB, span >= 4 s.
 *
 *   plugcmp match REC REF RATE MIN_MATCH_DB
 *       REC aligned with REF as above; pass: match_db >= MIN_MATCH_DB and span >= 4 s.
 *
 *   plugcmp gate GATED UNGATED CLEAN RATE
 *       the gate plugin's output against the same denoiser without gate (both time-aligned)
 *       and the clean speech: speech_loss_db (level lost where the clean speech is active),
 *       onset_loss_db (worst loss over the first 40 ms of the words that start after at least
 *       300 ms of silence), pause_drop_db (how much lower the long pauses are).
 *       Pass: speech_loss_db <= 1, onset_loss_db <= 3, pause_drop_db >= 20.
 *
 *   plugcmp erle MIC ECHO OUT RATE FROM_S MIN_DB [MAX_DB]
 *       echo return loss enhancement of OUT (time-aligned with MIC) as
 *       tests/audio/echometrics.c defines it: 10 log10(sum MIC^2 / sum OUT^2) over the 20 ms
 *       frames from FROM_S s on whose echo (ECHO: the echo alone in MIC) is within 30 dB of
 *       its loudest 20 ms frame. Pass: erle_db >= MIN_DB (and <= MAX_DB when given: for a
 *       check that something does NOT cancel).
 *
 *   plugcmp ratio A B MIN_DB [MAX_DB]
 *       10 log10(sum A^2 / sum B^2) over the whole files (any lengths; for recordings that
 *       cannot be aligned with their input sample by sample). Pass: ratio_db >= MIN_DB (and
 *       <= MAX_DB when given).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static float *load(const char *path, long *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "plugcmp: cannot read %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    float *x = malloc((size_t)sz + 4);
    *n = (long)(fread(x, 1, (size_t)sz, f) / sizeof(float));
    fclose(f);
    return x;
}

static double db(double p) { return 10.0 * log10(p + 1e-30); }

static int cmd_exact(char **argv)
{
    long na, nb;
    float *a = load(argv[0], &na), *b = load(argv[1], &nb);
    double lim = atof(argv[2]), mx = 0, e = 0, s = 0;
    if (na != nb) {
        printf("length_a=%ld length_b=%ld\n", na, nb);
        return 1;
    }
    for (long i = 0; i < na; i++) {
        double d = fabs((double)a[i] - b[i]);
        if (d > mx)
            mx = d;
        e += d * d;
        s += (double)b[i] * b[i];
    }
    printf("samples=%ld max_abs_diff=%.3g snr_db=%.1f\n", na, mx, e > 0 ? db(s) - db(e) : 999.0);
    return mx <= lim ? 0 : 1;
}

static float *envelope(const float *x, long n, int B, long *ne)
{
    *ne = n / B;
    float *e = malloc(sizeof(float) * (size_t)(*ne + 1));
    for (long k = 0; k < *ne; k++) {
        double s = 0;
        for (int i = 0; i < B; i++)
            s += (double)x[k * B + i] * x[k * B + i];
        e[k] = (float)sqrt(s / B);
    }
    return e;
}

static int cmd_align(char **argv, int match_only)
{
    long nr, nf, nn, nc;
    float *rec = load(argv[0], &nr), *ref = load(argv[1], &nf);
    float *noisy = match_only ? ref : load(argv[2], &nn), *clean = match_only ? ref : load(argv[3], &nc);
    if (match_only) {
        nn = nc = nf;
        argv -= 2;
    }
    int rate = atoi(argv[4]);
    double min_match = atof(argv[5]), min_gain = match_only ? -1e9 : atof(argv[6]);
    long n = nf < nn ? nf : nn;
    if (nc < n)
        n = nc;
    int B = rate / 100;
    long ner, nef;
    float *er = envelope(rec, nr, B, &ner), *ef = envelope(ref, n, B, &nef);
    /* rec[i] ~ ref[i - lag] */
    long best = 0;
    double bestv = -1;
    for (long L = -500; L <= 500; L++) {
        double s = 0, a = 0, c = 0;
        for (long k = 0; k < ner; k++) {
            long j = k - L;
            if (j < 0 || j >= nef)
                continue;
            s += (double)er[k] * ef[j];
            a += (double)er[k] * er[k];
            c += (double)ef[j] * ef[j];
        }
        double v = a > 0 && c > 0 ? s / sqrt(a * c) : -1;
        if (v > bestv) {
            bestv = v;
            best = L;
        }
    }
    long lag = best * B, best_lag = lag;
    bestv = -1e300;
    for (long d = -B; d <= B; d++) {
        double s = 0;
        for (long i = 0; i < n; i += 3) {
            long r = i + lag + d;
            if (r >= 0 && r < nr)
                s += (double)rec[r] * ref[i];
        }
        if (s > bestv) {
            bestv = s;
            best_lag = lag + d;
        }
    }
    lag = best_lag;
    /* Overlap in ref coordinates, where the recording is active, less its first 0.5 s. */
    long i0 = -1, i1 = -1;
    for (long i = 0; i < n; i++) {
        long r = i + lag;
        if (r < 0 || r >= nr)
            continue;
        if (i0 < 0 && fabsf(rec[r]) > 1e-4f)
            i0 = i;
        i1 = i;
    }
    if (i0 < 0) {
        printf("error=recording_silent_or_no_overlap\n");
        return 1;
    }
    i0 += rate / 2;
    double span = (double)(i1 - i0) / rate;
    double sr = 0, er2 = 0, cc = 0, co = 0, cn = 0, oo = 0, nnn = 0;
    for (long i = i0; i < i1; i++) {
        double o = rec[i + lag], f = ref[i], c = clean[i], x = noisy[i];
        sr += f * f;
        er2 += (o - f) * (o - f);
        cc += c * c;
        co += c * o;
        cn += c * x;
        oo += o * o;
        nnn += x * x;
    }
    /* SI-SDR: s = (<x,c>/<c,c>) c; 10 log10 |s|^2 / |x - s|^2 */
    double ao = co / cc, an = cn / cc;
    double so = ao * ao * cc, sn = an * an * cc;
    double sisdr_out = db(so) - db(oo - 2 * ao * co + so);
    double sisdr_in = db(sn) - db(nnn - 2 * an * cn + sn);
    double match = db(sr) - db(er2);
    double speech_gain = 20 * log10(fabs(ao) + 1e-30);
    if (match_only) {
        printf("lag_samples=%ld span_s=%.2f match_db=%.1f\n", lag, span, match);
        return match >= min_match && span >= 4 ? 0 : 1;
    }
    printf("lag_samples=%ld span_s=%.2f match_db=%.1f sisdr_in_db=%.2f sisdr_out_db=%.2f "
           "sisdr_gain_db=%.2f speech_gain_db=%.2f\n", lag, span, match, sisdr_in, sisdr_out,
           sisdr_out - sisdr_in, speech_gain);
    return match >= min_match && sisdr_out - sisdr_in >= min_gain && fabs(speech_gain) <= 3 &&
                   span >= 4
               ? 0
               : 1;
}

static int cmd_gate(char **argv)
{
    long ng, nu, nc;
    float *g = load(argv[0], &ng), *u = load(argv[1], &nu), *c = load(argv[2], &nc);
    int rate = atoi(argv[3]);
    long n = ng < nu ? ng : nu;
    if (nc < n)
        n = nc;
    int B = rate / 100;
    long nb;
    float *ec = envelope(c, n, B, &nb), *eg = envelope(g, n, B, &nb), *eu = envelope(u, n, B, &nb);
    double peak = 0;
    for (long k = 0; k < nb; k++)
        if (ec[k] > peak)
            peak = ec[k];
    double thr = peak * 0.01; /* -40 dB of the loudest 10 ms: speech active */
    double sg = 0, su = 0, pg = 0, pu = 0, worst_onset = 0;
    int onsets = 0;
    long quiet = 0, since_speech = 0; /* pauses after the first word only */
    for (long k = 0; k < nb; k++) {
        int active = ec[k] > thr;
        if (active) {
            sg += (double)eg[k] * eg[k];
            su += (double)eu[k] * eu[k];
            if (quiet >= 30 && k + 4 <= nb) { /* a word after >= 300 ms of silence */
                double og = 0, ou = 0;
                for (long j = k; j < k + 4; j++) {
                    og += (double)eg[j] * eg[j];
                    ou += (double)eu[j] * eu[j];
                }
                double loss = db(ou) - db(og);
                fprintf(stderr, "onset at %.2f s: %.1f dB lost\n", (double)k / 100, loss);
                if (loss > worst_onset)
                    worst_onset = loss;
                onsets++;
            }
            quiet = 0;
            since_speech = 0;
        } else {
            quiet++;
            since_speech++;
            /* well inside a pause: past the hold (250 ms) and the ramps, and more than the
               120 ms look-back (+ its 5 ms opening ramp) before the next word, where the gate
               opens on purpose when the VAD fires at the onset. (With a 100 ms margin RNNoise
               0.2, whose VAD fires at the onset itself, counted ~3 of its deliberately open
               blocks as pause: pause_drop 19.7 dB, against 38.8 for 0.1, whose VAD fires
               40-110 ms late. With 150 ms: see tests/plugins/test_offline.sh.) */
            int next_active = 0;
            for (long j = k; j < k + 15 && j < nb; j++)
                next_active |= ec[j] > thr;
            if (since_speech > 40 && !next_active) {
                pg += (double)eg[k] * eg[k];
                pu += (double)eu[k] * eu[k];
            }
        }
    }
    double speech_loss = db(su) - db(sg), pause_drop = db(pu) - db(pg);
    printf("onsets=%d speech_loss_db=%.2f onset_loss_db=%.2f pause_drop_db=%.1f\n", onsets,
           speech_loss, worst_onset, pause_drop);
    return onsets > 0 && speech_loss <= 1 && worst_onset <= 3 && pause_drop >= 20 ? 0 : 1;
}

static int cmd_erle(int argc, char **argv)
{
    long nm, ne, no;
    float *mic = load(argv[0], &nm), *echo = load(argv[1], &ne), *out = load(argv[2], &no);
    long rate = atol(argv[3]), fl = rate / 50;
    double from = atof(argv[4]), lo = atof(argv[5]), hi = argc > 6 ? atof(argv[6]) : 1e9;
    if (nm != ne || nm != no || fl <= 0) {
        printf("length_mic=%ld length_echo=%ld length_out=%ld\n", nm, ne, no);
        return 1;
    }
    double peak = 0, sm = 0, so = 0;
    for (long i = 0; i + fl <= nm; i += fl) {
        double e = 0;
        for (long j = i; j < i + fl; j++)
            e += (double)echo[j] * echo[j];
        peak = fmax(peak, e);
    }
    long used = 0;
    for (long i = (long)(from * rate); i + fl <= nm; i += fl) {
        double e = 0, m = 0, o = 0;
        for (long j = i; j < i + fl; j++) {
            e += (double)echo[j] * echo[j];
            m += (double)mic[j] * mic[j];
            o += (double)out[j] * out[j];
        }
        if (e > peak * 1e-3) {
            sm += m;
            so += o;
            used++;
        }
    }
    double erle = 10.0 * log10((sm + 1e-20) / (so + 1e-20));
    printf("erle_db=%.2f frames=%ld\n", erle, used);
    return used > 0 && erle >= lo && erle <= hi ? 0 : 1;
}

static int cmd_ratio(int argc, char **argv)
{
    long na, nb;
    float *a = load(argv[0], &na), *b = load(argv[1], &nb);
    double ea = 0, eb = 0, lo = atof(argv[2]), hi = argc > 3 ? atof(argv[3]) : 1e9;
    for (long i = 0; i < na; i++)
        ea += (double)a[i] * a[i];
    for (long i = 0; i < nb; i++)
        eb += (double)b[i] * b[i];
    double r = db(ea) - db(eb);
    printf("ratio_db=%.2f samples_a=%ld samples_b=%ld\n", r, na, nb);
    return na > 0 && nb > 0 && r >= lo && r <= hi ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && !strcmp(argv[1], "exact"))
        return cmd_exact(argv + 2);
    if (argc >= 9 && !strcmp(argv[1], "align"))
        return cmd_align(argv + 2, 0);
    if (argc >= 6 && !strcmp(argv[1], "match"))
        return cmd_align(argv + 2, 1);
    if (argc >= 6 && !strcmp(argv[1], "gate"))
        return cmd_gate(argv + 2);
    if (argc >= 5 && !strcmp(argv[1], "ratio"))
        return cmd_ratio(argc - 2, argv + 2);
    if (argc >= 8 && !strcmp(argv[1], "erle"))
        return cmd_erle(argc - 2, argv + 2);
    fprintf(stderr, "usage: plugcmp exact A B MAX_ABS | align REC REF NOISY CLEAN RATE "
                    "MIN_MATCH_DB MIN_GAIN_DB | match REC REF RATE MIN_MATCH_DB | gate GATED UNGATED CLEAN RATE | erle MIC ECHO OUT RATE FROM_S MIN_DB [MAX_DB] | ratio A B MIN_DB [MAX_DB]\n");
    return 2;
}
