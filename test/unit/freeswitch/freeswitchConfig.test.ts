import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { checkXmlWellFormed, descendants, parseXml, type XmlElement } from '../../support/xmlWellFormed.js';
import { preprocessFreeswitchConfig, preprocessorDirectiveFaults } from './freeswitchPreprocessor.js';

const configDir = fileURLToPath(new URL('../../../freeswitch/', import.meta.url));
const xmlFiles = listXmlFiles(configDir);
const faxengineDefaults = configSchema.parse({});

function listXmlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.xml'))
    .map((entry) => relative(configDir, join(entry.parentPath, entry.name)))
    .sort();
}

const read = (file: string): string => readFileSync(join(configDir, file), 'utf8');
const named = (elements: XmlElement[], name: string): XmlElement | undefined => elements.find((element) => element.attributes.name === name);
const children = (element: XmlElement | undefined, name: string): XmlElement[] => element?.children.filter((child) => child.name === name) ?? [];
const child = (element: XmlElement | undefined, name: string): XmlElement | undefined => children(element, name)[0];
/** `<param name value/>` children of an element's `<settings>` (or of the element itself). */
const params = (element: XmlElement | undefined, container = 'settings'): Record<string, string | undefined> =>
  Object.fromEntries(children(container ? child(element, container) : element, 'param').map((param) => [param.attributes.name, param.attributes.value]));

describe('freeswitch/ files', () => {
  it('holds the complete configuration, including the event socket settings it started with', () => {
    expect(xmlFiles).toEqual(
      expect.arrayContaining([
        'freeswitch.xml',
        'vars.xml',
        'autoload_configs/event_socket.conf.xml',
        'autoload_configs/modules.conf.xml',
        'autoload_configs/sofia.conf.xml',
        'autoload_configs/spandsp.conf.xml',
        'autoload_configs/switch.conf.xml',
        'autoload_configs/logfile.conf.xml',
        'autoload_configs/db.conf.xml',
        'dialplan/carriers.xml',
        'dialplan/pbxes.xml',
        'sip_profiles/carriers.xml',
        'sip_profiles/pbxes.xml',
        'sip_profiles/carriers/carrier1.xml',
        'sip_profiles/pbxes/pbx-example.xml',
      ]),
    );
  });

  it.each(xmlFiles)('%s is well-formed XML', (file) => {
    expect(checkXmlWellFormed(read(file))).toBeUndefined();
  });

  it.each(xmlFiles)('%s keeps each X-PRE-PROCESS alone on its line and outside comments', (file) => {
    expect(preprocessorDirectiveFaults(read(file))).toEqual([]);
  });
});

describe('the configuration as FreeSWITCH assembles it from freeswitch.xml', () => {
  const assembled = preprocessFreeswitchConfig(configDir);
  // Parsed on first use rather than at collection, so a broken file fails each test instead of hiding them.
  let parsed: XmlElement | undefined;
  const document = (): XmlElement => (parsed ??= parseXml(assembled.xml));
  const section = (name: string): XmlElement | undefined => named(children(document(), 'section'), name);
  const configuration = (name: string): XmlElement | undefined => named(children(section('configuration'), 'configuration'), `${name}.conf`);
  const profiles = (): XmlElement[] => children(child(configuration('sofia'), 'profiles'), 'profile');
  const profile = (name: string): XmlElement | undefined => named(profiles(), name);
  const contexts = (): XmlElement[] => children(section('dialplan'), 'context');

  it('resolves every include, reaches every file and knows every variable', () => {
    expect(assembled.unresolvedIncludes).toEqual([]);
    expect(assembled.unknownCommands).toEqual([]);
    expect(assembled.undefinedVariables).toEqual([]);
    expect([...assembled.files].sort()).toEqual(xmlFiles);
  });

  it('is one well-formed document with a configuration and a dialplan section', () => {
    expect(checkXmlWellFormed(assembled.xml)).toBeUndefined();
    expect(document().name).toBe('document');
    expect(children(document(), 'section').map((element) => element.attributes.name)).toEqual(['configuration', 'dialplan']);
  });

  it('points the socket at faxengine: vars.xml defaults faxengine_socket to faxengine\'s FAXENGINE_SOCKET_LISTEN default', () => {
    expect(assembled.globals.get('faxengine_socket')).toBe('127.0.0.1:8084');
    expect(assembled.globals.get('faxengine_socket')).toBe(faxengineDefaults.socket.listen);
  });

  it('listens for faxengine on the event socket faxengine dials by default (port 8021, its default password)', () => {
    const settings = params(configuration('event_socket'));
    expect(settings['listen-port']).toBe('8021');
    expect(`${settings['listen-ip']}:${settings['listen-port']}`).toBe(faxengineDefaults.freeswitch.esl);
    expect(settings.password).toBe(faxengineDefaults.freeswitch.password);
    expect(settings['apply-inbound-acl']).toBeTruthy();
  });

  it('loads exactly the minimal module set, mod_spandsp and mod_event_socket included', () => {
    const modules = children(child(configuration('modules'), 'modules'), 'load').map((load) => load.attributes.module);
    expect([...modules].sort()).toEqual(
      [
        'mod_console',
        'mod_logfile',
        'mod_event_socket',
        'mod_sofia',
        'mod_commands',
        'mod_dptools',
        'mod_db',
        'mod_dialplan_xml',
        'mod_spandsp',
        'mod_tone_stream',
        'mod_sndfile',
        'mod_native_file',
      ].sort(),
    );
    expect(modules.slice(0, 2)).toEqual(['mod_console', 'mod_logfile']);
  });

  it('sets the spandsp fax defaults: ECM on, quiet, T.38 allowed but not requested, spool shared with faxengine', () => {
    const fax = params(configuration('spandsp'), 'fax-settings');
    expect(fax).toMatchObject({ 'use-ecm': 'true', verbose: 'false', 'enable-t38': 'true', 'enable-t38-request': 'false' });
    expect(fax.ident).toBeTruthy();
    expect(fax.header).toBeTruthy();
    expect(fax['spool-dir']).toBe(assembled.globals.get('faxengine_spool'));
    expect(fax['spool-dir']).toMatch(/\/spool$/);
    expect(params(configuration('spandsp'), 'modem-settings')['total-modems']).toBe('0');
  });

  it('defines the carriers and pbxes SIP profiles on distinct ports, each in its own context', () => {
    expect(profiles().map((profile) => profile.attributes.name)).toEqual(['carriers', 'pbxes']);
    const settings = profiles().map((profile) => params(profile));
    expect(settings.map((s) => s.context)).toEqual(['carriers', 'pbxes']);
    expect(settings.every((s) => s.dialplan === 'XML')).toBe(true);
    const ports = settings.map((s) => s['sip-port']);
    expect(ports.every((port) => /^\d+$/.test(port ?? ''))).toBe(true);
    expect(new Set(ports).size).toBe(2);
  });

  it.each(['carriers', 'pbxes'])('profile %s terminates T.38 in FreeSWITCH and offers only G.711', (name) => {
    const settings = params(profile(name));
    expect(settings['t38-passthru']).toBe('false');
    expect(settings['inbound-bypass-media']).not.toBe('true');
    expect(settings['inbound-proxy-media']).not.toBe('true');
    expect(settings['auth-calls']).toBe('false');
    for (const key of ['inbound-codec-prefs', 'outbound-codec-prefs']) {
      const codecs = settings[key]?.split(',') ?? [];
      expect(codecs.length).toBeGreaterThan(0);
      expect(codecs.every((codec) => codec === 'PCMU' || codec === 'PCMA')).toBe(true);
    }
    // No T.38 variable is forced on the profile: faxengine decides per call.
    expect(Object.keys(settings).filter((key) => key.includes('fax_'))).toEqual([]);
  });

  it.each(['carriers', 'pbxes'])("the %s profile's context hands every call to faxengine's socket before anything else", (name) => {
    const context = named(contexts(), params(profile(name)).context ?? '');
    expect(context).toBeDefined();
    const actions = children(context, 'extension').flatMap((extension) => descendants(extension, 'action'));
    expect(actions[0]?.attributes).toEqual({ application: 'socket', data: '${faxengine_socket} async full' });
    const condition = child(children(context, 'extension')[0], 'condition');
    expect(new RegExp(condition?.attributes.expression ?? '(?!)').test('+15551234567')).toBe(true);
  });

  it('never answers and sets nothing T.38-related in the dialplan: faxengine decides, possibly with respond 403/404', () => {
    const actions = descendants(section('dialplan') ?? document(), 'action');
    expect(actions.length).toBeGreaterThanOrEqual(2);
    const applications = actions.map((action) => action.attributes.application);
    expect(applications.filter((app) => app === 'answer' || app === 'pre_answer' || app === 'rxfax' || app === 'ring_ready')).toEqual([]);
    expect(actions.filter((action) => /t38/i.test(action.attributes.data ?? ''))).toEqual([]);
    // The only action after the socket is the fallback for an unreachable faxengine, and it answers nothing.
    expect(applications.filter((app) => app !== 'socket')).toEqual(applications.filter((app) => app === 'hangup'));
  });

  it('declares the example gateways under their profiles, on documentation addresses only', () => {
    const gateways = (profileName: string): string[] =>
      children(child(profile(profileName), 'gateways'), 'gateway').map((gateway) => gateway.attributes.name ?? '');
    expect(gateways('carriers')).toContain('carrier1');
    expect(gateways('pbxes')).toContain('pbx-example');
    const addresses = descendants(section('configuration') ?? document(), 'gateway').flatMap((gateway) =>
      children(gateway, 'param').flatMap((param) => param.attributes.value?.match(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g) ?? []),
    );
    expect(addresses.length).toBeGreaterThanOrEqual(2);
    expect(addresses.filter((address) => !/^(192\.0\.2|198\.51\.100|203\.0\.113)\./.test(address))).toEqual([]);
  });

  it('paces RTP with a timer on every profile (without one, a fax call on 1.10.12 never sends audio)', () => {
    expect(profiles().map((profile) => params(profile)['rtp-timer-name'])).toEqual(['soft', 'soft']);
  });

  it('times out dead media with the media_timeout variable, not the deprecated rtp-timeout-sec profile parameter', () => {
    expect(assembled.globals.get('media_timeout')).toBe('120000');
    const deprecated = profiles().flatMap((profile) => children(child(profile, 'settings'), 'param')).filter((param) => /^rtp-(hold-)?timeout-sec$/.test(param.attributes.name ?? ''));
    expect(deprecated).toEqual([]);
  });

  it('leaves fax_enable_t38 out of the globals, where it would decide T.38 for every call', () => {
    expect([...assembled.globals.keys()].filter((key) => key.startsWith('fax_enable_t38'))).toEqual([]);
  });
});
