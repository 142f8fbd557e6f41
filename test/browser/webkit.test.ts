// The browser suite in WebKit (WebKitGTK's MiniBrowser under Xvfb), through selenium-webdriver (see suite.ts).
import { launchWebKit } from './drivers/webkit.js';
import { describeEngine } from './suite.js';

describeEngine('webkit', ([driver, miniBrowser, xvfb]) => {
  if (driver === undefined || miniBrowser === undefined || xvfb === undefined) throw new Error('WebKit paths missing');
  return launchWebKit({ driver, miniBrowser, xvfb });
});
