// A small set of callbacks whose failures are contained: one throwing handler neither stops the others nor
// escapes into a socket callback.

export class Listeners<T> {
  private readonly handlers = new Set<(value: T) => void>();

  add(handler: (value: T) => void): () => void {
    // Wrap so the same function subscribed twice gets two independent subscriptions.
    const entry = (value: T): void => handler(value);
    this.handlers.add(entry);
    return () => {
      this.handlers.delete(entry);
    };
  }

  get size(): number {
    return this.handlers.size;
  }

  /** Calls every handler; each failure goes to `onFailure` (which must not throw either). */
  emit(value: T, onFailure: (error: unknown) => void): void {
    for (const handler of [...this.handlers]) {
      try {
        handler(value);
      } catch (error) {
        try {
          onFailure(error);
        } catch {
          // The error reporter itself failed; nothing sensible is left to do with it.
        }
      }
    }
  }

  clear(): void {
    this.handlers.clear();
  }
}
