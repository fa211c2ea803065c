// A process that uses an EmbeddedBus until it is killed (test/unit/embedded-bus.test.ts kills it
// with SIGKILL). It says on stdout, one line each, what the bus confirmed, so the test knows what
// must survive:
//   publish <file>          publishes batches of 3 records ("<batch>.<0|1|2>") in a loop; after
//                           each publish resolved: "acked <batch>"
//   consume <file> <offset> consumes mentions.raw as group "g", one record a batch: "handling
//                           <offset>" when the handler gets it; the handler returns at once,
//                           except at <offset>, where it never returns (killed mid-batch)
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';

const [mode, file, arg] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: embedded-bus-child.ts publish|consume <file> [offset]');
const bus = new EmbeddedBus({ file, pollIntervalMs: 10 });
const say = (line: string) => process.stdout.write(`${line}\n`);

if (mode === 'publish') {
  // Bounded, should the test never kill it.
  for (let batch = 0; batch < 100_000; batch++) {
    await bus.publish('mentions.raw', [0, 1, 2].map((j) => ({ key: `k${batch % 5}`, value: `${batch}.${j}` })));
    say(`acked ${batch}`);
  }
} else if (mode === 'consume') {
  const hangAt = Number(arg);
  bus.consume(
    'mentions.raw',
    'g',
    async (records) => {
      for (const r of records) {
        say(`handling ${r.offset}`);
        if (r.offset === hangAt) await new Promise<never>(() => undefined);
      }
    },
    { maxBatch: 1 },
  );
  // An unresolved promise does not keep a process alive: this does, until the kill.
  setInterval(() => undefined, 60_000);
  say('consuming');
} else {
  throw new Error(`unknown mode ${String(mode)}`);
}
