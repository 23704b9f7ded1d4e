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
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      output: {
        // Monaco is large and lazy: keep it out of the first load.
        manualChunks(id: string) {
          if (id.includes("monaco-editor")) return "monaco";
          if (id.includes("@xyflow")) return "reactflow";
          return undefined;
        },
      },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
