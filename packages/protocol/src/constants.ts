/** The SSDP multicast groups and port (UDA 1.1 section 1, Annex A for IPv6). */
export const SSDP_IPV4_GROUP = '239.255.255.250';
export const SSDP_IPV6_LINK_LOCAL_GROUP = 'ff02::c';
export const SSDP_IPV6_SITE_LOCAL_GROUP = 'ff05::c';
export const SSDP_PORT = 1900;
/** The port of the legacy profile (the Python prototype's dialect, broadcast instead of the group). */
export const LEGACY_PORT = 1337;
