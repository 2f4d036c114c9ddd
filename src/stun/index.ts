// STUN codec (RFC 8489), ICE-lite controlled agent and full ICE agent (RFC 8445),
// consent freshness (RFC 7675). Socket-free pure cores: callers pass datagrams and
// `nowMs`, and send what the agents write.
//
// Server side (one IceLiteAgent per transport, many on one socket):
//   const ufrag = readLocalUfrag(buf, len);            // which agent is this for?
//   if (agent.isAuthenticatedRequest(buf, len)) claim 5-tuple;
//   const st = agent.handleRequest(buf, len, addr, port, family, nowMs, out);
//   if (agent.responseLength > 0) send(out, 0, agent.responseLength);
//   agent.onSelectedPair(pair => ...); agent.onConsentExpired(pair => ...); agent.tick(nowMs);
// Client side: new IceAgent({...}); onSend/onConnected/onFailed/onConsentLost;
//   addRemoteCandidate(address, port, priority); tick(nowMs) every 10-50 ms;
//   handleDatagram(buf, len, address, port, family, nowMs) for every STUN datagram.
// Codec: StunMessageView.reset(buf, off, len) -> ParseStatus; StunBuilder
//   .begin(out, off, type, tx, txOff).text()/u32()/u64()/flag()/xorAddress()/errorCode()
//   .integrity(new HmacSha1(key)).fingerprint().end() -> bytes written (0 = did not fit).
export * from './constants.js';
export { crc32 } from './crc32.js';
export { HmacSha1 } from './hmac-sha1.js';
export { StunMessageView, MAX_UNKNOWN_REPORTED } from './message-view.js';
export { StunBuilder } from './builder.js';
export { XorAddress, readXorAddress, writeXorAddress } from './xor-address.js';
export { parseIp, parseIpv4, parseIpv6, formatIpv4, formatIpv6, canonicalIp } from './ip.js';
export { IceStatus, iceStatusName, BindingChecker } from './binding-check.js';
export { CandidatePair } from './candidate-pair.js';
export { IceLiteAgent, defaultIceLiteConfig, type IceLiteConfig, type IceLiteStats } from './ice-lite-agent.js';
export { IceAgent, defaultIceAgentConfig, type IceAgentConfig, type IceAgentStats, type IceRole, type IceAgentState, type SendFn } from './ice-agent.js';
export { CheckEntry, CheckState } from './check-entry.js';
export { localUfragRange, readLocalUfrag } from './username.js';
export { StunError, type StunErrorCode } from './errors.js';
