/**
 * Desktop notifications for the engine, one import for the CLI modes:
 * `attachNotifications(headroom, createNodeNotifier())`.
 */

export { attachNotifications, type AttachOptions, type NotifiableHeadroom } from './attach.ts';
export { createNodeNotifier, type NodeNotifierOptions } from './node-notifier.ts';
export type { HeadroomNotification, Notifier, NotificationUrgency } from './notifier.ts';
export { NotificationPolicy } from './policy.ts';
export { attachRemoteNotifications, type NotifiableMachines } from './remote.ts';
