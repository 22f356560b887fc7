/* Parts both transports (UDP and in-memory) share: error typing, interface selection, send refusals. */
import { TransportError } from './errors.ts';
import { selectInterfaces, type InterfaceAddress, type NetworkInterfacesSnapshot } from './select-interfaces.ts';
import type { AddressFamily, TransportOptions } from './transport.ts';

/** A listener's throw as the typed error reported through onError. */
export function asTransportError(error: unknown): TransportError {
  return error instanceof TransportError
    ? error
    : new TransportError('SSDP_ERR_HANDLER_FAILED', `a handler threw: ${String(error)}`, { cause: error });
}

/** The interfaces `init` asks for in `snapshot`; throws the selection's typed error. */
export function selectRequested(
  init: TransportOptions,
  snapshot: NetworkInterfacesSnapshot,
  multicastCapable: (name: string, family: AddressFamily) => boolean,
  lenient: boolean,
): readonly InterfaceAddress[] {
  const result = selectInterfaces(snapshot, {
    ...(init.interfaces === undefined ? {} : { requested: init.interfaces }),
    ...(init.families === undefined ? {} : { families: init.families }),
    multicastCapable,
    lenient,
  });
  if (!result.ok) throw result.error;
  return result.interfaces;
}

/** Why a transport in `state` (not started) cannot send. */
export function sendRefusal(state: string): TransportError {
  const code = state === 'stopped' || state === 'stopping' ? 'SSDP_ERR_TRANSPORT_STOPPED' : 'SSDP_ERR_NOT_STARTED';
  return new TransportError(code, `cannot send: the transport is ${state}`);
}

export function unknownInterface(interfaceId: string): TransportError {
  return new TransportError('SSDP_ERR_UNKNOWN_INTERFACE', `no bound interface with id "${interfaceId}"`, {
    interfaceId,
  });
}
