// Classic pcap writer/reader and IPv4/UDP framing (pcapng and SLL come later).
export { PcapStatus, PcapError } from './status.js';
export { LinkType, ETHERNET_HEADER, IPV4_HEADER, UDP_HEADER, ipv4ToU32, u32ToIpv4, writeIpv4Udp, writeEthernetIpv4, UdpLocation, locateUdp } from './ipv4-udp.js';
export { PcapWriter, PcapFileWriter, PCAP_MAGIC_US, PCAP_MAGIC_NS, PCAP_GLOBAL_HEADER, PCAP_RECORD_HEADER } from './pcap-writer.js';
export type { PcapSink, PcapWriterOptions } from './pcap-writer.js';
export { PcapReader } from './pcap-reader.js';
