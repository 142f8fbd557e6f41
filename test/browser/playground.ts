import type { BrowserSession } from './runner.js';

export function describePlayground(_ready: () => BrowserSession): void {}
