import { describe, expect, test } from 'vitest';
import { PacketReader } from '../../../src/sim/packetReader.js';

describe('PacketReader (reference §1.2)', () => {
  test('splits commands at a blank line, ignoring CR and leading blank lines', () => {
    const reader = new PacketReader();
    const packets = reader.push(Buffer.from('\n\r\nauth ClueCon\r\n\r\nsendmsg\ncall-command: execute\nexecute-app-name:   answer\n\n'));
    expect(packets).toEqual([
      { command: 'auth ClueCon', headers: [] },
      { command: 'sendmsg', headers: [['call-command', 'execute'], ['execute-app-name', 'answer']] },
    ]);
  });

  test('waits for partial input and reads Content-Length bytes of body', () => {
    const reader = new PacketReader();
    expect(reader.push(Buffer.from('sendevent CUSTOM\nContent-Length: 5\n\nhel'))).toEqual([]);
    expect(reader.push(Buffer.from('loexit\n\n'))).toEqual([
      { command: 'sendevent CUSTOM', headers: [['Content-Length', '5']], body: 'hello' },
      { command: 'exit', headers: [] },
    ]);
  });

  test('refuses a Content-Length above 16 MiB', () => {
    expect(() => new PacketReader().push(Buffer.from('x\nContent-Length: 99999999\n\n'))).toThrow();
  });
});
