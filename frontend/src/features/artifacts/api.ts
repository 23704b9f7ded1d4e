// Artifacts' data access: the files behind a graph version, and one file's content for the viewer.
import { queryOptions } from "@tanstack/react-query";
import { graphql } from "../../gql";
import { accessToken } from "../../lib/session";
import { request } from "../../lib/graphql";

export const VIEWABLE_BYTES = 8 * 1024 * 1024;

export const artifactKeys = {
  all: ["artifacts"] as const,
  ofVersion: (versionId: string | undefined) => [...artifactKeys.all, "version", versionId] as const,
  content: (path: string) => [...artifactKeys.all, "content", path] as const,
};

const ArtifactsQuery = graphql(`
  query VersionArtifacts($id: ID!) {
    graphVersion(id: $id) {
      id
      sequence
      artifacts {
        id
        kind
        schemaVersion
        dbtVersion
        generatedAt
        invocationId
        sha256
        sizeBytes
        fileName
        createdAt
        downloadPath
      }
    }
  }
`);


export function artifactsQuery(versionId: string | undefined) {
  return queryOptions({
    queryKey: artifactKeys.ofVersion(versionId),
    enabled: !!versionId,
    queryFn: () => request(ArtifactsQuery, { id: versionId! }),
    select: (d) => d.graphVersion?.artifacts ?? [],
  });
}

/** A stored file, pretty-printed once here (the viewer folds and searches it); too large ones are not read. */
export function artifactContentQuery(path: string, name: string, size: number) {
  return queryOptions({
    queryKey: artifactKeys.content(path),
    enabled: size <= VIEWABLE_BYTES,
    staleTime: Infinity,
    queryFn: async () => {
      const response = await fetch(path, { headers: { authorization: `Bearer ${(await accessToken()) ?? ""}` } });
      if (!response.ok) throw new Error(`could not read ${name} (HTTP ${response.status})`);
      return JSON.stringify(await response.json(), null, 2);
    },
  });
}
