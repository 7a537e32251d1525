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

const LABELS: Record<string, string> = {
  'alerts.memWarnPercent': 'Memory warning at (%)',
  'alerts.memCritPercent': 'Memory critical at (%)',
  'alerts.clearMarginPercent': 'Clears this many points below (%)',
  'alerts.sustainSeconds': 'Must last (seconds)',
  'alerts.cooldownSeconds': 'Quiet time after an alert (seconds)',
  'alerts.swapInPagesPerSec': 'Swap-in pressure (pages/s)',
  'alerts.psiSomeAvg60Percent': 'Memory pressure, PSI some avg60 (%)',
  'alerts.containerLimitPercent': 'Container near its limit at (%)',
  'alerts.unboundedContainerBytes': 'Container with no limit above (bytes)',
  'alerts.restartLoopCount': 'Restart loop: restarts',
  'alerts.restartLoopWindowSeconds': 'Restart loop: within (seconds)',
  'alerts.dockerReclaimableBytes': 'Docker disk waste worth an alert (bytes)',
  'alerts.zombieSeconds': 'Zombie alert after (seconds)',
  'alerts.orphanAlerts': 'Alert on orphaned agents and MCP servers',
  'alerts.defaultMaxInstances': 'Instances per application before an alert',
  'alerts.maxInstances': 'Per-application instance limits (name = count, one per line)',
  'alerts.leakHorizonSeconds': 'Leak alert when memory runs out within (seconds)',
  'remedies.protectedNames': 'Protected process names (one per line; never stopped)',
  'remedies.keepInstances': 'Instances a fix keeps running',
  'remedies.keepPolicy': 'Which instances to keep',
  'remedies.graceSeconds': 'Grace before a forced stop (seconds)',
  'remedies.proposalTtlSeconds': 'A proposed fix stays valid for (seconds)',
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
