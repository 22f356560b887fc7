// Our labs' namespace prefix (`ssdpz-<pid>-<random>-<host>`): @ssdp/netns only ever sweeps names of its own
// prefix, so a sweep by another suite (default `ssdpt`) never touches a long fuzz run, and ours never touches theirs.
export const LAB_PREFIX = 'ssdpz';
