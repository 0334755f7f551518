import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's FreeSWITCH configuration, as an operator copies it to /etc/freeswitch. */
export const shippedConfDir = new URL('../../../freeswitch', import.meta.url).pathname;

export interface ShippedConfValues {
  /** faxengine's outbound-socket listener (`faxengine_socket`). */
  faxengineSocket: string;
  /** faxengine's spool directory (`faxengine_spool`). */
  spoolDir: string;
  sipIp: string;
  carriersSipPort: number;
  pbxesSipPort: number;
  eslPort: number;
  eslPassword: string;
  rtpPorts: { start: number; end: number };
  /** The `carrier1` gateway's proxy, `host:port`. */
  carrierProxy: string;
}

/**
 * Copies `freeswitch/` to `dir` and changes only what the README tells an operator to change:
 * vars.xml's addresses, ports, socket and spool, the ESL port and password, the RTP range and the
 * carrier gateway's address. Every change must find its setting, so a renamed one fails loudly
 * instead of testing a configuration nobody ships.
 */
export function writeShippedConf(dir: string, values: ShippedConfValues): void {
  cpSync(shippedConfDir, dir, { recursive: true });
  const edit = (file: string, changes: Array<[RegExp, string]>) => {
    const path = join(dir, file);
    let text = readFileSync(path, 'utf8');
    for (const [pattern, replacement] of changes) {
      if (!pattern.test(text)) throw new Error(`${file}: no setting matches ${pattern}`);
      text = text.replace(pattern, replacement);
    }
    writeFileSync(path, text);
  };
  const setVar = (name: string, value: string | number): [RegExp, string] => [new RegExp(`(cmd="set" data="${name}=)[^"]*"`), `$1${value}"`];
  const param = (name: string, value: string | number): [RegExp, string] => [new RegExp(`(<param name="${name}" value=")[^"]*"`), `$1${value}"`];
  edit('vars.xml', [
    setVar('faxengine_socket', values.faxengineSocket),
    setVar('faxengine_spool', values.spoolDir),
    setVar('faxengine_sip_ip', values.sipIp),
    setVar('faxengine_ext_ip', values.sipIp),
    setVar('carriers_sip_port', values.carriersSipPort),
    setVar('pbxes_sip_port', values.pbxesSipPort),
  ]);
  edit('autoload_configs/event_socket.conf.xml', [param('listen-port', values.eslPort), param('password', values.eslPassword)]);
  edit('autoload_configs/switch.conf.xml', [param('rtp-start-port', values.rtpPorts.start), param('rtp-end-port', values.rtpPorts.end)]);
  edit('sip_profiles/carriers/carrier1.xml', [param('proxy', values.carrierProxy), param('realm', values.carrierProxy)]);
}
