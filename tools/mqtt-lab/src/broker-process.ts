// mosquitto as a process inside a lab host, started with the lab's config; waits until it listens.
import type { NetnsLab } from '@ssdp/netns';
import { startInHost, type HostProcess } from '@ssdp/e2e/src/host-process.ts';
import { brokerEnv, mosquittoBin } from './broker-paths.ts';

export async function startBroker(lab: NetnsLab, host: string, configFile: string): Promise<HostProcess> {
  const broker = startInHost(lab, host, mosquittoBin, ['-c', configFile], {
    label: `${host}: mosquitto`,
    env: brokerEnv,
  });
  try {
    await broker.waitForOutput(/mosquitto version \S+ running/, 'mosquitto running', { timeoutMs: 15_000 });
    return broker;
  } catch (error) {
    await broker.stop('SIGKILL');
    throw error;
  }
}
