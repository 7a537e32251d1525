/**
 * Built-in grouping rules, as data. User rules (settings.groups.rules) are tried
 * first, so a user can rename or split anything here.
 *
 * Order matters: the first matching rule wins, so specific rules (an MCP server
 * launched by npx, Pylance inside the VS Code server) come before broad ones
 * (node, python).
 */

import type { GroupRule } from '../../../shared/settings.ts';

/** Package-name capture shared by the launcher rules: `@scope/name` or `name`, without a version. */
const PKG = '((?:@[\\w.-]+/)?[\\w.-]+?)(?:@[\\w.^~<>=*-]+)?';

export const DEFAULT_GROUP_RULES: readonly GroupRule[] = [
  // ── MCP servers and tools run through package launchers; named by the package they run.
  { name: 'mcp:$1', kind: 'mcp', cmdline: `^(?:\\S*/)?(?:npm exec|npx|npm-cli\\.js exec|npx-cli\\.js|pnpm dlx|bunx|bun x|uvx|uv tool run|pipx run)(?:\\s+-\\S+)*\\s+${PKG}(?:\\s|$)`, absorbChildren: true },
  { name: 'mcp:$1', kind: 'mcp', cmdline: `^(?:\\S*/)?node\\S*\\s+\\S*/(?:npx|npm)(?:-cli\\.js)?\\s+(?:exec\\s+)?(?:-\\S+\\s+)*${PKG}(?:\\s|$)`, absorbChildren: true },
  { name: 'mcp:$1', kind: 'mcp', cmdline: `/_npx/[0-9a-f]+/node_modules/(?:\\.bin/)?${PKG}(?:/|\\s|$)`, absorbChildren: true },

  // ── AI coding agent CLIs, as a binary or as `node …/claude`.
  { name: '$1', kind: 'agent', cmdline: '^(?:\\S*/)?(claude|codex|aider|gemini|opencode|cursor-agent|goose|amp|qwen|crush|kiro|copilot)(?:\\s|$)', absorbChildren: true },
  { name: '$1', kind: 'agent', cmdline: '^(?:\\S*/)?(?:node|bun|deno|python3?(?:\\.\\d+)?)\\S*\\s+(?:\\S*/)?(claude|codex|aider|gemini|opencode|goose|qwen|crush)(?:\\.m?js|\\.py)?(?:\\s|$)', absorbChildren: true },

  // ── MCP servers run directly: the executable or the script is named like one (first two words only,
  //    so an agent's `--mcp-config x-mcp.json` argument never makes the agent an MCP server).
  { name: 'mcp:$1', kind: 'mcp', cmdline: '^(?:\\S*/)?(?:(?:node|bun|deno|python3?[\\d.]*)\\S*\\s+)?(?:\\S*/)?((?:@[\\w.-]+/)?(?:mcp-server-[\\w.-]+|[\\w.-]+-mcp(?:-server)?))(?:\\.m?js|\\.py)?(?:\\s|$)', absorbChildren: true },

  // ── Editors. Pylance and extension hosts are the usual heavyweights inside the VS Code server.
  { name: 'pylance', kind: 'editor', cmdline: '(?:pylance|ms-python\\.vscode-pylance)' },
  { name: 'vscode-server', kind: 'editor', cmdline: '\\.(?:vscode|cursor|windsurf)-server/', absorbChildren: true },
  { name: 'vscode', kind: 'editor', exe: ['code', 'code-insiders', 'codium', 'Code Helper', 'Code Helper (Renderer)', 'Code Helper (Plugin)'], absorbChildren: true },
  { name: 'cursor', kind: 'editor', exe: ['cursor', 'Cursor', 'Cursor Helper'], absorbChildren: true },
  { name: 'windsurf', kind: 'editor', exe: ['windsurf', 'Windsurf'], absorbChildren: true },

  // ── Browsers and browser-automation fleets; content processes share the executable or join by ancestry.
  { name: 'chrome', kind: 'browser', exe: ['chrome', 'google-chrome', 'google-chrome-stable', 'Google Chrome', 'Google Chrome Helper'], absorbChildren: true },
  { name: 'chromium', kind: 'browser', exe: ['chromium', 'chromium-browser', 'headless_shell', 'chrome-headless-shell'], absorbChildren: true },
  { name: 'firefox', kind: 'browser', exe: ['firefox', 'firefox-esr', 'firefox-bin', 'Web Content', 'WebExtensions', 'Isolated Web Co'], absorbChildren: true },
  { name: 'edge', kind: 'browser', exe: ['msedge', 'microsoft-edge', 'Microsoft Edge'], absorbChildren: true },
  { name: 'brave', kind: 'browser', exe: ['brave', 'brave-browser', 'Brave Browser'], absorbChildren: true },
  { name: 'selenium', kind: 'runtime', cmdline: 'selenium(?:-server)?', absorbChildren: true },

  // ── Containers and orchestration.
  { name: 'containerd-shim', kind: 'container', exe: ['containerd-shim', 'containerd-shim-runc-v2', 'containerd-shim-runc-v1'] },
  { name: 'k3s', kind: 'container', exe: ['k3s', 'k3s-server', 'k3s-agent'] },
  { name: 'docker', kind: 'container', exe: ['dockerd', 'containerd', 'docker-proxy', 'com.docker.backend', 'Docker Desktop'] },

  // ── Language runtimes, by executable (after the specific rules above).
  { name: 'java', kind: 'runtime', exe: ['java'] },
  { name: 'python', kind: 'runtime', cmdline: '^(?:\\S*/)?python[\\d.]*(?:\\s|$)' },
  { name: 'node', kind: 'runtime', exe: ['node', 'nodejs'] },
];
