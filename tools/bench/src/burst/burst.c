// The fleet of benchmark 5 (bursts of answers), compiled by burst.ts with the system C compiler: waits for one
// M-SEARCH from --searcher on the SSDP group, then answers it for --devices root devices from --sources source
// addresses (the lab adds them to eth0), --answers per device (1: upnp:rootdevice; 3: + uuid:X + the device type),
// device by device, all at once (--spread-ms 0: as fast as the link takes them) or spread evenly over --spread-ms.
// Device i answers from source i % sources with LOCATION http://<its source>:<--http-port>/d/<i>.xml (the lab's
// description server). Prints one JSON line: when the search came, when the first and last answers left, how many.
// C, not Node: a Node sender shares the 2 cores with the receiver under test and cannot make "all at once".
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "udp-lab.h"

#define MAX_SOURCES 1024

static void sleep_ns(int64_t ns) {
  struct timespec ts = {.tv_sec = ns / 1000000000LL, .tv_nsec = ns % 1000000000LL};
  nanosleep(&ts, NULL);
}

int main(int argc, char **argv) {
  const char *searcher_text = arg(argc, argv, "--searcher", NULL);
  const char *listen_text = arg(argc, argv, "--listen", NULL);
  const char *first_source_text = arg(argc, argv, "--first-source", NULL);
  const char *group_text = arg(argc, argv, "--group", "239.255.255.250");
  int port = atoi(arg(argc, argv, "--port", "1900"));
  int sources = atoi(arg(argc, argv, "--sources", "100"));
  long devices = atol(arg(argc, argv, "--devices", "1000"));
  int answers = atoi(arg(argc, argv, "--answers", "3"));
  int64_t spread_ms = atoll(arg(argc, argv, "--spread-ms", "0"));
  int http_port = atoi(arg(argc, argv, "--http-port", "8080"));
  int64_t timeout_ms = atoll(arg(argc, argv, "--timeout-ms", "30000"));
  const char *tag = arg(argc, argv, "--tag", "000000000000");
  if (searcher_text == NULL || listen_text == NULL || first_source_text == NULL || sources < 1 || sources > MAX_SOURCES ||
      devices < 1 || (answers != 1 && answers != 3) || strlen(tag) != 12) {
    fprintf(stderr,
            "usage: burst --searcher <ipv4> --listen <ipv4> --first-source <ipv4> [--sources 100] [--devices N] "
            "[--answers 1|3] [--spread-ms 0] [--http-port 8080] [--tag 12hex] [--timeout-ms 30000]\n");
    return 2;
  }
  struct in_addr searcher, listen_address, first_source, group;
  if (inet_pton(AF_INET, searcher_text, &searcher) != 1 || inet_pton(AF_INET, listen_text, &listen_address) != 1 ||
      inet_pton(AF_INET, first_source_text, &first_source) != 1 || inet_pton(AF_INET, group_text, &group) != 1) {
    fprintf(stderr, "burst: bad address\n");
    return 2;
  }

  // The group socket: hears the M-SEARCH.
  int listener = bind_udp(group, (uint16_t)port, BIND_REUSEADDR, "burst");
  if (listener < 0) return 1;
  struct ip_mreq membership = {.imr_multiaddr = group, .imr_interface = listen_address};
  if (setsockopt(listener, IPPROTO_IP, IP_ADD_MEMBERSHIP, &membership, sizeof membership) != 0) {
    perror("burst: join the group");
    return 1;
  }

  // One socket per source address, as many devices on one link would have.
  ensure_fd_limit(sources + 64);
  int fds[MAX_SOURCES];
  char source_text[MAX_SOURCES][INET_ADDRSTRLEN];
  for (int s = 0; s < sources; s++) {
    struct in_addr address = {.s_addr = htonl(ntohl(first_source.s_addr) + (uint32_t)s)};
    inet_ntop(AF_INET, &address, source_text[s], sizeof source_text[s]);
    fds[s] = bind_udp(address, 0, 0, "burst");
    if (fds[s] < 0) return 1;
  }
  printf("{\"event\":\"ready\"}\n");
  fflush(stdout);

  // The search.
  struct sockaddr_in from;
  char buffer[2048];
  int64_t deadline = now_ns() + timeout_ms * 1000000LL;
  int64_t search_at = 0;
  for (;;) {
    int64_t left_ms = (deadline - now_ns()) / 1000000LL;
    if (left_ms <= 0) {
      printf("{\"event\":\"timeout\"}\n");
      return 3;
    }
    struct pollfd wait = {.fd = listener, .events = POLLIN};
    if (poll(&wait, 1, (int)left_ms) <= 0) continue;
    socklen_t length = sizeof from;
    ssize_t got = recvfrom(listener, buffer, sizeof buffer - 1, 0, (struct sockaddr *)&from, &length);
    if (got < 8 || from.sin_addr.s_addr != searcher.s_addr || memcmp(buffer, "M-SEARCH", 8) != 0) continue;
    search_at = now_ns();
    break;
  }

  // The answers, device by device.
  static const char *device_type = "urn:schemas-upnp-org:device:Basic:1";
  int64_t total = (int64_t)devices * answers;
  int64_t first_at = 0, last_at = 0, sent = 0, errors = 0;
  int64_t start = now_ns();
  char message[1024];
  for (int64_t j = 0; j < total; j++) {
    // Spread: send what is due, then sleep ~0.5 ms (a busy wait would take a core from the receiver under test).
    while (spread_ms > 0 && j * spread_ms * 1000000LL / total > now_ns() - start) sleep_ns(500000);
    long i = (long)(j / answers);
    int k = (int)(j % answers);
    int s = (int)(i % sources);
    char uuid[64];
    snprintf(uuid, sizeof uuid, "%08lx-b0b0-4b0b-8b0b-%s", i, tag);
    char st[128], usn[192];
    if (k == 0) {
      snprintf(st, sizeof st, "upnp:rootdevice");
      snprintf(usn, sizeof usn, "uuid:%s::upnp:rootdevice", uuid);
    } else if (k == 1) {
      snprintf(st, sizeof st, "uuid:%s", uuid);
      snprintf(usn, sizeof usn, "uuid:%s", uuid);
    } else {
      snprintf(st, sizeof st, "%s", device_type);
      snprintf(usn, sizeof usn, "uuid:%s::%s", uuid, device_type);
    }
    int length = snprintf(message, sizeof message,
                          "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\nLOCATION: http://%s:%d/d/%ld.xml\r\n"
                          "SERVER: Linux/6.1 UPnP/2.0 ssdp-bench-burst/1\r\nST: %s\r\nUSN: %s\r\nBOOTID.UPNP.ORG: 1\r\n"
                          "CONFIGID.UPNP.ORG: 1\r\n\r\n",
                          source_text[s], http_port, i, st, usn);
    ssize_t done = sendto(fds[s], message, (size_t)length, 0, (struct sockaddr *)&from, sizeof from);
    if (done == length) {
      sent++;
      last_at = now_ns();
      if (first_at == 0) first_at = last_at;
    } else {
      errors++;
    }
  }
  printf("{\"event\":\"sent\",\"searchAt\":%.3f,\"searcherPort\":%d,\"firstSendAt\":%.3f,\"lastSendAt\":%.3f,\"sent\":%lld,"
         "\"sendErrors\":%lld,\"devices\":%ld,\"answers\":%d,\"spreadMs\":%lld}\n",
         (double)search_at / 1e6, ntohs(from.sin_port), (double)first_at / 1e6, (double)last_at / 1e6, (long long)sent,
         (long long)errors, devices, answers, (long long)spread_ms);
  return 0;
}
