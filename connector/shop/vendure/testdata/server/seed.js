// Seeds the test Vendure server (server.js) through its Admin API:
//
//   VENDURE_URL=http://127.0.0.1:3077 VENDURE_SUPERADMIN_PASSWORD=… \
//   ECRIN_VENDURE_USER=ecrin ECRIN_VENDURE_PASSWORD=… node seed.js [sets…]
//
// Sets: "adapter" (a ring with sizes, a chain, a watch: the adapter's tests),
// "demo" (the demo boutique's catalog, connector/demo/data/catalog.json: the
// two-night test through the whole connector), NAME=FILE (a catalog in the engine's
// JSON form, as the set NAME: the crash test's generated boutique), "bench" (1,000 rings × 10 sizes =
// 10,000 variants: the push measurement). Default: adapter demo. Each set's
// products carry the facet value boutique:<set>, which is how a site says which
// products ecrin manages (managed_facet). A set already seeded is skipped.
//
// Also, once: France as the tax and shipping zone, EUR prices including tax
// (20 % VAT), a shipping method, the dummy payment method, and an administrator
// for ecrin with only the permissions the adapter needs.
'use strict';
const path = require('path');
const fs = require('fs');
const { client } = require('./gql');

const base = (process.env.VENDURE_URL || 'http://127.0.0.1:3077').replace(/\/$/, '');
const admin = client(`${base}/admin-api`);
const call = admin.call;
const en = 'en';
const tr = name => [{ languageCode: en, name }];
const log = msg => console.error(`seed.js: ${msg}`);

function code(s) {
    return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

async function setup() {
    const { countries } = await call(`query Countries { countries(options: { filter: { code: { eq: "FR" } } }) { items { id } } }`);
    if (countries.items.length) return;
    log('zone, taxes, EUR, shipping, payment, ecrin administrator');
    const { createCountry } = await call(
        `mutation CreateCountry($input: CreateCountryInput!) { createCountry(input: $input) { id } }`,
        { input: { code: 'FR', enabled: true, translations: tr('France') } });
    const { createZone } = await call(
        `mutation CreateZone($input: CreateZoneInput!) { createZone(input: $input) { id } }`,
        { input: { name: 'France', memberIds: [createCountry.id] } });
    const { activeChannel } = await call(`query Channel { activeChannel { id } }`);
    await call(`mutation UpdateChannel($input: UpdateChannelInput!) { updateChannel(input: $input) { ... on Channel { id } ... on ErrorResult { errorCode message } } }`,
        { input: { id: activeChannel.id, defaultTaxZoneId: createZone.id, defaultShippingZoneId: createZone.id,
            pricesIncludeTax: true, defaultCurrencyCode: 'EUR', availableCurrencyCodes: ['EUR'] } });
    const { createTaxCategory } = await call(
        `mutation CreateTaxCategory($input: CreateTaxCategoryInput!) { createTaxCategory(input: $input) { id } }`,
        { input: { name: 'TVA normale', isDefault: true } });
    await call(`mutation CreateTaxRate($input: CreateTaxRateInput!) { createTaxRate(input: $input) { id } }`,
        { input: { name: 'TVA 20 %', enabled: true, value: 20, categoryId: createTaxCategory.id, zoneId: createZone.id } });
    await call(`mutation CreateShippingMethod($input: CreateShippingMethodInput!) { createShippingMethod(input: $input) { id } }`,
        { input: {
            code: 'colissimo', fulfillmentHandler: 'manual-fulfillment',
            checker: { code: 'default-shipping-eligibility-checker', arguments: [{ name: 'orderMinimum', value: '0' }] },
            calculator: { code: 'default-shipping-calculator', arguments: [
                { name: 'rate', value: '0' }, { name: 'includesTax', value: 'auto' }, { name: 'taxRate', value: '0' }] },
            translations: [{ languageCode: en, name: 'Colissimo', description: '' }],
        } });
    await call(`mutation CreatePaymentMethod($input: CreatePaymentMethodInput!) { createPaymentMethod(input: $input) { id } }`,
        { input: {
            code: 'dummy', enabled: true,
            handler: { code: 'dummy-payment-handler', arguments: [{ name: 'automaticSettle', value: 'false' }] },
            translations: [{ languageCode: en, name: 'Paiement de test', description: '' }],
        } });
    const user = process.env.ECRIN_VENDURE_USER;
    const password = process.env.ECRIN_VENDURE_PASSWORD;
    if (user && password) {
        const { createRole } = await call(`mutation CreateRole($input: CreateRoleInput!) { createRole(input: $input) { id } }`,
            { input: { code: 'ecrin', description: 'ecrin stock connector',
                permissions: ['ReadCatalog', 'UpdateCatalog', 'ReadOrder', 'ReadStockLocation'], channelIds: [activeChannel.id] } });
        await call(`mutation CreateAdministrator($input: CreateAdministratorInput!) { createAdministrator(input: $input) { id } }`,
            { input: { firstName: 'ecrin', lastName: 'connecteur', emailAddress: user, password, roleIds: [createRole.id] } });
    }
}

// facetValues makes sure facet `fcode` has a value for each name; returns name → id.
const facets = {};
async function facetValues(fcode, fname, names) {
    if (!facets[fcode]) {
        const { facets: list } = await call(`query Facets($code: String!) { facets(options: { filter: { code: { eq: $code } } }) { items { id values { id code name } } } }`, { code: fcode });
        let f = list.items[0];
        if (!f) {
            const { createFacet } = await call(`mutation CreateFacet($input: CreateFacetInput!) { createFacet(input: $input) { id values { id code name } } }`,
                { input: { code: fcode, isPrivate: false, translations: tr(fname) } });
            f = createFacet;
        }
        facets[fcode] = { id: f.id, byName: Object.fromEntries(f.values.map(v => [v.name, v.id])) };
    }
    const f = facets[fcode];
    const missing = [...new Set(names)].filter(n => !(n in f.byName));
    if (missing.length) {
        const { createFacetValues } = await call(`mutation CreateFacetValues($input: [CreateFacetValueInput!]!) { createFacetValues(input: $input) { id name } }`,
            { input: missing.map(n => ({ facetId: f.id, code: code(n), translations: tr(n) })) });
        for (const v of createFacetValues) f.byName[v.name] = v.id;
    }
    return f.byName;
}

// product: {key, name, brand, category, ref, enabled, sizes: [{size, sku, price, stock}] | null, sku, price, stock, ecrinRef}
async function createProduct(set, p) {
    const brands = await facetValues('brand', 'Marque', [p.brand]);
    const cats = p.category ? await facetValues('category', 'Catégorie', [p.category]) : {};
    const sets = await facetValues('boutique', 'Boutique', [set]);
    const facetValueIds = [brands[p.brand], sets[set]];
    if (p.category) facetValueIds.push(cats[p.category]);
    const input = { enabled: p.enabled !== false, facetValueIds,
        translations: [{ languageCode: en, name: p.name, slug: code(`${set}-${p.key}`), description: '' }] };
    if (p.ecrinRef) input.customFields = { ecrinRef: p.ecrinRef };
    const { createProduct } = await call(`mutation CreateProduct($input: CreateProductInput!) { createProduct(input: $input) { id } }`, { input });
    const productId = createProduct.id;
    let variants;
    if (p.sizes) {
        const { createProductOptionGroup } = await call(
            `mutation CreateGroup($input: CreateProductOptionGroupInput!) { createProductOptionGroup(input: $input) { id options { id name } } }`,
            { input: { code: 'taille', translations: tr('Taille'), options: p.sizes.map(s => ({ code: code(s.size), translations: tr(s.size) })) } });
        await call(`mutation AddGroup($p: ID!, $g: ID!) { addOptionGroupToProduct(productId: $p, optionGroupId: $g) { id } }`,
            { p: productId, g: createProductOptionGroup.id });
        const opt = Object.fromEntries(createProductOptionGroup.options.map(o => [o.name, o.id]));
        variants = p.sizes.map(s => ({ productId, sku: s.sku, price: s.price, stockOnHand: s.stock || 0, optionIds: [opt[s.size]],
            translations: tr(`${p.name} ${s.size}`), ...(s.ean ? { customFields: { ean: s.ean } } : {}) }));
    } else {
        variants = [{ productId, sku: p.sku, price: p.price, stockOnHand: p.stock || 0, translations: tr(p.name),
            ...(p.ean ? { customFields: { ean: p.ean } } : {}) }];
    }
    await call(`mutation CreateVariants($input: [CreateProductVariantInput!]!) { createProductVariants(input: $input) { id } }`, { input: variants });
}

function adapterSet() {
    const ring = [50, 52, 54, 56].map(n => ({ size: String(n), sku: `BG-SOL-750-${n}`, price: 89000 + (n - 50) * 1000, stock: 1,
        ean: n === 50 ? '4055977976526' : undefined }));
    return [
        { key: 'solitaire', name: 'Bague solitaire or blanc', brand: 'Maty', category: 'bagues', sizes: ring },
        { key: 'forcat', name: 'Chaîne forçat or jaune', brand: 'Fope', category: 'colliers',
            sizes: ['40 cm', '45 cm', '50 cm'].map(s => ({ size: s, sku: `CH-FOR/${code(s)}`, price: 45000, stock: 2 })) },
        { key: 'prx', name: 'Montre PRX Powermatic 80', brand: 'Tissot', category: 'montres', sku: 'T137.407.11.041.00', price: 72500, stock: 3, ean: '7614297169406' },
        { key: 'alliance', name: 'Alliance or rose', brand: 'Maty', category: 'bagues', ecrinRef: 'ALL-ROSE-3MM',
            sizes: ['48', '58'].map(s => ({ size: s, sku: `AR3-${s}-X${s}`, price: 39000, stock: 1 })) },
    ];
}

// catalogSet reads a catalog in the engine's JSON form (connector/demo/data/catalog.json):
// [{id, brand, ref, category, declinable, variants: [{id, size}], published}]. A
// non-declinable product's SKU is its ref; a size's is REF-SIZE (size without
// spaces or punctuation), so that the adapter finds the ref as the SKUs' stem.
function catalogSet(file) {
    const catalog = JSON.parse(fs.readFileSync(file, 'utf8'));
    return catalog.map(p => ({
        key: p.id, name: `${p.brand} ${p.ref}`, brand: p.brand, category: p.category, enabled: p.published,
        sku: p.ref, price: 10000, ean: p.ean,
        sizes: p.declinable ? p.variants.map(v => ({ size: v.size, sku: `${p.ref}-${v.size.replace(/[^0-9A-Za-z]/g, "").toUpperCase()}`, price: 10000, ean: v.ean })) : null,
    }));
}

function demoSet() {
    return catalogSet(path.join(__dirname, '..', '..', '..', '..', 'demo', 'data', 'catalog.json'));
}

function benchSet() {
    const out = [];
    for (let i = 0; i < 1000; i++) {
        const ref = `BENCH-${String(i).padStart(4, '0')}`;
        out.push({ key: ref.toLowerCase(), name: `Bague ${ref}`, brand: 'Bench', category: 'bagues',
            sizes: Array.from({ length: 10 }, (_, k) => ({ size: String(48 + 2 * k), sku: `${ref}-${48 + 2 * k}`, price: 50000 })) });
    }
    return out;
}

const builders = { adapter: adapterSet, demo: demoSet, bench: benchSet };

async function main() {
    const password = process.env.VENDURE_SUPERADMIN_PASSWORD;
    if (!password) throw new Error('VENDURE_SUPERADMIN_PASSWORD is not set');
    await call(`mutation Login($u: String!, $p: String!) { login(username: $u, password: $p) { ... on CurrentUser { id } ... on ErrorResult { errorCode message } } }`,
        { u: 'superadmin', p: password });
    await setup();
    const sets = process.argv.slice(2);
    for (let set of sets.length ? sets : ['adapter', 'demo']) {
        if (set.includes('=')) { // name=catalog.json: a catalog file, as a set of its own
            const [name, file] = set.split('=');
            builders[name] = () => catalogSet(file);
            set = name;
        }
        if (!builders[set]) throw new Error(`unknown set ${set} (known: ${Object.keys(builders).join(', ')})`);
        const { facets: f } = await call(`query Seeded { facets(options: { filter: { code: { eq: "boutique" } } }) { items { values { code } } } }`);
        if (f.items.some(x => x.values.some(v => v.code === set))) {
            log(`set ${set} already seeded`);
            continue;
        }
        const products = builders[set]();
        const t0 = Date.now();
        await facetValues('brand', 'Marque', products.map(p => p.brand));
        await facetValues('category', 'Catégorie', products.filter(p => p.category).map(p => p.category));
        await facetValues('boutique', 'Boutique', [set]);
        const width = 1; // in parallel lanes it is not faster: SQLite writes one at a time
        for (let i = 0; i < products.length; i += width) {
            await Promise.all(products.slice(i, i + width).map(p => createProduct(set, p)));
        }
        log(`set ${set}: ${products.length} products in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
}

main().catch(err => {
    console.error(`seed.js: ${err.message}`);
    process.exit(1);
});
