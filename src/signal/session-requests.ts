// The SignalRequest cases LiveKit clients send after the media is up: update_metadata,
// update_audio_track / update_video_track, sync_state (on resume) and simulate
// (livekit-client's simulateScenario). Checked here against the grant and the session's
// state; the room side goes to the optional RoomService methods. Kept out of session.ts
// so that file stays the socket/ordering machinery.
import {
  DisconnectReason, LeaveAction, RequestReason,
  type ParticipantPermission, type RequestResponse, type SignalRequest, type SignalResponse,
} from './messages.js';
import type { RoomService } from './room-service.js';

/** LiveKit's limits for a participant's own updates (livekit-server defaults). */
export const METADATA_LIMITS = { nameChars: 256, metadataBytes: 64_000, attributesBytes: 64_000 };
/** A simulated disconnect-on-resume applies to resumes within this long (LiveKit: 5 s). */
export const SIMULATE_RESUME_WINDOW_MS = 5_000;

/** What a request handler may do with its session. */
export interface RequestContext {
  readonly service: RoomService;
  readonly sid: string;
  readonly permission: ParticipantPermission;
  /** Track sids this participant published or announced (add_track answered). */
  readonly published: ReadonlySet<string>;
  nowMs(): number;
  run(label: string, fn: () => Promise<void>, echo?: Partial<RequestResponse>): void;
  reject(reason: number, message: string, echo?: Partial<RequestResponse>): void;
  send(res: SignalResponse): void;
  /** Send `leave` (reason, action) and end the session; the participant leaves the room. */
  leave(reason: DisconnectReason, action: LeaveAction): void;
  /** End the session and drop the socket WITHOUT a leave (a simulated node failure). */
  drop(reason: DisconnectReason): void;
  /** Arm a simulated signal disconnect on the next resume (before or after the reconnect response). */
  armResumeDisconnect(untilMs: number, beforeMessages: boolean): void;
}

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Handles one of the cases this file owns; returns false for any other case. */
export function handleSessionRequest(req: SignalRequest, c: RequestContext): boolean {
  switch (req.message) {
    case 'updateMetadata': updateMetadata(req, c); return true;
    case 'updateAudioTrack': {
      const u = req.updateAudioTrack!;
      const echo = { updateAudioTrack: u };
      if (!u.trackSid || !c.published.has(u.trackSid)) { c.reject(RequestReason.NOT_FOUND, `update_audio_track: no published track ${JSON.stringify(u.trackSid ?? '')}`, echo); return true; }
      const svc = c.service;
      if (!svc.updateLocalAudioTrack) { c.reject(RequestReason.UNSUPPORTED_TYPE, 'update_audio_track is not supported by this server', echo); return true; }
      c.run('update_audio_track', () => svc.updateLocalAudioTrack!(c.sid, u), echo);
      return true;
    }
    case 'updateVideoTrack': {
      const u = req.updateVideoTrack!;
      const echo = { updateVideoTrack: u };
      if (!u.trackSid || !c.published.has(u.trackSid)) { c.reject(RequestReason.NOT_FOUND, `update_video_track: no published track ${JSON.stringify(u.trackSid ?? '')}`, echo); return true; }
      const svc = c.service;
      if (!svc.updateLocalVideoTrack) { c.reject(RequestReason.UNSUPPORTED_TYPE, 'update_video_track is not supported by this server', echo); return true; }
      c.run('update_video_track', () => svc.updateLocalVideoTrack!(c.sid, u), echo);
      return true;
    }
    case 'syncState': syncState(req, c); return true;
    case 'simulate': simulate(req, c); return true;
    default: return false;
  }
}

function updateMetadata(req: SignalRequest, c: RequestContext): void {
  const u = req.updateMetadata!;
  const requestId = u.requestId ?? 0;
  const echo = { requestId, updateMetadata: u };
  if (!c.permission.canUpdateMetadata) return c.reject(RequestReason.NOT_ALLOWED, 'update_metadata: the token does not grant canUpdateOwnMetadata', echo);
  const name = u.name ?? '';
  if ([...name].length > METADATA_LIMITS.nameChars) return c.reject(RequestReason.LIMIT_EXCEEDED, `update_metadata: name of ${[...name].length} characters exceeds the limit of ${METADATA_LIMITS.nameChars}`, echo);
  const md = utf8(u.metadata ?? '');
  if (md > METADATA_LIMITS.metadataBytes) return c.reject(RequestReason.LIMIT_EXCEEDED, `update_metadata: metadata of ${md} bytes exceeds the limit of ${METADATA_LIMITS.metadataBytes}`, echo);
  const ab = Object.entries(u.attributes ?? {}).reduce((n, [k, v]) => n + utf8(k) + utf8(v), 0);
  if (ab > METADATA_LIMITS.attributesBytes) return c.reject(RequestReason.LIMIT_EXCEEDED, `update_metadata: attributes of ${ab} bytes exceed the limit of ${METADATA_LIMITS.attributesBytes}`, echo);
  const svc = c.service;
  if (!svc.updateParticipantMetadata) return c.reject(RequestReason.UNSUPPORTED_TYPE, 'update_metadata is not supported by this server', echo);
  c.run('update_metadata', async () => {
    await svc.updateParticipantMetadata!(c.sid, u);
    // livekit-client awaits this answer (matched by request_id) to resolve setMetadata/setName/setAttributes.
    c.send({ requestResponse: { requestId, reason: RequestReason.OK, message: '', updateMetadata: u } });
  }, echo);
}

/**
 * sync_state (LiveKit room.go onSyncState): every track the client says it publishes
 * must be one we know, else a full reconnect (leave RECONNECT, STATE_MISMATCH); then the
 * disabled tracks and the subscription list are applied by the room service.
 */
function syncState(req: SignalRequest, c: RequestContext): void {
  const s = req.syncState!;
  for (const pt of s.publishTracks ?? []) {
    const sid = pt.track?.sid;
    if (!sid || !c.published.has(sid)) return c.leave(DisconnectReason.STATE_MISMATCH, LeaveAction.RECONNECT);
  }
  const svc = c.service;
  if (!svc.syncState) return c.reject(RequestReason.UNSUPPORTED_TYPE, 'sync_state is not supported by this server');
  if (!c.permission.canSubscribe && s.subscription?.subscribe) return c.reject(RequestReason.NOT_ALLOWED, 'sync_state: subscription given but the token does not grant canSubscribe');
  c.run('sync_state', () => svc.syncState!(c.sid, s));
}

/** simulate (LiveKit room.go onSimulateScenario), what livekit-client's simulateScenario sends. */
function simulate(req: SignalRequest, c: RequestContext): void {
  const s = req.simulate!;
  const svc = c.service;
  if (s.speakerUpdate !== undefined) {
    if (!svc.simulateSpeaker) return c.reject(RequestReason.UNSUPPORTED_TYPE, 'simulate speaker_update is not supported by this server');
    const secs = Math.max(0, Math.min(60, s.speakerUpdate));
    return c.run('simulate', () => svc.simulateSpeaker!(c.sid, secs));
  }
  // LiveKit closes the participant without a leave, expecting a resume that then fails
  // (our resume answers leave RECONNECT: the client does a full reconnect).
  if (s.nodeFailure) return c.drop(DisconnectReason.SERVER_SHUTDOWN);
  if (s.migration) return c.drop(DisconnectReason.MIGRATION);
  // Close(sendLeave, not expected to resume): leave DISCONNECT with SERVER_SHUTDOWN.
  if (s.serverLeave) return c.leave(DisconnectReason.SERVER_SHUTDOWN, LeaveAction.DISCONNECT);
  if (s.leaveRequestFullReconnect) return c.leave(DisconnectReason.UNKNOWN_REASON, LeaveAction.RECONNECT);
  if (s.disconnectSignalOnResume) return c.armResumeDisconnect(c.nowMs() + SIMULATE_RESUME_WINDOW_MS, false);
  if (s.disconnectSignalOnResumeNoMessages) return c.armResumeDisconnect(c.nowMs() + SIMULATE_RESUME_WINDOW_MS, true);
  if (s.switchCandidateProtocol !== undefined) {
    return c.reject(RequestReason.UNSUPPORTED_TYPE, `simulate switch_candidate_protocol ${s.switchCandidateProtocol}: this server offers UDP host candidates only (no ICE restart onto TCP/TLS)`);
  }
  if (s.subscriberBandwidth !== undefined) return c.reject(RequestReason.UNSUPPORTED_TYPE, 'simulate subscriber_bandwidth is not supported by this server');
  return c.reject(RequestReason.INVALID_REQUEST, 'simulate without a scenario');
}
