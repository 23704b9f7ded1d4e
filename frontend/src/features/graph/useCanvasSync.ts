// Keeps the workspace and the saved CanvasState in step: restore once per project, then save each
// change (debounced) with the revision it started from. A conflict is shown, never overwritten blindly.
import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { canvasQuery, useSaveCanvas } from "./api";
import { fromDocument } from "./canvas";
import { useWorkspace } from "./store";

const SAVE_AFTER_MS = 800;

export type SyncState =
  | { kind: "idle" | "saving" | "saved"; revision: number }
  | { kind: "conflict"; revision: number; theirs: unknown; message: string }
  | { kind: "error"; revision: number; message: string };

export function useCanvasSync(projectId: string | undefined, restoreReady: boolean) {
  const saved = useQuery(canvasQuery(projectId));
  const { mutateAsync: saveCanvas } = useSaveCanvas(projectId);
  const [sync, setSync] = useState<SyncState>({ kind: "idle", revision: 0 });
  const restoredFor = useRef<string | null>(null);
  const revision = useRef(0);
  const edits = useWorkspace((s) => s.edits);
  const editsAtRestore = useRef(0);

  useEffect(() => {
    if (!projectId || saved.isPending || !restoreReady || restoredFor.current === projectId) return;
    restoredFor.current = projectId;
    const workspace = useWorkspace.getState();
    workspace.reset();
    const state = saved.data ? fromDocument(saved.data.state) : null;
    if (state) workspace.restore(state);
    revision.current = saved.data?.revision ?? 0;
    editsAtRestore.current = useWorkspace.getState().edits;
    setSync({ kind: "idle", revision: revision.current });
  }, [projectId, saved.isPending, saved.data, restoreReady]);

  const save = useCallback(
    async (expected: number) => {
      if (!projectId) return;
      setSync({ kind: "saving", revision: expected });
      try {
        const outcome = await saveCanvas({ expected, state: useWorkspace.getState() });
        if (outcome.kind === "saved") {
          revision.current = outcome.revision;
          setSync({ kind: "saved", revision: outcome.revision });
        } else if (outcome.kind === "conflict") {
          setSync({ kind: "conflict", revision: outcome.revision, theirs: outcome.theirs, message: outcome.message });
        } else setSync({ kind: "error", revision: expected, message: outcome.message });
      } catch (error) {
        setSync({ kind: "error", revision: expected, message: error instanceof Error ? error.message : String(error) });
      }
    },
    [projectId, saveCanvas],
  );

  useEffect(() => {
    if (restoredFor.current !== projectId || edits === editsAtRestore.current) return;
    if (sync.kind === "conflict") return; // the user decides first
    const timer = setTimeout(() => void save(revision.current), SAVE_AFTER_MS);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [edits, projectId, save]);

  /** Conflict: keep mine (save over the revision now stored) or take theirs. */
  const keepMine = useCallback(() => {
    if (sync.kind === "conflict") void save(sync.revision);
  }, [sync, save]);
  const takeTheirs = useCallback(() => {
    if (sync.kind !== "conflict") return;
    const state = fromDocument(sync.theirs);
    if (state) useWorkspace.getState().restore(state);
    revision.current = sync.revision;
    editsAtRestore.current = useWorkspace.getState().edits;
    setSync({ kind: "idle", revision: sync.revision });
  }, [sync]);

  return { sync, keepMine, takeTheirs, loading: saved.isPending };
}
