import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The remote's extensions, by the last four digits of the dialled number. */
export const remoteExtensions = {
  /** Answers at once and receives over G.711 (T.38 refused). */
  rxAudio: '9901',
  /** Rings for `ringMs`, then answers and receives over G.711. */
  rxAfterRinging: '9902',
  /** Answers and receives, accepting T.38 when the caller re-INVITEs to it (requesting none itself: no glare). */
  rxT38: '9938',
  /** Responds 486 Busy Here without answering. */
  busy: '9486',
  /** Responds 480 Temporarily Unavailable without answering. */
  unavailable: '9480',
  /** Rings and never answers. */
  ringForever: '9000',
} as const;

export interface RemoteConfValues {
  sipPort: number;
  eslPort: number;
  eslPassword: string;
  rtpPorts: { start: number; end: number };
  /** Where the faxengine FreeSWITCH's carriers profile listens, `host:port`. */
  faxengineCarriers: string;
  /** Where the remote's rxfax writes `remote-<uuid>.tif`. */
  rxDir: string;
  ringMs: number;
}

/**
 * A second FreeSWITCH playing the carrier and the remote fax machines: one SIP profile whose
 * gateway `tofaxengine` reaches faxengine's FreeSWITCH, extensions that receive a fax (G.711 or
 * T.38), ring first, answer busy or 480 or ring forever. Calls into faxengine are placed through
 * its ESL with `originate … sofia/gateway/tofaxengine/<number> &txfax(<tiff>)`. One XML file.
 */
export function writeRemoteConf(dir: string, values: RemoteConfValues): void {
  mkdirSync(dir, { recursive: true });
  const modules = ['mod_console', 'mod_logfile', 'mod_event_socket', 'mod_sofia', 'mod_commands', 'mod_dptools', 'mod_dialplan_xml', 'mod_spandsp', 'mod_tone_stream'];
  const rx = (t38: boolean) => `
        <action application="set" data="fax_enable_t38=${t38}"/>
        <action application="set" data="fax_enable_t38_request=false"/>
        <action application="set" data="fax_ident=REMOTE-RX"/>
        <action application="answer"/>
        <action application="rxfax" data="${values.rxDir}/remote-\${uuid}.tif"/>
        <action application="hangup"/>`;
  const extension = (name: string, digits: string, actions: string) => `
    <extension name="${name}">
      <condition field="destination_number" expression="${digits}$">${actions}
      </condition>
    </extension>`;
  const xml = `<?xml version="1.0"?>
<document type="freeswitch/xml">
  <section name="configuration" description="remote carrier and fax machines (test)">
    <configuration name="modules.conf" description="Modules">
      <modules>
${modules.map((name) => `        <load module="${name}"/>`).join('\n')}
      </modules>
    </configuration>
    <configuration name="switch.conf" description="Core">
      <settings>
        <param name="loglevel" value="info"/>
        <param name="rtp-start-port" value="${values.rtpPorts.start}"/>
        <param name="rtp-end-port" value="${values.rtpPorts.end}"/>
        <param name="dump-cores" value="no"/>
      </settings>
    </configuration>
    <configuration name="console.conf" description="Console">
      <mappings><map name="all" value="console,debug,info,notice,warning,err,crit,alert"/></mappings>
      <settings><param name="loglevel" value="info"/></settings>
    </configuration>
    <configuration name="logfile.conf" description="File Logging">
      <profiles><profile name="default"><settings><param name="uuid" value="true"/></settings>
        <mappings><map name="all" value="info,notice,warning,err,crit,alert"/></mappings></profile></profiles>
    </configuration>
    <configuration name="event_socket.conf" description="Socket Client">
      <settings>
        <param name="nat-map" value="false"/>
        <param name="listen-ip" value="127.0.0.1"/>
        <param name="listen-port" value="${values.eslPort}"/>
        <param name="password" value="${values.eslPassword}"/>
        <param name="apply-inbound-acl" value="loopback.auto"/>
      </settings>
    </configuration>
    <configuration name="spandsp.conf" description="Fax">
      <modem-settings><param name="total-modems" value="0"/></modem-settings>
      <fax-settings>
        <param name="use-ecm" value="true"/>
        <param name="enable-t38" value="true"/>
        <param name="ident" value="REMOTE"/>
        <param name="header" value="REMOTE"/>
        <param name="spool-dir" value="${values.rxDir}"/>
      </fax-settings>
    </configuration>
    <configuration name="sofia.conf" description="SIP">
      <global_settings><param name="log-level" value="0"/></global_settings>
      <profiles>
        <profile name="remote">
          <gateways>
            <gateway name="tofaxengine">
              <param name="proxy" value="${values.faxengineCarriers}"/>
              <param name="realm" value="${values.faxengineCarriers}"/>
              <param name="register" value="false"/>
              <param name="caller-id-in-from" value="true"/>
            </gateway>
          </gateways>
          <settings>
            <param name="user-agent-string" value="remote"/>
            <param name="dialplan" value="XML"/>
            <param name="context" value="remote"/>
            <param name="sip-ip" value="127.0.0.1"/>
            <param name="rtp-ip" value="127.0.0.1"/>
            <param name="ext-sip-ip" value="127.0.0.1"/>
            <param name="ext-rtp-ip" value="127.0.0.1"/>
            <param name="sip-port" value="${values.sipPort}"/>
            <param name="shutdown-on-fail" value="true"/>
            <param name="auth-calls" value="false"/>
            <param name="disable-register" value="true"/>
            <param name="manage-presence" value="false"/>
            <param name="inbound-codec-prefs" value="PCMU,PCMA"/>
            <param name="outbound-codec-prefs" value="PCMU,PCMA"/>
            <param name="suppress-cng" value="true"/>
            <!-- Without an RTP timer txfax and rxfax both wait to read and no audio flows. -->
            <param name="rtp-timer-name" value="soft"/>
            <param name="t38-passthru" value="false"/>
          </settings>
        </profile>
      </profiles>
    </configuration>
  </section>
  <section name="dialplan" description="the remote's extensions">
    <context name="remote">${[
      extension('rx_audio', remoteExtensions.rxAudio, rx(false)),
      extension('rx_after_ringing', remoteExtensions.rxAfterRinging, `
        <action application="ring_ready"/>
        <action application="sleep" data="${values.ringMs}"/>${rx(false)}`),
      extension('rx_t38', remoteExtensions.rxT38, rx(true)),
      extension('busy', remoteExtensions.busy, `
        <action application="respond" data="486"/>`),
      extension('unavailable', remoteExtensions.unavailable, `
        <action application="respond" data="480"/>`),
      extension('ring_forever', remoteExtensions.ringForever, `
        <action application="ring_ready"/>
        <action application="park"/>`),
    ].join('')}
    </context>
  </section>
</document>
`;
  writeFileSync(join(dir, 'freeswitch.xml'), xml);
}
