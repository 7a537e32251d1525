/**
 * `headroom report [--since 3h] [--out FILE.md] [--html] [--tz ZONE] [--no-live] [--no-docker]`:
 * an analysis report of the recorded history — every figure measured, every
 * trend from the leak detector replayed over that history, every
 * recommendation tied to its evidence and to a fix id.
 *
 * By default one live sample is taken too (zombies, orphans, container limits,
 * Docker disk usage and fix proposals exist only live); --no-live makes a
 * report from history alone, which then says what it could not measure.
 */

import { writeFileSync } from 'node:fs';
import { exportReport, liveStateFrom, localTimeZone, type LiveState, type ReportFormat } from '../main/engine/report/index.ts';
import { createHeadroom, type Headroom } from '../main/engine/create.ts';
import { quoteInput } from '../shared/safe-text.ts';
import { parseDuration, parseFlags } from './args.ts';
import { attachToEngine, withEngine } from './attach.ts';
import { withFreshPlan } from './fixes.ts';
import { UsageError, type CliIo } from './io.ts';

/** Makes one report and prints it or writes it to --out; returns the exit code. */
export async function reportCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(
    'report',
    args,
    {
      since: { type: 'string', default: '3h' },
      out: { type: 'string', short: 'o' },
      html: { type: 'boolean' },
      tz: { type: 'string' },
      'no-live': { type: 'boolean' },
      'no-docker': { type: 'boolean' },
    },
    false,
  );
  const sinceMs = parseDuration(values.since as string, '--since');
  const out = values.out;
  const format: ReportFormat = values.html || (out !== undefined && /\.html?$/i.test(out)) ? 'html' : 'md';
  const timeZone = values.tz ?? localTimeZone();
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new UsageError(`headroom report: --tz: unknown time zone ${quoteInput(timeZone)}`);
  }

  const make = (h: Headroom, live: LiveState | null) => {
    if (!h.history) throw new Error('history is not available');
    const now = Date.now();
    return exportReport({ history: h.history, settings: h.settings.get(), live, sinceMs: now - sinceMs, untilMs: now, now, format, timeZone });
  };

  let result: { text: string; fileName: string };
  const engine = await attachToEngine({ needs: ['report:export'] });
  if (engine) {
    const req = { sinceMs: Date.now() - sinceMs, format, timeZone, live: values['no-live'] !== true };
    result = await withEngine(engine, (c) => c.invoke('report:export', req));
  } else if (values['no-live']) {
    const h = createHeadroom({ docker: false, log: io.err });
    try {
      result = make(h, null);
    } finally {
      await h.close();
    }
  } else {
    result = await withFreshPlan({ noDocker: values['no-docker'] === true, io }, async (h) => {
      // Disk waste is measured on its own schedule; wait for it (bounded by Docker's own timeouts) so the report can state it.
      if (h.docker && h.docker.state().status === 'ok') await h.docker.refreshDisk();
      const snap = h.engine.sampleNow();
      const fixes = await h.remedies.plan(snap, h.engine.alerts());
      return make(h, liveStateFrom(snap, h.engine.alerts(), fixes));
    });
  }

  if (out === undefined) {
    io.out(result.text);
  } else {
    writeFileSync(out, result.text);
    io.err(`headroom report: wrote ${out} (${Math.round(Buffer.byteLength(result.text) / 1024)} KB)`);
  }
  return 0;
}
