/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The SPA is served by `dvt serve` from the same origin; in `npm run dev` Vite proxies the API to it.
const api = process.env.DVT_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/graphql": { target: api, ws: true },
      "/auth": api,
      "/api": api,
    },
  },
  worker: { format: "es" },
  build: {
    // Monaco (lazy, with its language workers) is large by nature; it never loads before a code view opens.
    chunkSizeWarningLimit: 8000,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
