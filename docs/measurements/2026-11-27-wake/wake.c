// How much a FUTEX_WAKE costs the waker, and how long until the woken thread runs, by how long
// the sleeper's CPU has been idle: two threads pinned to CPUs 0 and 1; B announces, then sleeps
// in FUTEX_WAIT; A spins GAP ns after the announcement, then wakes B. Gaps down to 0 ns (B may
// not even be asleep yet: FUTEX_WAKE then wakes nobody and B's FUTEX_WAIT returns EAGAIN).
// Build: gcc -O2 -pthread wake.c -o wake; run: ./wake > raw.txt
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static _Atomic int word, announced, woke_seq;
static _Atomic long t_woke;
static long now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000L + t.tv_nsec; }
static void pin(int cpu) { cpu_set_t s; CPU_ZERO(&s); CPU_SET(cpu, &s); pthread_setaffinity_np(pthread_self(), sizeof s, &s); }

static void *sleeper(void *arg) {
  (void)arg;
  pin(1);
  for (int seq = 1;; seq++) {
    atomic_store(&announced, seq);
    while (atomic_load(&word) >= 0 && atomic_load(&word) < seq) syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, seq - 1, NULL, NULL, 0);
    if (atomic_load(&word) < 0) return NULL;
    atomic_store(&t_woke, now());
    atomic_store(&woke_seq, seq);
  }
}

int main(void) {
  long gaps[] = {0, 250, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10000, 20000, 100000};
  int rounds = 3000;
  pthread_t b;
  pin(0);
  pthread_create(&b, NULL, sleeper, NULL);
  int seq = 0;
  for (unsigned g = 0; g < sizeof gaps / sizeof *gaps; g++) {
    for (int r = 0; r < rounds; r++) {
      seq++;
      while (atomic_load(&announced) != seq) ;
      long t_end = now() + gaps[g];
      while (now() < t_end) ;
      long t0 = now();
      atomic_store(&word, seq);
      long woken = syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
      long t1 = now();
      while (atomic_load(&woke_seq) != seq) ;
      printf("gap=%ld woken=%ld call=%ld latency=%ld\n", gaps[g], woken, t1 - t0, atomic_load(&t_woke) - t0);
    }
  }
  atomic_store(&word, -1);
  syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
  pthread_join(b, NULL);
  return 0;
}
