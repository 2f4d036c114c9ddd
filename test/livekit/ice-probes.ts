// Page-side probes of livekit-client's peer connections (sources for LkClient.eval):
// which ICE servers and policy each PC was given, and the local candidate of the
// selected pair behind each sender and receiver.
/** Local candidate of the selected pair behind every sender and receiver of the page's room. */
export const SELECTED_LOCAL = `async () => {
  const rtp = [];
  for (const p of lkt.room.localParticipant.trackPublications.values()) if (p.track && p.track.sender) rtp.push(p.track.sender);
  for (const rp of lkt.room.remoteParticipants.values()) for (const p of rp.trackPublications.values()) if (p.track && p.track.receiver) rtp.push(p.track.receiver);
  const out = [];
  for (const x of rtp) {
    const st = [...(await x.getStats()).values()];
    const tr = st.find((s) => s.type === 'transport');
    const pair = st.find((s) => s.type === 'candidate-pair' && tr && s.id === tr.selectedCandidatePairId) || st.find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
    const local = pair && st.find((s) => s.id === pair.localCandidateId);
    out.push({ type: local ? local.candidateType : null, relayProtocol: local ? local.relayProtocol : null, url: local ? local.url : null });
  }
  return out;
}`;

/** The iceServers the page's peer connections were configured with. */
export const PC_ICE_SERVERS = `() => {
  const e = lkt.room.engine; const pcm = e.pcManager;
  const pcs = [pcm && pcm.publisher && pcm.publisher.pc, pcm && pcm.subscriber && pcm.subscriber.pc].filter(Boolean);
  return pcs.map((pc) => { const c = pc.getConfiguration(); return { policy: c.iceTransportPolicy, servers: c.iceServers.map((s) => ({ urls: s.urls, username: s.username })) }; });
}`;

export interface Selected { type: string | null; relayProtocol: string | null; url: string | null }

