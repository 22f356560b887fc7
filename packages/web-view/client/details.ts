// The details panel of one device: what the registry knows at once (USNs, LOCATIONs, SERVER ...), then what the
// server reads for it on demand (services, embedded devices, icon, last raw messages). Text only, via dom.ts.
import type { DiscoveredDevice } from '@ssdp/control-point';
import type { DeviceDetails, RawMessage, WireDescribedDevice, WireDevice } from '../src/wire.ts';
import { byId, clear, el, setText } from './dom.ts';
import { clockTime, countdown, shortType } from './format.ts';
import { displayName, type DeviceStore } from './store.ts';

function field(list: HTMLDListElement, label: string, value: string | null | undefined): void {
  if (value === null || value === undefined || value === '') return;
  list.append(el('dt', { text: label }), el('dd', { text: value }));
}

function section(title: string, children: readonly Node[]): HTMLElement {
  return el('section', { className: 'panel-section' }, [el('h3', { text: title }), ...children]);
}

function textList(values: readonly string[], className = 'mono-list'): HTMLUListElement {
  return el(
    'ul',
    { className },
    values.map((value) => el('li', { text: value })),
  );
}

function servicesTable(device: WireDescribedDevice): HTMLElement {
  if (device.services.length === 0) return el('p', { className: 'hint', text: 'No services.' });
  return el(
    'div',
    { className: 'services' },
    device.services.map((service) => {
      const list = el('dl', { className: 'kv' });
      field(list, 'serviceId', service.serviceId);
      field(list, 'SCPD', service.scpdURL);
      field(list, 'control', service.controlURL);
      field(list, 'events', service.eventSubURL);
      return el('div', { className: 'service' }, [
        el('p', { className: 'service-type mono', text: service.serviceType }),
        list,
      ]);
    }),
  );
}

function describedDevice(device: WireDescribedDevice, depth: number): HTMLElement {
  const list = el('dl', { className: 'kv' });
  field(list, 'UDN', device.udn);
  field(list, 'type', device.deviceType);
  field(
    list,
    'model',
    [device.manufacturer, device.modelName, device.modelNumber]
      .filter((part) => part !== null && part !== '')
      .join(' '),
  );
  field(list, 'serial', device.serialNumber);
  field(list, 'presentation', device.presentationURL);
  const children: Node[] = [list, el('h4', { text: `Services (${device.services.length})` }), servicesTable(device)];
  if (device.devices.length > 0) {
    children.push(
      el('h4', { text: `Embedded devices (${device.devices.length})` }),
      el(
        'ul',
        { className: 'embedded' },
        device.devices.map((child) => el('li', {}, [describedDevice(child, depth + 1)])),
      ),
    );
  }
  const title =
    depth === 0
      ? undefined
      : el('p', { className: 'embedded-name', text: `${device.friendlyName} — ${shortType(device.deviceType)}` });
  return el('div', { className: 'described' }, title === undefined ? children : [title, ...children]);
}

function rawMessages(raw: readonly RawMessage[], enabled: boolean): Node[] {
  if (raw.length === 0) {
    const hint = enabled
      ? 'No datagram of this device kept yet.'
      : 'Raw messages need the control point’s rawMessages option (ssdp-controller --web turns it on).';
    return [el('p', { className: 'hint', text: hint })];
  }
  return raw
    .slice()
    .reverse()
    .map((message) =>
      el('figure', { className: 'raw' }, [
        el('figcaption', {
          text: `${clockTime(message.time)}  ${message.kind}  from ${message.address}:${message.port}`,
        }),
        el('pre', { text: message.text.replace(/\r\n/g, '\n') }),
      ]),
    );
}

export class DetailsPanel {
  readonly #store: DeviceStore;
  readonly #root = byId<HTMLElement>('details');
  readonly #title = byId<HTMLElement>('details-title');
  readonly #icon = byId<HTMLImageElement>('details-icon');
  readonly #gone = byId<HTMLElement>('details-gone');
  readonly #known = byId<HTMLElement>('details-known');
  readonly #described = byId<HTMLElement>('details-described');
  readonly #onClose: (udn: string) => void;
  #udn: string | undefined;
  /** The whole device (with its USNs and LOCATIONs) from the last details read. */
  #full: DiscoveredDevice | undefined;
  #request = 0;

  constructor(store: DeviceStore, onClose: (udn: string) => void) {
    this.#store = store;
    this.#onClose = onClose;
    byId<HTMLButtonElement>('details-close').addEventListener('click', () => this.close());
    byId<HTMLButtonElement>('details-refresh').addEventListener('click', () => void this.#load());
    this.#root.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.close();
    });
  }

  get udn(): string | undefined {
    return this.#udn;
  }

  open(udn: string): void {
    const changed = udn !== this.#udn;
    this.#udn = udn;
    this.#root.hidden = false;
    document.body.classList.add('with-details');
    if (changed) {
      this.#full = undefined;
      this.#gone.hidden = true;
      this.#icon.hidden = true;
      this.#icon.removeAttribute('src');
      this.update();
      void this.#load();
    }
    this.#root.focus({ preventScroll: true });
  }

  close(): void {
    const udn = this.#udn;
    this.#udn = undefined;
    this.#root.hidden = true;
    document.body.classList.remove('with-details');
    if (udn !== undefined) this.#onClose(udn);
  }

  /** The device left: keep what is shown, and say so. */
  markGone(reason: string): void {
    setText(this.#gone, `This device has left (${reason}).`);
    this.#gone.hidden = false;
  }

  /** Redraws the registry part from the store (after a delta touched the device). */
  update(): void {
    const row = this.#udn === undefined ? undefined : this.#store.get(this.#udn);
    if (row === undefined) return;
    this.#gone.hidden = true;
    this.#fillKnown(row.device);
    // The table's copy has the counts only: read the lists again when they changed.
    const full = this.#full;
    if (
      full !== undefined &&
      (full.usns.length !== row.device.usnCount || full.locations.length !== row.device.locationCount)
    ) {
      this.#full = undefined;
      void this.#load();
    }
  }

  #fillKnown(device: WireDevice): void {
    setText(this.#title, displayName(device));
    const list = el('dl', { className: 'kv' });
    field(list, 'UDN', device.udn);
    field(list, 'type', device.deviceType);
    field(list, 'manufacturer', device.manufacturer);
    field(list, 'model', device.modelName);
    field(list, 'address', `${device.address} (${device.interfaceId})`);
    field(list, 'BOOTID', device.bootId === null ? null : String(device.bootId));
    field(list, 'CONFIGID', device.configId === null ? null : String(device.configId));
    field(list, 'first seen', new Date(device.firstSeen).toLocaleString());
    field(list, 'last seen', new Date(device.lastSeen).toLocaleString());
    field(list, 'expires in', countdown(Date.parse(device.expiresAt) - this.#store.serverNow()));
    field(
      list,
      'description',
      device.describeError === null ? device.describe : `${device.describe} (${device.describeError})`,
    );
    this.#known.replaceChildren(
      list,
      section('SERVER', [el('p', { className: 'mono', text: device.server ?? '—' })]),
      ...this.#lists(device),
    );
  }

  #lists(device: WireDevice): HTMLElement[] {
    const full = this.#full?.udn === device.udn ? this.#full : undefined;
    if (full === undefined) {
      const loading = el('p', { className: 'hint', text: 'Reading…' });
      return [
        section(`LOCATION (${device.locationCount})`, [loading]),
        section(`USNs (${device.usnCount})`, [loading.cloneNode(true)]),
      ];
    }
    return [
      section(`LOCATION (${full.locations.length})`, [textList(full.locations.length > 0 ? full.locations : ['—'])]),
      section(`USNs (${full.usns.length})`, [textList(full.usns)]),
    ];
  }

  async #load(): Promise<void> {
    const udn = this.#udn;
    if (udn === undefined) return;
    const request = ++this.#request;
    this.#described.replaceChildren(el('p', { className: 'hint', text: 'Reading the description…' }));
    let details: DeviceDetails | undefined;
    let problem = '';
    try {
      const response = await fetch(`/api/device?udn=${encodeURIComponent(udn)}`, {
        headers: { Accept: 'application/json' },
      });
      if (response.ok) details = (await response.json()) as DeviceDetails;
      else
        problem =
          response.status === 404 ? 'The device is no longer known.' : `The server answered ${response.status}.`;
    } catch {
      problem = 'The server could not be reached.';
    }
    if (request !== this.#request || udn !== this.#udn) return;
    if (details === undefined) {
      this.#described.replaceChildren(el('p', { className: 'hint', text: problem }));
      return;
    }
    this.#fillDescribed(udn, details);
  }

  #fillDescribed(udn: string, details: DeviceDetails): void {
    this.#full = details.device;
    const row = this.#store.get(udn);
    if (row !== undefined) this.#fillKnown(row.device);
    clear(this.#described);
    if (details.icon) {
      this.#icon.src = `/api/icon?udn=${encodeURIComponent(udn)}`;
      this.#icon.hidden = false;
    }
    if (details.description !== null) {
      const d = details.description;
      const meta = el('dl', { className: 'kv' });
      field(meta, 'read from', d.url);
      field(meta, 'UDA', d.specVersion);
      field(meta, 'URLBase', d.urlBase);
      this.#described.append(section('Description', [meta, describedDevice(d.device, 0)]));
    } else if (details.descriptionError !== null) {
      this.#described.append(
        section('Description', [
          el('p', {
            className: 'hint',
            text: `${details.descriptionError.reason}: ${details.descriptionError.detail}`,
          }),
        ]),
      );
    }
    this.#described.append(
      section(`Last messages (${details.raw.length})`, rawMessages(details.raw, details.rawMessages)),
    );
  }
}
