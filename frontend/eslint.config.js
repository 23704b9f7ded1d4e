// Lint: typescript-eslint's recommended rules, and the SPA's boundaries (eslint-plugin-boundaries):
// a feature reaches another feature only through that feature's api.ts (its queries, mutations and
// commands), never its pages, components or stores; shared code lives in components/ and lib/.
import boundaries from "eslint-plugin-boundaries";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "src/gql/**", "node_modules/**"] },
  ...tseslint.configs.recommended,
  {
    files: ["src/**/*.{ts,tsx}"],
    plugins: { boundaries, "react-hooks": reactHooks },
    settings: {
      "import/resolver": { typescript: { project: "tsconfig.json" } },
      "boundaries/include": ["src/**/*"],
      "boundaries/elements": [
        { type: "app", pattern: "src/app" },
        { type: "feature-api", pattern: "src/features/*/api.ts", mode: "file", capture: ["feature"] },
        { type: "feature", pattern: "src/features/*", capture: ["feature"] },
        { type: "components", pattern: "src/components" },
        { type: "lib", pattern: "src/lib" },
        { type: "gql", pattern: "src/gql" },
        { type: "entry", pattern: "src/main.tsx", mode: "file" },
      ],
    },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      "boundaries/no-unknown-files": "error",
      "boundaries/element-types": [
        "error",
        {
          default: "disallow",
          message: "${file.type} must not import ${dependency.type} (features share only through api.ts, components/ and lib/)",
          rules: [
            { from: "entry", allow: ["app", "lib"] },
            { from: "app", allow: ["app", "feature", "feature-api", "components", "lib", "gql"] },
            {
              from: "feature",
              allow: [["feature", { feature: "${from.feature}" }], "feature-api", "components", "lib", "gql"],
            },
            {
              from: "feature-api",
              allow: [["feature", { feature: "${from.feature}" }], "feature-api", "lib", "gql"],
            },
            { from: "components", allow: ["components", "lib", "gql"] },
            { from: "lib", allow: ["lib", "gql"] },
            { from: "gql", allow: ["gql"] },
          ],
        },
      ],
    },
  },
);
