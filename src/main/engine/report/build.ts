/**
 * Builds a report document from its inputs: the sections in their fixed
 * order, all derived from one shared context and one list of findings. Pure:
 * the same inputs give the same document, byte for byte once rendered.
 */

import { createContext } from './context.ts';
import { collectFindings, type Finding } from './findings.ts';
import { alertsSection } from './sections/alerts.ts';
import { consumersSection } from './sections/consumers.ts';
import { containersSection } from './sections/containers.ts';
import { leaksSection } from './sections/leaks.ts';
import { memorySection } from './sections/memory.ts';
import { methodSection } from './sections/method.ts';
import { recommendationsSection } from './sections/recommendations.ts';
import { risksSection } from './sections/risks.ts';
import { summarySection } from './sections/summary.ts';
import { zombiesSection } from './sections/zombies.ts';
import type { ReportDocument, ReportInputs } from './types.ts';

/** Section ids in the order they appear. */
export const REPORT_SECTIONS = ['summary', 'alerts', 'memory', 'consumers', 'zombies', 'containers', 'leaks', 'recommendations', 'risks', 'method'] as const;

export interface BuiltReport {
  document: ReportDocument;
  /** The findings behind the summary, recommendations and risks, most urgent first. */
  findings: Finding[];
}

/** Builds the report. Throws only on unusable inputs (an unknown time zone, an empty period). */
export function buildReport(inputs: ReportInputs): BuiltReport {
  if (!(inputs.untilMs > inputs.sinceMs)) throw new Error('report period is empty: "since" must be before "until"');
  const ctx = createContext(inputs);
  const findings = collectFindings(ctx);
  const host = inputs.live?.snapshot.host;
  const document: ReportDocument = {
    title: 'System memory report',
    subtitle: `${host ? `${host.hostname} (${host.platform}, ${host.cores} cores) — ` : ''}${ctx.clock.dateTime(inputs.sinceMs)} to ${ctx.clock.dateTime(inputs.untilMs)} ${inputs.timeZone}. Every figure below was measured by Headroom or computed from its measurements; projections are marked as such.`,
    sections: [
      summarySection(ctx, findings),
      alertsSection(ctx),
      memorySection(ctx),
      consumersSection(ctx),
      zombiesSection(ctx),
      containersSection(ctx),
      leaksSection(ctx),
      recommendationsSection(ctx, findings),
      risksSection(ctx, findings),
      methodSection(ctx),
    ],
  };
  return { document, findings };
}
