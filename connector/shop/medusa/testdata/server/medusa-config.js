// Medusa v2 configuration of ecrin's integration-test server. Everything comes
// from the environment .ci/medusa.sh sets; the admin dashboard is disabled (no
// Vite build: the tests only speak the Admin and Store APIs).
const { loadEnv, defineConfig } = require("@medusajs/framework/utils")

loadEnv(process.env.NODE_ENV || "development", process.cwd())

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      storeCors: process.env.STORE_CORS || "http://127.0.0.1",
      adminCors: process.env.ADMIN_CORS || "http://127.0.0.1",
      authCors: process.env.AUTH_CORS || "http://127.0.0.1",
      jwtSecret: process.env.JWT_SECRET || "ecrin-test-only",
      cookieSecret: process.env.COOKIE_SECRET || "ecrin-test-only",
    },
  },
  admin: {
    disable: true,
  },
})
