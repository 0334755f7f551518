import type { TransportSettings } from './sendState.js';

/** FreeSWITCH's `switch_true`: what a channel variable must say to count as on. */
const isTrue = (value: string): boolean => ['true', 'yes', 'on', 'enabled', 'active', 'allow'].includes(value.trim().toLowerCase()) || Number(value) > 0;

/**
 * The transport a call really dials with once per-destination overrides (the original's mod_db
 * `override-<number>` variables, applied last) replace the variables the send policy chose.
 * spandsp reads `fax_enable_t38`, `fax_use_ecm` and `fax_disable_v17`; other variables leave it as is.
 */
export function transportWithOverrides(transport: TransportSettings, overrides: Readonly<Record<string, string>>): TransportSettings {
  const flag = (name: string, current: boolean, invert = false): boolean => {
    const value = overrides[name];
    return value === undefined ? current : isTrue(value) !== invert;
  };
  return {
    ecm: flag('fax_use_ecm', transport.ecm),
    v17: flag('fax_disable_v17', transport.v17, true),
    t38: flag('fax_enable_t38', transport.t38),
  };
}
