// The device a process presents, as read from `--config file.json` and validated with zod. Errors name the field
// (`device.services[0].serviceType: expected a URN like ...`) so the CLI can print one precise line.
import { parseSearchTarget } from '@ssdp/protocol';
import { z } from 'zod';
import { isUuid } from './uuid.ts';

export const DEFAULT_DEVICE_TYPE = 'urn:schemas-upnp-org:device:Basic:1';

/** Bounds on one device tree; a fleet multiplies it, so it is kept small (see limits.ts). */
export const MAX_DEVICES_PER_TREE = 32;
export const MAX_SERVICES_PER_DEVICE = 32;
export const MAX_TREE_DEPTH = 4;

export interface ServiceConfig {
  readonly serviceType: string;
  readonly serviceId: string;
}

export interface IconConfig {
  readonly mimetype: string;
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly url: string;
}

/** One device of the tree. Everything but the type of an embedded device has a default. */
export interface DeviceConfig {
  readonly deviceType?: string;
  readonly friendlyName?: string;
  readonly manufacturer?: string;
  readonly manufacturerURL?: string;
  readonly modelName?: string;
  readonly modelNumber?: string;
  readonly modelDescription?: string;
  readonly modelURL?: string;
  readonly serialNumber?: string;
  readonly upc?: string;
  readonly presentationURL?: string;
  /** Without the `uuid:` prefix. */
  readonly uuid?: string;
  readonly services?: readonly ServiceConfig[];
  readonly icons?: readonly IconConfig[];
  readonly devices?: readonly DeviceConfig[];
}

export interface ConfigFile {
  readonly device: DeviceConfig;
}

// No control characters: they break XML or the one-line output, and no real name needs them.
function hasNoControls(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}

/** A printable string of 1..max characters (UDA gives recommended maxima for most description fields). */
export function text(max: number) {
  return z
    .string({ error: 'expected a string' })
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` })
    .refine(hasNoControls, { error: 'must not contain control characters' });
}

function urn(kind: 'device' | 'service') {
  const example = kind === 'device' ? 'urn:schemas-upnp-org:device:Name:1' : 'urn:schemas-upnp-org:service:Name:1';
  return z.string({ error: `expected a URN like ${example}` }).refine(
    (value) => {
      const parsed = parseSearchTarget(value);
      return parsed.ok && parsed.value.type === kind && value === value.trim() && value.length <= 256;
    },
    { error: `expected a URN like ${example}` },
  );
}

/** `urn:schemas-upnp-org:device:Name:1` (UDA §1.2.2 device type). */
export const deviceTypeSchema = urn('device');
/** `urn:schemas-upnp-org:service:Name:1`. */
export const serviceTypeSchema = urn('service');

/** A UUID (8-4-4-4-12 hex), with or without the `uuid:` prefix; read without the prefix. */
export const uuidSchema = z
  .string({ error: 'expected a UUID like 2fac1234-31f8-11b4-a222-08002b34c003' })
  .transform((value) =>
    value
      .trim()
      .replace(/^uuid:/i, '')
      .toLowerCase(),
  )
  .refine(isUuid, { error: 'expected a UUID like 2fac1234-31f8-11b4-a222-08002b34c003' });

const serviceIdSchema = z
  .string({ error: 'expected a service id like urn:upnp-org:serviceId:Name' })
  .regex(/^urn:[^:\s]+:serviceId:[^:\s]+$/, { error: 'expected a service id like urn:upnp-org:serviceId:Name' })
  .max(256, { error: 'must be at most 256 characters' });

const serviceSchema = z.strictObject({ serviceType: serviceTypeSchema, serviceId: serviceIdSchema });

const iconSchema = z.strictObject({
  mimetype: z.string({ error: 'expected a MIME type like image/png' }).regex(/^image\/[\w.+-]+$/, {
    error: 'expected a MIME type like image/png',
  }),
  width: z.int({ error: 'expected an integer' }).min(1).max(4096),
  height: z.int({ error: 'expected an integer' }).min(1).max(4096),
  depth: z.int({ error: 'expected an integer' }).min(1).max(64),
  url: text(1024),
});

function deviceFields(typeRequired: boolean) {
  return {
    deviceType: typeRequired ? deviceTypeSchema : deviceTypeSchema.optional(),
    friendlyName: text(64).optional(),
    manufacturer: text(64).optional(),
    manufacturerURL: text(1024).optional(),
    modelName: text(32).optional(),
    modelNumber: text(32).optional(),
    modelDescription: text(128).optional(),
    modelURL: text(1024).optional(),
    serialNumber: text(64).optional(),
    upc: z
      .string()
      .regex(/^\d{12}$/, { error: 'expected a 12-digit UPC' })
      .optional(),
    presentationURL: text(1024).optional(),
    uuid: uuidSchema.optional(),
    services: z
      .array(serviceSchema)
      .max(MAX_SERVICES_PER_DEVICE, { error: `at most ${MAX_SERVICES_PER_DEVICE} services` })
      .optional(),
    icons: z.array(iconSchema).max(8, { error: 'at most 8 icons' }).optional(),
  };
}

const embeddedDeviceSchema: z.ZodType<DeviceConfig> = z.strictObject({
  ...deviceFields(true),
  get devices() {
    return z.array(embeddedDeviceSchema).optional();
  },
});

export const rootDeviceSchema: z.ZodType<DeviceConfig> = z.strictObject({
  ...deviceFields(false),
  get devices() {
    return z.array(embeddedDeviceSchema).optional();
  },
});

export const configFileSchema = z
  .strictObject({ device: rootDeviceSchema })
  .superRefine((config, context) => checkTree(config.device, ['device'], context));

/** Tree-wide rules zod's per-field schemas cannot express: size, depth, unique UUIDs. */
function checkTree(root: DeviceConfig, rootPath: PropertyKey[], context: z.RefinementCtx): void {
  const seen = new Map<string, string>();
  let count = 0;
  const visit = (device: DeviceConfig, path: PropertyKey[], depth: number): void => {
    count += 1;
    if (count === MAX_DEVICES_PER_TREE + 1) {
      context.addIssue({
        code: 'custom',
        path,
        message: `a device tree may hold at most ${MAX_DEVICES_PER_TREE} devices`,
      });
    }
    if (depth > MAX_TREE_DEPTH) {
      context.addIssue({
        code: 'custom',
        path,
        message: `embedded devices may nest at most ${MAX_TREE_DEPTH} levels deep`,
      });
      return;
    }
    if (device.uuid !== undefined) {
      const other = seen.get(device.uuid);
      if (other !== undefined)
        context.addIssue({ code: 'custom', path: [...path, 'uuid'], message: `same UUID as ${other}` });
      else seen.set(device.uuid, formatPath(path));
    }
    (device.devices ?? []).forEach((child, i) => visit(child, [...path, 'devices', i], depth + 1));
  };
  visit(root, rootPath, 0);
}

/** `device.services[0].serviceType` from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/**
 * The first zod issue as ` path: message` (or `: message` when it concerns the whole value), ready to follow a
 * subject such as `config` or `--port`. Unknown keys and missing fields are spelled out.
 */
export function describeIssue(error: z.ZodError, prefix: readonly PropertyKey[] = []): string {
  const issue = error.issues[0];
  if (issue === undefined) return ': invalid';
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '?';
    return ` ${formatPath([...path, key])}: unknown field`;
  }
  const where = formatPath(path);
  let message = issue.message;
  if (issue.code === 'invalid_type') {
    // Parsed with reportInput: an absent field has no input, a wrong one says what it got.
    const input: unknown = issue.input;
    const got =
      input === undefined
        ? undefined
        : input === null
          ? 'null'
          : Array.isArray(input)
            ? 'an array'
            : `a ${typeof input}`;
    const wanted = `expected a${/^[aeiou]/.test(issue.expected) ? 'n' : ''} ${issue.expected}`;
    const hint =
      issue.message.startsWith(wanted) || !issue.message.startsWith('expected ')
        ? ''
        : ` (${issue.message.slice('expected '.length)})`;
    message = got === undefined ? 'required' : `${wanted}${hint}, got ${got}`;
  }
  return where === '' ? `: ${message}` : ` ${where}: ${message}`;
}

export type ConfigResult =
  { readonly ok: true; readonly config: ConfigFile } | { readonly ok: false; readonly message: string };

/**
 * Parses and validates the text of a config file. `message` is one line without the program name; it names
 * `fileName` when given.
 */
export function parseConfigFile(source: string, fileName?: string): ConfigResult {
  const subject = fileName === undefined ? 'config' : `config ${fileName}`;
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `${subject}: not valid JSON: ${detail.replace(/\s*\n\s*/g, ' ')}` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return {
      ok: false,
      message: `${subject}: expected an object like {"device": {...}}, got ${Array.isArray(json) ? 'an array' : json === null ? 'null' : typeof json}`,
    };
  }
  const result = configFileSchema.safeParse(json, { reportInput: true });
  if (!result.success) {
    const issue = describeIssue(result.error);
    return {
      ok: false,
      message:
        fileName === undefined ? `config${issue}` : `${subject}:${issue.startsWith(':') ? issue.slice(1) : issue}`,
    };
  }
  return { ok: true, config: result.data as ConfigFile };
}
