/* Still-image files for the CLI, through FFmpeg's libraries. */
#ifndef CC_TOOLS_IMAGEIO_H
#define CC_TOOLS_IMAGEIO_H

#include <stdint.h>

typedef struct CcImage {
    int width, height;
    int channels;   /* 1 (gray), 3 (RGB) or 4 (RGBA) */
    int stride;     /* bytes per row */
    uint8_t *data;
} CcImage;

/*
 * Reads PNG, JPEG, PPM/PGM (anything FFmpeg decodes as a still) as RGBA (channels 4; opaque
 * alpha when the file has none). Returns 0, or -1 after printing an error naming the file
 * and the problem (missing, empty, not an image, corrupt).
 */
int cc_image_read(const char *path, CcImage *img);

/*
 * Writes by extension: .png (gray, RGB or RGBA), .jpg/.jpeg (RGB; alpha dropped),
 * .ppm (RGB), .pgm (gray). Writes a temporary file and renames it on success.
 * Returns 0, or -1 after printing an error.
 */
int cc_image_write(const char *path, const CcImage *img);

/* Allocates a zeroed image. 0 or -1 (out of memory). */
int cc_image_alloc(CcImage *img, int width, int height, int channels);
void cc_image_free(CcImage *img);

#endif
