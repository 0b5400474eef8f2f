/**
 * Generators for the fuzz suite (test/integration/fuzz.test.ts): a seeded
 * PRNG, odd values, and mutations of real payloads. Everything is drawn from
 * one `Rng`, so a seed replays the same bodies.
 */

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, max). */
  int(max: number): number;
  /** An integer in [min, max]. */
  between(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

/** mulberry32: small, fast and good enough to pick test inputs. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  return {
    next,
    int,
    between: (min, max) => min + int(max - min + 1),
    pick: <T>(items: readonly T[]) => items[int(items.length)] as T,
    chance: (probability) => next() < probability,
  };
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const ODD_STRINGS = [
  '',
  ' ',
  '   \t\n ',
  '\u0000',
  'null',
  'undefined',
  'true',
  '0',
  '-1',
  'NaN',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '[object Object]',
  '{}',
  '[]',
  '{"rotationId":"ROT-ZZZZZZ","version":1}',
  '{"__proto__":{"polluted":true}}',
  '{"plannedRotationId":"ROT-ZZZZZZ"}',
  'ROT-',
  'ROT-ZZZZZZ',
  'ROT-ZZZZZZ:1',
  'ROT-ZZZZZZ:0',
  'ROT-ZZZZZZ:-1',
  'ROT-ZZZZZZ:1e3',
  'ROT-ZZZZZZ:9999999999',
  'ROT-ZZZZZZ:1:2',
  'rot-zzzzzz:1',
  ':',
  'U0APPROVER',
  'UNKNOWN',
  'S0GROUP001',
  'C0ROTATIONS',
  'D0DIRECT01',
  '<@U0APPROVER>',
  '<!channel>',
  '<!subteam^S0GROUP001>',
  '*bold* _it_ ~x~ `code` ```block```',
  "'; DROP TABLE keyv; --",
  '" OR 1=1 --',
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/x}',
  '{{constructor.constructor("return process")()}}',
  '%s%s%s%n',
  '%E0%A4%A',
  '../../../../etc/passwd',
  'https://acme.wfi.pega.com',
  'http://acme.wfi.pega.com',
  'https://acme.wfi.pega.com.evil.example',
  'https://user:pw@acme.wfi.pega.com',
  'https://127.0.0.1:1/x',
  'javascript:alert(1)',
  '2026-03-31',
  '2026-02-30',
  '9999-12-31',
  '0000-01-01',
  '2026-3-1',
  '25:99',
  '09:30',
  'Europe/Berlin',
  'Mars/Olympus_Mons',
  'slack-user-time-zone',
  'Production',
  'production',
  'Webex',
  'vault',
  'client_secret=abc123',
  'password: hunter2',
  'Q2xpZW50U2VjcmV0MTIzNDU2Nzg5MGFiY2Rl',
  'xoxb-123-456-abcdef',
  '\u202Eevil\u202C',
  '\uFEFFbom',
  'Ａｃｍｅ',
  'ǅ ß İ ı',
  '😀😀😀',
  '\uD800',
  '\uDFFF\uD800',
  'e\u0301\u0301\u0301\u0301',
  '\r\n\r\nX-Injected: 1',
] as const;

/** Characters a huge string is repeated from: a letter, spaces, punctuation that wraps words, token characters. */
const HUGE_UNITS = ['A', 'a1', ' ', '\t', '.', ')', '(', '"', '!?', '=', 'secret', 'secret:', 'x'.repeat(23) + '9', '😀', '\u00a0', '/', '-'] as const;

const CHARSET = 'abcXYZ019 _-.:=/#@<>&;,?!"\'`()[]{}\\|%+*~^\t\n\u00e9\u00df\u4e2d\u0000\u200b\ud83d\ude00';

export function randomString(rng: Rng, maxLength = 64): string {
  const length = rng.int(maxLength + 1);
  let text = '';
  for (let i = 0; i < length; i += 1) {
    // Index by code unit: an emoji's halves can come apart, which is the point.
    text += CHARSET[rng.int(CHARSET.length)];
  }
  return text;
}

/** A string of 10 kB to ~300 kB: one unit repeated, often with something else after it. */
export function hugeString(rng: Rng): string {
  const unit = rng.pick(HUGE_UNITS);
  const size = rng.between(10_000, 300_000);
  const body = unit.repeat(Math.ceil(size / unit.length));
  return rng.chance(0.6) ? `${body}${rng.pick(['a', 'x1', ' ', ':', 'A'])}` : body;
}

export function oddString(rng: Rng, extra: readonly string[] = []): string {
  const roll = rng.next();
  if (roll < 0.45) return rng.pick([...ODD_STRINGS, ...extra]);
  if (roll < 0.8) return randomString(rng);
  if (roll < 0.9) return hugeString(rng);
  return `${rng.pick([...ODD_STRINGS, ...extra])}${randomString(rng, 8)}`;
}

const ODD_NUMBERS = [0, -0, -1, 1, 1.5, 2 ** 31, 2 ** 53 + 1, -(2 ** 53), 1e308, -1e308, 1e-7, 999999999, 1e9];

/**
 * Nested arrays or objects, deep enough to trip anything that recurses over
 * the payload. Deeper than JSON.stringify (or structuredClone) can take, so it
 * stands in the value as a marker that `encodeJson` expands into JSON text.
 */
export function deepValue(rng: Rng, depth = rng.pick([64, 1000, 10_000, 50_000, 200_000])): Json {
  return `${DEEP_MARK}${rng.pick(['a', 'o'])}:${depth}${DEEP_MARK}`;
}

const DEEP_MARK = '\u0001DEEP:';
const DEEP_MARKER = /"\\u0001DEEP:([ao]):(\d+)\\u0001DEEP:"/g;

/** JSON.stringify, with every `deepValue` marker expanded to nested arrays (`a`) or objects (`o`). */
export function encodeJson(value: Json): string {
  return (JSON.stringify(value) ?? 'null').replace(DEEP_MARKER, (_match, kind: string, depth: string) => {
    const n = Number(depth);
    return kind === 'a' ? `${'['.repeat(n)}1${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
  });
}

/** Any JSON value, biased toward the surprising ones. */
export function oddValue(rng: Rng, extra: readonly string[] = [], depth = 0): Json {
  const roll = rng.next();
  if (roll < 0.4) return oddString(rng, extra);
  if (roll < 0.5) return rng.pick(ODD_NUMBERS);
  if (roll < 0.56) return rng.chance(0.5);
  if (roll < 0.64) return null;
  if (roll < 0.76 && depth < 3) {
    return Array.from({ length: rng.int(4) }, () => oddValue(rng, extra, depth + 1));
  }
  if (roll < 0.9 && depth < 3) {
    const object: Record<string, Json> = {};
    for (let i = rng.int(4); i > 0; i -= 1) object[oddKey(rng)] = oddValue(rng, extra, depth + 1);
    return object;
  }
  if (roll < 0.93) return deepValue(rng);
  return rng.chance(0.5) ? [] : {};
}

const ODD_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'value',
  'type',
  'id',
  'user',
  'selected_option',
  'selected_users',
  'callback_id',
  'private_metadata',
  'state',
  'values',
  '',
  ' ',
  'x'.repeat(300),
] as const;

export function oddKey(rng: Rng): string {
  return rng.chance(0.6) ? rng.pick(ODD_KEYS) : randomString(rng, 12);
}

/** Where in a payload a value sits: object keys and array indexes. */
export type Path = Array<string | number>;

/** Every path in a value, breadth-first, capped so a deep value costs little. */
export function pathsOf(value: Json, limit = 400): Path[] {
  const paths: Path[] = [];
  const queue: Array<[Json, Path]> = [[value, []]];
  while (queue.length > 0 && paths.length < limit) {
    const [node, path] = queue.shift() as [Json, Path];
    if (Array.isArray(node)) {
      node.forEach((child, index) => {
        paths.push([...path, index]);
        queue.push([child, [...path, index]]);
      });
    } else if (node !== null && typeof node === 'object') {
      for (const key of Object.keys(node)) {
        paths.push([...path, key]);
        queue.push([node[key] as Json, [...path, key]]);
      }
    }
  }
  return paths;
}

function parentOf(root: Json, path: Path): { parent: Json[] | Record<string, Json>; key: string | number } | undefined {
  let node: Json = root;
  for (const step of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, Json>)[step as string] as Json;
  }
  if (node === null || typeof node !== 'object') return undefined;
  return { parent: node, key: path[path.length - 1] as string | number };
}

function setOwn(target: Json[] | Record<string, Json>, key: string | number, value: Json): void {
  // defineProperty, so a key named `__proto__` becomes an own property as JSON.parse would make it.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function retype(rng: Rng, value: Json): Json {
  if (typeof value === 'string') {
    return rng.pick<Json>([
      Number(value) || 0,
      [value],
      { value },
      value.length > 1 ? value.slice(0, rng.int(value.length)) : `${value}${value}`,
      value.toUpperCase(),
      ` ${value} `,
      `${value}${hugeString(rng)}`,
    ]);
  }
  if (Array.isArray(value)) return rng.pick<Json>([{ ...value }, value[0] ?? null, JSON.stringify(value), [...value, ...value], []]);
  if (value !== null && typeof value === 'object') return rng.pick<Json>([[value], JSON.stringify(value), Object.values(value), {}]);
  return rng.pick<Json>([String(value), [value], { value }]);
}

/**
 * Applies one to `count` mutations to a copy of `payload`: a value replaced
 * by an odd one, removed, given the wrong type, or an extra field added.
 * `focus` paths (the fields the bot reads) are chosen more often than the rest.
 */
export function mutate(rng: Rng, payload: Json, options: { count?: number; focus?: Path[]; extra?: readonly string[] } = {}): Json {
  let root = structuredClone(payload);
  const count = rng.between(1, options.count ?? 3);
  for (let i = 0; i < count; i += 1) {
    const all = pathsOf(root);
    const focus = (options.focus ?? []).filter((path) => parentOf(root, path) !== undefined);
    if (all.length === 0) {
      root = oddValue(rng, options.extra);
      continue;
    }
    const path = focus.length > 0 && rng.chance(0.6) ? rng.pick(focus) : rng.pick(all);
    const at = parentOf(root, path);
    if (!at) continue;
    const { parent, key } = at;
    const current = (parent as Record<string, Json>)[key as string] as Json | undefined;
    const roll = rng.next();
    // A focus path whose field an earlier mutation removed: put something back.
    if (current === undefined || roll < 0.45) setOwn(parent, key, oddValue(rng, options.extra));
    else if (roll < 0.6) {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as Record<string, Json>)[key];
    } else if (roll < 0.8) setOwn(parent, key, retype(rng, current));
    else if (roll < 0.9) {
      const container = current !== null && typeof current === 'object' && !Array.isArray(current) ? current : parent;
      if (Array.isArray(container)) container.push(oddValue(rng, options.extra));
      else setOwn(container, oddKey(rng), oddValue(rng, options.extra));
    } else setOwn(parent, key, null);
  }
  return root;
}

/** Runs `worker` over `items` with at most `concurrency` at a time; `lane` (0 to concurrency - 1) says which of them runs an item. */
export async function inPool<T>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number, lane: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async (_, lane) => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await worker(items[index] as T, index, lane);
    }
  });
  await Promise.all(lanes);
}
