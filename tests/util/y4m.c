#ifndef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L /* popen */
#endif
#include "y4m.h"

#include <stdlib.h>
#include <string.h>

static int parse_header(CcY4m *y, const char *path);

int cc_y4m_open(CcY4m *y, const char *path)
{
    memset(y, 0, sizeof(*y));
    y->f = fopen(path, "rb");
    if (!y->f) {
        fprintf(stderr, "y4m: cannot open %s\n", path);
        return -1;
    }
    return parse_header(y, path);
}

int cc_y4m_open_cmd(CcY4m *y, const char *cmd)
{
    memset(y, 0, sizeof(*y));
    fflush(NULL);
    y->f = popen(cmd, "r");
    if (!y->f) {
        fprintf(stderr, "y4m: cannot run %s\n", cmd);
        return -1;
    }
    y->is_pipe = 1;
    return parse_header(y, cmd);
}

static int parse_header(CcY4m *y, const char *path)
{
    char hdr[256];
    if (!fgets(hdr, sizeof(hdr), y->f) || strncmp(hdr, "YUV4MPEG2 ", 10)) {
        fprintf(stderr, "y4m: %s is not a Y4M file\n", path);
        goto fail;
    }
    y->fps_num = 25;
    y->fps_den = 1;
    for (char *tok = strtok(hdr + 10, " \n"); tok; tok = strtok(NULL, " \n")) {
        if (tok[0] == 'W')
            y->width = atoi(tok + 1);
        else if (tok[0] == 'H')
            y->height = atoi(tok + 1);
        else if (tok[0] == 'F')
            sscanf(tok + 1, "%d:%d", &y->fps_num, &y->fps_den);
        else if (tok[0] == 'C' && strncmp(tok, "C420", 4)) {
            fprintf(stderr, "y4m: %s: colour space %s not supported (420 only)\n", path, tok);
            goto fail;
        }
    }
    if (y->width < 1 || y->height < 1 || y->width > 8192 || y->height > 8192) {
        fprintf(stderr, "y4m: %s: bad size %dx%d\n", path, y->width, y->height);
        goto fail;
    }
    size_t cw = (size_t)(y->width + 1) / 2, ch = (size_t)(y->height + 1) / 2;
    y->planes[0] = malloc((size_t)y->width * y->height);
    y->planes[1] = malloc(cw * ch);
    y->planes[2] = malloc(cw * ch);
    if (!y->planes[0] || !y->planes[1] || !y->planes[2])
        goto fail;
    return 0;
fail:
    cc_y4m_close(y);
    return -1;
}

int cc_y4m_read(CcY4m *y)
{
    char line[128];
    if (!fgets(line, sizeof(line), y->f))
        return 0;
    if (strncmp(line, "FRAME", 5))
        return -1;
    size_t cw = (size_t)(y->width + 1) / 2, ch = (size_t)(y->height + 1) / 2;
    size_t sizes[3] = { (size_t)y->width * y->height, cw * ch, cw * ch };
    for (int i = 0; i < 3; i++)
        if (fread(y->planes[i], 1, sizes[i], y->f) != sizes[i])
            return -1;
    return 1;
}

void cc_y4m_close(CcY4m *y)
{
    if (y->f && y->is_pipe) {
        char buf[4096];
        while (fread(buf, 1, sizeof(buf), y->f) > 0) /* let the writer finish */
            ;
        pclose(y->f);
    } else if (y->f) {
        fclose(y->f);
    }
    for (int i = 0; i < 3; i++)
        free(y->planes[i]);
    memset(y, 0, sizeof(*y));
}
