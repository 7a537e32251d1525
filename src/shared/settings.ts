/**
 * User settings: the one schema used by electron-store (desktop), conf (headless),
 * the `settings:set` handler and the Settings view. Pure data, no imports, so the
 * renderer can use it to build its form.
 *
 * Time series never go here (they live in SQLite): settings are not a database.
 */

import type { GroupKind } from './model.ts';

export const SETTINGS_VERSION = 1;

/** A grouping rule. Matching is on the executable basename (argv[0] or comm) and/or the command line. */
export interface GroupRule {
  /** Group name; `$1` is replaced by the first capture of `cmdline`. */
  name: string;
  kind: GroupKind;
  /** Executable basenames (argv[0] basename, or comm) that match, compared case-insensitively. */
  exe?: string[];
  /** Regular expression tested against the whole command line (args joined by spaces). */
  cmdline?: string;
  /** Children with no rule of their own join this group (browser content processes, npx trees). */
  absorbChildren?: boolean;
}

/**
 * A machine followed over SSH (docs/remote.md): `destination` is what the user
 * would type after `ssh` — a Host from ~/.ssh/config, `user@host`, or
 * `ssh://user@host:port`.
 */
export interface MachineSetting {
  /** Shown in the tray, notifications and the window ("dev-box"). */
  name: string;
  destination: string;
  /** The remote engine's socket, when its data directory is not the default one (absolute path on the box). */
  socket?: string;
}

export interface Settings {
  version: number;
  intervals: {
    systemMs: number;
    processesMs: number;
    fdsMs: number;
    dockerStatsMs: number;
    dockerDiskMs: number;
    /** Under memory pressure every interval is multiplied by this (0.5 = twice as often). */
    pressureFactor: number;
    /** After calmAfterSeconds in which nothing moves, every interval is multiplied by this (engine/pace.ts); 1: never. */
    calmFactor: number;
    calmAfterSeconds: number;
  };
  alerts: {
    memWarnPercent: number;
    memCritPercent: number;
    /** Hysteresis: an alert clears only this many points below its firing level. */
    clearMarginPercent: number;
    sustainSeconds: number;
    cooldownSeconds: number;
    /** Swap pressure: pages swapped in per second, sustained. */
    swapInPagesPerSec: number;
    /** Swap pressure: PSI "some" avg60 percent. */
    psiSomeAvg60Percent: number;
    containerLimitPercent: number;
    unboundedContainerBytes: number;
    restartLoopCount: number;
    restartLoopWindowSeconds: number;
    /** Docker disk waste (dangling images, build cache, anonymous volumes, stopped containers) that raises an alert. */
    dockerReclaimableBytes: number;
    zombieSeconds: number;
    orphanAlerts: boolean;
    /** Default per-group instance maximum, and overrides by group name. */
    defaultMaxInstances: number;
    maxInstances: Record<string, number>;
    /** A leak alert fires when time to exhaustion is within this horizon. */
    leakHorizonSeconds: number;
    /** Alerts are paused until this epoch-ms (the "Pause alerts for 1 hour" item). */
    pausedUntil: number;
    snoozed: Record<string, number>;
  };
  detector: {
    /** Shortest span of a segment before any verdict. */
    minSpanSeconds: number;
    /** Span after which a slow leak may be reported on strong evidence. */
    slowSpanSeconds: number;
    /** Longest history window the detector keeps per series. */
    maxWindowSeconds: number;
    /** Minimum samples in a segment before any verdict. */
    minSamples: number;
  };
  groups: {
    /** User rules, tried before the built-in defaults. */
    rules: GroupRule[];
    /** How many groups are recorded in history and /metrics individually. */
    topN: number;
  };
  remedies: {
    protectedNames: string[];
    keepInstances: number;
    keepPolicy: 'newest' | 'active' | 'tty';
    graceSeconds: number;
    /** How long a proposal id stays valid. */
    proposalTtlSeconds: number;
  };
  history: {
    rawHours: number;
    minuteDays: number;
    quarterDays: number;
  };
  docker: {
    enabled: boolean;
    /** Empty means: honour DOCKER_HOST, then the usual sockets. */
    host: string;
    statsConcurrency: number;
  };
  /** Remote machines whose engines this Headroom follows over SSH; empty: this machine only. */
  machines: MachineSetting[];
}

const GiB = 1024 ** 3;

export const DEFAULT_SETTINGS: Settings = {
  version: SETTINGS_VERSION,
  intervals: {
    systemMs: 2000,
    processesMs: 5000,
    fdsMs: 30000,
    dockerStatsMs: 15000,
    dockerDiskMs: 600000,
    pressureFactor: 0.5,
    calmFactor: 3,
    calmAfterSeconds: 600,
  },
  alerts: {
    memWarnPercent: 70,
    memCritPercent: 85,
    clearMarginPercent: 5,
    sustainSeconds: 30,
    cooldownSeconds: 600,
    swapInPagesPerSec: 500,
    psiSomeAvg60Percent: 10,
    containerLimitPercent: 90,
    unboundedContainerBytes: 2 * GiB,
    restartLoopCount: 3,
    restartLoopWindowSeconds: 600,
    dockerReclaimableBytes: 10 * GiB,
    zombieSeconds: 120,
    orphanAlerts: true,
    defaultMaxInstances: 8,
    maxInstances: {},
    leakHorizonSeconds: 6 * 3600,
    pausedUntil: 0,
    snoozed: {},
  },
  detector: {
    minSpanSeconds: 300,
    slowSpanSeconds: 3 * 3600,
    maxWindowSeconds: 6 * 3600,
    minSamples: 20,
  },
  groups: {
    rules: [],
    topN: 15,
  },
  remedies: {
    protectedNames: [],
    keepInstances: 4,
    keepPolicy: 'newest',
    graceSeconds: 5,
    proposalTtlSeconds: 300,
  },
  history: {
    rawHours: 24,
    minuteDays: 14,
    quarterDays: 365,
  },
  docker: {
    enabled: true,
    host: '',
    statsConcurrency: 4,
  },
  machines: [],
};

/** A deep partial, for `settings:set` patches. */
export type SettingsPatch = {
  [K in keyof Settings]?: Settings[K] extends Record<string, unknown> ? Partial<Settings[K]> : Settings[K];
};

const num = (minimum: number, maximum: number) => ({ type: 'number', minimum, maximum });
const int = (minimum: number, maximum: number) => ({ type: 'integer', minimum, maximum });
const obj = (properties: Record<string, unknown>) => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties),
  properties,
});

/** JSON Schema for Settings; used by electron-store/conf and by the settings:set validator. */
export const SETTINGS_SCHEMA = obj({
  version: int(1, 1000),
  intervals: obj({
    systemMs: int(250, 600000),
    processesMs: int(500, 600000),
    fdsMs: int(1000, 3600000),
    dockerStatsMs: int(1000, 3600000),
    dockerDiskMs: int(10000, 86400000),
    pressureFactor: num(0.1, 1),
    calmFactor: num(1, 10),
    calmAfterSeconds: int(10, 86400),
  }),
  alerts: obj({
    memWarnPercent: num(1, 100),
    memCritPercent: num(1, 100),
    clearMarginPercent: num(0, 50),
    sustainSeconds: num(0, 86400),
    cooldownSeconds: num(0, 86400),
    swapInPagesPerSec: num(0, 1e9),
    psiSomeAvg60Percent: num(0, 100),
    containerLimitPercent: num(1, 100),
    unboundedContainerBytes: num(0, 1e15),
    restartLoopCount: int(1, 1000),
    restartLoopWindowSeconds: num(10, 86400),
    dockerReclaimableBytes: num(0, 1e15),
    zombieSeconds: num(0, 86400),
    orphanAlerts: { type: 'boolean' },
    defaultMaxInstances: int(1, 10000),
    maxInstances: {
      type: 'object',
      maxProperties: 500,
      propertyNames: { type: 'string', maxLength: 200 },
      additionalProperties: int(1, 10000),
    },
    leakHorizonSeconds: num(60, 30 * 86400),
    pausedUntil: num(0, 1e15),
    snoozed: {
      type: 'object',
      maxProperties: 500,
      propertyNames: { type: 'string', maxLength: 300 },
      additionalProperties: num(0, 1e15),
    },
  }),
  detector: obj({
    minSpanSeconds: num(10, 86400),
    slowSpanSeconds: num(60, 7 * 86400),
    maxWindowSeconds: num(60, 30 * 86400),
    minSamples: int(5, 100000),
  }),
  groups: obj({
    rules: {
      type: 'array',
      maxItems: 500,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'kind'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200 },
          kind: { enum: ['agent', 'mcp', 'editor', 'browser', 'runtime', 'container', 'system', 'other'] },
          exe: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 200 } },
          cmdline: { type: 'string', maxLength: 1000 },
          absorbChildren: { type: 'boolean' },
        },
      },
    },
    topN: int(1, 200),
  }),
  remedies: obj({
    protectedNames: { type: 'array', maxItems: 1000, items: { type: 'string', minLength: 1, maxLength: 200 } },
    keepInstances: int(0, 10000),
    keepPolicy: { enum: ['newest', 'active', 'tty'] },
    graceSeconds: num(0, 600),
    proposalTtlSeconds: num(5, 86400),
  }),
  history: obj({
    rawHours: num(1, 24 * 31),
    minuteDays: num(1, 365),
    quarterDays: num(1, 3650),
  }),
  docker: obj({
    enabled: { type: 'boolean' },
    host: { type: 'string', maxLength: 1000 },
    statsConcurrency: int(1, 64),
  }),
  // A backstop: settings/validate.ts checks names and destinations first, with a message that says what is wrong.
  machines: {
    type: 'array',
    maxItems: 32,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'destination'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f\\u007f]+$' },
        destination: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9_.@:%+~/\\[\\]][A-Za-z0-9_.@:%+~/\\[\\]-]*$' },
        socket: { type: 'string', minLength: 2, maxLength: 200, pattern: '^/[^\\u0000-\\u001f\\u007f]*$' },
      },
    },
  },
});
