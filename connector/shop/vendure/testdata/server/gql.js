// A tiny GraphQL client for the seed and order scripts: fetch, a bearer token
// taken from the vendure-auth-token header, errors (GraphQL ones and error
// results) thrown with the operation's name. Never prints a token or a password.
'use strict';

function client(url) {
    let token = '';
    async function call(query, variables = {}) {
        const headers = { 'content-type': 'application/json' };
        if (token) headers.authorization = `Bearer ${token}`;
        const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
        const t = res.headers.get('vendure-auth-token');
        if (t) token = t;
        const text = await res.text();
        let body;
        try {
            body = JSON.parse(text);
        } catch (e) {
            throw new Error(`${url}: HTTP ${res.status}: ${text.slice(0, 300)}`);
        }
        const name = (query.match(/(?:query|mutation)\s+(\w+)/) || [])[1] || 'request';
        if (body.errors && body.errors.length) {
            throw new Error(`${name} at ${url}: ${body.errors.map(e => e.message).join('; ')}`);
        }
        for (const v of Object.values(body.data || {})) {
            if (v && v.errorCode) throw new Error(`${name} at ${url}: ${v.errorCode}: ${v.message}`);
        }
        return body.data;
    }
    return { call };
}

module.exports = { client };
