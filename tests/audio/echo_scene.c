/*
 * echo_scene: builds one acoustic-echo test case (issue 16) the way the AEC challenge builds
 * its synthetic set: the far end (what the loudspeaker plays) goes through an optional soft-
 * clipping loudspeaker, a little clock drift, a bulk delay and a room impulse response made
 * here by an image-source model of a shoebox room (the loudspeaker rolls off below 100 Hz);
 * the near-end talker (another speaker) and
 * noise are added at the microphone. Everything at 48 kHz mono.
 *
 * Compiled with the system cc by data/build_echo.sh (it runs before the meson build, like
 * tests/video/hd_composite.c), so it depends on libc and libm only.
 *
 *   echo_scene OUTPREFIX KIND SEED RT60 DELAY_MS DRIFT_PPM CLIP NEAR_DBFS SER_DB SNR_DB SECONDS
 *              FAR_WAVS NEAR_WAVS NOISE_WAV
 *   KIND: fst (far-end single talk), nst (near-end single talk, far end silent),
 *         dt (double talk: far end all along, near end from 2.5 s), pc (far-end single talk,
 *         the echo path changes at half the length: the loudspeaker is moved)
 *   FAR_WAVS, NEAR_WAVS: comma-separated 16-bit PCM WAVs at 48 kHz, played one after the
 *   other from an offset chosen by SEED. SER_DB: echo level at the mic relative to the near
 *   talker's level NEAR_DBFS (RMS over the whole of its speech); SNR_DB: near level over noise.
 *
 * Writes OUTPREFIX.{mic,far,near,echo}.wav as 32-bit float WAVs of the same length: the
 * microphone (echo + near + noise), the far-end reference, the near talker alone as it
 * reaches the mic (dry: direct path only), and the echo alone. Prints one line of
 * parameters (room size, positions, wall reflection, RIR length) on stderr.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000
#define C_SOUND 343.0
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static void die(const char *msg, const char *arg)
{
    fprintf(stderr, "echo_scene: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    exit(1);
}

/* xorshift64*: a fixed, platform-independent sequence for a seed. */
static uint64_t rng_state;
static double urand(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}
static double uniform(double lo, double hi) { return lo + (hi - lo) * urand(); }

/* ---------------------------------------------------------------- WAV in/out */

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* A 16-bit PCM 48 kHz WAV, mono or stereo (averaged), into doubles at +-1. */
static double *read_wav(const char *path, long *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)size);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size)
        die("cannot read", path);
    fclose(f);
    if (size < 12 || memcmp(buf, "RIFF", 4) || memcmp(buf + 8, "WAVE", 4))
        die("not a RIFF WAVE file", path);
    int fmt_ok = 0, ch = 1;
    long pos = 12;
    while (pos + 8 <= size) {
        uint32_t len = rd32(buf + pos + 4);
        if (!memcmp(buf + pos, "fmt ", 4) && len >= 16) {
            ch = rd16(buf + pos + 10);
            if (rd16(buf + pos + 8) != 1 || ch < 1 || ch > 2 || rd32(buf + pos + 12) != RATE ||
                rd16(buf + pos + 22) != 16)
                die("want 16-bit PCM, mono or stereo, 48000 Hz", path);
            fmt_ok = 1;
        } else if (!memcmp(buf + pos, "data", 4)) {
            if (!fmt_ok)
                die("data before fmt", path);
            long avail = size - pos - 8;
            long m = ((long)len < avail ? (long)len : avail) / (2 * ch);
            double *x = malloc((size_t)(m ? m : 1) * sizeof(double));
            for (long i = 0; i < m; i++) {
                double v = 0;
                for (int c = 0; c < ch; c++)
                    v += (int16_t)rd16(buf + pos + 8 + 2 * (i * ch + c)) / 32768.0;
                x[i] = v / ch;
            }
            free(buf);
            *n = m;
            return x;
        }
        pos += 8 + len + (len & 1);
    }
    die("no data chunk", path);
    return NULL;
}

static void wr32(FILE *f, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    fwrite(b, 1, 4, f);
}
static void wr16(FILE *f, uint16_t v)
{
    uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    fwrite(b, 1, 2, f);
}

static void write_wav(const char *prefix, const char *what, const double *x, long n)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s.%s.wav", prefix, what);
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot write", path);
    fwrite("RIFF", 1, 4, f);
    wr32(f, (uint32_t)(38 + 4 * n));
    fwrite("WAVEfmt ", 1, 8, f);
    wr32(f, 18); /* a float format carries cbSize (0) */
    wr16(f, 3); /* IEEE float */
    wr16(f, 1);
    wr32(f, RATE);
    wr32(f, RATE * 4);
    wr16(f, 4);
    wr16(f, 32);
    wr16(f, 0);
    fwrite("data", 1, 4, f);
    wr32(f, (uint32_t)(4 * n));
    for (long i = 0; i < n; i++) {
        float v = (float)x[i];
        uint32_t u;
        memcpy(&u, &v, 4);
        wr32(f, u);
    }
    if (fclose(f))
        die("write failed", path);
}

/* Speech from a list of files, back to back, from a seeded offset, n samples. */
static double *speech(const char *list, long n)
{
    char *copy = strdup(list);
    double *all = NULL;
    long total = 0;
    for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
        long m;
        double *x = read_wav(tok, &m);
        all = realloc(all, (size_t)(total + m) * sizeof(double));
        memcpy(all + total, x, (size_t)m * sizeof(double));
        total += m;
        free(x);
    }
    free(copy);
    if (total < RATE)
        die("less than 1 s of speech in", list);
    double *y = malloc((size_t)n * sizeof(double));
    long off = (long)(urand() * (double)total);
    for (long i = 0; i < n; i++)
        y[i] = all[(off + i) % total];
    free(all);
    return y;
}

static double rms(const double *x, long n)
{
    double s = 0;
    for (long i = 0; i < n; i++)
        s += x[i] * x[i];
    return sqrt(s / (double)(n ? n : 1));
}

/* RMS over the active part: 20 ms frames within 40 dB of the loudest one. */
static double active_rms(const double *x, long n)
{
    const long fl = RATE / 50;
    double peak = 0, s = 0;
    long cnt = 0;
    for (long i = 0; i + fl <= n; i += fl)
        peak = fmax(peak, rms(x + i, fl));
    for (long i = 0; i + fl <= n; i += fl) {
        double r = rms(x + i, fl);
        if (r > peak * 0.01) {
            s += r * r;
            cnt++;
        }
    }
    return cnt ? sqrt(s / (double)cnt) : 0;
}

static void scale(double *x, long n, double g)
{
    for (long i = 0; i < n; i++)
        x[i] *= g;
}

/* ---------------------------------------------------------------- FFT convolution */

/* In-place radix-2 complex FFT (n a power of two); sign -1 forward, +1 inverse (unscaled). */
static void fft(double *re, double *im, long n, int sign)
{
    for (long i = 1, j = 0; i < n; i++) {
        long bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j) {
            double t = re[i]; re[i] = re[j]; re[j] = t;
            t = im[i]; im[i] = im[j]; im[j] = t;
        }
    }
    for (long len = 2; len <= n; len <<= 1) {
        double a = sign * 2 * M_PI / (double)len;
        for (long k = 0; k < len / 2; k++) {
            double wr = cos(a * (double)k), wi = sin(a * (double)k);
            for (long i = k; i < n; i += len) {
                long j = i + len / 2;
                double xr = re[j] * wr - im[j] * wi, xi = re[j] * wi + im[j] * wr;
                re[j] = re[i] - xr; im[j] = im[i] - xi;
                re[i] += xr; im[i] += xi;
            }
        }
    }
}

/* y[0..n) = (x * h)[0..n), overlap-add. */
static void convolve(const double *x, long n, const double *h, long hn, double *y)
{
    long nfft = 1;
    while (nfft < 2 * hn)
        nfft <<= 1;
    if (nfft < 65536)
        nfft = 65536;
    long blk = nfft - hn + 1;
    double *hr = calloc((size_t)nfft, sizeof(double)), *hi = calloc((size_t)nfft, sizeof(double));
    double *xr = malloc((size_t)nfft * sizeof(double)), *xi = malloc((size_t)nfft * sizeof(double));
    memcpy(hr, h, (size_t)hn * sizeof(double));
    fft(hr, hi, nfft, -1);
    memset(y, 0, (size_t)n * sizeof(double));
    for (long b = 0; b < n; b += blk) {
        long m = n - b < blk ? n - b : blk;
        memset(xr, 0, (size_t)nfft * sizeof(double));
        memset(xi, 0, (size_t)nfft * sizeof(double));
        memcpy(xr, x + b, (size_t)m * sizeof(double));
        fft(xr, xi, nfft, -1);
        for (long k = 0; k < nfft; k++) {
            double r = xr[k] * hr[k] - xi[k] * hi[k], i = xr[k] * hi[k] + xi[k] * hr[k];
            xr[k] = r;
            xi[k] = i;
        }
        fft(xr, xi, nfft, 1);
        for (long k = 0; k < nfft && b + k < n; k++)
            y[b + k] += xr[k] / (double)nfft;
    }
    free(hr); free(hi); free(xr); free(xi);
}

/* ---------------------------------------------------------------- image-source RIR */

typedef struct Room {
    double L[3];    /* size, m */
    double beta;    /* wall reflection coefficient (pressure), the same on all six walls */
} Room;

/*
 * Allen & Berkley's image method: every image of the source in the mirrored lattice of the
 * room, attenuated by beta per wall bounce and 1/(4 pi d), placed at its delay with a
 * 32-tap Hann-windowed sinc (fractional delay). Length hn samples; images further than
 * that are left out.
 */
static void rir(const Room *room, const double src[3], const double mic[3], double *h, long hn)
{
    const double maxd = (double)hn / RATE * C_SOUND;
    memset(h, 0, (size_t)hn * sizeof(double));
    int N[3];
    for (int a = 0; a < 3; a++)
        N[a] = (int)ceil(maxd / (2 * room->L[a])) + 1;
    double refl[64];
    for (int k = 0; k < 64; k++)
        refl[k] = pow(room->beta, k);
    for (int qx = 0; qx < 2; qx++)
    for (int qy = 0; qy < 2; qy++)
    for (int qz = 0; qz < 2; qz++)
    for (int nx = -N[0]; nx <= N[0]; nx++) {
        double dx = (1 - 2 * qx) * src[0] + 2 * nx * room->L[0] - mic[0];
        int bx = abs(nx - qx) + abs(nx);
        if (fabs(dx) > maxd)
            continue;
        for (int ny = -N[1]; ny <= N[1]; ny++) {
            double dy = (1 - 2 * qy) * src[1] + 2 * ny * room->L[1] - mic[1];
            int by = abs(ny - qy) + abs(ny);
            double dxy2 = dx * dx + dy * dy;
            if (dxy2 > maxd * maxd)
                continue;
            for (int nz = -N[2]; nz <= N[2]; nz++) {
                double dz = (1 - 2 * qz) * src[2] + 2 * nz * room->L[2] - mic[2];
                double d = sqrt(dxy2 + dz * dz);
                if (d > maxd)
                    continue;
                int bounces = bx + by + abs(nz - qz) + abs(nz);
                double amp = (bounces < 64 ? refl[bounces] : 0) / (4 * M_PI * fmax(d, 0.05));
                if (amp < 1e-7)
                    continue;
                double t = d / C_SOUND * RATE;
                long t0 = (long)floor(t);
                for (long k = t0 - 15; k <= t0 + 16; k++) {
                    if (k < 0 || k >= hn)
                        continue;
                    double u = (double)k - t;
                    double s = fabs(u) < 1e-9 ? 1 : sin(M_PI * u) / (M_PI * u);
                    double w = 0.5 + 0.5 * cos(M_PI * u / 16.5);
                    h[k] += amp * s * w;
                }
            }
        }
    }
}

static void place(const Room *room, double p[3], double margin)
{
    for (int a = 0; a < 3; a++)
        p[a] = uniform(margin, room->L[a] - margin);
}

/* A loudspeaker position 0.3..1.0 m from the mic, inside the room. */
static void place_near(const Room *room, const double mic[3], double p[3])
{
    for (int tries = 0; tries < 1000; tries++) {
        double r = uniform(0.3, 1.0), th = uniform(0, 2 * M_PI), z = uniform(-0.3, 0.3);
        p[0] = mic[0] + r * cos(th);
        p[1] = mic[1] + r * sin(th);
        p[2] = mic[2] + z;
        int ok = 1;
        for (int a = 0; a < 3; a++)
            ok &= p[a] > 0.2 && p[a] < room->L[a] - 0.2;
        if (ok)
            return;
    }
    die("cannot place the loudspeaker", NULL);
}

/* Value of x at fractional position t (4-point cubic Hermite); 0 outside. */
static double interp(const double *x, long n, double t)
{
    long i = (long)floor(t);
    double f = t - (double)i, p[4];
    for (int k = 0; k < 4; k++) {
        long j = i - 1 + k;
        p[k] = j >= 0 && j < n ? x[j] : 0;
    }
    double c1 = 0.5 * (p[2] - p[0]);
    double c2 = p[0] - 2.5 * p[1] + 2 * p[2] - 0.5 * p[3];
    double c3 = 0.5 * (p[3] - p[0]) + 1.5 * (p[1] - p[2]);
    return ((c3 * f + c2) * f + c1) * f + p[1];
}

int main(int argc, char **argv)
{
    if (argc != 15) {
        fprintf(stderr, "usage: echo_scene OUTPREFIX KIND SEED RT60 DELAY_MS DRIFT_PPM CLIP "
                        "NEAR_DBFS SER_DB SNR_DB SECONDS FAR_WAVS NEAR_WAVS NOISE_WAV\n");
        return 2;
    }
    const char *prefix = argv[1], *kind = argv[2];
    rng_state = strtoull(argv[3], NULL, 10) * 0x9E3779B97F4A7C15ULL + 1;
    double rt60 = atof(argv[4]), delay_ms = atof(argv[5]), drift = atof(argv[6]) * 1e-6;
    int clip = atoi(argv[7]);
    double near_dbfs = atof(argv[8]), ser = atof(argv[9]), snr = atof(argv[10]);
    long n = (long)(atof(argv[11]) * RATE);
    int fst = !strcmp(kind, "fst"), nst = !strcmp(kind, "nst"), dt = !strcmp(kind, "dt"),
        pc = !strcmp(kind, "pc");
    if (!(fst || nst || dt || pc) || n < 4 * RATE || rt60 < 0.1 || rt60 > 1.5)
        die("bad KIND, SECONDS (>= 4) or RT60", kind);
    for (int i = 0; i < 20; i++)
        urand();

    /* Room: size, then beta from Sabine's formula, RT60 = 0.161 V / (S (1 - beta^2)). */
    Room room;
    room.L[0] = uniform(3.0, 7.0);
    room.L[1] = uniform(2.5, 5.5);
    room.L[2] = uniform(2.4, 3.2);
    double V = room.L[0] * room.L[1] * room.L[2];
    double S = 2 * (room.L[0] * room.L[1] + room.L[0] * room.L[2] + room.L[1] * room.L[2]);
    double alpha = fmin(0.161 * V / (S * rt60), 0.99);
    room.beta = sqrt(1 - alpha);
    double mic[3], spk[3], spk2[3];
    place(&room, mic, 0.6);
    place_near(&room, mic, spk);
    place_near(&room, mic, spk2);
    long hn = (long)(fmin(rt60, 0.9) * RATE); /* to -60 dB at most: what a canceller can see */

    double *far = speech(argv[12], n);
    double *near = speech(argv[13], n);
    long nn;
    double *noise_src = read_wav(argv[14], &nn);
    if (nn < RATE / 2)
        die("noise shorter than 0.5 s", argv[14]);

    /* The far end at -24 dBFS active RMS; silent in nst. */
    scale(far, n, pow(10, -24 / 20.0) / fmax(active_rms(far, n), 1e-9));
    if (nst)
        memset(far, 0, (size_t)n * sizeof(double));

    /* Loudspeaker: optional soft clip, tanh(3x)/3: linear for small x, -3 dB at x = 0.4 (speech peaks). */
    double *ls = malloc((size_t)n * sizeof(double));
    for (long i = 0; i < n; i++)
        ls[i] = clip ? tanh(3 * far[i]) / 3 : far[i];
    /* The driver's roll-off: 2nd-order Butterworth high-pass at 100 Hz (a laptop's or desk
       speaker's plays little below). It also takes out the image method's DC artifact (all
       images add in phase at 0 Hz), which Allen & Berkley remove with a high-pass too. */
    {
        double w = tan(M_PI * 100.0 / RATE), q = sqrt(0.5), nrm = 1 / (1 + w / q + w * w);
        double b0 = nrm, b1 = -2 * nrm, b2 = nrm, a1 = 2 * (w * w - 1) * nrm,
               a2 = (1 - w / q + w * w) * nrm, z0 = 0, z1 = 0;
        for (long i = 0; i < n; i++) {
            double v = ls[i], y = b0 * v + z0;
            z0 = b1 * v - a1 * y + z1;
            z1 = b2 * v - a2 * y;
            ls[i] = y;
        }
    }
    /* Clock drift: the loudspeaker's clock runs (1 + drift) times the mic's; bulk delay. */
    double *played = malloc((size_t)n * sizeof(double));
    double D = delay_ms * 1e-3 * RATE;
    for (long i = 0; i < n; i++)
        played[i] = interp(ls, n, ((double)i - D) * (1 + drift));
    double *h = malloc((size_t)hn * sizeof(double));
    double *echo = malloc((size_t)n * sizeof(double));
    rir(&room, spk, mic, h, hn);
    convolve(played, n, h, hn, echo);
    long tchange = pc ? n / 2 : -1;
    if (pc) {
        double *echo2 = malloc((size_t)n * sizeof(double));
        rir(&room, spk2, mic, h, hn);
        convolve(played, n, h, hn, echo2);
        /* the change: a 10 ms crossfade at half the length */
        long fade = RATE / 100;
        for (long i = 0; i < n; i++) {
            double w = i < tchange ? 0 : i >= tchange + fade ? 1 : (double)(i - tchange) / fade;
            echo[i] = (1 - w) * echo[i] + w * echo2[i];
        }
        free(echo2);
    }

    /* Near talker: silent in fst/pc, from 2.5 s in dt (the canceller has heard the far end
       alone first), all along in nst. Level near_dbfs over its speech. */
    long near_start = dt ? (long)(2.5 * RATE) : 0;
    if (fst || pc)
        memset(near, 0, (size_t)n * sizeof(double));
    else {
        memset(near, 0, (size_t)near_start * sizeof(double));
        scale(near, n, pow(10, near_dbfs / 20) / fmax(active_rms(near + near_start, n - near_start), 1e-9));
    }
    /* Echo level: ser dB over the near level (the level the near talker would have). */
    if (!nst)
        scale(echo, n, pow(10, (near_dbfs + ser) / 20) / fmax(active_rms(echo, n), 1e-12));
    /* Noise: looped from a seeded offset, at near_dbfs - snr. */
    double *noise = malloc((size_t)n * sizeof(double));
    long noff = (long)(urand() * (double)nn);
    for (long i = 0; i < n; i++)
        noise[i] = noise_src[(noff + i) % nn];
    scale(noise, n, pow(10, (near_dbfs - snr) / 20) / fmax(rms(noise, n), 1e-12));

    double *micsig = malloc((size_t)n * sizeof(double));
    double peak = 0;
    for (long i = 0; i < n; i++) {
        micsig[i] = echo[i] + near[i] + noise[i];
        peak = fmax(peak, fabs(micsig[i]));
    }
    if (peak > 0.99)
        fprintf(stderr, "echo_scene: %s: warning: mic peak %.2f above full scale\n", prefix, peak);
    write_wav(prefix, "mic", micsig, n);
    write_wav(prefix, "far", far, n);
    write_wav(prefix, "near", near, n);
    write_wav(prefix, "echo", echo, n);
    fprintf(stderr, "room %.2fx%.2fx%.2f beta %.3f mic %.2f,%.2f,%.2f spk %.2f,%.2f,%.2f "
                    "spk2 %.2f,%.2f,%.2f rir %ld change %ld\n",
            room.L[0], room.L[1], room.L[2], room.beta, mic[0], mic[1], mic[2], spk[0], spk[1],
            spk[2], spk2[0], spk2[1], spk2[2], hn, tchange);
    free(far); free(near); free(noise_src); free(ls); free(played); free(h); free(echo);
    free(noise); free(micsig);
    return 0;
}
