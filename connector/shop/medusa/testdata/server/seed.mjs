// Seeds the Medusa v2 test server through its Admin API, the way a boutique's
// integrator would set a shop up by hand: EUR store, a sales channel for the
// boutique, its stock location with a shipping option, the France region with the
// system payment provider, a publishable key for the storefront, a secret API key
// for ecrin, and a small jewelry catalog (rings and a chain by size, a watch without
// sizes, a product of another channel that ecrin must not see).
//
//	MEDUSA_URL=http://127.0.0.1:9000 ADMIN_EMAIL=… ADMIN_PASSWORD=… node seed.mjs
//
// The admin user must exist (medusa user -e … -p …). Prints one JSON object on
// stdout: the ids and keys the tests need. Also used by the tests to add bulk
// products: node seed.mjs bulk <count> <sizes> (reads SEED_* ids from the env).
const base = process.env.MEDUSA_URL || "http://127.0.0.1:9000"

async function call(method, path, body, auth) {
  const headers = { "content-type": "application/json" }
  if (auth) headers.authorization = auth
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  if (!res.ok) {
    throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`)
  }
  return text ? JSON.parse(text) : {}
}

async function login() {
  const { token } = await call("POST", "/auth/user/emailpass", {
    email: process.env.ADMIN_EMAIL,
    password: process.env.ADMIN_PASSWORD,
  })
  return "Bearer " + token
}

// createProducts creates products through /admin/products/batch, then gives each
// managed variant an inventory level at the location.
async function createProducts(auth, location, products) {
  const created = []
  for (let i = 0; i < products.length; i += 50) {
    const res = await call("POST", "/admin/products/batch?fields=id,variants.id,variants.inventory_items.inventory_item_id", { create: products.slice(i, i + 50) }, auth)
    created.push(...res.created)
  }
  const levels = []
  for (const p of created) {
    for (const v of p.variants) {
      for (const ii of v.inventory_items || []) {
        levels.push({ inventory_item_id: ii.inventory_item_id, location_id: location, stocked_quantity: 1 })
      }
    }
  }
  for (let i = 0; i < levels.length; i += 500) {
    await call("POST", "/admin/inventory-items/location-levels/batch", { create: levels.slice(i, i + 500) }, auth)
  }
  return created
}

function sized(title, ref, brand, sizes, euros, common) {
  return {
    title,
    status: "published",
    metadata: { brand },
    options: [{ title: "Taille", values: sizes }],
    variants: sizes.map((s) => ({
      title: `${title} ${s}`,
      sku: `${ref}-${s}`,
      manage_inventory: true,
      options: { Taille: s },
      prices: [{ currency_code: "eur", amount: euros }],
    })),
    ...common,
  }
}

async function seed() {
  const auth = await login()
  const { stores } = await call("GET", "/admin/stores", undefined, auth)
  const store = stores[0]
  await call("POST", `/admin/stores/${store.id}`, { supported_currencies: [{ currency_code: "eur", is_default: true }] }, auth)

  const { sales_channel: sc } = await call("POST", "/admin/sales-channels", { name: "Boutique Ecrin Paris" }, auth)
  const { sales_channel: other } = await call("POST", "/admin/sales-channels", { name: "Autre canal" }, auth)
  const { stock_location: loc } = await call("POST", "/admin/stock-locations", {
    name: "Boutique Paris",
    address: { address_1: "1 rue de la Paix", city: "Paris", postal_code: "75002", country_code: "fr" },
  }, auth)
  await call("POST", `/admin/stock-locations/${loc.id}/sales-channels`, { add: [sc.id, other.id] }, auth)
  await call("POST", `/admin/stock-locations/${loc.id}/fulfillment-providers`, { add: ["manual_manual"] }, auth)
  const { stock_location: withSet } = await call("POST", `/admin/stock-locations/${loc.id}/fulfillment-sets?fields=id,fulfillment_sets.id`, { name: "Livraison boutique Paris", type: "shipping" }, auth)
  const fset = withSet.fulfillment_sets[0]
  const { fulfillment_set: withZone } = await call("POST", `/admin/fulfillment-sets/${fset.id}/service-zones`, {
    name: "France",
    geo_zones: [{ type: "country", country_code: "fr" }],
  }, auth)
  const zone = withZone.service_zones[0]
  const { shipping_profiles } = await call("GET", "/admin/shipping-profiles", undefined, auth)
  let profile = shipping_profiles.find((p) => p.type === "default") || shipping_profiles[0]
  if (!profile) {
    profile = (await call("POST", "/admin/shipping-profiles", { name: "Default", type: "default" }, auth)).shipping_profile
  }
  await call("POST", "/admin/shipping-options", {
    name: "Colissimo",
    price_type: "flat",
    service_zone_id: zone.id,
    shipping_profile_id: profile.id,
    provider_id: "manual_manual",
    type: { label: "Standard", description: "2 à 3 jours", code: "standard" },
    prices: [{ currency_code: "eur", amount: 10 }],
    rules: [
      { attribute: "enabled_in_store", value: "true", operator: "eq" },
      { attribute: "is_return", value: "false", operator: "eq" },
    ],
  }, auth)
  const { region } = await call("POST", "/admin/regions", {
    name: "France",
    currency_code: "eur",
    countries: ["fr"],
    payment_providers: ["pp_system_default"],
  }, auth)
  await call("POST", "/admin/tax-regions", { country_code: "fr", provider_id: "tp_system" }, auth).catch(() => {})

  const { api_key: pk } = await call("POST", "/admin/api-keys", { title: "Vitrine web", type: "publishable" }, auth)
  await call("POST", `/admin/api-keys/${pk.id}/sales-channels`, { add: [sc.id] }, auth)
  const { api_key: sk } = await call("POST", "/admin/api-keys", { title: "ecrin", type: "secret" }, auth)

  const common = { shipping_profile_id: profile.id, sales_channels: [{ id: sc.id }] }
  const products = [
    sized("Bague Solitaire Or Blanc", "BAG-SOL-01", "Mauboussin", ["50", "52", "54", "56"], 1290, common),
    sized("Alliance Diamants", "ALL-DIA-07", "Fred", ["48", "50", "52"], 2450.5, common),
    sized("Chaîne Forçat Or Jaune", "CHA-FOR-45", "Dinh Van", ["40 cm", "45 cm", "50 cm"], 389.9, common),
    {
      title: "Montre Tissot PRX",
      status: "published",
      metadata: { brand: "Tissot" },
      options: [{ title: "Modèle", values: ["Unique"] }],
      variants: [{
        title: "Montre Tissot PRX",
        sku: "T120.407.17.041.00",
        ean: "7611608292768",
        manage_inventory: true,
        options: { "Modèle": "Unique" },
        prices: [{ currency_code: "eur", amount: 425 }],
      }],
      ...common,
    },
    {
      title: "Pendentif hors boutique",
      status: "published",
      metadata: { brand: "Autre" },
      options: [{ title: "Modèle", values: ["Unique"] }],
      variants: [{ title: "Pendentif", sku: "PEN-HORS-01", manage_inventory: true, options: { "Modèle": "Unique" }, prices: [{ currency_code: "eur", amount: 99 }] }],
      shipping_profile_id: profile.id,
      sales_channels: [{ id: other.id }],
    },
  ]
  await createProducts(auth, loc.id, products)
  return {
    store: store.id,
    sales_channel: sc.id,
    other_sales_channel: other.id,
    location: loc.id,
    region: region.id,
    shipping_profile: profile.id,
    publishable_key: pk.token,
    secret_key: sk.token,
  }
}

// bulk adds count products of sizes sizes each (sizes 1: without a size option),
// named with a random prefix, to the boutique's channel; prints nothing but the count.
async function bulk(count, sizes) {
  const auth = await login()
  const prefix = process.env.SEED_PREFIX || `BLK${Date.now().toString(36).toUpperCase()}`
  const common = { shipping_profile_id: process.env.SEED_SHIPPING_PROFILE, sales_channels: [{ id: process.env.SEED_SALES_CHANNEL }] }
  const products = []
  for (let i = 0; i < count; i++) {
    const ref = `${prefix}-${String(i).padStart(6, "0")}`
    if (sizes <= 1) {
      products.push({
        title: `Article ${ref}`, status: "published", metadata: { brand: "Bulk" },
        options: [{ title: "Modèle", values: ["Unique"] }],
        variants: [{ title: ref, sku: ref, manage_inventory: true, options: { "Modèle": "Unique" }, prices: [{ currency_code: "eur", amount: 100 }] }],
        ...common,
      })
    } else {
      const values = Array.from({ length: sizes }, (_, k) => String(48 + 2 * k))
      products.push(sized(`Bague ${ref}`, ref, "Bulk", values, 100, common))
    }
  }
  const created = await createProducts(auth, process.env.SEED_LOCATION, products)
  return { prefix, products: created.length }
}

const [cmd, a, b] = process.argv.slice(2)
const out = cmd === "bulk" ? await bulk(Number(a), Number(b || 1)) : await seed()
process.stdout.write(JSON.stringify(out) + "\n")
