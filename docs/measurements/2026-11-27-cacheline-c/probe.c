/*
 * What a cross-core cache-line transfer costs, measured in C (no interpreter in the way).
 *
 *   gcc -O2 -pthread probe.c -o probe && ./probe [cpuA cpuB [reps [ops]]]
 *
 * `ops` (default 2,000,000) is the hops or increments per run: on a loaded VM short runs (20,000)
 * often fit inside a stretch where both vCPUs run, so the low end of many short runs shows the
 * hardware rather than the vCPUs' turns.
 *
 * Two threads pinned to two CPUs share one 64-byte-aligned line.
 * - pingpong: A writes an odd value and spins until it reads the next even one; B spins until it
 *   reads the odd value and writes the next even one. Each hop is one transfer of the line (the
 *   reader's miss) plus one store and a few loads that hit: hop ns ~ one transfer.
 * - atomic-2cpu: both threads do __atomic_fetch_add on the one counter as fast as they can (a
 *   contended refcount or counter): ns per increment per thread; each increment must own the line.
 * - atomic-1thread: one thread alone on cpuA (the line never leaves the core): an uncontended atomic.
 * - lock-2cpu: both threads take a spin lock in the line, increment a field next to it, release
 *   (a per-object critical section, PEP 703's ob_mutex beside the object's data); ns per section
 *   per thread. lock-1thread: one thread alone (no contention): the uncontended section.
 * Each figure is the median of `reps` runs; every run is printed (raw).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long HOPS = 2000000L, INCS = 2000000L;

static struct { volatile long v; char pad[56]; } __attribute__((aligned(64))) line;
static struct { volatile int lock; volatile long data; char pad[52]; } __attribute__((aligned(64))) obj;
static volatile int go, ready;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void pin(int cpu) {
  cpu_set_t s;
  CPU_ZERO(&s);
  CPU_SET(cpu, &s);
  if (pthread_setaffinity_np(pthread_self(), sizeof s, &s) != 0) { perror("pin"); exit(1); }
}

struct arg { int cpu; int mode; double seconds; };

static void *pong(void *p) {
  struct arg *a = p;
  pin(a->cpu);
  for (long i = 0; i < HOPS; i++) {
    while (line.v != 2 * i + 1) ;
    line.v = 2 * i + 2;
  }
  return NULL;
}

static void *hammer(void *p) {
  struct arg *a = p;
  pin(a->cpu);
  __atomic_fetch_add(&ready, 1, __ATOMIC_SEQ_CST);
  while (!go) ;
  double t0 = now();
  if (a->mode == 0)
    for (long i = 0; i < INCS; i++) __atomic_fetch_add(&line.v, 1, __ATOMIC_SEQ_CST);
  else
    for (long i = 0; i < INCS; i++) {
      while (__atomic_exchange_n(&obj.lock, 1, __ATOMIC_ACQUIRE)) while (obj.lock) ;
      obj.data++;
      __atomic_store_n(&obj.lock, 0, __ATOMIC_RELEASE);
    }
  a->seconds = now() - t0;
  return NULL;
}

static double pingpong(int a, int b) {
  line.v = 0;
  struct arg B = { b, 0, 0 };
  pthread_t th;
  pthread_create(&th, NULL, pong, &B);
  pin(a);
  double t0 = now();
  for (long i = 0; i < HOPS; i++) {
    line.v = 2 * i + 1;
    while (line.v != 2 * i + 2) ;
  }
  double dt = now() - t0;
  pthread_join(th, NULL);
  return dt / (2.0 * HOPS) * 1e9;
}

/* ns per operation per thread, `n` threads on cpus a, b. */
static double contend(int mode, int n, int a, int b) {
  struct arg args[2] = { { a, mode, 0 }, { b, mode, 0 } };
  pthread_t th[2];
  go = 0;
  ready = 0;
  line.v = 0;
  obj.lock = 0;
  obj.data = 0;
  for (int i = 0; i < n; i++) pthread_create(&th[i], NULL, hammer, &args[i]);
  while (ready < n) ;
  go = 1;
  double sum = 0;
  for (int i = 0; i < n; i++) { pthread_join(th[i], NULL); sum += args[i].seconds; }
  return sum / n / INCS * 1e9;
}

static int cmp(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b;
}

static void report(const char *name, double *v, int reps) {
  printf("%s raw:", name);
  for (int i = 0; i < reps; i++) printf(" %.1f", v[i]);
  qsort(v, reps, sizeof *v, cmp);
  printf("\n%s median %.1f ns, 10th percentile %.1f ns, min %.1f ns\n", name, v[reps / 2], v[reps / 10], v[0]);
}

int main(int argc, char **argv) {
  int a = argc > 2 ? atoi(argv[1]) : 0, b = argc > 2 ? atoi(argv[2]) : 1;
  int reps = argc > 3 ? atoi(argv[3]) : 9;
  if (argc > 4) HOPS = INCS = atol(argv[4]);
  static double v[1000];
  if (reps > 1000) reps = 1000;
  for (int i = 0; i < reps; i++) v[i] = pingpong(a, b);
  report("pingpong (ns per one-way hop)", v, reps);
  for (int i = 0; i < reps; i++) v[i] = contend(0, 2, a, b);
  report("atomic-2cpu (ns per fetch_add per thread)", v, reps);
  for (int i = 0; i < reps; i++) v[i] = contend(0, 1, a, b);
  report("atomic-1thread (ns per fetch_add, one thread alone)", v, reps);
  for (int i = 0; i < reps; i++) v[i] = contend(1, 2, a, b);
  report("lock-2cpu (ns per critical section per thread)", v, reps);
  for (int i = 0; i < reps; i++) v[i] = contend(1, 1, a, b);
  report("lock-1thread (ns per critical section, one thread alone)", v, reps);
  return 0;
}
