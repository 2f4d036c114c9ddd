// The signaling shim: LiveKit-compatible WebSocket + protobuf signaling, JWT access tokens.
export { SignalServer, SERVER_PROTOCOL, type SignalServerDeps, type Timers } from './server.js';
export { SignalSession, type SessionTransport, type SignalSessionParams, type EndOptions } from './session.js';
export type { RoomService, SignalSink, JoinRequest, JoinResult, IceCandidateInit, ClientInfo } from './room-service.js';
export { createToken, verifyToken, type VideoGrant, type TokenClaims, type VerifiedToken, type KeyProvider, type VerifyOptions } from './token.js';
export { TokenError, ConfigError, RequestRejectedError, type TokenErrorCode } from './errors.js';
export { loadSignalConfig, checkSignalOptions, parseKeys, defaultSignalServerOptions, MIN_SECRET_LENGTH, type SignalServerOptions, type LoadSources } from './config.js';
export { DEV_KEY_PAIR, generateDevKeyPair, handleDevTokenRequest, type DevKeyPair, type StaticHandler } from './dev.js';
export { decodeSignalRequest, encodeSignalRequest, decodeSignalResponse, encodeSignalResponse, signalProtoRoot, PROTO_DIR, type DecodeResult } from './proto.js';
export { createStaticHandler } from './static-files.js';
export { applyCors, CORS_ALLOW_METHODS, CORS_DEFAULT_HEADERS, CORS_MAX_AGE_SEC } from './http/cors.js';
export { startSignalServer, type StartSignalParams, type RunningSignalServer } from './main.js';
export { parseCandidateInit, checkSessionDescription } from './validate.js';
export * from './messages.js';
export { TwirpServer, TWIRP_PREFIX, roomServiceProtoRoot, type TwirpMethod, type TwirpContext, type TwirpServerOptions } from './twirp/server.js';
export { TwirpError, TWIRP_STATUS, writeTwirpError, type TwirpCode } from './twirp/errors.js';
export { decodeBody as decodeTwirpBody, encodeBody as encodeTwirpBody, type TwirpFormat } from './twirp/codec.js';
