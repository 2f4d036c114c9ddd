// src/server: composition of the engine and the signaling shim (what `npm start` runs),
// plus the LiveKit glue between them. The engine knows nothing of signaling; this does.
export { startSwitchboard, type StartOptions, type Switchboard } from './switchboard.js';
export { loadStartConfig, PUBLIC_DIR, HELP, type EngineSettings } from './config.js';
export { demoStaticHandler } from './demo-static.js';
export { EngineRoomService } from './room-service-adapter.js';
export { EmbeddedTurn, type EmbeddedTurnOptions } from './embedded-turn.js';
export { TURN_DEFAULT_PORT, type TurnSettings } from './turn-config.js';
