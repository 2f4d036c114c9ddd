// The same real-Chromium call as chromium-call.peer.test.ts, with the media in two
// worker threads (each its own UDP socket): control crosses the MessagePort, media
// stays in the worker that owns the room.
process.env.E2E_WORKERS = '2';
await import('./chromium-call.peer.test.js');
