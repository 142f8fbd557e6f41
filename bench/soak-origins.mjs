// The soak's origins: 100,000 distinct ones in each group (allowed exactly, allowed by a pattern, refused),
// and an independent check of what the configuration allows (used by the origin-callback cases and to
// check every answer).
export const ALLOWED_COUNT = 100_000;
export const PATTERN = 'https://*.apps.example.com';

export const allowedOrigin = (i) => `https://app${i}.example.org`;
export const patternOrigin = (i) => `https://t${i}.apps.example.com`;
/** Refused: unknown hosts, and look-alikes of both allowed groups. */
export const refusedOrigin = (i) => {
  switch (i % 4) {
    case 0:
      return `https://evil${i}.example.net`;
    case 1:
      return `https://t${i}.apps.example.com.evil.net`;
    case 2:
      return `http://app${i % ALLOWED_COUNT}.example.org`;
    default:
      return `https://app${i + ALLOWED_COUNT}.example.org`;
  }
};

const EXACT = /^https:\/\/app(0|[1-9]\d{0,4})\.example\.org$/;
const UNDER_PATTERN = /^https:\/\/[a-z0-9-]+(\.[a-z0-9-]+)*\.apps\.example\.com$/;

export function isAllowedOrigin(origin) {
  const exact = EXACT.exec(origin);
  if (exact !== null) return Number(exact[1]) < ALLOWED_COUNT;
  return UNDER_PATTERN.test(origin);
}
