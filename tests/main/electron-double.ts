/**
 * A recording test double of the `electron` module, so the glue (src/main/*.ts)
 * runs under plain Node where the Electron binary cannot be installed. Tests
 * route `import … from 'electron'` here (use-electron-double.ts), drive it the
 * way Electron would (a menu click, a notification's button, an IPC call from a
 * frame) and read what the glue did from `double`.
 *
 * It is typed against the real electron.d.ts, so a signature drift there breaks
 * `npm run typecheck` here rather than leaving a double that no longer behaves
 * like Electron:
 * - each class `implements Pick<Real, …>` of the members the glue uses, and the
 *   module objects `satisfies Pick<Real, …>`;
 * - constructors take exactly the real parameter lists (`constructorsFit`) and
 *   statics satisfy the real static side;
 * - every event the double emits has its argument list declared once and
 *   checked against the real listener types (`eventsFit`).
 * Where electron.d.ts promises a whole object (a Menu, a BrowserWindow) the
 * double hands over its partial stand-in through `standIn`: the glue only
 * touches the members checked above.
 */

import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type {
  App,
  BaseWindow,
  BrowserWindow as RealBrowserWindow,
  BrowserWindowConstructorOptions,
  Dialog,
  Event as ElectronEvent,
  IpcMain,
  IpcMainInvokeEvent,
  KeyboardEvent,
  LoadFileOptions,
  LoginItemSettings,
  Menu as RealMenu,
  MenuItem as RealMenuItem,
  MenuItemConstructorOptions,
  MessageBoxOptions,
  MessageBoxReturnValue,
  NativeImage as RealNativeImage,
  AddRepresentationOptions,
  Notification as RealNotification,
  NotificationActionEventParams,
  NotificationCloseEventParams,
  NotificationConstructorOptions,
  SaveDialogReturnValue,
  Settings as LoginSettings,
  Session,
  Shell,
  Tray as RealTray,
  WebContents as RealWebContents,
  WebFrameMain,
  WindowOpenHandlerResponse,
  HandlerDetails,
} from 'electron';

/** The double stands in where electron.d.ts promises the whole object; the glue uses only members checked by `implements Pick<…>`. */
function standIn<Real>(double: object): Real {
  return double as Real;
}

/** An Electron event object: `preventDefault()` and `defaultPrevented`, plus the event's own fields. */
export function electronEvent<P extends object = {}>(params: P = {} as P): ElectronEvent<P> {
  let prevented = false;
  return {
    ...params,
    preventDefault: () => {
      prevented = true;
    },
    get defaultPrevented() {
      return prevented;
    },
  };
}

/** An EventEmitter whose emits are typed by an event → argument-list map (checked in `eventsFit`). */
class Emitter<Events extends Record<string, unknown[]>> extends EventEmitter {
  protected fire<K extends keyof Events & string>(event: K, ...args: Events[K]): void {
    this.emit(event, ...args);
  }
}

// ── What the double emits, per class. eventsFit() checks each list against electron.d.ts. ──

type AppEvents = {
  'before-quit': [event: ElectronEvent];
  'will-quit': [event: ElectronEvent];
  'browser-window-created': [event: ElectronEvent, window: RealBrowserWindow];
  'second-instance': [event: ElectronEvent, argv: string[], workingDirectory: string, additionalData: unknown];
};
type WindowEvents = {
  'ready-to-show': [];
  close: [event: ElectronEvent];
  closed: [];
};
type NotificationEvents = {
  click: [event: ElectronEvent];
  action: [details: ElectronEvent<NotificationActionEventParams>, actionIndex: number, selectionIndex: number];
  close: [details: ElectronEvent<NotificationCloseEventParams>];
};
type WebContentsEvents = {
  'will-navigate': [event: ElectronEvent<{ url: string }>, url: string];
};

/** Never called: it compiles only while electron.d.ts's listeners accept the argument lists the double emits. */
export function eventsFit(app: App, win: RealBrowserWindow, note: RealNotification, wc: RealWebContents): void {
  app.on('before-quit', (...args: AppEvents['before-quit']) => void args);
  app.on('will-quit', (...args: AppEvents['will-quit']) => void args);
  app.on('browser-window-created', (...args: AppEvents['browser-window-created']) => void args);
  app.on('second-instance', (...args: AppEvents['second-instance']) => void args);
  win.on('ready-to-show', (...args: WindowEvents['ready-to-show']) => void args);
  win.on('close', (...args: WindowEvents['close']) => void args);
  win.on('closed', (...args: WindowEvents['closed']) => void args);
  note.on('click', (...args: NotificationEvents['click']) => void args);
  note.on('action', (...args: NotificationEvents['action']) => void args);
  note.on('close', (...args: NotificationEvents['close']) => void args);
  wc.on('will-navigate', (event: WebContentsEvents['will-navigate'][0], url: string) => void [event, url]);
}

// ── Recorded state and the answers tests give ──

export interface MessageBoxCall {
  options: MessageBoxOptions;
  response: number;
}

export const double = {
  trays: [] as TrayDouble[],
  notifications: [] as NotificationDouble[],
  windows: [] as BrowserWindowDouble[],
  messageBoxes: [] as MessageBoxCall[],
  /** dialog.showErrorBox calls (the app names another engine on its data folder, and quits). */
  errorBoxes: [] as { title: string; content: string }[],
  /** The button a message box answers with; by default its cancel button, so nothing is confirmed unasked. */
  answerMessageBox: (options: MessageBoxOptions): number => options.cancelId ?? options.buttons?.length ?? 0,
  openedExternally: [] as string[],
  shownInFolder: [] as string[],
  notificationsSupported: true,
  /** Set once the app really quit (before-quit and will-quit not prevented). */
  quit: false,
  exitCode: null as number | null,
};

// ── app ──

const repoRoot = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

class AppDouble extends Emitter<AppEvents> implements Pick<App, 'whenReady' | 'requestSingleInstanceLock' | 'quit' | 'exit' | 'getLoginItemSettings' | 'setLoginItemSettings' | 'getAppPath' | 'getPath' | 'isPackaged'> {
  readonly isPackaged = false;
  loginItem: LoginSettings = {};

  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  requestSingleInstanceLock(): boolean {
    return true;
  }
  /** As Electron: before-quit, then will-quit, each preventable; then the app is gone. */
  quit(): void {
    const before = electronEvent();
    this.fire('before-quit', before);
    if (before.defaultPrevented) return;
    const will = electronEvent();
    this.fire('will-quit', will);
    if (!will.defaultPrevented) double.quit = true;
  }
  exit(exitCode = 0): void {
    double.exitCode = exitCode;
  }
  getLoginItemSettings(): LoginItemSettings {
    return { openAtLogin: this.loginItem.openAtLogin ?? false, wasOpenedAtLogin: false, status: 'not-registered', executableWillLaunchAtLogin: false, launchItems: [] };
  }
  setLoginItemSettings(settings: LoginSettings): void {
    this.loginItem = settings;
  }
  /** The repository, as when Electron is started on it in development (`electron .`). */
  getAppPath(): string {
    return repoRoot;
  }
  getPath(): string {
    return tmpdir();
  }
  /** For BrowserWindowDouble: Electron announces every new window. */
  windowCreated(win: BrowserWindowDouble): void {
    this.fire('browser-window-created', electronEvent(), standIn<RealBrowserWindow>(win));
  }
}

export const app = new AppDouble();

// ── nativeImage ──

export class NativeImageDouble implements Pick<RealNativeImage, 'addRepresentation' | 'setTemplateImage' | 'isTemplateImage' | 'isEmpty'> {
  readonly representations: AddRepresentationOptions[] = [];
  private template = false;
  constructor(readonly path: string | null = null) {}
  addRepresentation(options: AddRepresentationOptions): void {
    this.representations.push(options);
  }
  setTemplateImage(option: boolean): void {
    this.template = option;
  }
  isTemplateImage(): boolean {
    return this.template;
  }
  isEmpty(): boolean {
    return this.path !== null ? !existsSync(this.path) : this.representations.length === 0;
  }
}

export const nativeImage = {
  createEmpty: () => standIn<RealNativeImage>(new NativeImageDouble()),
  createFromPath: (path: string) => standIn<RealNativeImage>(new NativeImageDouble(path)),
} satisfies Pick<typeof Electron.NativeImage, 'createEmpty' | 'createFromPath'>;

// ── Menu ──

export class MenuItemDouble implements Pick<RealMenuItem, 'label' | 'enabled' | 'checked' | 'type' | 'toolTip'> {
  readonly label: string;
  readonly enabled: boolean;
  readonly checked: boolean;
  readonly type: RealMenuItem['type'];
  readonly toolTip: string;
  readonly submenu: MenuDouble | null;
  constructor(private readonly options: MenuItemConstructorOptions) {
    this.label = options.label ?? '';
    this.enabled = options.enabled ?? true;
    this.checked = options.checked ?? false;
    this.type = options.type ?? (options.submenu ? 'submenu' : 'normal');
    this.toolTip = options.toolTip ?? '';
    const sub = options.submenu;
    this.submenu = sub === undefined ? null : sub instanceof MenuDouble ? sub : new MenuDouble(Array.isArray(sub) ? sub : []);
  }
  /** What Electron does when the user picks the item: a disabled item does nothing. */
  click(event: KeyboardEvent = {}): void {
    if (!this.enabled) throw new Error(`menu item "${this.label}" is disabled`);
    this.options.click?.(standIn<RealMenuItem>(this), undefined, event);
  }
}

export class MenuDouble {
  readonly items: MenuItemDouble[];
  constructor(template: Array<MenuItemConstructorOptions | RealMenuItem>) {
    // The glue builds menus from option objects only; a MenuItem carries the same fields.
    this.items = template.map((t) => new MenuItemDouble(t as MenuItemConstructorOptions));
  }
  static buildFromTemplate(template: Array<MenuItemConstructorOptions | RealMenuItem>): RealMenu {
    return standIn<RealMenu>(new MenuDouble(template));
  }
  /** Every item, submenus included, in menu order. */
  all(): MenuItemDouble[] {
    return this.items.flatMap((i) => [i, ...(i.submenu?.all() ?? [])]);
  }
  find(pred: (item: MenuItemDouble) => boolean): MenuItemDouble | undefined {
    return this.all().find(pred);
  }
}
MenuDouble satisfies Pick<typeof RealMenu, 'buildFromTemplate'>;
export const Menu = MenuDouble;

// ── Tray ──

export class TrayDouble implements Pick<RealTray, 'setToolTip' | 'setImage' | 'setContextMenu' | 'popUpContextMenu' | 'destroy' | 'isDestroyed'> {
  image: NativeImageDouble | string;
  toolTip = '';
  contextMenu: MenuDouble | null = null;
  /** Every menu set, in order (the glue replaces the menu when what can be clicked changes). */
  readonly menus: MenuDouble[] = [];
  popUps = 0;
  private destroyed = false;
  constructor(image: RealNativeImage | string, guid?: string) {
    void guid;
    this.image = typeof image === 'string' ? image : standIn<NativeImageDouble>(image);
    double.trays.push(this);
  }
  setToolTip(toolTip: string): void {
    this.toolTip = toolTip;
  }
  setImage(image: RealNativeImage | string): void {
    this.image = typeof image === 'string' ? image : standIn<NativeImageDouble>(image);
  }
  setContextMenu(menu: RealMenu | null): void {
    this.contextMenu = menu === null ? null : standIn<MenuDouble>(menu);
    if (this.contextMenu) this.menus.push(this.contextMenu);
  }
  popUpContextMenu(): void {
    this.popUps++;
  }
  destroy(): void {
    this.destroyed = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}
export const Tray = TrayDouble;

// ── Notification ──

export class NotificationDouble extends Emitter<NotificationEvents> implements Pick<RealNotification, 'show' | 'close' | 'title' | 'body' | 'silent' | 'actions' | 'timeoutType'> {
  readonly title: string;
  readonly body: string;
  readonly silent: boolean;
  readonly actions: NonNullable<NotificationConstructorOptions['actions']>;
  readonly timeoutType: RealNotification['timeoutType'];
  readonly options: NotificationConstructorOptions;
  shown = false;
  constructor(options?: NotificationConstructorOptions) {
    super();
    this.options = options ?? {};
    this.title = this.options.title ?? '';
    this.body = this.options.body ?? '';
    this.silent = this.options.silent ?? false;
    this.actions = this.options.actions ?? [];
    this.timeoutType = this.options.timeoutType ?? 'default';
  }
  static isSupported(): boolean {
    return double.notificationsSupported;
  }
  show(): void {
    this.shown = true;
    double.notifications.push(this);
  }
  close(): void {
    this.fire('close', electronEvent<NotificationCloseEventParams>({ reason: 'userCanceled' }));
  }
  /** The user clicks the notification's body. */
  click(): void {
    this.fire('click', electronEvent());
  }
  /** The user presses action button `index` (macOS). */
  pressAction(index: number): void {
    if (!this.actions[index]) throw new Error(`notification "${this.title}" has no action button ${index}`);
    this.fire('action', electronEvent<NotificationActionEventParams>({ actionIndex: index, selectionIndex: -1 }), index, -1);
  }
}
NotificationDouble satisfies Pick<typeof RealNotification, 'isSupported'>;
export const Notification = NotificationDouble;

// ── dialog, shell ──

export const dialog = {
  showMessageBox(...args: [options: MessageBoxOptions] | [window: BaseWindow, options: MessageBoxOptions]): Promise<MessageBoxReturnValue> {
    const options = args.length === 1 ? args[0] : args[1];
    const response = double.answerMessageBox(options);
    double.messageBoxes.push({ options, response });
    return Promise.resolve({ response, checkboxChecked: false });
  },
  showSaveDialog(): Promise<SaveDialogReturnValue> {
    return Promise.resolve({ canceled: true, filePath: '' });
  },
  showErrorBox(title: string, content: string): void {
    double.errorBoxes.push({ title, content });
  },
} satisfies Pick<Dialog, 'showMessageBox' | 'showSaveDialog' | 'showErrorBox'>;

export const shell = {
  openExternal(url: string): Promise<void> {
    double.openedExternally.push(url);
    return Promise.resolve();
  },
  showItemInFolder(fullPath: string): void {
    double.shownInFolder.push(fullPath);
  },
} satisfies Pick<Shell, 'openExternal' | 'showItemInFolder'>;

// ── BrowserWindow and its WebContents ──

type PermissionRequestHandler = Parameters<Session['setPermissionRequestHandler']>[0];
type PermissionCheckHandler = Parameters<Session['setPermissionCheckHandler']>[0];

/** A page's session: the glue denies every permission here. */
export class SessionDouble implements Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> {
  permissionRequestHandler: PermissionRequestHandler = null;
  permissionCheckHandler: PermissionCheckHandler = null;
  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.permissionCheckHandler = handler;
  }
}

export class WebContentsDouble extends Emitter<WebContentsEvents> implements Pick<RealWebContents, 'getURL' | 'send' | 'isDestroyed' | 'setWindowOpenHandler'> {
  url = '';
  readonly sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: ((details: HandlerDetails) => WindowOpenHandlerResponse) | null = null;
  readonly session = new SessionDouble();
  destroyed = false;
  getURL(): string {
    return this.url;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void {
    this.windowOpenHandler = handler;
  }
  /** The page tries to leave for `url`; true when the glue let it. */
  navigate(url: string): boolean {
    const event = electronEvent({ url });
    this.fire('will-navigate', event, url);
    return !event.defaultPrevented;
  }
  /** This page's top frame, as an IPC call from it carries it. */
  topFrame(): WebFrameMain {
    return frame(this.url, null);
  }
}

/** A frame as IPC sees it: its URL and its parent (null for a top frame). */
export function frame(url: string, parent: WebFrameMain | null): WebFrameMain {
  return standIn<WebFrameMain>({ url, parent } satisfies Pick<WebFrameMain, 'url' | 'parent'>);
}

export class BrowserWindowDouble extends Emitter<WindowEvents> implements Pick<RealBrowserWindow, 'loadFile' | 'show' | 'hide' | 'focus' | 'restore' | 'isMinimized' | 'isDestroyed' | 'isVisible' | 'close' | 'destroy'> {
  readonly options: BrowserWindowConstructorOptions;
  readonly webContents = new WebContentsDouble();
  /** Every loadFile call, in order. */
  readonly loads: { filePath: string; options?: LoadFileOptions }[] = [];
  private visible = false;
  private destroyed = false;
  private painted = false;
  constructor(options?: BrowserWindowConstructorOptions) {
    super();
    this.options = options ?? {};
    double.windows.push(this);
    app.windowCreated(this);
  }
  /** As Electron: the URL is the file's with the query (or search) and hash; the first load paints, which emits ready-to-show. */
  loadFile(filePath: string, options?: LoadFileOptions): Promise<void> {
    this.loads.push({ filePath, options });
    const url = pathToFileURL(filePath);
    if (options?.query) url.search = new URLSearchParams(options.query).toString();
    else if (options?.search) url.search = options.search;
    if (options?.hash) url.hash = options.hash;
    this.webContents.url = url.href;
    if (!this.painted) {
      this.painted = true;
      setImmediate(() => this.fire('ready-to-show'));
    }
    return Promise.resolve();
  }
  /** The route the page is on: the part of the URL after "#/", decoded as the renderer does (routes.ts). */
  route(): string {
    return decodeURIComponent(new URL(this.webContents.url).hash.replace(/^#\/?/, ''));
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {}
  restore(): void {}
  isMinimized(): boolean {
    return false;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** As Electron: 'close' may be prevented (the app hides to the tray instead); otherwise the window goes. */
  close(): void {
    const event = electronEvent();
    this.fire('close', event);
    if (!event.defaultPrevented) this.destroy();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroyed = true;
    this.fire('closed');
  }
}
export const BrowserWindow = BrowserWindowDouble;

export const webContents = {
  getAllWebContents: () => double.windows.filter((w) => !w.isDestroyed()).map((w) => standIn<RealWebContents>(w.webContents)),
} satisfies Pick<typeof Electron.WebContents, 'getAllWebContents'>;

// ── ipcMain ──

type InvokeHandler = Parameters<IpcMain['handle']>[1];

class IpcMainDouble implements Pick<IpcMain, 'handle' | 'removeHandler'> {
  readonly handlers = new Map<string, InvokeHandler>();
  /** As Electron: a second handler for a channel is an error. */
  handle(channel: string, listener: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** A renderer's `ipcRenderer.invoke(channel, arg)` from `senderFrame`, answered by the registered handler. */
  async invoke(senderFrame: WebFrameMain, channel: string, arg: unknown): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    const event = standIn<IpcMainInvokeEvent>({ ...electronEvent(), senderFrame, frameId: 1, processId: 1, type: 'frame' });
    return handler(event, arg);
  }
}
export const ipcMain = new IpcMainDouble();

// ── Constructors take exactly electron.d.ts's parameter lists ──

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const constructorsFit: [
  Same<ConstructorParameters<typeof TrayDouble>, ConstructorParameters<typeof RealTray>>,
  Same<ConstructorParameters<typeof NotificationDouble>, ConstructorParameters<typeof RealNotification>>,
  Same<ConstructorParameters<typeof BrowserWindowDouble>, ConstructorParameters<typeof RealBrowserWindow>>,
] = [true, true, true];
