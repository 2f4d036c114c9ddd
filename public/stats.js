// The stats panel: per track, from RTCPeerConnection.getStats() — bitrate (from the byte
// counters between two polls), packets, loss, jitter, and round-trip time (RTCP for
// outbound tracks, the ICE candidate pair otherwise).

/** getStats() of each pc as plain objects, tagged with `pc` ('publisher' | 'subscriber'). */
export async function collect(pcs) {
  const out = [];
  for (const [name, pc] of Object.entries(pcs)) {
    if (!pc || pc.connectionState === 'closed') continue;
    (await pc.getStats()).forEach((s) => out.push({ ...JSON.parse(JSON.stringify(s)), pc: name }));
  }
  return out;
}

const prev = new Map(); // stats id -> { bytes, timestamp }

function rate(id, bytes, timestamp) {
  const p = prev.get(id);
  prev.set(id, { bytes, timestamp });
  if (!p || timestamp <= p.timestamp) return 0;
  return ((bytes - p.bytes) * 8) / ((timestamp - p.timestamp) / 1000);
}

/** One row per inbound/outbound RTP stream. `label(trackIdentifier)` names remote tracks. */
export function rows(stats, label) {
  const byId = new Map(stats.map((s) => [s.id, s]));
  const pairRtt = {};
  for (const s of stats) {
    if (s.type === 'candidate-pair' && s.nominated && s.currentRoundTripTime !== undefined) pairRtt[s.pc] = s.currentRoundTripTime;
  }
  const out = [];
  for (const s of stats) {
    if (s.type === 'outbound-rtp') {
      const remote = byId.get(s.remoteId);
      out.push({
        dir: 'send', kind: s.kind, who: 'me', bitrate: rate(s.id, s.bytesSent ?? 0, s.timestamp),
        packets: s.packetsSent ?? 0, lost: remote?.packetsLost ?? 0, jitter: remote?.jitter,
        rtt: remote?.roundTripTime ?? pairRtt[s.pc],
        extra: s.kind === 'video' ? `${s.frameWidth ?? 0}x${s.frameHeight ?? 0} ${s.framesPerSecond ?? 0} fps` : '',
      });
    } else if (s.type === 'inbound-rtp') {
      out.push({
        dir: 'recv', kind: s.kind, who: label(s.trackIdentifier), bitrate: rate(s.id, s.bytesReceived ?? 0, s.timestamp),
        packets: s.packetsReceived ?? 0, lost: s.packetsLost ?? 0, jitter: s.jitter, rtt: pairRtt[s.pc],
        extra: s.kind === 'video' ? `${s.framesDecoded ?? 0} frames decoded` : `level ${(s.audioLevel ?? 0).toFixed(3)}`,
      });
    }
  }
  return out;
}

const ms = (sec) => (sec === undefined ? '–' : `${(sec * 1000).toFixed(1)} ms`);

export function render(table, list) {
  const head = '<tr><th></th><th>kind</th><th>who</th><th>bitrate</th><th>packets</th><th>lost</th><th>jitter</th><th>RTT</th><th></th></tr>';
  const esc = (t) => String(t).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  table.innerHTML = head + list.map((r) => `<tr><td>${r.dir}</td><td>${r.kind}</td><td>${esc(r.who)}</td>` +
    `<td>${(r.bitrate / 1000).toFixed(0)} kbit/s</td><td>${r.packets}</td><td>${r.lost}</td><td>${ms(r.jitter)}</td>` +
    `<td>${ms(r.rtt)}</td><td>${esc(r.extra)}</td></tr>`).join('');
}
