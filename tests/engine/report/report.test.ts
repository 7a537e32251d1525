/**
 * `headroom report` end to end on a real history: labelled traces from
 * ../shared/traces written into a real SQLite history store with timestamps,
 * each fed through the leak detector as the engine feeds it, with the engine's
 * own DecisionRecorder writing its verdicts beside the samples; then real
 * samples from the engine (with a real zombie and a real orphaned MCP tree),
 * then the report built from that store. The report must state the verdicts
 * the engine recorded — it runs no analysis of its own.
 */

import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DecisionRecorder } from '../../../src/main/engine/decisions/record.ts';
import { LeakDetector } from '../../../src/main/engine/detect/leak-detector.ts';
import { createHeadroom } from '../../../src/main/engine/create.ts';
import { HistoryStore } from '../../../src/main/engine/history/store.ts';
import { exportReport, liveStateFrom, REPORT_SECTIONS, type LiveState } from '../../../src/main/engine/report/index.ts';
import { formatDuration, formatRate } from '../../../src/shared/format.ts';
import type { LeakTrend } from '../../../src/shared/model.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';
import { tempHome } from '../../helpers/cli.ts';
import { ProcessSwarm, waitUntil } from '../../helpers/procs.ts';
import { TRACES_DIR } from '../../helpers/shared.ts';

const TRACES = TRACES_DIR;
const TRACE_FILES = ['node_sawtooth_leak.csv', 'gc_sawtooth_flat.csv'];
const CONTAINER_TRACE = 'container_unbounded_leak.csv';
/** Default settings, but a zombie counts once it has lasted 1 s (the test's zombie is seconds old). */
const SETTINGS = { ...DEFAULT_SETTINGS, alerts: { ...DEFAULT_SETTINGS.alerts, zombieSeconds: 1 } };

const SECTION_TITLES = [
  'Executive summary',
  'Alerts',
  'Memory',
  'Top consumers by application',
  'Zombies and orphans',
  'Containers',
  'Leak trends',
  'Recommendations',
  'Risk assessment',
  'Method and coverage',
];

interface TraceRow {
  t: number;
  value: number;
  limit: number | null;
}

function readTrace(file: string): { series: string; rows: TraceRow[] } {
  const lines = readFileSync(join(TRACES, file), 'utf8').trim().split('\n').slice(1);
  let series = '';
  const rows = lines.map((l) => {
    const [t, s, v, lim] = l.split(',');
    series = s;
    return { t: Number(t), value: Number(v), limit: lim === '' || lim === undefined ? null : Number(lim) };
  });
  return { series, rows };
}

/** Hours of each trace replayed: enough for the detector to call the labelled leaks, short enough to keep the test quick. */
const TRACE_HOURS = 4;

/** The verdicts the "engine" recorded while writing the traces, by series: what the report must state. */
const recordedVerdicts = new Map<string, LeakTrend>();

/**
 * Writes the last TRACE_HOURS of a trace so that its last sample lands at
 * `endMs`, feeding each sample to a leak detector as the engine does and
 * letting the engine's DecisionRecorder write the verdicts to the same store.
 */
function writeTrace(dbPath: string, file: string, endMs: number): string {
  const { series, rows } = readTrace(file);
  const store = HistoryStore.open({ path: dbPath, retention: DEFAULT_SETTINGS.history, log: () => {} });
  const detector = new LeakDetector(DEFAULT_SETTINGS.detector);
  const recorder = new DecisionRecorder(store);
  const last = rows[rows.length - 1].t;
  for (const r of rows) {
    if (last - r.t > TRACE_HOURS * 3600) continue;
    const t = endMs - (last - r.t) * 1000;
    store.record(t, [{ series, value: r.value, limit: r.limit }]);
    detector.push(series, t / 1000, r.value, r.limit);
    // As the analyzer hands them on: segment starts in epoch ms.
    recorder.trends(t, detector.trends().map((tr) => ({ ...tr, segmentStart: tr.segmentStart * 1000 })));
  }
  // As the engine does when it stops: the leaks' final figures are written.
  const final = detector.trends().map((tr) => ({ ...tr, segmentStart: tr.segmentStart * 1000 }));
  recorder.flush(endMs, final);
  const own = final.find((tr) => tr.series === series);
  if (own) recordedVerdicts.set(series, own);
  store.close();
  return series;
}

/** The text of one "## Title" section of a Markdown report. */
function sectionOf(md: string, title: string): string {
  const start = md.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `section "${title}" missing`);
  const next = md.indexOf('\n## ', start + 4);
  return md.slice(start, next < 0 ? undefined : next);
}

describe('headroom report', () => {
  const swarm = new ProcessSwarm();
  const home = tempHome('headroom-report-');
  const homeNoDocker = tempHome('headroom-report-nodocker-');
  let now = 0;
  let sinceMs = 0;
  let live: LiveState;
  let zombie: { parentPid: number; zombiePid: number };
  let orphan: { rootPid: number; treePids: number[] };
  const traceSeries: string[] = [];
  let containerSeries = '';

  // Replaying hours of history through the detector takes seconds: each report is made once and shared by the checks.
  const made = new Map<string, string>();
  const report = (dataDir: string, format: 'md' | 'html', liveState: LiveState | null) => {
    const key = `${dataDir} ${format} ${liveState ? 'live' : 'none'}`;
    if (!made.has(key)) made.set(key, makeReport(dataDir, format, liveState));
    return made.get(key)!;
  };
  const makeReport = (dataDir: string, format: 'md' | 'html', liveState: LiveState | null, settings = SETTINGS) => {
    const store = HistoryStore.open({ path: join(dataDir, 'history.db'), retention: DEFAULT_SETTINGS.history, log: () => {} });
    try {
      return exportReport({ history: store, settings, live: liveState, sinceMs, untilMs: now, now, format, timeZone: 'UTC' }).text;
    } finally {
      store.close();
    }
  };

  before(async () => {
    if (!existsSync(TRACES)) {
      throw new Error(`the labelled traces are missing: expected them in ${TRACES} (../shared/traces next to the repository)`);
    }
    const engineStart = Date.now();
    const traceEnd = engineStart - 60_000;
    const db = join(home, 'history.db');
    for (const f of TRACE_FILES) traceSeries.push(writeTrace(db, f, traceEnd));

    // Real samples from the engine, with a real zombie and a real orphaned MCP tree to find.
    zombie = await swarm.spawnZombieParent('hr-report-parent');
    const zombieSince = Date.now();
    orphan = await swarm.spawnOrphanTree('@hr-report/orphan-mcp');
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ intervals: { systemMs: 250, processesMs: 500 } }));
    const h = createHeadroom({ dataDir: home, docker: false, log: () => {} });
    h.engine.start();
    // Until a process scan shows both, with the zombie past SETTINGS' 1 s (waited for, not slept: a loaded
    // machine scans late).
    await waitUntil(
      () => {
        const s = h.engine.latest();
        return !!s && s.sampledAt.processes - zombieSince > 1500 && s.zombies.some((z) => z.pid === zombie.zombiePid) && s.orphans.some((o) => o.pid === orphan.rootPid);
      },
      60_000,
      'a process scan with the zombie and the orphan',
    );
    const snap = h.engine.latest();
    assert.ok(snap, 'the engine took samples');
    live = liveStateFrom(snap, h.engine.alerts(), h.engine.fixes());
    await h.close();
    now = Date.now();
    sinceMs = now - (TRACE_HOURS + 1) * 3600_000;

    // The same history without any container data, for the "Docker not available" case.
    copyFileSync(db, join(homeNoDocker, 'history.db'));
    containerSeries = writeTrace(db, CONTAINER_TRACE, traceEnd);
  });

  after(() => swarm.cleanup());

  it('has every section, in order, in Markdown and in HTML', () => {
    assert.deepEqual(REPORT_SECTIONS.length, SECTION_TITLES.length);
    const md = report(home, 'md', live);
    let at = 0;
    for (const title of SECTION_TITLES) {
      const i = md.indexOf(`\n## ${title}\n`, at);
      assert.ok(i > at, `"## ${title}" missing or out of order`);
      at = i;
    }
    const html = report(home, 'html', live);
    for (const id of REPORT_SECTIONS) assert.match(html, new RegExp(`<section id="${id}">`));
    assert.match(html, /<svg [^>]*role="img"/, 'charts are embedded as inline SVG');
    assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'no scripts and no external resources');
  });

  it("issue 13 #6 (report contradicts the window): states each leak's slope, interval and time to exhaustion exactly as the engine recorded them", () => {
    const leaking = [...recordedVerdicts.values()].filter((t) => t.leaking);
    // The labelled leaks must be among them, or this comparison would prove little.
    assert.ok(leaking.some((t) => t.series === 'process.group.node-mcp.rss'), 'the node sawtooth leak is a leak for the detector');
    assert.ok(leaking.some((t) => t.series === containerSeries), 'the unbounded container leak is a leak for the detector');
    assert.ok(!leaking.some((t) => t.series === 'process.group.code.rss'), 'the healthy GC sawtooth is not');

    const md = report(home, 'md', live);
    const leaks = sectionOf(md, 'Leak trends');
    assert.match(leaks, /verdicts the engine last recorded in history/, 'says where its verdicts come from');
    const isRow = (l: string) => l.startsWith('| ') && !l.startsWith('| Series') && !l.startsWith('| ---');
    const tableOfLeaks = leaks.slice(leaks.indexOf('### Leaks'), leaks.indexOf('\n###', leaks.indexOf('### Leaks') + 5) >= 0 ? leaks.indexOf('\n###', leaks.indexOf('### Leaks') + 5) : undefined);
    const leakRows = tableOfLeaks.split('\n').filter(isRow);
    assert.equal(leakRows.length, leaking.length, 'one row per recorded leak, no more');
    for (const tr of leaking) {
      const row = leakRows.find((l) => l.includes(`\`${tr.series}\``));
      assert.ok(row, `a row for ${tr.series}`);
      const bound = (v: number) => (v === Infinity ? '+∞' : v === -Infinity ? '−∞' : formatRate(v));
      const slope = `${formatRate(tr.slopePerHour)} [${bound(tr.slopeLowPerHour)} … ${bound(tr.slopeHighPerHour)}]`;
      assert.ok(row.includes(slope), `slope of ${tr.series}: expected "${slope}" in ${row}`);
      assert.ok(row.includes(`${Math.round(tr.strength * 100)}%`), `confidence of ${tr.series}`);
      const eta = tr.etaSeconds === null ? 'none (no limit known)' : `${formatDuration(tr.etaSeconds)} (projection)`;
      assert.ok(row.includes(eta), `time to exhaustion of ${tr.series}: expected "${eta}" in ${row}`);
    }
    assert.ok(!leakRows.some((l) => l.includes('`process.group.code.rss`')), 'the flat sawtooth is not called a leak');
    // The same figures carry into the recommendations and the risks.
    const node = recordedVerdicts.get('process.group.node-mcp.rss')!;
    assert.ok(sectionOf(md, 'Recommendations').includes('Restart node-mcp'), 'a recommendation for the leaking group');
    assert.ok(sectionOf(md, 'Risk assessment').includes(formatRate(node.slopePerHour)));
  });

  it('issue 13 #6: a short period states the same verdict as a long one (the engine\'s, not a re-analysis of 15 minutes)', () => {
    const store = HistoryStore.open({ path: join(home, 'history.db'), retention: DEFAULT_SETTINGS.history, log: () => {} });
    try {
      const short = exportReport({ history: store, settings: SETTINGS, live, sinceMs: now - 15 * 60_000, untilMs: now, now, format: 'md', timeZone: 'UTC' }).text;
      const leaks = sectionOf(short, 'Leak trends');
      for (const tr of recordedVerdicts.values()) {
        if (!tr.leaking) continue;
        assert.ok(leaks.includes(`\`${tr.series}\``), `${tr.series} is still a leak in a 15-minute report`);
      }
      assert.doesNotMatch(leaks, /not steadily enough/);
    } finally {
      store.close();
    }
  });

  it('says "Docker not available" instead of an empty container table when Docker was not measured', () => {
    for (const liveState of [live, null]) {
      const md = report(homeNoDocker, 'md', liveState);
      const containers = sectionOf(md, 'Containers');
      assert.match(containers, /Docker not available/);
      assert.match(containers, /this does not mean there were none/);
      assert.doesNotMatch(containers, /\| Container \|/, 'no table that reads as "no containers"');
      assert.match(sectionOf(md, 'Method and coverage'), /Containers: Docker was not available/);
    }
    // With container history, the table is there and names the container.
    const withData = sectionOf(report(home, 'md', live), 'Containers');
    assert.match(withData, /\| Container \|/);
    assert.ok(withData.includes('metamcp'));
    assert.match(withData, /No memory limit[^\n]*metamcp/, 'the container trace records a limit above this RAM: no limit');
  });

  it('gives the same bytes for the same history', () => {
    // A second, independent run (fresh store handle, fresh detector) of reports made above.
    assert.equal(makeReport(home, 'md', live), report(home, 'md', live));
    assert.equal(makeReport(home, 'html', live), report(home, 'html', live));
  });

  it('names each zombie with the parent that must reap it, and never offers a pattern kill', () => {
    const md = report(home, 'md', live);
    const z = sectionOf(md, 'Zombies and orphans');
    const zrow = z.split('\n').find((l) => l.startsWith(`| ${zombie.zombiePid} |`));
    assert.ok(zrow, `the zombie ${zombie.zombiePid} is listed`);
    assert.ok(zrow.includes(`${zombie.parentPid} \`hr-report-parent\``), `with its parent: ${zrow}`);
    const orow = z.split('\n').find((l) => l.startsWith(`| ${orphan.rootPid} |`));
    assert.ok(orow, `the orphan ${orphan.rootPid} is listed`);
    assert.ok(orow.includes('npm exec @hr-report/orphan-mcp'), 'with what started it');
    const recs = sectionOf(md, 'Recommendations');
    assert.ok(recs.includes(`Restart or stop hr-report-parent (PID ${zombie.parentPid})`), 'the remedy is about the parent');
    assert.ok(recs.includes('killing the zombie itself does nothing'));
    assert.doesNotMatch(md, /\bpkill\b|\bkillall\b/);
    // Every fix proposed for the processes the report names is given by id.
    for (const p of live.fixes) {
      const touches = p.targets.some((t) => t.kind === 'process' && (t.pid === zombie.parentPid || t.pid === orphan.rootPid));
      if (touches) assert.ok(recs.includes(`\`${p.id}\``), `fix ${p.id} (${p.title}) is offered`);
    }
  });

  it('leaves a zombie that may only be passing out of the recommendations, and never suggests stopping PID 1', () => {
    // Default settings: a zombie must last 2 minutes; this one started seconds ago.
    const md = makeReport(home, 'md', live, DEFAULT_SETTINGS);
    assert.ok(sectionOf(md, 'Zombies and orphans').includes(`| ${zombie.zombiePid} |`), 'still listed as seen');
    assert.ok(!sectionOf(md, 'Recommendations').includes('Restart or stop hr-report-parent'), 'but not a finding');

    const withInitZombie: LiveState = {
      ...live,
      snapshot: { ...live.snapshot, zombies: [{ pid: 4_000_000, ppid: 1, parentName: 'init', name: 'defunct-worker', sinceSeconds: 600 }] },
    };
    const recs = sectionOf(makeReport(home, 'md', withInitZombie), 'Recommendations');
    assert.match(recs, /Zombies left to PID 1 \(init\): leave PID 1 alone/);
    assert.match(recs, /Never stop PID 1/);
    assert.doesNotMatch(recs, /Restart or stop init/);
  });

  it('reports no data rather than zeros for a period with no history', () => {
    const store = HistoryStore.open({ path: join(home, 'history.db'), retention: DEFAULT_SETTINGS.history, log: () => {} });
    try {
      const md = exportReport({ history: store, settings: DEFAULT_SETTINGS, live: null, sinceMs: now - 30 * 86400_000, untilMs: now - 29 * 86400_000, now, format: 'md', timeZone: 'UTC' }).text;
      assert.match(sectionOf(md, 'Memory'), /No memory samples were recorded in this period/);
      assert.match(sectionOf(md, 'Zombies and orphans'), /Not measured/);
      assert.match(sectionOf(md, 'Method and coverage'), /0\.0%/);
    } finally {
      store.close();
    }
  });
});
