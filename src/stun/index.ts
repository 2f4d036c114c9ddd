// STUN codec, ICE-lite (controlled) and ICE controlling agents, consent freshness.
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
