/* The bounded queue under the media pipeline's threads: order, bounds, never-blocking calls,
 * close semantics (drain, then NULL), timeouts, and many producers/consumers losing nothing. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "queue.h"
#include "testutil.h"

#define N_ITEMS 20000

static CcQueue q;
static long long sum_popped;
static pthread_mutex_t sum_lock = PTHREAD_MUTEX_INITIALIZER;

static void *producer(void *arg)
{
    intptr_t base = (intptr_t)arg;
    for (intptr_t i = 1; i <= N_ITEMS; i++)
        cc_queue_push(&q, (void *)(base + i));
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    void *it;
    long long s = 0;
    while ((it = cc_queue_pop(&q)))
        s += (intptr_t)it;
    pthread_mutex_lock(&sum_lock);
    sum_popped += s;
    pthread_mutex_unlock(&sum_lock);
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
    int a = 1, b = 2, c = 3;
    CHECK(cc_queue_init(&q, 2) == 0);
    CHECK(cc_queue_try_pop(&q) == NULL);
    CHECK(cc_queue_try_push(&q, &a) == 0);
    CHECK(cc_queue_try_push(&q, &b) == 0);
    CHECK(cc_queue_try_push(&q, &c) == -1); /* full: refused at once, never blocks */
    CHECK(cc_queue_count(&q) == 2);
    CHECK(cc_queue_pop(&q) == &a);          /* FIFO */
    CHECK(cc_queue_try_push(&q, &c) == 0);  /* wraps around */
    CHECK(cc_queue_pop(&q) == &b);
    double t0 = now_s();
    CHECK(cc_queue_pop_timeout(&q, 50000) == &c);
    CHECK(cc_queue_pop_timeout(&q, 50000) == NULL); /* empty: returns after the timeout */
    double waited = now_s() - t0;
    CHECK_MSG(waited >= 0.045 && waited < 2.0, "waited %.3f s for a 50 ms timeout", waited);
    cc_queue_try_push(&q, &a);
    cc_queue_close(&q);
    CHECK(cc_queue_push(&q, &b) == -1);     /* closed: no more pushes */
    CHECK(cc_queue_try_push(&q, &b) == -1);
    CHECK(cc_queue_pop(&q) == &a);          /* ... but what is in it drains */
    CHECK(cc_queue_pop(&q) == NULL);        /* then NULL, without blocking */
    cc_queue_destroy(&q);

    /* 4 producers, 3 consumers through a queue of 8: every item arrives exactly once. */
    CHECK(cc_queue_init(&q, 8) == 0);
    pthread_t prod[4], cons[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&cons[i], NULL, consumer, NULL);
    for (int i = 0; i < 4; i++)
        pthread_create(&prod[i], NULL, producer, (void *)(intptr_t)(i * 1000000));
    for (int i = 0; i < 4; i++)
        pthread_join(prod[i], NULL);
    cc_queue_close(&q);
    for (int i = 0; i < 3; i++)
        pthread_join(cons[i], NULL);
    long long want = 0;
    for (int i = 0; i < 4; i++)
        want += (long long)N_ITEMS * i * 1000000 + (long long)N_ITEMS * (N_ITEMS + 1) / 2;
    CHECK_MSG(sum_popped == want, "sum %lld, want %lld", sum_popped, want);
    cc_queue_destroy(&q);
    return CC_TEST_RESULT();
}
