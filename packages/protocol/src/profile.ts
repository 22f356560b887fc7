/**
 * The dialect of a message.
 * - `upnp`: UDA 1.1/2.0 framing; the header block ends with an empty line (CRLF CRLF).
 * - `legacy`: the original Python prototype's dialect: fixed header order and no terminating empty line. The
 *   parser marks a datagram `legacy` exactly when its header block is not terminated by an empty line.
 */
export type SsdpProfile = 'upnp' | 'legacy';
