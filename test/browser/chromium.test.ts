// The browser suite in Chromium, through playwright-core (see suite.ts).
import { chromiumDriver } from './drivers/chromium.js';
import { describeEngine } from './suite.js';

describeEngine('chromium', ([path]) => chromiumDriver(path ?? '/usr/bin/chromium'));
