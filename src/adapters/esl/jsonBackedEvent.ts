import esl from 'modesl';

export interface JsonBackedEvent {
  _data: Record<string, unknown>;
  _headerList?: Array<{ name: string; value: unknown }>;
}

/** The esl.Event methods over a header table that is a plain object (`_data`), the list modesl exposes built on demand. */
export const jsonEventPrototype: object = Object.create(esl.Event.prototype, {
  headers: {
    get(this: JsonBackedEvent) {
      this._headerList ??= Object.keys(this._data)
        .filter((name) => name !== '_body')
        .map((name) => ({ name, value: this._data[name] }));
      return this._headerList;
    },
  },
  getHeader: {
    value(this: JsonBackedEvent, name: string) {
      const value = this._data[name];
      return value === undefined || name === '_body' ? null : value;
    },
  },
  addHeader: {
    value(this: JsonBackedEvent, name: string, value: unknown) {
      this._data[name] = value;
      this._headerList = undefined;
      return value;
    },
  },
  delHeader: {
    value(this: JsonBackedEvent, name: string) {
      if (!(name in this._data)) return null;
      const value = this._data[name];
      delete this._data[name];
      this._headerList = undefined;
      return [{ name, value }];
    },
  },
});

/** An esl.Event whose header table is the parsed JSON object itself. */
export function jsonBackedEvent(data: Record<string, unknown>): unknown {
  const event = Object.create(jsonEventPrototype) as JsonBackedEvent & Record<string, unknown>;
  event._data = data;
  event.type = data['Event-Name'];
  event.subclass = data['Event-Subclass'];
  event.body = typeof data._body === 'string' ? data._body : '';
  event.hPtr = null;
  return event;
}
