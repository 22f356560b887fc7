// "Search now": one extra M-SEARCH for the ST in the field, as a same-origin POST (the server refuses others).
import { byId, setText } from './dom.ts';

export function wireSearchForm(): void {
  const form = byId<HTMLFormElement>('search-form');
  const input = byId<HTMLInputElement>('search-st');
  const result = byId<HTMLElement>('search-result');
  const button = form.querySelector('button');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      if (button !== null) button.disabled = true;
      setText(result, 'searching…');
      try {
        const response = await fetch('/api/search', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(input.value.trim() === '' ? {} : { st: input.value.trim() }),
        });
        const body = (await response.json().catch(() => ({}))) as { detail?: string; error?: string };
        setText(
          result,
          response.ok
            ? `sent M-SEARCH for ${input.value.trim()}`
            : `refused: ${body.detail ?? body.error ?? response.status}`,
        );
      } catch {
        setText(result, 'the server could not be reached');
      } finally {
        if (button !== null) button.disabled = false;
      }
    })();
  });
}
