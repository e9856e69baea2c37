/** What a frame shows, without its colours. */
// eslint-disable-next-line no-control-regex
export const plain = (s: string | undefined): string => (s ?? '').replace(/\x1b\[[0-9;]*m/g, '');

/** Lets Ink draw (and the app's timers run) before the test looks. */
export const tick = (ms = 80): Promise<void> => new Promise((r) => setTimeout(r, ms));
