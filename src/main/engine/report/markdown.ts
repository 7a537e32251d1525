/** Renders a report document as Markdown (GitHub-flavoured tables). Charts are left to the HTML version. */

import type { Block, ReportDocument } from './types.ts';

/** A table cell: pipes and newlines would break the row. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function block(b: Block): string {
  switch (b.kind) {
    case 'p':
      return b.text;
    case 'h3':
      return `### ${b.text}`;
    case 'list':
      return b.items.map((i) => `- ${i}`).join('\n');
    case 'code': {
      const fence = b.text.includes('```') ? '~~~~' : '```';
      return `${fence}sh\n${b.text}\n${fence}`;
    }
    case 'chart':
      return `_Chart: ${b.caption} (in the HTML version of this report)._`;
    case 'table': {
      const head = `| ${b.head.map(cell).join(' | ')} |`;
      const sep = `|${b.head.map((_, i) => (b.align?.[i] === 'r' ? ' ---: ' : ' --- ')).join('|')}|`;
      const rows = b.rows.map((r) => `| ${r.map(cell).join(' | ')} |`);
      return [head, sep, ...rows].join('\n');
    }
  }
}

/** The whole document as Markdown. Pure. */
export function renderMarkdown(doc: ReportDocument): string {
  const out: string[] = [`# ${doc.title}`, '', doc.subtitle, ''];
  for (const s of doc.sections) {
    out.push(`## ${s.title}`, '');
    for (const b of s.blocks) out.push(block(b), '');
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
