import { SsdpError, valueError, valueOk, type ValueResult } from './errors.ts';
import { readDecimal } from './decimal.ts';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const LONG_WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LOWER = MONTHS.map((m) => m.toLowerCase());

function monthIndex(token: string): number {
  const exact = MONTHS.indexOf(token);
  return exact >= 0 ? exact : MONTHS_LOWER.indexOf(token.toLowerCase());
}

const WEEKDAYS_LOWER = WEEKDAYS.map((d) => d.toLowerCase());

function isShortWeekday(token: string): boolean {
  return token.length === 3 && (WEEKDAYS.includes(token) || WEEKDAYS_LOWER.includes(token.toLowerCase()));
}

function readNumber(token: string, max: number): number {
  return readDecimal(token, 0, token.length, max);
}

/** Days in each month of a non-leap year. */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Two ASCII digits at `at`, or -1. */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Epoch ms for a UTC calendar time given as `hh:mm:ss` at `timeAt`, or NaN when a field is out of range. */
function utcTime(year: number, month: number, day: number, text: string, timeAt: number): number {
  if (text.charCodeAt(timeAt + 2) !== 0x3a || text.charCodeAt(timeAt + 5) !== 0x3a) return Number.NaN;
  const hour = twoDigits(text, timeAt);
  const minute = twoDigits(text, timeAt + 3);
  const second = twoDigits(text, timeAt + 6); // 60 is a leap second; it rolls into the next minute
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return Number.NaN;
  if (year < 0 || month < 0 || day < 1) return Number.NaN;
  const monthDays = month === 1 && isLeapYear(year) ? 29 : MONTH_DAYS[month]!;
  if (day > monthDays) return Number.NaN;
  if (year >= 100) return Date.UTC(year, month, day, hour, minute, second);
  // Date.UTC maps years 0..99 to 1900..1999; setUTCFullYear does not.
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/** Month index of the three letters at `at` (case-insensitive), or -1. */
function monthAt(text: string, at: number): number {
  return monthIndex(text.slice(at, at + 3));
}

/** Splits on runs of SP/HTAB without a regex. */
function splitBlanks(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
    const start = i;
    while (i < text.length && text.charCodeAt(i) !== 0x20 && text.charCodeAt(i) !== 0x09) i++;
    if (i > start) tokens.push(text.slice(start, i));
  }
  return tokens;
}

/**
 * @internal Epoch ms of an HTTP date, or NaN. Accepts IMF-fixdate (RFC 1123, `Sun, 06 Nov 1994 08:49:37 GMT`),
 * RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`), names case-insensitive,
 * runs of blanks tolerated. The weekday must be a real weekday name but is not checked against the date.
 */
export function readHttpDate(text: string): number {
  // Fast path: the exact IMF-fixdate layout every current sender uses, "Sun, 06 Nov 1994 08:49:37 GMT".
  if (
    text.length === 29 &&
    text.charCodeAt(3) === 0x2c &&
    text.charCodeAt(4) === 0x20 &&
    text.charCodeAt(7) === 0x20 &&
    text.charCodeAt(11) === 0x20 &&
    text.charCodeAt(16) === 0x20 &&
    text.charCodeAt(25) === 0x20 &&
    text.endsWith('GMT') &&
    isShortWeekday(text.slice(0, 3))
  ) {
    const year = readDecimal(text, 12, 16, 9999);
    const day = twoDigits(text, 5);
    return year < 0 || day < 0 ? Number.NaN : utcTime(year, monthAt(text, 8), day, text, 17);
  }
  const tokens = splitBlanks(text);
  const first = tokens[0];
  if (first === undefined) return Number.NaN;
  if (tokens.length === 6 && first.length === 4 && first.endsWith(',') && isShortWeekday(first.slice(0, 3))) {
    // IMF-fixdate with extra blanks or a one-digit day.
    const [, day, month, year, time, zone] = tokens as [string, string, string, string, string, string];
    if (zone.toUpperCase() !== 'GMT' || year.length !== 4 || day.length > 2 || time.length !== 8) return Number.NaN;
    return utcTime(readNumber(year, 9999), monthIndex(month), readNumber(day, 31), time, 0);
  }
  if (tokens.length === 4 && first.endsWith(',') && LONG_WEEKDAYS.includes(first.slice(0, -1).toLowerCase())) {
    // RFC 850: two-digit years 70..99 are 19xx and 00..69 are 20xx (the package never reads the clock, so it
    // cannot apply RFC 9110's "50 years in the future" rule).
    const [, dmy, time, zone] = tokens as [string, string, string, string];
    const parts = dmy.split('-');
    if (zone.toUpperCase() !== 'GMT' || parts.length !== 3 || time.length !== 8) return Number.NaN;
    const [day, month, yy] = parts as [string, string, string];
    if (yy.length !== 2 || day.length > 2) return Number.NaN;
    const y = readNumber(yy, 99);
    if (y < 0) return Number.NaN;
    return utcTime(y < 70 ? 2000 + y : 1900 + y, monthIndex(month), readNumber(day, 31), time, 0);
  }
  if (tokens.length === 5 && isShortWeekday(first)) {
    // asctime: Sun Nov  6 08:49:37 1994
    const [, month, day, time, year] = tokens as [string, string, string, string, string];
    if (year.length !== 4 || day.length > 2 || time.length !== 8) return Number.NaN;
    return utcTime(readNumber(year, 9999), monthIndex(month), readNumber(day, 31), time, 0);
  }
  return Number.NaN;
}

/** Parses an HTTP date (IMF-fixdate/RFC 1123, RFC 850 or asctime; see UDA DATE and RFC 9110 §5.6.7). */
export function parseHttpDate(raw: string): ValueResult<Date> {
  const ms = readHttpDate(raw);
  return Number.isNaN(ms)
    ? valueError('SSDP_ERR_INVALID_DATE', `not an HTTP date: ${JSON.stringify(raw.slice(0, 80))}`)
    : valueOk(new Date(ms));
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * Formats an IMF-fixdate (RFC 1123), e.g. `Wed, 25 Nov 2026 17:50:29 GMT`. Milliseconds are dropped. The caller
 * supplies the time: this package never reads the clock.
 * @throws {@link SsdpError} `SSDP_ERR_INVALID_ARGUMENT` for an invalid date or a year outside 0..9999.
 */
export function formatHttpDate(date: Date | number): string {
  const d = new Date(typeof date === 'number' ? date : date.getTime());
  const year = d.getUTCFullYear();
  if (Number.isNaN(d.getTime()) || year < 0 || year > 9999) {
    throw new SsdpError('SSDP_ERR_INVALID_ARGUMENT', 'DATE must be a valid date with a year in 0..9999');
  }
  return (
    `${WEEKDAYS[d.getUTCDay()]}, ${pad(d.getUTCDate(), 2)} ${MONTHS[d.getUTCMonth()]} ${pad(year, 4)} ` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)} GMT`
  );
}
