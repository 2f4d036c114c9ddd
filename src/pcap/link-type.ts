// Link-layer header types (tcpdump.org/linktypes.html) this module reads and writes.
export const LinkType = {
  ETHERNET: 1,
  /** Raw IP, version from the first nibble (IPv4 or IPv6). */
  RAW: 101,
  /** Linux "cooked" capture v1: 16-byte header, protocol at offset 14. */
  LINUX_SLL: 113,
  /** Raw IPv4 only. */
  IPV4: 228,
  /** Raw IPv6 only. */
  IPV6: 229,
  /** Linux "cooked" capture v2: 20-byte header, protocol at offset 0. */
  LINUX_SLL2: 276,
} as const;

export const SUPPORTED_LINK_TYPES: readonly number[] = Object.values(LinkType);

/** Bytes of link-layer header this module writes before the IP header. */
export function linkHeaderLength(linkType: number): number {
  switch (linkType) {
    case LinkType.ETHERNET: return 14;
    case LinkType.LINUX_SLL: return 16;
    case LinkType.LINUX_SLL2: return 20;
    default: return 0;
  }
}

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
