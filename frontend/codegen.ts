import type { CodegenConfig } from "@graphql-codegen/cli";

// Types come from the committed schema the server exports; `make frontend-check` fails on drift.
const config: CodegenConfig = {
  schema: "../schema/schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  generates: {
    // `make frontend-check` generates into a scratch folder and compares.
    [process.env.GQL_OUT ?? "src/gql/"]: {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        documentMode: "string",
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: "string", JSON: "unknown", UUID: "string", Upload: "File" },
      },
    },
  },
  hooks: {},
};

export default config;
