// Wire constants of SCTP (RFC 9260 §3.2, §3.3.10), RFC 3758 (FORWARD-TSN), RFC 6525
// (RE-CONFIG), RFC 5061 (supported extensions) and the status codes the parsers return.

export const ChunkType = {
  Data: 0,
  Init: 1,
  InitAck: 2,
  Sack: 3,
  Heartbeat: 4,
  HeartbeatAck: 5,
  Abort: 6,
  Shutdown: 7,
  ShutdownAck: 8,
  Error: 9,
  CookieEcho: 10,
  CookieAck: 11,
  ShutdownComplete: 14,
  Reconfig: 130,
  ForwardTsn: 192,
} as const;

export const ParamType = {
  HeartbeatInfo: 1,
  StateCookie: 7,
  UnrecognizedParam: 8,
  OutgoingSsnReset: 13,
  IncomingSsnReset: 14,
  ReconfigResponse: 16,
  SupportedExtensions: 0x8008,
  ForwardTsnSupported: 0xc000,
} as const;

export const CauseCode = {
  InvalidStreamId: 1,
  MissingMandatoryParam: 2,
  StaleCookie: 3,
  OutOfResource: 4,
  UnrecognizedChunk: 6,
  InvalidMandatoryParam: 7,
  NoUserData: 9,
  UserAbort: 12,
  ProtocolViolation: 13,
} as const;

/** DATA chunk flags (RFC 9260 §3.3.1). */
export const DataFlag = { End: 1, Begin: 2, Unordered: 4, Immediate: 8 } as const;

/** RE-CONFIG response results (RFC 6525 §4.4). */
export const ReconfigResult = {
  SuccessNothingToDo: 0,
  SuccessPerformed: 1,
  Denied: 2,
  ErrorWrongSsn: 3,
  ErrorInProgress: 4,
  ErrorBadSequence: 5,
  InProgress: 6,
} as const;

/** Why a packet or chunk was dropped; index into the association's drop counters. */
export const Drop = {
  None: 0,
  TooShort: 1,
  BadChecksum: 2,
  BadChunkLength: 3,
  BadVerificationTag: 4,
  BadPort: 5,
  BadChunk: 6,       // a chunk whose fixed part or parameters do not parse
  BadCookie: 7,
  UnexpectedChunk: 8, // well-formed, wrong state
  UnknownChunk: 9,
  TsnOutOfWindow: 10,
  ReceiveBufferFull: 11,
  InitNotAlone: 12,   // INIT / INIT ACK / SHUTDOWN COMPLETE bundled with others (§6.10)
} as const;
export const DROP_REASONS = [
  'none', 'too-short', 'bad-checksum', 'bad-chunk-length', 'bad-verification-tag', 'bad-port',
  'bad-chunk', 'bad-cookie', 'unexpected-chunk', 'unknown-chunk', 'tsn-out-of-window',
  'receive-buffer-full', 'init-not-alone',
] as const;

/** Payload protocol identifiers of WebRTC (RFC 8831 §8). */
export const Ppid = {
  Dcep: 50,
  String: 51,
  Binary: 53,
  StringEmpty: 56,
  BinaryEmpty: 57,
} as const;

export const COMMON_HEADER_LENGTH = 12;
export const CHUNK_HEADER_LENGTH = 4;
export const DATA_HEADER_LENGTH = 16;
