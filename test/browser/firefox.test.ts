// The browser suite in Firefox, through puppeteer-core over WebDriver BiDi (see suite.ts).
import { launchFirefox } from './drivers/firefox.js';
import { describeEngine } from './suite.js';

describeEngine('firefox', ([path]) => launchFirefox(path ?? '/usr/bin/firefox-esr'));
