// A real Vendure server for ecrin's vendure shop kind integration tests.
//
//   PORT=3077 VENDURE_DB=/tmp/ecrin-vendure/vendure.sqlite \
//   VENDURE_SUPERADMIN_PASSWORD=… node server.js
//
// Admin API on http://127.0.0.1:$PORT/admin-api, Shop API on /shop-api, a SQLite
// file (better-sqlite3), bearer tokens (header vendure-auth-token) beside cookies,
// a dummy payment handler and the default shipping calculator so that a storefront
// order can be placed (order.js), and two custom fields the adapter may use:
// Product.ecrinRef (a reference when variant SKUs have no common stem) and
// ProductVariant.ecrinRestockDays (the delay shown for pre-orders and backorders),
// ProductVariant.ean (a barcode: Vendure has no field of its own for it).
'use strict';
const path = require('path');
const crypto = require('crypto');
const {
    bootstrap,
    DefaultLogger,
    LogLevel,
    dummyPaymentHandler,
    LanguageCode,
} = require('@vendure/core');

const port = Number(process.env.PORT || 3077);
const db = process.env.VENDURE_DB || path.join(__dirname, 'vendure.sqlite');
const password = process.env.VENDURE_SUPERADMIN_PASSWORD;
if (!password) {
    console.error('server.js: VENDURE_SUPERADMIN_PASSWORD is not set');
    process.exit(2);
}

const config = {
    apiOptions: {
        hostname: '127.0.0.1',
        port,
        adminApiPath: 'admin-api',
        shopApiPath: 'shop-api',
        adminListQueryLimit: 1000,
    },
    authOptions: {
        tokenMethod: ['bearer', 'cookie'],
        requireVerification: false,
        superadminCredentials: { identifier: 'superadmin', password },
        cookieOptions: { secret: crypto.randomBytes(16).toString('hex') },
    },
    dbConnectionOptions: {
        type: 'better-sqlite3',
        database: db,
        synchronize: true,
        logging: false,
    },
    paymentOptions: { paymentMethodHandlers: [dummyPaymentHandler] },
    customFields: {
        Product: [{ name: 'ecrinRef', type: 'string', nullable: true, label: [{ languageCode: LanguageCode.en, value: 'ecrin reference' }] }],
        ProductVariant: [
            { name: 'ecrinRestockDays', type: 'int', nullable: true, label: [{ languageCode: LanguageCode.en, value: 'Restock delay (days)' }] },
            { name: 'ean', type: 'string', nullable: true, label: [{ languageCode: LanguageCode.en, value: 'EAN / GTIN' }] },
        ],
    },
    logger: new DefaultLogger({ level: LogLevel.Warn }),
    plugins: [],
};

bootstrap(config)
    .then(() => console.error(`server.js: Vendure answers on http://127.0.0.1:${port}/admin-api`))
    .catch(err => {
        console.error('server.js: Vendure did not start:', err);
        process.exit(1);
    });
