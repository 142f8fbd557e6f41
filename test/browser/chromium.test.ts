// The browser suite in Chromium, through playwright-core (see suite.ts).
import { launchChromium } from './drivers/chromium.js';
import { describeEngine } from './suite.js';

describeEngine('chromium', ([path]) => launchChromium(path ?? '/usr/bin/chromium'));
