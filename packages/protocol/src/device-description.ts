import type { DeviceModel, ServiceModel } from './advertisement-set.ts';

/** An icon of a device (UDA §2.3 iconList/icon). */
export interface DescribedIcon {
  readonly mimetype: string;
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly url: string;
}

/** A service of a device (UDA §2.3 serviceList/service). URLs are as written (often relative). */
export interface DescribedService extends ServiceModel {
  readonly serviceType: string;
  readonly serviceId: string;
  readonly scpdURL: string;
  readonly controlURL: string;
  readonly eventSubURL: string;
}

/**
 * A device of a description (UDA §2.3 `device`), root or embedded. It is a {@link DeviceModel}, so
 * `advertisementSet(description.device)` works directly. Optional elements are absent (not `undefined`-valued)
 * when the document has no such element.
 */
export interface DescribedDevice extends DeviceModel {
  readonly deviceType: string;
  readonly friendlyName: string;
  readonly manufacturer: string;
  readonly manufacturerURL?: string;
  readonly modelDescription?: string;
  readonly modelName: string;
  readonly modelNumber?: string;
  readonly modelURL?: string;
  readonly serialNumber?: string;
  /** The `UDN` element: `uuid:…`. */
  readonly udn: string;
  /** Universal Product Code. */
  readonly upc?: string;
  readonly presentationURL?: string;
  readonly icons: readonly DescribedIcon[];
  readonly services: readonly DescribedService[];
  /** The `deviceList`: embedded devices. */
  readonly devices: readonly DescribedDevice[];
}

/** A root device description document (UDA §2.3). */
export interface DeviceDescription {
  /** `specVersion`: the UDA version, e.g. 2.0. */
  readonly specVersion: { readonly major: number; readonly minor: number };
  /** The `configId` attribute of `root` (UDA 1.1+; the same number as CONFIGID.UPNP.ORG). */
  readonly configId?: number;
  /** `URLBase` (UDA 1.0; deprecated since 1.1 but still read). */
  readonly urlBase?: string;
  readonly device: DescribedDevice;
}

/** The namespace of a device description's `root` element. */
export const DEVICE_DESCRIPTION_NAMESPACE = 'urn:schemas-upnp-org:device-1-0';
