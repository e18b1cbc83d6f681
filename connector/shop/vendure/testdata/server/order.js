// Places a storefront order through Vendure's Shop API, as a web customer would:
//
//   VENDURE_URL=http://127.0.0.1:3077 node order.js <variantId> [quantity]
//
// addItemToOrder, setCustomerForOrder, setOrderShippingAddress,
// setOrderShippingMethod, transitionOrderToState(ArrangingPayment),
// addPaymentToOrder with the dummy payment method: the order ends in
// PaymentAuthorized and Vendure allocates its stock. Prints {"code", "state"}
// on stdout.
'use strict';
const { client } = require('./gql');

const base = (process.env.VENDURE_URL || 'http://127.0.0.1:3077').replace(/\/$/, '');
const shop = client(`${base}/shop-api`);
const orderFields = `... on Order { id code state } ... on ErrorResult { errorCode message }`;

async function main() {
    const [variantId, qty = '1'] = process.argv.slice(2);
    if (!variantId) throw new Error('usage: node order.js <variantId> [quantity]');
    await shop.call(`mutation AddItem($v: ID!, $q: Int!) { addItemToOrder(productVariantId: $v, quantity: $q) { ${orderFields} } }`,
        { v: variantId, q: Number(qty) });
    const n = Date.now();
    await shop.call(`mutation SetCustomer($input: CreateCustomerInput!) { setCustomerForOrder(input: $input) { ${orderFields} } }`,
        { input: { emailAddress: `client-${n}@example.com`, firstName: 'Camille', lastName: 'Martin' } });
    await shop.call(`mutation SetAddress($input: CreateAddressInput!) { setOrderShippingAddress(input: $input) { ${orderFields} } }`,
        { input: { fullName: 'Camille Martin', streetLine1: '1 rue de la Paix', city: 'Lyon', postalCode: '69002', countryCode: 'FR' } });
    const { eligibleShippingMethods } = await shop.call(`query Shipping { eligibleShippingMethods { id } }`);
    if (!eligibleShippingMethods.length) throw new Error('no eligible shipping method');
    await shop.call(`mutation SetShipping($ids: [ID!]!) { setOrderShippingMethod(shippingMethodId: $ids) { ${orderFields} } }`,
        { ids: [eligibleShippingMethods[0].id] });
    await shop.call(`mutation Transition { transitionOrderToState(state: "ArrangingPayment") { ... on Order { id } ... on OrderStateTransitionError { errorCode message transitionError } } }`);
    const { addPaymentToOrder } = await shop.call(`mutation Pay($input: PaymentInput!) { addPaymentToOrder(input: $input) { ${orderFields} } }`,
        { input: { method: 'dummy', metadata: {} } });
    process.stdout.write(JSON.stringify({ code: addPaymentToOrder.code, state: addPaymentToOrder.state }) + '\n');
}

main().catch(err => {
    console.error(`order.js: ${err.message}`);
    process.exit(1);
});
