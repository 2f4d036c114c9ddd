// `npm start`: the server. Until the engine and signaling land (issue 4) this prints
// what exists and exits cleanly.
console.log(`Switchboard ${process.env.npm_package_version ?? ''}
The transport stack (src/net, src/stun, src/dtls, src/srtp, src/rtp) is in place;
the server with its demo page arrives with the engine and signaling shim.
Run the tests with: npm test`);
