/**
 * Renders a report document as one self-contained HTML file: inline CSS,
 * charts as inline SVG, no scripts and no external resources, so it opens
 * anywhere and can be mailed or attached as it is.
 */

import { escapeXml } from './svg-chart.ts';
import type { Block, ReportDocument } from './types.ts';

/** Escapes, then turns the two inline marks report text uses (`code`, **bold**) into tags. */
export function inlineHtml(s: string): string {
  return escapeXml(s)
    .replace(/`([^`]*)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

const CSS = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.8em}h3{margin-top:1.2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}th,td{border:1px solid #ddd;padding:.3em .6em;vertical-align:top}
th{background:#f5f5f5;text-align:left}td.r{text-align:right;white-space:nowrap}
code{background:#f3f3f3;padding:0 .25em;border-radius:3px;font-size:.92em}pre{background:#f3f3f3;padding:.6em;overflow-x:auto}
figure{margin:1em 0}figcaption{color:#555;font-size:.9em}.sub{color:#555}`;

function block(b: Block): string {
  switch (b.kind) {
    case 'p':
      return `<p>${inlineHtml(b.text)}</p>`;
    case 'h3':
      return `<h3>${inlineHtml(b.text)}</h3>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${inlineHtml(i)}</li>`).join('')}</ul>`;
    case 'code':
      return `<pre><code>${escapeXml(b.text)}</code></pre>`;
    case 'chart':
      return `<figure>${b.render()}<figcaption>${inlineHtml(b.caption)}</figcaption></figure>`;
    case 'table': {
      const cls = (i: number) => (b.align?.[i] === 'r' ? ' class="r"' : '');
      const head = `<tr>${b.head.map((h) => `<th>${inlineHtml(h)}</th>`).join('')}</tr>`;
      const rows = b.rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${inlineHtml(c)}</td>`).join('')}</tr>`).join('\n');
      return `<table>\n${head}\n${rows}\n</table>`;
    }
  }
}

/** The whole document as one HTML file. Pure. */
export function renderHtml(doc: ReportDocument): string {
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeXml(doc.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeXml(doc.title)}</h1>`,
    `<p class="sub">${inlineHtml(doc.subtitle)}</p>`,
  ];
  for (const s of doc.sections) {
    out.push(`<section id="${escapeXml(s.id)}">`, `<h2>${escapeXml(s.title)}</h2>`);
    for (const b of s.blocks) out.push(block(b));
    out.push('</section>');
  }
  out.push('</body>', '</html>', '');
  return out.join('\n');
}
