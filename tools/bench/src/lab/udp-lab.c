// See udp-lab.h.
#define _GNU_SOURCE
#include "udp-lab.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

const char *arg(int argc, char **argv, const char *name, const char *fallback) {
  for (int i = 1; i + 1 < argc; i++)
    if (strcmp(argv[i], name) == 0) return argv[i + 1];
  return fallback;
}

void ensure_fd_limit(int count) {
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= (rlim_t)count) return;
  limit.rlim_cur = (rlim_t)count;
  if (limit.rlim_max < limit.rlim_cur) limit.rlim_max = limit.rlim_cur;
  setrlimit(RLIMIT_NOFILE, &limit);
}

int bind_udp(struct in_addr address, uint16_t port, int options, const char *who) {
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &address, text, sizeof text);
  int fd = socket(AF_INET, SOCK_DGRAM | ((options & BIND_NONBLOCK) != 0 ? SOCK_NONBLOCK : 0), 0);
  if (fd < 0) {
    fprintf(stderr, "%s: socket for %s: %s\n", who, text, strerror(errno));
    return -1;
  }
  int on = 1;
  if ((options & BIND_REUSEADDR) != 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = address};
  if (bind(fd, (struct sockaddr *)&local, sizeof local) != 0) {
    fprintf(stderr, "%s: bind %s:%u: %s\n", who, text, (unsigned)port, strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}
