// src/crypto: primitives shared by protocol layers (the lowest layer; imports nothing
// from src/). SHA-1 compression backs the HMAC-SHA1 of STUN MESSAGE-INTEGRITY and of
// SRTP authentication.
export { sha1Compress } from './sha1-compress.js';
