#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "queue.h"

int cc_queue_init(CcQueue *q, int capacity)
{
    q->items = calloc((size_t)capacity, sizeof(*q->items));
    if (!q->items)
        return -1;
    q->capacity = capacity;
    q->head = q->count = q->closed = 0;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    pthread_cond_init(&q->not_full, NULL);
    return 0;
}

void cc_queue_destroy(CcQueue *q)
{
    if (!q->items)
        return;
    free(q->items);
    q->items = NULL;
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->not_empty);
    pthread_cond_destroy(&q->not_full);
}

static void put(CcQueue *q, void *item)
{
    q->items[(q->head + q->count) % q->capacity] = item;
    q->count++;
    pthread_cond_signal(&q->not_empty);
}

static void *take(CcQueue *q)
{
    void *item = q->items[q->head];
    q->head = (q->head + 1) % q->capacity;
    q->count--;
    pthread_cond_signal(&q->not_full);
    return item;
}

int cc_queue_push(CcQueue *q, void *item)
{
    pthread_mutex_lock(&q->lock);
    while (q->count == q->capacity && !q->closed)
        pthread_cond_wait(&q->not_full, &q->lock);
    int ret = -1;
    if (!q->closed) {
        put(q, item);
        ret = 0;
    }
    pthread_mutex_unlock(&q->lock);
    return ret;
}

int cc_queue_try_push(CcQueue *q, void *item)
{
    pthread_mutex_lock(&q->lock);
    int ret = -1;
    if (!q->closed && q->count < q->capacity) {
        put(q, item);
        ret = 0;
    }
    pthread_mutex_unlock(&q->lock);
    return ret;
}

void *cc_queue_pop(CcQueue *q)
{
    pthread_mutex_lock(&q->lock);
    while (!q->count && !q->closed)
        pthread_cond_wait(&q->not_empty, &q->lock);
    void *item = q->count ? take(q) : NULL;
    pthread_mutex_unlock(&q->lock);
    return item;
}

void *cc_queue_try_pop(CcQueue *q)
{
    pthread_mutex_lock(&q->lock);
    void *item = q->count ? take(q) : NULL;
    pthread_mutex_unlock(&q->lock);
    return item;
}

void *cc_queue_pop_timeout(CcQueue *q, long timeout_us)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += timeout_us / 1000000;
    ts.tv_nsec += (timeout_us % 1000000) * 1000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&q->lock);
    while (!q->count && !q->closed) {
        if (pthread_cond_timedwait(&q->not_empty, &q->lock, &ts) == ETIMEDOUT)
            break;
    }
    void *item = q->count ? take(q) : NULL;
    pthread_mutex_unlock(&q->lock);
    return item;
}

void cc_queue_close(CcQueue *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = 1;
    pthread_cond_broadcast(&q->not_empty);
    pthread_cond_broadcast(&q->not_full);
    pthread_mutex_unlock(&q->lock);
}

int cc_queue_count(CcQueue *q)
{
    pthread_mutex_lock(&q->lock);
    int n = q->count;
    pthread_mutex_unlock(&q->lock);
    return n;
}
