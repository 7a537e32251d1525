/**
 * The settings form's fields without their elements: which control a schema
 * property gets, its label, and how a value is written into the control and
 * read back (with a clear message for input that cannot be a value). Pure, so
 * it is tested under Node.
 */

export interface PropSchema {
  type?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  items?: PropSchema;
  additionalProperties?: PropSchema | boolean;
  properties?: Record<string, PropSchema>;
}

/**
 * The control for a property: a checkbox, a select of its values, a number
 * box, a textarea of one string per line, of "name = number" lines (a map of
 * counts), or of JSON (arrays of objects), else a text box.
 */
export type ControlKind = 'checkbox' | 'select' | 'number' | 'lines' | 'name-counts' | 'json' | 'text';

export function controlKind(schema: PropSchema): ControlKind {
  if (schema.type === 'boolean') return 'checkbox';
  if (schema.enum) return 'select';
  if (schema.type === 'number' || schema.type === 'integer') return 'number';
  if (schema.type === 'array' && schema.items?.type === 'string') return 'lines';
  if (schema.type === 'object' && typeof schema.additionalProperties === 'object') return 'name-counts';
  if (schema.type === 'array') return 'json';
  return 'text';
}

/**
 * Settings are stored in machine units (bytes, seconds, milliseconds, a
 * factor); the form shows them in the units people think in (GB, minutes,
 * seconds, %). Shown value = stored value / factor.
 */
export interface Unit {
  /** Shown after the label: "GB", "minutes", "%". */
  label: string;
  factor: number;
}

const GB: Unit = { label: 'GB', factor: 1024 ** 3 };
const SECONDS_FROM_MS: Unit = { label: 'seconds', factor: 1000 };
const MINUTES_FROM_MS: Unit = { label: 'minutes', factor: 60_000 };
const MINUTES: Unit = { label: 'minutes', factor: 60 };
const HOURS: Unit = { label: 'hours', factor: 3600 };

const UNITS: Record<string, Unit> = {
  'intervals.systemMs': SECONDS_FROM_MS,
  'intervals.processesMs': SECONDS_FROM_MS,
  'intervals.fdsMs': SECONDS_FROM_MS,
  'intervals.dockerStatsMs': SECONDS_FROM_MS,
  'intervals.dockerDiskMs': MINUTES_FROM_MS,
  'intervals.pressureFactor': { label: '%', factor: 0.01 },
  'intervals.calmAfterSeconds': MINUTES,
  'alerts.cooldownSeconds': MINUTES,
  'alerts.unboundedContainerBytes': GB,
  'alerts.restartLoopWindowSeconds': MINUTES,
  'alerts.dockerReclaimableBytes': GB,
  'alerts.zombieSeconds': MINUTES,
  'alerts.leakHorizonSeconds': HOURS,
  'detector.minSpanSeconds': MINUTES,
  'detector.slowSpanSeconds': HOURS,
  'detector.maxWindowSeconds': HOURS,
  'remedies.proposalTtlSeconds': MINUTES,
};

/** The unit setting `path` is shown in, or null when it is shown as stored (counts, percents, names). */
export function unitFor(path: string): Unit | null {
  return UNITS[path] ?? null;
}

/** A stored number as shown: 2147483648 bytes → 2 (GB), 21600 s → 6 (hours). Rounded so no float noise shows. */
export function toShown(path: string, v: number): number {
  const u = unitFor(path);
  return u ? Number((v / u.factor).toPrecision(10)) : v;
}

/** A shown number as stored, whole where the schema wants an integer. */
export function fromShown(path: string, n: number, integer: boolean): number {
  const u = unitFor(path);
  const v = u ? Number((n * u.factor).toPrecision(12)) : n;
  return integer ? Math.round(v) : v;
}

const LABELS: Record<string, string> = {
  'intervals.systemMs': 'Measure memory and load every (seconds)',
  'intervals.processesMs': 'Scan processes every (seconds)',
  'intervals.fdsMs': 'Count open files every (seconds)',
  'intervals.dockerStatsMs': 'Read container stats every (seconds)',
  'intervals.dockerDiskMs': 'Measure Docker disk use every (minutes)',
  'intervals.pressureFactor': 'Under memory pressure, wait this share of each interval (%)',
  'intervals.calmFactor': 'When nothing moves, wait this many times each interval (1: never slow down)',
  'intervals.calmAfterSeconds': 'Slow down after nothing has moved for (minutes)',
  'alerts.memWarnPercent': 'Memory warning at (%)',
  'alerts.memCritPercent': 'Memory critical at (%)',
  'alerts.clearMarginPercent': 'Clears this many points below (%)',
  'alerts.sustainSeconds': 'Must last (seconds)',
  'alerts.cooldownSeconds': 'Quiet time after an alert (minutes)',
  'alerts.swapInPagesPerSec': 'Swap-in pressure (pages/s)',
  'alerts.psiSomeAvg60Percent': 'Memory pressure: time stalled, 1-minute average (%)',
  'alerts.containerLimitPercent': 'Container near its limit at (%)',
  'alerts.unboundedContainerBytes': 'Container with no limit above (GB)',
  'alerts.restartLoopCount': 'Restart loop: restarts',
  'alerts.restartLoopWindowSeconds': 'Restart loop: within (minutes)',
  'alerts.dockerReclaimableBytes': 'Docker disk waste worth an alert (GB)',
  'alerts.zombieSeconds': 'Zombie alert after (minutes)',
  'alerts.orphanAlerts': 'Alert on orphaned agents and MCP servers',
  'alerts.defaultMaxInstances': 'Instances per application before an alert',
  'alerts.maxInstances': 'Per-application instance limits (name = count, one per line)',
  'alerts.leakHorizonSeconds': 'Leak alert when memory runs out within (hours)',
  'detector.minSpanSeconds': 'Watch a series at least (minutes) before any verdict',
  'detector.slowSpanSeconds': 'Call a slow leak only after (hours)',
  'detector.maxWindowSeconds': 'Look back at most (hours)',
  'detector.minSamples': 'Samples needed before any verdict',
  'remedies.protectedNames': 'Protected process names (one per line; never stopped)',
  'remedies.keepInstances': 'Instances a fix keeps running',
  'remedies.keepPolicy': 'Which instances to keep',
  'remedies.graceSeconds': 'Grace before a forced stop (seconds)',
  'remedies.proposalTtlSeconds': 'A proposed fix stays valid for (minutes)',
  'groups.rules': 'Grouping rules (JSON array of {name, kind, exe?, cmdline?, absorbChildren?})',
  'groups.topN': 'Applications recorded individually in history',
  'history.rawHours': 'Full resolution (hours)',
  'history.minuteDays': 'Per-minute averages (days)',
  'history.quarterDays': 'Per-15-minute averages (days)',
  'docker.enabled': 'Watch Docker',
  'docker.host': 'Docker host (empty: DOCKER_HOST, then the usual sockets)',
  'docker.statsConcurrency': 'Parallel stats requests',
};

/** The label of setting `path` ("section.key"): written for the known ones, else the key in words ("statsConcurrency" → "Stats Concurrency"). */
export function labelFor(path: string): string {
  const known = LABELS[path];
  if (known) return known;
  const key = path.slice(path.indexOf('.') + 1);
  return key.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
}

/** What a control shows for value `v`. */
export function formatValue(kind: ControlKind, v: unknown): string | boolean {
  switch (kind) {
    case 'checkbox':
      return v === true;
    case 'lines':
      return Array.isArray(v) ? v.join('\n') : '';
    case 'name-counts':
      return Object.entries((v ?? {}) as Record<string, unknown>)
        .map(([k, n]) => `${k} = ${n}`)
        .join('\n');
    case 'json':
      return JSON.stringify(v ?? [], null, 2);
    default:
      return v === undefined || v === null ? '' : String(v);
  }
}

/** The non-empty, trimmed lines of `text`. */
function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/**
 * The value a control's text (or checked state) stands for. Throws an Error
 * whose message is shown under the field when the input cannot be one.
 */
export function parseValue(kind: ControlKind, shown: string | boolean): unknown {
  if (kind === 'checkbox') return shown === true;
  const text = String(shown);
  switch (kind) {
    case 'number': {
      if (text.trim() === '') throw new Error('a number is required');
      const n = Number(text);
      if (!Number.isFinite(n)) throw new Error('not a number');
      return n;
    }
    case 'lines':
      return lines(text);
    case 'name-counts': {
      const out: Record<string, number> = {};
      for (const line of lines(text)) {
        const m = /^(.+?)\s*=\s*(\S+)$/.exec(line);
        if (!m || !Number.isFinite(Number(m[2]))) throw new Error(`"${line.slice(0, 40)}" is not "name = number"`);
        out[m[1]] = Number(m[2]);
      }
      return out;
    }
    case 'json':
      try {
        return JSON.parse(text || '[]') as unknown;
      } catch (e) {
        throw new Error(`not valid JSON: ${(e as Error).message}`);
      }
    default:
      return text;
  }
}

/**
 * The field an error from main is about: main names the setting
 * ('invalid setting "alerts.memCritPercent": …', or a part of it such as
 * "groups.rules[2].name"), and the field is the one with that path or the
 * path it is part of. Null when the message names none of `paths`.
 */
export function fieldOfError(message: string, paths: readonly string[]): string | null {
  const m = /setting "?([\w.]+)"?/.exec(message);
  if (!m) return null;
  const named = m[1];
  return paths.find((p) => named === p || named.startsWith(`${p}.`) || named.startsWith(`${p}[`)) ?? null;
}
