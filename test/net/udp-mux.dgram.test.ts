// The UdpMux tests again on the node:dgram send backend (udp-mux.test.ts gets the native
// one when the addon is built), so both backends pass the same tests.
process.env.SWITCHBOARD_NET_BACKEND = 'dgram';
await import('./udp-mux.test.js');
