/* Bounded thread-safe FIFO of pointers (mutex + condition variables). */
#ifndef CC_MEDIA_QUEUE_H
#define CC_MEDIA_QUEUE_H

#include <pthread.h>

typedef struct CcQueue {
    pthread_mutex_t lock;
    pthread_cond_t not_empty, not_full;
    void **items;
    int capacity, head, count;
    int closed;           /* no more pushes; pops drain what is left, then get NULL */
} CcQueue;

int cc_queue_init(CcQueue *q, int capacity);
void cc_queue_destroy(CcQueue *q);
/* Blocks while full; returns 0, or -1 when the queue is closed (item not taken). */
int cc_queue_push(CcQueue *q, void *item);
/* Never blocks; returns 0, or -1 when full or closed (item not taken). */
int cc_queue_try_push(CcQueue *q, void *item);
/* Blocks while empty; returns NULL once closed and drained. */
void *cc_queue_pop(CcQueue *q);
/* Never blocks: NULL when empty. */
void *cc_queue_try_pop(CcQueue *q);
/* Like pop, with a deadline in microseconds from now; NULL on timeout or closed+drained. */
void *cc_queue_pop_timeout(CcQueue *q, long timeout_us);
void cc_queue_close(CcQueue *q);
int cc_queue_count(CcQueue *q);

#endif
