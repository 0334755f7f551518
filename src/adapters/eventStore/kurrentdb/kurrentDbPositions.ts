import { START, type Position, type ReadPosition } from '@kurrent/kurrentdb-client';

/**
 * The port's global position for a KurrentDB event, and the way back to a server read position.
 *
 * A KurrentDB position is a pair (commit, prepare) of byte offsets in the server's transaction log
 * (the client's `Position` type: "a potential logical record position in the KurrentDB transaction
 * file"). The prepare position is the offset of the event's
 * own log record, so it is unique per event; the commit position is the offset of the record that
 * committed it, which all events of one legacy explicit transaction share. Every gRPC append is
 * implicitly committed: the server's writer (StorageWriterService) writes one prepare record per
 * event flagged `IsCommitted` (TransactionBegin on the first, TransactionEnd on the last), and
 * reports each such event at (prepare, prepare): the reader of $all (kurrent-io/KurrentDB,
 * src/EventStore.Core/Services/Storage/ReaderIndex/AllReader.cs) returns
 * `CommitEventRecord(event, prepare.LogPosition)` for records flagged IsCommitted and starts a
 * forward read at the first event whose (LogPosition, LogPosition) >= the requested position,
 * inclusively; stream reads give a self-committed event (LogPosition, LogPosition) too unless the
 * reader knows another commit position (Data/ResolvedEvent.cs, CalculatePosition).
 *
 * So faxengine's position is the prepare position: unique per event and strictly increasing along
 * $all, and `{ commit: p, prepare: p }` is exactly that event's own position, from which a forward
 * read starts at the event itself (the reader skips it: our `after` is exclusive). An event whose
 * commit and prepare differ in $all was written by an explicit transaction (the legacy TCP API,
 * never used by faxengine); its prepare position need not follow $all's order, so it is refused
 * rather than given a position that could make a subscriber skip events.
 */
export function positionOfEvent(position: Position | undefined, where: 'all' | 'stream'): number {
  if (!position) {
    // Stream reads of some server versions carry no position; such a position is never used to resume.
    if (where === 'stream') return 0;
    throw new Error('KurrentDB returned an event of $all without a position');
  }
  if (where === 'all' && position.commit !== position.prepare) {
    throw new Error(
      `KurrentDB event at commit ${position.commit} / prepare ${position.prepare} was written by an explicit transaction; faxengine needs implicitly committed appends (one position per event)`,
    );
  }
  return toSafeNumber(position.prepare);
}

/** Where a forward read of $all must start to return the events after `after` (plus the one at `after`, to skip). */
export function readAllFrom(after: number): ReadPosition {
  return after > 0 ? { commit: BigInt(after), prepare: BigInt(after) } : START;
}

function toSafeNumber(value: bigint): number {
  // Log offsets stay far below 2^53 (8 PiB) in any real store; beyond it, numbers would collide.
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`KurrentDB position ${value} does not fit a safe integer`);
  return Number(value);
}
