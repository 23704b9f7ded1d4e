// Read-only code in Monaco (lazy-loaded: import this file with React.lazy).
import Editor from "@monaco-editor/react";
import "./monaco";

export default function CodeView({ value, language, height }: { value: string; language: string; height: number | string }) {
  return (
    <div className="code-view" data-language={language}>
      <Editor
        value={value}
        language={language}
        height={height}
        theme="vs"
        options={{ readOnly: true, minimap: { enabled: false }, scrollBeyondLastLine: false, fontSize: 12, wordWrap: "on" }}
      />
    </div>
  );
}
