/**
 * The suite's private dockerd lives with the test helpers, where `npm test`'s
 * destructive Docker tests use it too (tests/helpers/private-dockerd.ts); this
 * re-export keeps the reliability imports short.
 */
export { PRIVATE_IMAGE, startPrivateDockerd, type PrivateDockerd } from '../../tests/helpers/private-dockerd.ts';
