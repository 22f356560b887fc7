// A StateStore in memory: for tests, and for embedders that keep the identity themselves.
import { StateStoreError, type PersistedState, type StateStore } from '../state-store.ts';

/** An in-memory store for tests and embedding; `saves` counts writes. */
export function createMemoryStateStore(
  initial?: PersistedState,
): StateStore & { state: PersistedState | undefined; saves: number; failSaves: boolean } {
  const store = {
    location: 'memory',
    state: initial,
    saves: 0,
    failSaves: false,
    load: () => Promise.resolve(store.state),
    save(state: PersistedState) {
      if (store.failSaves) return Promise.reject(new StateStoreError('cannot write state dir memory: EACCES'));
      store.state = state;
      store.saves += 1;
      return Promise.resolve();
    },
  };
  return store;
}
