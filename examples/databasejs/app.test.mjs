// An application's test against the emulator's HTTP SQL API, with
// @planetscale/database as the application uses it in production. It
// reads the branch from create-branch's database_url output and trusts the
// emulator's CA through NODE_EXTRA_CA_CERTS.
import assert from 'node:assert/strict'
import { connect, DatabaseError } from '@planetscale/database'

const conn = connect({ url: process.env.DATABASE_URL })

await conn.execute(`CREATE TABLE bookings (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  guests INT NOT NULL,
  nights SMALLINT UNSIGNED,
  price DECIMAL(8,2),
  rating DOUBLE,
  arrives DATE,
  booked_at DATETIME,
  details JSON,
  photo BLOB,
  note VARCHAR(40)
)`)

const insert = 'INSERT INTO bookings (guests, nights, price, rating, arrives, booked_at, details, photo, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'
const inserted = await conn.execute(insert, [2, 3, '129.90', 4.5, '2026-12-24', '2026-12-07 10:11:12', '{"rooms": [101, 102]}', new Uint8Array([0, 255, 7]), "it's late"])
assert.equal(inserted.rowsAffected, 1)
assert.equal(inserted.insertId, '1')

const nulls = await conn.execute('INSERT INTO bookings (guests) VALUES (1)')
assert.equal(nulls.insertId, '2')

const { rows } = await conn.execute('SELECT * FROM bookings ORDER BY id')
assert.equal(rows.length, 2)
const [first, second] = rows
assert.equal(first.id, '1') // INT64: a string, as database-js keeps big integers
assert.equal(first.guests, 2)
assert.equal(first.nights, 3)
assert.equal(first.price, '129.90')
assert.equal(first.rating, 4.5)
assert.equal(first.arrives, '2026-12-24')
assert.equal(first.booked_at, '2026-12-07 10:11:12')
assert.deepEqual(process.env.PSFLOW_STORAGE === 'embedded' ? first.details : JSON.parse(first.details), { rooms: [101, 102] })
assert.deepEqual(Array.from(first.photo, (c) => c.charCodeAt?.(0) ?? c), [0, 255, 7])
assert.equal(first.note, "it's late")
assert.equal(second.nights, null)
assert.equal(second.price, null)
assert.equal(second.details, null)

// A transaction holds across its statements and rolls back on error.
await assert.rejects(
  conn.transaction(async (tx) => {
    await tx.execute('INSERT INTO bookings (guests) VALUES (5)')
    const inside = await tx.execute('SELECT COUNT(*) AS n FROM bookings')
    assert.equal(inside.rows[0].n, '3')
    throw new Error('cancelled')
  }),
  /cancelled/
)
const after = await conn.execute('SELECT COUNT(*) AS n FROM bookings')
assert.equal(after.rows[0].n, '2')

await conn.transaction(async (tx) => {
  await tx.execute('INSERT INTO bookings (guests) VALUES (6)')
})
assert.equal((await conn.execute('SELECT COUNT(*) AS n FROM bookings')).rows[0].n, '3')

// A SQL error comes back as a DatabaseError with MySQL's number in it.
const err = await conn.execute('INSERT INTO bookings (id, guests) VALUES (1, 1)').catch((e) => e)
assert.ok(err instanceof DatabaseError, String(err))
assert.match(err.message, /\(errno 1062\) \(sqlstate \w{5}\)/)
assert.equal(err.body.code, 'ALREADY_EXISTS')

// A wrong password is refused.
const url = new URL(process.env.DATABASE_URL)
url.password = 'wrong'
const refused = await connect({ url: url.toString() }).execute('SELECT 1').catch((e) => e)
assert.ok(refused instanceof DatabaseError, String(refused))
assert.equal(refused.status, 401)

console.log('database-js: types, transaction, errors and login as in production')
