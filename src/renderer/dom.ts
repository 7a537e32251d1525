/**
 * A tiny element builder. Text always goes in as textContent, never as HTML:
 * process names and command lines come from whatever runs on the machine, and
 * must not be able to inject markup into the page.
 */

type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;
type Child = Node | string | number | null | undefined | false;

/**
 * Creates an element. Attribute values that are functions become event
 * listeners (`onclick`), `true` sets a boolean attribute, and null/false/undefined
 * leave it out. `class` and `aria-*` are plain attributes.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
      else if (name === 'style') throw new Error('inline style attributes are blocked by the CSP; use classes or el.style');
      else el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/** Appends children, turning strings and numbers into text nodes. */
export function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

/** Finds an element that must exist in index.html. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from index.html`);
  return el as T;
}
