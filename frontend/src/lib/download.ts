// Downloads of stored files (artifacts): they carry the bearer token, so they go through fetch.
import type { MouseEvent } from "react";
import { accessToken } from "./session";

export async function download(event: MouseEvent, path: string, name: string): Promise<void> {
  event.preventDefault();
  const response = await fetch(path, { headers: { authorization: `Bearer ${(await accessToken()) ?? ""}` } });
  if (!response.ok) {
    alert(`download failed (HTTP ${response.status})`);
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}
