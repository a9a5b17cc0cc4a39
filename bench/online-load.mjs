// The application load for the benchmarks that push under writes (bench/online.mjs, bench/tenants.mjs): a
// separate process with `clients` connections, each running the insert or the update in turn every
// `intervalMs`, with $1 a random integer from 1 to `rows`, recording when each statement started and how
// long it took. Its one argument is that JSON ({ url, clients, intervalMs, rows, insert, update }). The
// parent asks for the records over IPC ('take') and ends it with 'stop'.
import postgres from 'postgres';

const { url, clients, intervalMs, rows, insert, update } = JSON.parse(process.argv[2]);
let records = [];
let running = true;

async function client(n) {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'bench-load' } });
  await sql`select 1`;
  for (let i = 0; running; i++) {
    const next = Date.now() + intervalMs;
    const started = performance.timeOrigin + performance.now();
    const t = Math.floor(Math.random() * rows) + 1;
    const inserting = (n + i) % 2 === 0;
    await sql.unsafe(inserting ? insert : update, [t]);
    const ended = performance.timeOrigin + performance.now();
    records.push([started, ended - started, inserting ? 'insert' : 'update']);
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
  }
  await sql.end({ timeout: 1 });
}

const writers = Array.from({ length: clients }, (_, n) => client(n));
process.on('message', async (m) => {
  if (m === 'take') {
    process.send({ records });
    records = [];
  } else if (m === 'stop') {
    running = false;
    await Promise.allSettled(writers);
    process.exit(0);
  }
});
process.send({ ready: true });
