// The application load for `npm run bench:online`: a separate process with CLIENTS connections, each
// inserting into or updating shop.orders every INTERVAL ms, recording when each statement started and
// how long it took. The parent asks for the records over IPC ('take') and ends it with 'stop'.
import postgres from 'postgres';

const [url, clientsArg = '4', intervalArg = '25'] = process.argv.slice(2);
const CLIENTS = Number(clientsArg);
const INTERVAL = Number(intervalArg);
const ROWS = 2_000_000;
let records = [];
let running = true;

async function client(n) {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'bench-load' } });
  await sql`select 1`;
  for (let i = 0; running; i++) {
    const next = Date.now() + INTERVAL;
    const started = performance.timeOrigin + performance.now();
    const t = Math.floor(Math.random() * ROWS) + 1;
    if ((n + i) % 2 === 0)
      await sql`insert into shop.orders (total, rank, customer_id) values (${t}, ${t}, ${1 + (t % 1000)})`;
    else await sql`update shop.orders set total = total + 1 where id = ${t}`;
    const ended = performance.timeOrigin + performance.now();
    records.push([started, ended - started, (n + i) % 2 === 0 ? 'insert' : 'update']);
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
  }
  await sql.end({ timeout: 1 });
}

const clients = Array.from({ length: CLIENTS }, (_, n) => client(n));
process.on('message', async (m) => {
  if (m === 'take') {
    process.send({ records });
    records = [];
  } else if (m === 'stop') {
    running = false;
    await Promise.allSettled(clients);
    process.exit(0);
  }
});
process.send({ ready: true });
