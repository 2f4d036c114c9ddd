// The UdpMux tests again with the recvmmsg receive backend (opt-in via
// SWITCHBOARD_NET_RECV=native), so it passes the same tests as dgram's 'message'.
process.env.SWITCHBOARD_NET_RECV = 'native';
await import('./udp-mux.test.js');
