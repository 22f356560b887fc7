// A list of named checks for the namespace runs: each is recorded (never thrown at once), so a run reports every
// failed expectation together with its figures, then fails as a whole.
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export class Checks {
  readonly list: Check[] = [];

  check(name: string, ok: boolean, detail = ''): boolean {
    this.list.push({ name, ok, detail });
    return ok;
  }

  equal(name: string, actual: unknown, expected: unknown): boolean {
    const ok = JSON.stringify(actual) === JSON.stringify(expected);
    return this.check(
      name,
      ok,
      ok ? String(JSON.stringify(actual)) : `got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`,
    );
  }

  atMost(name: string, actual: number, bound: number, unit = ''): boolean {
    return this.check(name, actual <= bound, `${actual}${unit} (bound ${bound}${unit})`);
  }

  get failed(): Check[] {
    return this.list.filter((c) => !c.ok);
  }

  /** One line per check: `ok`/`FAIL`, name, detail. */
  report(): string {
    return this.list
      .map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.detail === '' ? '' : `: ${c.detail}`}`)
      .join('\n');
  }
}
