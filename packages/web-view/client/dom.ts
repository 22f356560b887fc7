// The page's only way to build DOM: elements with text set through textContent, attributes through
// setAttribute with names fixed in this code. Device data never goes through innerHTML or an HTML parser.

export interface ElementInit {
  readonly className?: string;
  readonly text?: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  init: ElementInit = {},
  children: readonly Node[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (init.className !== undefined) element.className = init.className;
  if (init.text !== undefined) element.textContent = init.text;
  for (const [name, value] of Object.entries(init.attributes ?? {})) element.setAttribute(name, value);
  for (const child of children) element.append(child);
  return element;
}

/** Sets text only when it changed (keeps layout work down when rows are refreshed). */
export function setText(node: Element, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** Sets an attribute only when it changed. */
export function setAttribute(element: Element, name: string, value: string): void {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`missing #${id}`);
  return element as T;
}

export function clear(node: Element): void {
  node.replaceChildren();
}
