// The amplification guard: once a global cap has engaged (a search refused or cut by the response-rate or
// pending caps, or by the guard itself), the answers granted are also held to `ratio` x the bytes of the searches
// that arrive; what it refuses or cuts is counted as `amplification-guard`. Why: the caps bound answers per
// second, but right at the global cap's threshold every search still answered gets its whole set, each answer ~4x
// the search's size, so out/in there is the protocol's own. A per-source drop does not engage it: one source over
// its own cap is already held to 2 searches/s, and its answered searches would spend the credit other control
// points need (docs/security.md has the measurements).
// Credit is earned by every on-link, well-formed M-SEARCH that reaches the caps (answered or not), and spent
// only while engaged; it is capped (two full answers by default) so that a quiet period cannot hoard it. Outside
// an engaged period everything the caps allow is granted: a control point's ssdp:all is answered in full.

export interface AmplificationGuardInit {
  /** Bytes out per byte in while engaged; 0 turns the guard off. */
  readonly ratio: number;
  /** How long an engagement lasts after the last cap drop (ms). */
  readonly holdMs: number;
  /** The most credit that can be held (bytes). */
  readonly creditCapBytes: number;
}

export class AmplificationGuard {
  private credit: number;
  private engagedUntil = Number.NEGATIVE_INFINITY;

  constructor(private readonly init: AmplificationGuardInit) {
    this.credit = init.creditCapBytes;
  }

  /** A search of `bytes` reached the caps: it earns `ratio` x its size. */
  earn(bytes: number): void {
    if (this.init.ratio <= 0) return;
    this.credit = Math.min(this.init.creditCapBytes, this.credit + this.init.ratio * bytes);
  }

  /** A cap refused or cut a search at `now`: the guard holds from now for `holdMs`. */
  engage(now: number): void {
    this.engagedUntil = Math.max(this.engagedUntil, now + this.init.holdMs);
  }

  engaged(now: number): boolean {
    return this.init.ratio > 0 && now < this.engagedUntil;
  }

  /** How many answers of about `answerBytes` each may go out now (unbounded while not engaged). */
  allowance(now: number, answerBytes: number): number {
    if (!this.engaged(now)) return Number.POSITIVE_INFINITY;
    return Math.max(0, Math.floor((this.credit + 1e-9) / Math.max(1, answerBytes)));
  }

  /** `count` answers of about `answerBytes` each were granted at `now`: charged while engaged. */
  spend(now: number, count: number, answerBytes: number): void {
    if (this.engaged(now)) this.credit -= count * answerBytes;
  }
}
