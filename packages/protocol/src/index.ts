// Public surface of @ssdp/protocol: the SSDP message layer (UDA 1.1/2.0 section 1). Pure: no I/O.
export { SSDP_IPV4_GROUP, SSDP_IPV6_LINK_LOCAL_GROUP, SSDP_IPV6_SITE_LOCAL_GROUP, SSDP_PORT } from './constants.ts';
