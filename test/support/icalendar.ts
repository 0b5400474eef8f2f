/**
 * A small, strict reader of iCalendar (RFC 5545) for the tests, as no
 * calendar parser is installed: it refuses what a lenient calendar app might
 * guess at, so a file it reads is one every calendar reads the same way.
 *
 * - Lines end in CRLF (3.1), none over 75 octets, and a line that begins with
 *   a space or a tab continues the one before (folding, undone here).
 * - `NAME;PARAM=value;PARAM="quoted":value` content lines (3.1, 3.2).
 * - Components nest with matching BEGIN/END, inside exactly one VCALENDAR,
 *   which has VERSION:2.0 and PRODID once; a VEVENT has UID, DTSTAMP and
 *   DTSTART once, and not both DTEND and DURATION (3.6.1).
 * - TEXT values (3.3.11): `\\`, `\;`, `\,` and `\n` are the only escapes, and a
 *   comma or semicolon must be escaped.
 * - DATE-TIME values (3.3.5): UTC (`…Z`), or local time with a TZID that a
 *   VTIMEZONE in the file defines; a floating time (neither) is refused, as
 *   it would show at a different instant in each reader's zone.
 */

export interface Property {
  name: string;
  params: Record<string, string>;
  value: string;
}

export interface Component {
  name: string;
  properties: Property[];
  components: Component[];
}

const MAX_OCTETS = 75;

export function unfold(text: string): string[] {
  if (!text.endsWith('\r\n')) throw new Error('the file does not end with CRLF');
  const physical = text.slice(0, -2).split('\r\n');
  const logical: string[] = [];
  physical.forEach((line, i) => {
    if (/[\r\n]/.test(line)) throw new Error(`line ${i + 1} holds a bare CR or LF`);
    if (Buffer.byteLength(line, 'utf8') > MAX_OCTETS) throw new Error(`line ${i + 1} is longer than ${MAX_OCTETS} octets: ${line}`);
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (logical.length === 0) throw new Error('the file begins with a continuation line');
      logical[logical.length - 1] += line.slice(1);
    } else logical.push(line);
  });
  return logical;
}

function parseLine(line: string): Property {
  const name = /^[A-Za-z0-9-]+/.exec(line)?.[0];
  if (!name) throw new Error(`not a content line: ${line}`);
  const params: Record<string, string> = {};
  let i = name.length;
  while (line[i] === ';') {
    const param = /^;([A-Za-z0-9-]+)=/.exec(line.slice(i));
    if (!param) throw new Error(`bad parameter in: ${line}`);
    i += param[0].length;
    let value: string;
    if (line[i] === '"') {
      const end = line.indexOf('"', i + 1);
      if (end < 0) throw new Error(`unclosed quote in: ${line}`);
      value = line.slice(i + 1, end);
      i = end + 1;
    } else {
      const end = line.slice(i).search(/[;:]/);
      if (end < 0) throw new Error(`no value in: ${line}`);
      value = line.slice(i, i + end);
      if (value.includes('"')) throw new Error(`a quote inside an unquoted parameter: ${line}`);
      i += end;
    }
    params[(param[1] as string).toUpperCase()] = value;
  }
  if (line[i] !== ':') throw new Error(`no ":" after the name and parameters: ${line}`);
  return { name: name.toUpperCase(), params, value: line.slice(i + 1) };
}

/** The file's VCALENDAR, checked as above. */
export function parseICalendar(text: string): Component {
  const stack: Component[] = [];
  let calendar: Component | undefined;
  for (const line of unfold(text)) {
    const property = parseLine(line);
    if (property.name === 'BEGIN') {
      const component: Component = { name: property.value.toUpperCase(), properties: [], components: [] };
      if (stack.length === 0) {
        if (calendar || component.name !== 'VCALENDAR') throw new Error(`${component.name} outside the one VCALENDAR`);
        calendar = component;
      } else (stack[stack.length - 1] as Component).components.push(component);
      stack.push(component);
    } else if (property.name === 'END') {
      const open = stack.pop();
      if (open?.name !== property.value.toUpperCase()) throw new Error(`END:${property.value} closes ${open?.name ?? 'nothing'}`);
    } else {
      const open = stack[stack.length - 1];
      if (!open) throw new Error(`${property.name} outside any component`);
      open.properties.push(property);
    }
  }
  if (stack.length > 0 || !calendar) throw new Error(`unclosed ${stack.map((c) => c.name).join(', ') || 'VCALENDAR'}`);
  check(calendar, calendar);
  return calendar;
}

function only(component: Component, name: string): Property {
  const found = component.properties.filter((p) => p.name === name);
  if (found.length !== 1) throw new Error(`${component.name} must have exactly one ${name} (has ${found.length})`);
  return found[0] as Property;
}

function check(component: Component, calendar: Component): void {
  if (component.name === 'VCALENDAR') {
    if (only(component, 'VERSION').value !== '2.0') throw new Error('VERSION must be 2.0');
    only(component, 'PRODID');
  }
  if (component.name === 'VEVENT') {
    for (const name of ['UID', 'DTSTAMP', 'DTSTART']) only(component, name);
    if (component.properties.some((p) => p.name === 'DTEND') && component.properties.some((p) => p.name === 'DURATION')) {
      throw new Error('VEVENT has both DTEND and DURATION');
    }
    for (const p of component.properties.filter((p) => ['DTSTAMP', 'DTSTART', 'DTEND'].includes(p.name))) dateTime(p, calendar);
    for (const p of component.properties.filter((p) => ['SUMMARY', 'DESCRIPTION', 'LOCATION'].includes(p.name))) text(p.value);
  }
  for (const child of component.components) check(child, calendar);
}

/** A TEXT value, its escapes undone. */
export function text(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i += 1) {
    const ch = value[i] as string;
    if (ch === ',' || ch === ';') throw new Error(`an unescaped "${ch}" in a TEXT value: ${value}`);
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = value[(i += 1)];
    if (next === 'n' || next === 'N') out += '\n';
    else if (next === '\\' || next === ';' || next === ',') out += next;
    else throw new Error(`an unknown escape "\\${next ?? ''}" in a TEXT value: ${value}`);
  }
  return out;
}

/** A DATE-TIME property's instant: UTC, or a TZID the file defines; floating times are refused. */
export function dateTime(property: Property, calendar: Component): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/.exec(property.value);
  if (!m) throw new Error(`${property.name} is not a DATE-TIME: ${property.value}`);
  const [, y, mo, d, h, mi, s, utc] = m.map((part, i) => (i === 7 ? part : Number(part))) as [string, number, number, number, number, number, number, string];
  if (utc) {
    if (property.params.TZID) throw new Error(`${property.name} is in UTC and has a TZID`);
    return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  }
  const tzid = property.params.TZID;
  if (!tzid) throw new Error(`${property.name} is a floating time (no Z, no TZID): each reader would see another instant`);
  const defined = calendar.components.some((c) => c.name === 'VTIMEZONE' && c.properties.some((p) => p.name === 'TZID' && p.value === tzid));
  if (!defined) throw new Error(`${property.name} names TZID ${tzid}, which no VTIMEZONE in the file defines`);
  throw new Error('VTIMEZONE rules are not read by this reader');
}

/** A DURATION value in milliseconds (3.3.6). */
export function duration(value: string): number {
  const m = /^([+-])?P(?:(\d+)W|(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?)$/.exec(value);
  if (!m || value === 'P' || value.endsWith('T')) throw new Error(`not a DURATION: ${value}`);
  const [, sign, w, d, h, mi, s] = m;
  const ms = ((Number(w ?? 0) * 7 + Number(d ?? 0)) * 86_400 + Number(h ?? 0) * 3600 + Number(mi ?? 0) * 60 + Number(s ?? 0)) * 1000;
  return sign === '-' ? -ms : ms;
}

/** One property's value in a component (undefined when absent; refused when repeated). */
export function valueOf(component: Component, name: string): string | undefined {
  const found = component.properties.filter((p) => p.name === name);
  if (found.length > 1) throw new Error(`${component.name} has ${name} ${found.length} times`);
  return found[0]?.value;
}

/** The calendar's one event, as the tests read it. */
export function theEvent(ics: string) {
  const calendar = parseICalendar(ics);
  const events = calendar.components.filter((c) => c.name === 'VEVENT');
  if (events.length !== 1) throw new Error(`expected one VEVENT, found ${events.length}`);
  const event = events[0] as Component;
  const optionalText = (name: string) => {
    const value = valueOf(event, name);
    return value === undefined ? undefined : text(value);
  };
  const start = dateTime(only(event, 'DTSTART'), calendar);
  const length = valueOf(event, 'DURATION');
  const end = valueOf(event, 'DTEND');
  return {
    method: valueOf(calendar, 'METHOD'),
    uid: valueOf(event, 'UID'),
    sequence: valueOf(event, 'SEQUENCE') === undefined ? 0 : Number(valueOf(event, 'SEQUENCE')),
    status: valueOf(event, 'STATUS'),
    dtstamp: dateTime(only(event, 'DTSTAMP'), calendar),
    start,
    end: length !== undefined ? new Date(start.getTime() + duration(length)) : end !== undefined ? dateTime(only(event, 'DTEND'), calendar) : undefined,
    startProperty: only(event, 'DTSTART'),
    summary: optionalText('SUMMARY'),
    description: optionalText('DESCRIPTION'),
    location: optionalText('LOCATION'),
    url: valueOf(event, 'URL'),
    classification: valueOf(event, 'CLASS'),
  };
}
