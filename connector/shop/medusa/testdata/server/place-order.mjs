// Places a web order through Medusa's Store API, as a storefront would: a cart
// with the publishable key, one line, an email and a shipping address, the
// cheapest shipping option, a payment collection with a session of the system
// provider (pp_system_default), then completes the cart. Medusa reserves the
// line at the stock location. Prints {"order": id, "display_id": n} on stdout.
//
//	MEDUSA_URL=… PUBLISHABLE_KEY=pk_… REGION_ID=reg_… node place-order.mjs <variant_id> [quantity]
const base = process.env.MEDUSA_URL || "http://127.0.0.1:9000"
const [variant, qty] = process.argv.slice(2)
if (!variant) {
  console.error("usage: node place-order.mjs <variant_id> [quantity]")
  process.exit(2)
}

async function store(method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", "x-publishable-api-key": process.env.PUBLISHABLE_KEY },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) {
    throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`)
  }
  return JSON.parse(text)
}

const { cart } = await store("POST", "/store/carts", {
  region_id: process.env.REGION_ID,
  email: "cliente@example.fr",
  items: [{ variant_id: variant, quantity: Number(qty || 1) }],
})
await store("POST", `/store/carts/${cart.id}`, {
  shipping_address: {
    first_name: "Camille", last_name: "Martin", address_1: "12 rue du Bac",
    city: "Paris", postal_code: "75007", country_code: "fr", phone: "0102030405",
  },
})
const { shipping_options } = await store("GET", `/store/shipping-options?cart_id=${cart.id}`)
if (!shipping_options.length) throw new Error("no shipping option for the cart")
await store("POST", `/store/carts/${cart.id}/shipping-methods`, { option_id: shipping_options[0].id })
const { payment_collection } = await store("POST", "/store/payment-collections", { cart_id: cart.id })
await store("POST", `/store/payment-collections/${payment_collection.id}/payment-sessions`, { provider_id: "pp_system_default" })
const done = await store("POST", `/store/carts/${cart.id}/complete`)
if (done.type !== "order") {
  throw new Error("cart not completed: " + JSON.stringify(done).slice(0, 500))
}
process.stdout.write(JSON.stringify({ order: done.order.id, display_id: done.order.display_id }) + "\n")
