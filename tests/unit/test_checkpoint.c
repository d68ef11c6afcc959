/*
 * The binomial checkpointing schedule (conformance/lib/checkpoint.h), run
 * against a model of the state it claims to manage:
 *
 *   - every reverse(k) comes in the order nstates - 1 .. 0, with state k
 *     current, whatever the snapshots;
 *   - the "first" steps are each step of the first sweep exactly once, and
 *     turn() comes once, after them and before the first reverse;
 *   - no more than nslots snapshots are held at once, a restore reads a
 *     slot that was stored;
 *   - the steps taken equal the minimum over all schedules, found by an
 *     exhaustive search over every split, and Griewank's closed form
 *     (osib_checkpoint_revolve, the count osib estimate prints).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "checkpoint.h"

enum { MAX_STATES = 160, MAX_SLOTS = 12 };

typedef struct {
    size_t current;                 /* the state the caller holds now */
    long slot_state[MAX_SLOTS + 1]; /* the state each snapshot holds, -1: none */
    int nslots;
    size_t next_reverse; /* the state the next reverse must be for */
    int first_taken[MAX_STATES];
    int turned, reversed_before_turn;
    size_t firsts_after_turn;
} model;

static void m_advance(void *ctx, size_t from, size_t to, int first, int slot)
{
    model *m = ctx;
    assert_int_equal(m->current, from);
    assert_true(to > from);
    for (size_t j = from; j < to; j++) {
        if (first) {
            assert_int_equal(m->first_taken[j], 0);
            m->first_taken[j] = 1;
            m->firsts_after_turn += m->turned;
        } else {
            assert_int_equal(m->first_taken[j], 1); /* a recomputation retakes a step taken before */
        }
    }
    m->current = to;
    if (slot >= 0) {
        assert_true(slot < m->nslots);
        m->slot_state[slot] = (long)m->current;
    }
}

static void m_restore(void *ctx, int slot)
{
    model *m = ctx;
    if (slot < 0) {
        m->current = 0;
        return;
    }
    assert_true(slot < m->nslots);
    assert_true(m->slot_state[slot] >= 0);
    m->current = (size_t)m->slot_state[slot];
}

static void m_turn(void *ctx)
{
    model *m = ctx;
    assert_int_equal(m->turned, 0);
    m->turned = 1;
}

static void m_reverse(void *ctx, size_t state)
{
    model *m = ctx;
    m->reversed_before_turn += !m->turned;
    assert_int_equal(state, m->next_reverse);
    assert_int_equal(m->current, state);
    m->next_reverse--;
}

/* The fewest steps that reverse n states from a held one with s free
 * snapshots, over every schedule of this form: choose the next snapshot's
 * place m, reverse the right part with s - 1, then the left with s; with
 * none left, every state again from the start. */
static double best[MAX_STATES + 1][MAX_SLOTS + 1];

static void exhaustive(void)
{
    for (int s = 0; s <= MAX_SLOTS; s++)
        for (size_t n = 1; n <= MAX_STATES; n++) {
            if (n == 1) {
                best[n][s] = 0;
                continue;
            }
            if (s == 0) {
                best[n][s] = (double)(n * (n - 1) / 2);
                continue;
            }
            double b = -1;
            for (size_t m = 1; m < n; m++) {
                double c = (double)m + best[n - m][s - 1] + best[m][s];
                if (b < 0 || c < b)
                    b = c;
            }
            best[n][s] = b;
        }
}

static void run_one(size_t n, int nslots)
{
    model m;
    memset(&m, 0, sizeof m);
    for (int i = 0; i <= MAX_SLOTS; i++)
        m.slot_state[i] = -1;
    m.nslots = nslots;
    m.next_reverse = n - 1;
    osib_revolve_actions a = {&m, m_advance, m_restore, m_turn, m_reverse};
    osib_revolve_counts c;
    osib_revolve_run(n, nslots, &a, &c);
    assert_int_equal(m.next_reverse, (size_t)-1); /* state 0 reversed last */
    assert_int_equal(m.turned, n > 0);
    assert_int_equal(m.reversed_before_turn, 0);
    assert_int_equal(m.firsts_after_turn, 0);
    for (size_t j = 0; j + 1 < n; j++)
        assert_int_equal(m.first_taken[j], 1);
    assert_true(c.slots_used <= nslots);
    if (c.forward_steps != best[n][nslots])
        fail_msg("%zu states, %d snapshots: %g steps, the minimum is %g", n, nslots, c.forward_steps, best[n][nslots]);
    if (nslots + 1 < (int)n) {
        osib_checkpoint_plan p = osib_checkpoint_revolve((double)n, (double)nslots + 1.0);
        if (c.forward_steps != p.forward_steps)
            fail_msg("%zu states, %d snapshots: %g steps, Griewank's t(%d, %zu) = %g", n, nslots, c.forward_steps,
                     nslots + 1, n, p.forward_steps);
    } else {
        assert_true(c.forward_steps == (double)(n - 1));
    }
}

static void test_schedule_is_optimal(void **state)
{
    (void)state;
    exhaustive();
    for (size_t n = 1; n <= MAX_STATES; n++)
        for (int s = 0; s <= MAX_SLOTS; s++)
            run_one(n, s);
}

/* A time axis of real length, against the closed form only. */
static size_t steps_seen;
static void count_advance(void *ctx, size_t from, size_t to, int first, int slot)
{
    (void)ctx;
    (void)first;
    (void)slot;
    steps_seen += to - from;
}
static void nothing_slot(void *ctx, int slot)
{
    (void)ctx;
    (void)slot;
}
static void nothing_state(void *ctx, size_t k)
{
    (void)ctx;
    (void)k;
}

static void test_long_axis(void **state)
{
    (void)state;
    const size_t n = 4532; /* the SEAM-size case's steps (osib estimate) */
    const int slots[] = {1, 8, 67, 283, 1000};
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++) {
        osib_revolve_actions a = {NULL, count_advance, nothing_slot, NULL, nothing_state};
        osib_revolve_counts c;
        steps_seen = 0;
        osib_revolve_run(n, slots[i], &a, &c);
        osib_checkpoint_plan p = osib_checkpoint_revolve((double)n, (double)slots[i] + 1.0);
        assert_true(c.forward_steps == p.forward_steps);
        assert_true((double)steps_seen == p.forward_steps);
        assert_true(c.slots_used <= slots[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schedule_is_optimal),
        cmocka_unit_test(test_long_axis),
    };
    return cmocka_run_group_tests_name("checkpoint schedule", tests, NULL, NULL);
}
