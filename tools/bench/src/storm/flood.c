// M-SEARCH flood generator for benchmark 3 (compiled by storm.ts with the system C compiler; Node's dgram cannot
// send 50k datagrams/s on a shared 2-core machine and still leave the device a core).
//
// Sends valid multicast M-SEARCHes to 239.255.255.250:1900 from the host address given, paced to --rate per
// second for --duration-ms, then keeps listening --drain-ms for late responses; prints one JSON line.
//
// Sources: --sockets K UDP sockets on ephemeral ports, used in turn for --slot-ms each (socket s during slot s,
// s+K, ...). The cycle K x slot must be longer than the largest MX plus a margin, so every response that reaches
// socket s belongs to its latest slot: it is late when it arrives more than MX after that slot's last search.
// Socket s always says MX = 1 + s % 5; the ST turns through ssdp:all, upnp:rootdevice, the device's UUID, its
// device type and a type nobody has, one per search.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "udp-lab.h"

#define BATCH 64
#define ST_COUNT 5
#define MX_COUNT 5
#define RECV_BATCH 64

int main(int argc, char **argv) {
  const char *bind_address = arg(argc, argv, "--bind", NULL);
  const char *udn = arg(argc, argv, "--udn", "uuid:00000000-0000-4000-8000-000000000000");
  const char *group = arg(argc, argv, "--group", "239.255.255.250");
  int port = atoi(arg(argc, argv, "--port", "1900"));
  double rate = atof(arg(argc, argv, "--rate", "1000"));
  int64_t duration_ms = atoll(arg(argc, argv, "--duration-ms", "10000"));
  int64_t drain_ms = atoll(arg(argc, argv, "--drain-ms", "5600"));
  int sockets = atoi(arg(argc, argv, "--sockets", "1024"));
  int64_t slot_ms = atoll(arg(argc, argv, "--slot-ms", "8"));
  int st_offset = atoi(arg(argc, argv, "--st-offset", "0"));
  if (bind_address == NULL || rate <= 0 || sockets < 1 || slot_ms < 1) {
    fprintf(stderr, "usage: flood --bind <address> [--udn uuid:...] [--rate N] [--duration-ms N] [--drain-ms N] [--sockets K] [--slot-ms N]\n");
    return 2;
  }
  if ((int64_t)sockets * slot_ms < (MX_COUNT + 1) * 1000) {
    fprintf(stderr, "flood: --sockets x --slot-ms must be at least %d ms (largest MX + 1 s)\n", (MX_COUNT + 1) * 1000);
    return 2;
  }

  ensure_fd_limit(sockets + 64);

  struct in_addr local;
  if (inet_pton(AF_INET, bind_address, &local) != 1) {
    fprintf(stderr, "flood: bad --bind address\n");
    return 2;
  }
  struct sockaddr_in destination = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  inet_pton(AF_INET, group, &destination.sin_addr);

  int epoll = epoll_create1(0);
  int *fds = calloc((size_t)sockets, sizeof(int));
  int64_t *use_start = calloc((size_t)sockets, sizeof(int64_t));
  int64_t *use_end = calloc((size_t)sockets, sizeof(int64_t));
  int64_t *use_slot = calloc((size_t)sockets, sizeof(int64_t));
  for (int s = 0; s < sockets; s++) {
    // Responses are timed by the kernel (SO_TIMESTAMPNS, same clock as now_ns): when they reached the socket, not
    // when this process got round to reading them.
    int fd = bind_udp(local, 0, BIND_NONBLOCK, "flood");
    if (fd < 0) return 1;
    unsigned char ttl = 2, loop = 0;
    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &local, sizeof local);
    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop);
    int buffer = 1 << 20, on = 1;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    struct epoll_event event = {.events = EPOLLIN, .data.u32 = (uint32_t)s};
    epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
    fds[s] = fd;
    use_slot[s] = -1;
  }

  const char *targets[ST_COUNT] = {"ssdp:all", "upnp:rootdevice", udn, "urn:schemas-upnp-org:device:Basic:1",
                                   "urn:schemas-upnp-org:service:NobodyHasThis:1"};
  static char messages[MX_COUNT][ST_COUNT][512];
  size_t lengths[MX_COUNT][ST_COUNT];
  for (int mx = 0; mx < MX_COUNT; mx++)
    for (int st = 0; st < ST_COUNT; st++)
      lengths[mx][st] = (size_t)snprintf(messages[mx][st], sizeof messages[mx][st],
                                         "M-SEARCH * HTTP/1.1\r\nHOST: %s:%d\r\nMAN: \"ssdp:discover\"\r\nMX: %d\r\nST: %s\r\n"
                                         "USER-AGENT: Linux/6 UPnP/2.0 ssdp-bench-flood/1\r\n\r\n",
                                         group, port, mx + 1, targets[st]);

  struct mmsghdr out[BATCH];
  struct iovec out_iov[BATCH];
  struct mmsghdr in[RECV_BATCH];
  struct iovec in_iov[RECV_BATCH];
  static char in_buffers[RECV_BATCH][1500];
  static char in_control[RECV_BATCH][CMSG_SPACE(sizeof(struct timespec))];

  uint64_t sent = 0, send_again = 0, send_errors = 0, responses = 0, not_ok = 0, timestamped = 0;
  uint64_t late = 0, late_100 = 0, late_1000 = 0;
  double max_late_ms = -1e9, max_delay_fraction = 0;
  uint64_t delay_buckets[11] = {0};
  int64_t start = now_ns();
  int64_t send_end = start + duration_ms * 1000000LL;
  int64_t end = send_end + drain_ms * 1000000LL;
  int64_t last_send = start;
  struct epoll_event ready[64];

  for (;;) {
    int64_t t = now_ns();
    if (t >= end) break;
    int sending = t < send_end;
    if (sending) {
      uint64_t due = (uint64_t)(rate * (double)(t - start) / 1e9);
      while (sent < due) {
        int64_t slot = (t - start) / (slot_ms * 1000000LL);
        int s = (int)(slot % sockets);
        int mx = s % MX_COUNT;
        int n = (int)(due - sent < BATCH ? due - sent : BATCH);
        for (int i = 0; i < n; i++) {
          int st = (int)((sent + (uint64_t)i + (uint64_t)st_offset) % ST_COUNT);
          out_iov[i].iov_base = messages[mx][st];
          out_iov[i].iov_len = lengths[mx][st];
          memset(&out[i], 0, sizeof out[i]);
          out[i].msg_hdr.msg_name = &destination;
          out[i].msg_hdr.msg_namelen = sizeof destination;
          out[i].msg_hdr.msg_iov = &out_iov[i];
          out[i].msg_hdr.msg_iovlen = 1;
        }
        int done = sendmmsg(fds[s], out, (unsigned)n, 0);
        if (done < 0) {
          if (errno == EAGAIN || errno == ENOBUFS) send_again++;
          else send_errors++;
          break;
        }
        if (done > 0) {
          int64_t at = now_ns();
          if (use_slot[s] != slot) {
            use_slot[s] = slot;
            use_start[s] = at;
          }
          use_end[s] = at;
          last_send = at;
        }
        sent += (uint64_t)done;
        if (done < n) break;
        t = now_ns();
        if (t >= send_end) break;
      }
    }
    int count = epoll_wait(epoll, ready, 64, sending ? (sent >= (uint64_t)(rate * (double)(now_ns() - start) / 1e9) ? 1 : 0) : 20);
    for (int e = 0; e < count; e++) {
      int s = (int)ready[e].data.u32;
      for (;;) {
        for (int i = 0; i < RECV_BATCH; i++) {
          in_iov[i].iov_base = in_buffers[i];
          in_iov[i].iov_len = sizeof in_buffers[i];
          memset(&in[i], 0, sizeof in[i]);
          in[i].msg_hdr.msg_iov = &in_iov[i];
          in[i].msg_hdr.msg_iovlen = 1;
          in[i].msg_hdr.msg_control = in_control[i];
          in[i].msg_hdr.msg_controllen = sizeof in_control[i];
        }
        int got = recvmmsg(fds[s], in, RECV_BATCH, MSG_DONTWAIT, NULL);
        if (got <= 0) break;
        int64_t read_at = now_ns();
        for (int i = 0; i < got; i++) {
          int64_t at = read_at;
          for (struct cmsghdr *c = CMSG_FIRSTHDR(&in[i].msg_hdr); c != NULL; c = CMSG_NXTHDR(&in[i].msg_hdr, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
              struct timespec ts;
              memcpy(&ts, CMSG_DATA(c), sizeof ts);
              at = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
              timestamped++;
            }
          }
          responses++;
          if (in[i].msg_len < 15 || memcmp(in_buffers[i], "HTTP/1.1 200 OK", 15) != 0) not_ok++;
          double window_ms = (double)((s % MX_COUNT) + 1) * 1000.0;
          double late_ms = (double)(at - use_end[s]) / 1e6 - window_ms;
          if (late_ms > max_late_ms) max_late_ms = late_ms;
          if (late_ms > 0) late++;
          if (late_ms > 100) late_100++;
          if (late_ms > 1000) late_1000++;
          double fraction = (double)(at - use_start[s]) / 1e6 / window_ms;
          if (fraction > max_delay_fraction) max_delay_fraction = fraction;
          int bucket = fraction < 0 ? 0 : fraction >= 1 ? 10 : (int)(fraction * 10);
          delay_buckets[bucket]++;
        }
        if (got < RECV_BATCH) break;
      }
    }
  }

  double seconds = (double)(last_send - start) / 1e9;
  printf("{\"rate\":%.0f,\"sent\":%llu,\"sendSeconds\":%.3f,\"achievedRate\":%.1f,\"sendAgain\":%llu,\"sendErrors\":%llu,"
         "\"responses\":%llu,\"notOk\":%llu,\"late\":%llu,\"lateOver100ms\":%llu,\"lateOver1s\":%llu,\"maxLateMs\":%.1f,"
         "\"maxDelayFraction\":%.3f,\"kernelTimestamps\":%llu,\"delayDeciles\":[",
         rate, (unsigned long long)sent, seconds, seconds > 0 ? (double)sent / seconds : 0.0, (unsigned long long)send_again,
         (unsigned long long)send_errors, (unsigned long long)responses, (unsigned long long)not_ok, (unsigned long long)late,
         (unsigned long long)late_100, (unsigned long long)late_1000, responses == 0 ? 0.0 : max_late_ms, max_delay_fraction,
         (unsigned long long)timestamped);
  for (int i = 0; i < 11; i++) printf("%s%llu", i == 0 ? "" : ",", (unsigned long long)delay_buckets[i]);
  printf("]}\n");
  return 0;
}
