// A JSON document, pretty-printed in a read-only Monaco editor (folding, search), lazy-loaded.
import CodeView from "./CodeView";

export default function JsonView({ value, height = 400 }: { value: unknown; height?: number }) {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return <CodeView value={text} language="json" height={height} />;
}
