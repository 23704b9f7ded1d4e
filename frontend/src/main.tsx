import "./lib/withoutEval"; // first: before any zod schema is made
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { prepareFormats } from "./lib/format";
import { keepSession } from "./lib/session";
import "./app/app.css";

keepSession();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// While the first view's data is on its way (see prepareFormats).
if (typeof requestIdleCallback === "function") requestIdleCallback(() => prepareFormats());
else setTimeout(() => prepareFormats(), 0);
