// Two versions of a file side by side in Monaco's diff editor (lazy-loaded).
import { DiffEditor, type DiffOnMount } from "@monaco-editor/react";
import { useEffect, useRef } from "react";
import "./monaco";

type Editor = Parameters<DiffOnMount>[0];

export default function DiffView({ original, modified, language }: { original: string; modified: string; language: string }) {
  const editor = useRef<Editor | null>(null);
  // The wrapper disposes the models before the widget lets go of them, and Monaco throws; so the
  // models are kept and released here, widget first.
  useEffect(
    () => () => {
      const models = editor.current?.getModel();
      editor.current?.setModel(null);
      models?.original.dispose();
      models?.modified.dispose();
    },
    [],
  );
  return (
    <div className="code-view diff-view">
      <DiffEditor
        original={original}
        modified={modified}
        language={language}
        height={360}
        keepCurrentOriginalModel
        keepCurrentModifiedModel
        onMount={(mounted) => {
          editor.current = mounted;
        }}
        options={{ readOnly: true, renderSideBySide: true, minimap: { enabled: false }, fontSize: 12 }}
      />
    </div>
  );
}
