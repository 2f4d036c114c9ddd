// Subscription permissions (LiveKit's SubscriptionPermission): each publisher says who may
// subscribe to its tracks — everyone (the default, all_participants), or per subscriber
// (by sid or identity) all of its tracks or a list. Pure bookkeeping: the adapter asks
// `allowed` before every subscription and applies `diff` when a publisher changes its mind.
import type { SubscriptionPermission } from '../signal/messages.js';

export interface SubscriberRef { sid: string; identity: string }

interface Policy { all: boolean; bySid: Map<string, true | Set<string>>; byIdentity: Map<string, true | Set<string>> }

export class SubscriptionPermissions {
  readonly #policies = new Map<string, Policy>();

  /** May `sub` receive track `trackSid` of publisher `publisherSid`? */
  allowed(publisherSid: string, trackSid: string, sub: SubscriberRef): boolean {
    const p = this.#policies.get(publisherSid);
    if (!p || p.all) return true;
    const rule = p.bySid.get(sub.sid) ?? p.byIdentity.get(sub.identity);
    return rule === true || (rule !== undefined && rule.has(trackSid));
  }

  /** Replaces the publisher's policy (all_participants wins over the list, as LiveKit). */
  set(publisherSid: string, perm: SubscriptionPermission): void {
    const p: Policy = { all: perm.allParticipants === true, bySid: new Map(), byIdentity: new Map() };
    for (const tp of perm.trackPermissions ?? []) {
      const rule: true | Set<string> = tp.allTracks ? true : new Set(tp.trackSids ?? []);
      if (tp.participantSid) p.bySid.set(tp.participantSid, rule);
      if (tp.participantIdentity) p.byIdentity.set(tp.participantIdentity, rule);
    }
    this.#policies.set(publisherSid, p);
  }

  /**
   * Which (subscriber, track) pairs change when the publisher's policy becomes `perm`.
   * Call before `set`; returns the pairs whose allowed flag flips.
   */
  diff(publisherSid: string, perm: SubscriptionPermission, trackSids: readonly string[], subs: readonly SubscriberRef[]): { sub: SubscriberRef; trackSid: string; allowed: boolean }[] {
    const before = subs.map((s) => trackSids.map((t) => this.allowed(publisherSid, t, s)));
    const saved = this.#policies.get(publisherSid);
    this.set(publisherSid, perm);
    const out: { sub: SubscriberRef; trackSid: string; allowed: boolean }[] = [];
    subs.forEach((s, i) => trackSids.forEach((t, j) => {
      const now = this.allowed(publisherSid, t, s);
      if (now !== before[i]![j]) out.push({ sub: s, trackSid: t, allowed: now });
    }));
    if (saved) this.#policies.set(publisherSid, saved); else this.#policies.delete(publisherSid);
    return out;
  }

  /** Forget a publisher that left. */
  delete(publisherSid: string): void { this.#policies.delete(publisherSid); }
}
