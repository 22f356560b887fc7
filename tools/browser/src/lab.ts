// A loopback lab for the browser tests, the benchmark's real-network part and the screenshot: createDevice
// instances and one control point on a private SSDP port on 127.0.0.1, the web view attached to it, and a small
// HTTP server for device icons (same host as the devices, so the control point's fetcher accepts it).
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createControlPoint, type ControlPoint } from '@ssdp/control-point';
import { createDevice, type Device } from '@ssdp/device';
import { attachWebView, type WebView, type WebViewOptions } from '@ssdp/web-view';
import { makeIcon } from './png.ts';

export const LOOPBACK = '127.0.0.1';

export interface LabDeviceInit {
  readonly friendlyName: string;
  readonly deviceType: string;
  readonly manufacturer?: string;
  readonly modelName?: string;
  /** Colour of its PNG icon; no icon when absent. */
  readonly icon?: readonly [number, number, number];
  readonly services?: readonly { serviceType: string; serviceId: string }[];
  readonly embedded?: readonly { deviceType: string; friendlyName: string }[];
}

/** The demo's three devices (tools/demo), with icons and services, for the screenshot and the tests. */
export const DEMO_DEVICES: readonly LabDeviceInit[] = [
  {
    friendlyName: 'Kitchen Light',
    deviceType: 'urn:schemas-upnp-org:device:BinaryLight:1',
    manufacturer: 'ssdp-js',
    modelName: 'Light 1',
    icon: [219, 154, 4],
    services: [
      { serviceType: 'urn:schemas-upnp-org:service:SwitchPower:1', serviceId: 'urn:upnp-org:serviceId:SwitchPower' },
    ],
  },
  {
    friendlyName: 'Living Room TV',
    deviceType: 'urn:schemas-upnp-org:device:MediaRenderer:1',
    manufacturer: 'ssdp-js',
    modelName: 'Renderer 2',
    icon: [9, 105, 218],
    services: [
      {
        serviceType: 'urn:schemas-upnp-org:service:RenderingControl:1',
        serviceId: 'urn:upnp-org:serviceId:RenderingControl',
      },
      {
        serviceType: 'urn:schemas-upnp-org:service:ConnectionManager:1',
        serviceId: 'urn:upnp-org:serviceId:ConnectionManager',
      },
      { serviceType: 'urn:schemas-upnp-org:service:AVTransport:1', serviceId: 'urn:upnp-org:serviceId:AVTransport' },
    ],
  },
  {
    friendlyName: 'Family NAS',
    deviceType: 'urn:schemas-upnp-org:device:MediaServer:1',
    manufacturer: 'ssdp-js',
    modelName: 'Store 4',
    icon: [26, 127, 55],
    services: [
      {
        serviceType: 'urn:schemas-upnp-org:service:ContentDirectory:1',
        serviceId: 'urn:upnp-org:serviceId:ContentDirectory',
      },
      {
        serviceType: 'urn:schemas-upnp-org:service:ConnectionManager:1',
        serviceId: 'urn:upnp-org:serviceId:ConnectionManager',
      },
    ],
    embedded: [{ deviceType: 'urn:schemas-upnp-org:device:Basic:1', friendlyName: 'NAS front panel' }],
  },
];

export interface Lab {
  readonly ssdpPort: number;
  readonly controlPoint: ControlPoint;
  readonly webView: WebView;
  readonly devices: Device[];
  /** Origin of the icon server: another origin than the web view (same host, other port). */
  readonly otherOrigin: string;
  /** Serves `html` at otherOrigin + '/page' (for cross-origin attempts). */
  setOtherPage(html: string): void;
  addDevice(init: LabDeviceInit): Promise<Device>;
  /** Closes the web view, runs `meanwhile`, and serves a new one on the same port (pages reconnect to it). */
  restartWebView(meanwhile?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/** A free-looking private port; each lab draws its own, so labs running side by side do not hear each other. */
function randomPort(): number {
  return 20_000 + Math.floor(Math.random() * 30_000);
}

export async function startLab(devices: readonly LabDeviceInit[], webOptions: WebViewOptions = {}): Promise<Lab> {
  const ssdpPort = randomPort();
  const stateRoot = mkdtempSync(path.join(tmpdir(), 'ssdp-browser-'));
  const icons = new Map<string, Buffer>();
  let otherPage = '<!doctype html><title>other</title>';
  const iconServer = http.createServer((req, res) => {
    const icon = icons.get(req.url ?? '');
    if (req.url === '/page') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(otherPage);
    } else if (icon !== undefined) {
      res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': icon.length });
      res.end(icon);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => iconServer.listen(0, LOOPBACK, resolve));
  const iconOrigin = `http://${LOOPBACK}:${(iconServer.address() as AddressInfo).port}`;

  const controlPoint = createControlPoint({
    interfaces: [LOOPBACK],
    port: ssdpPort,
    mx: 1,
    intervalMs: 5000,
    rawMessages: true,
  });
  await controlPoint.start();
  let webView = await attachWebView(controlPoint, webOptions);
  const running: Device[] = [];

  async function addDevice(init: LabDeviceInit): Promise<Device> {
    const index = running.length;
    const iconPath = `/icon-${index}.png`;
    if (init.icon !== undefined) icons.set(iconPath, makeIcon(48, init.icon));
    const device = createDevice({
      interfaces: [LOOPBACK],
      port: ssdpPort,
      stateDir: mkdtempSync(path.join(stateRoot, 'device-')),
      friendlyName: init.friendlyName,
      deviceType: init.deviceType,
      ...(init.manufacturer === undefined ? {} : { manufacturer: init.manufacturer }),
      ...(init.modelName === undefined ? {} : { modelName: init.modelName }),
      ...(init.services === undefined ? {} : { services: init.services }),
      ...(init.icon === undefined
        ? {}
        : { icons: [{ mimetype: 'image/png', width: 48, height: 48, depth: 24, url: `${iconOrigin}${iconPath}` }] }),
      ...(init.embedded === undefined
        ? {}
        : { devices: init.embedded.map((e) => ({ deviceType: e.deviceType, friendlyName: e.friendlyName })) }),
    });
    await device.start();
    running.push(device);
    return device;
  }

  for (const init of devices) await addDevice(init);

  return {
    ssdpPort,
    controlPoint,
    get webView() {
      return webView;
    },
    devices: running,
    otherOrigin: iconOrigin,
    setOtherPage(html) {
      otherPage = html;
    },
    addDevice,
    async restartWebView(meanwhile) {
      const port = webView.port;
      await webView.close();
      await meanwhile?.();
      webView = await attachWebView(controlPoint, { ...webOptions, port });
    },
    async stop() {
      await Promise.all(running.map((device) => device.stop().catch(() => undefined)));
      await webView.close();
      await controlPoint.stop();
      await new Promise<void>((resolve) => iconServer.close(() => resolve()));
      iconServer.closeAllConnections();
      rmSync(stateRoot, { recursive: true, force: true });
    },
  };
}
