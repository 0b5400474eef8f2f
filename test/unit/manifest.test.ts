import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { COMMAND, EVENTS } from '../../src/slack/ids';
import { EVENTS_PATH } from '../../src/slack/receiver';
import { WORKFLOW_STEPS } from '../../src/domain/workflow-steps';

/** The parts of a Slack app manifest this suite checks; everything optional because the file is parsed, not trusted. */
interface Manifest {
  display_information?: { name?: string; description?: string };
  features?: {
    app_home?: { home_tab_enabled?: boolean; messages_tab_enabled?: boolean };
    bot_user?: { display_name?: string };
    slash_commands?: { command?: string; url?: string; usage_hint?: string; should_escape?: boolean }[];
  };
  oauth_config?: { scopes?: { bot?: string[]; user?: string[] } };
  settings?: {
    socket_mode_enabled?: boolean;
    interactivity?: { is_enabled?: boolean; request_url?: string };
    event_subscriptions?: { request_url?: string; bot_events?: string[] };
    org_deploy_enabled?: boolean;
    function_runtime?: string;
  };
  functions?: Record<string, ManifestFunction>;
}

interface ManifestParameter {
  type?: string;
  title?: string;
  is_required?: boolean;
  items?: { type?: string };
}

interface ManifestFunction {
  title?: string;
  description?: string;
  input_parameters?: Record<string, ManifestParameter>;
  output_parameters?: Record<string, ManifestParameter>;
}

const ROOT = join(__dirname, '..', '..');
const manifest = parse(readFileSync(join(ROOT, 'manifest.yml'), 'utf8')) as Manifest;

/** The least set: see the comments on each scope in manifest.yml. */
const EXPECTED_BOT_SCOPES = [
  'channels:history',
  'channels:join',
  'chat:write',
  'commands',
  'files:write',
  'groups:history',
  'usergroups:read',
  'users:read',
];

/** The bot scope each subscribed event needs (`null`: none). */
const EVENT_SCOPES: Record<string, string | null> = {
  app_home_opened: null,
  'message.channels': 'channels:history',
  'message.groups': 'groups:history',
  function_executed: null,
};

/**
 * The bot scope each Web API method the code calls needs (`null`: none).
 * A call to a method missing here fails the suite until its scope is decided
 * and, if it needs one, added to manifest.yml.
 */
const METHOD_SCOPES: Record<string, string | null> = {
  'auth.test': null,
  'chat.postEphemeral': 'chat:write',
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'conversations.join': 'channels:join',
  // A reminder whose claim ran out is looked up in its thread (or channel) before it is posted again;
  // groups:history for private channels. In a direct message (no im:history) the lookup fails and it is sent.
  'conversations.history': 'channels:history',
  'conversations.replies': 'channels:history',
  // A custom workflow step ends with the execution's own token (bot_access_token), or with the bot token once that
  // expired: Slack's method reference lists "Bot tokens: no scope required".
  'functions.completeError': null,
  'functions.completeSuccess': null,
  // The Web client's helper over files.getUploadURLExternal + files.completeUploadExternal.
  filesUploadV2: 'files:write',
  'usergroups.users.list': 'usergroups:read',
  'users.info': 'users:read',
  'views.open': null,
  'views.publish': null,
  'views.push': null,
  'views.update': null,
};

function sourceFiles(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => ({ path: file, text: readFileSync(join(dir, file), 'utf8') }));
}

/**
 * Web API methods called as `client.family.method(` (or a helper such as
 * `client.filesUploadV2(`) anywhere in src/ (this covers `this.client.…`, `app.client.…` and `quickClient.…`).
 */
function calledWebApiMethods(): string[] {
  const methods = new Set<string>();
  for (const { text } of sourceFiles(join(ROOT, 'src'))) {
    for (const match of text.matchAll(/\b\w*[cC]lient\s*\.\s*((?:[a-zA-Z]+\s*\.\s*)*[a-zA-Z0-9]+)\s*\(/g)) {
      methods.add((match[1] ?? '').replace(/\s+/g, ''));
    }
  }
  return [...methods].sort();
}

const sorted = (values: readonly string[] | undefined) => [...(values ?? [])].sort();

describe('manifest.yml', () => {
  it('names the app and describes it', () => {
    expect(manifest.display_information?.name).toBe('WFI Rotate');
    expect(manifest.display_information?.description ?? '').not.toBe('');
    // Slack refuses a manifest whose short description is over 140 characters.
    expect((manifest.display_information?.description ?? '').length).toBeLessThanOrEqual(140);
    // Slack's rule for a bot user's display name: lower-case letters, digits, periods, hyphens, underscores.
    expect(manifest.features?.bot_user?.display_name).toMatch(/^[a-z0-9._-]{1,80}$/);
  });

  it('declares exactly the slash command the code listens for', () => {
    const commands = manifest.features?.slash_commands ?? [];
    expect(commands.map((c) => c.command)).toEqual([COMMAND]);
    expect(commands[0]?.usage_hint).toBe('[list | status ROT-XXXXXX | export [csv | jsonl] | help]');
    // Every subcommand the listener answers is in the hint.
    const listener = readFileSync(join(ROOT, 'src', 'slack', 'listeners', 'command.ts'), 'utf8');
    const subcommands = [...listener.matchAll(/case '([a-z]+)':/g)].map((m) => m[1] as string);
    expect(subcommands.length).toBeGreaterThanOrEqual(3);
    for (const subcommand of [...subcommands, 'help']) expect(commands[0]?.usage_hint).toContain(subcommand);
    expect(commands[0]?.should_escape).toBe(false);
  });

  it('subscribes to exactly the events in EVENTS', () => {
    expect(sorted(manifest.settings?.event_subscriptions?.bot_events)).toEqual(sorted(EVENTS));
  });

  it('sends commands, interactivity and events to the one path the receiver serves', () => {
    const urls = {
      slashCommand: manifest.features?.slash_commands?.[0]?.url,
      interactivity: manifest.settings?.interactivity?.request_url,
      events: manifest.settings?.event_subscriptions?.request_url,
    };
    for (const [where, url] of Object.entries(urls)) {
      expect({ where, url }).toEqual({ where, url: expect.stringMatching(/^https:\/\//) });
      expect({ where, path: new URL(url ?? 'https://missing.invalid/').pathname }).toEqual({ where, path: EVENTS_PATH });
    }
  });

  it('turns Socket Mode on, so a first install needs no public URL', () => {
    expect(manifest.settings?.socket_mode_enabled).toBe(true);
  });

  it('turns interactivity on (buttons and the request modal)', () => {
    expect(manifest.settings?.interactivity?.is_enabled).toBe(true);
  });

  it('turns the Home tab on, and the Messages tab the DM fallback lands in', () => {
    expect(manifest.features?.app_home?.home_tab_enabled).toBe(true);
    expect(manifest.features?.app_home?.messages_tab_enabled).toBe(true);
  });

  it('asks for exactly the least set of bot scopes, and no user scopes', () => {
    expect(sorted(manifest.oauth_config?.scopes?.bot)).toEqual(EXPECTED_BOT_SCOPES);
    expect(manifest.oauth_config?.scopes?.user ?? []).toEqual([]);
  });
});

describe('manifest.yml against src/', () => {
  it('knows the scope of every Web API method the code calls', () => {
    const called = calledWebApiMethods();
    // The scan itself must find something, or it would pass vacuously.
    expect(called).toContain('chat.postMessage');
    expect(called.filter((method) => !(method in METHOD_SCOPES))).toEqual([]);
  });

  it('has the scopes the code needs and no others', () => {
    const needed = new Set<string>();
    if ((manifest.features?.slash_commands ?? []).length > 0) needed.add('commands');
    for (const method of calledWebApiMethods()) {
      const scope = METHOD_SCOPES[method];
      if (scope) needed.add(scope);
    }
    for (const event of EVENTS) {
      expect(Object.hasOwn(EVENT_SCOPES, event)).toBe(true);
      const scope = EVENT_SCOPES[event];
      if (scope) needed.add(scope);
    }
    expect(sorted(manifest.oauth_config?.scopes?.bot)).toEqual(sorted([...needed]));
  });

  it('lists every event a listener registers in EVENTS', () => {
    const registered = new Set<string>();
    for (const { text } of sourceFiles(join(ROOT, 'src'))) {
      for (const match of text.matchAll(/\.event\(\s*['"`]([\w.]+)['"`]/g)) registered.add(match[1] ?? '');
    }
    // `message.channels` and `message.groups` are registered as `message`.
    const subscribed = new Set(EVENTS.map((event) => event.split('.')[0]));
    expect([...registered].filter((event) => !subscribed.has(event))).toEqual([]);
  });
});

describe('manifest.yml: the custom workflow steps', () => {
  const functions = manifest.functions ?? {};
  const params = (step: string, kind: 'input_parameters' | 'output_parameters') =>
    Object.fromEntries(Object.entries(functions[step]?.[kind] ?? {}).map(([name, p]) => [name, { type: p.type, required: p.is_required ?? false, items: p.items?.type }]));

  it('declares exactly the steps the listener routes, with the settings custom steps require', () => {
    expect(Object.keys(functions).sort()).toEqual(Object.values(WORKFLOW_STEPS).sort());
    expect(manifest.settings?.function_runtime).toBe('remote');
    expect(manifest.settings?.org_deploy_enabled).toBe(true);
    expect(manifest.settings?.event_subscriptions?.bot_events).toContain('function_executed');
    for (const step of Object.values(functions)) {
      expect((step.title ?? '').length).toBeGreaterThan(0);
      expect((step.description ?? '').length).toBeGreaterThan(0);
    }
  });

  it('gives request_rotation the inputs the listener reads, typed, and the outputs it completes with', () => {
    expect(params(WORKFLOW_STEPS.requestRotation, 'input_parameters')).toEqual({
      instance_url: { type: 'string', required: true, items: undefined },
      deadline: { type: 'slack#/types/date', required: true, items: undefined },
      requester: { type: 'slack#/types/user_id', required: true, items: undefined },
      channel: { type: 'slack#/types/channel_id', required: false, items: undefined },
      attendees: { type: 'array', required: false, items: 'slack#/types/user_id' },
      environment_type: { type: 'string', required: false, items: undefined },
    });
    expect(params(WORKFLOW_STEPS.requestRotation, 'output_parameters')).toEqual({
      rotation_id: { type: 'string', required: true, items: undefined },
      submit_by: { type: 'slack#/types/date', required: true, items: undefined },
      late: { type: 'boolean', required: true, items: undefined },
      portal_request: { type: 'string', required: true, items: undefined },
    });
  });

  it('gives await_rotation its rotation_id input and the outputs of a completed rotation', () => {
    expect(params(WORKFLOW_STEPS.awaitRotation, 'input_parameters')).toEqual({ rotation_id: { type: 'string', required: true, items: undefined } });
    expect(Object.keys(params(WORKFLOW_STEPS.awaitRotation, 'output_parameters')).sort()).toEqual(['case_number', 'completed_at', 'next_deadline', 'status']);
  });
});
