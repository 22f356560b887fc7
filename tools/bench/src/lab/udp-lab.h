// What the benchmarks' C senders (burst/burst.c, storm/flood.c) share: the clock, their argument lookup, the
// descriptor limit and UDP sockets bound to a lab host's address. compile-c.ts compiles udp-lab.c into each.
#ifndef SSDP_BENCH_UDP_LAB_H
#define SSDP_BENCH_UDP_LAB_H

#include <netinet/in.h>
#include <stdint.h>

// CLOCK_REALTIME in ns: the clock of the kernel's receive timestamps (SO_TIMESTAMPNS) and of Date.now(), which the
// benchmarks compare these times with.
int64_t now_ns(void);

// The value after `--name` in argv, or `fallback`.
const char *arg(int argc, char **argv, const char *name, const char *fallback);

// Raises the soft limit on open descriptors to at least `count` (one socket per source or port, plus a margin).
void ensure_fd_limit(int count);

#define BIND_NONBLOCK 1
#define BIND_REUSEADDR 2

// A UDP socket bound to address:port (port 0: an ephemeral one), `options` a mix of BIND_*; on failure it says
// why on stderr, prefixed with `who`, and returns -1.
int bind_udp(struct in_addr address, uint16_t port, int options, const char *who);

#endif
