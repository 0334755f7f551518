import { createActor, SimulatedClock, type AnyStateMachine, type EventFromLogic, type InputFrom } from 'xstate';

/** Runs a machine with a simulated clock, recording every emitted domain event. */
export function runMachine<TMachine extends AnyStateMachine>(machine: TMachine, input: InputFrom<TMachine>) {
  const clock = new SimulatedClock();
  const actor = createActor(machine, { input, clock } as never);
  const emitted: Array<{ type: string; data: Record<string, unknown> }> = [];
  actor.on('*', (event: unknown) => void emitted.push(event as { type: string; data: Record<string, unknown> }));
  actor.start();
  return {
    actor,
    clock,
    emitted,
    types: () => emitted.map((event) => event.type),
    last: (type: string) => [...emitted].reverse().find((event) => event.type === type)?.data,
    send: (...events: Array<EventFromLogic<TMachine>>) => events.forEach((event) => actor.send(event)),
    state: () => (actor.getSnapshot() as { value: unknown }).value as string,
    done: () => (actor.getSnapshot() as { status: string }).status === 'done',
  };
}

/** Lets promise actors settle. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
