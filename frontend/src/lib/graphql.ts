// The one way the SPA talks to /graphql over HTTP. Documents are typed by graphql-codegen
// (src/gql, generated from schema/schema.graphql), so results and variables are checked at build time.
import type { TypedDocumentString } from "../gql/graphql";
import { signOut } from "./auth";
import { accessToken } from "./session";

export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "GraphQLRequestError";
  }
}

export async function request<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  ...[variables]: TVariables extends Record<string, never> ? [] : [TVariables]
): Promise<TResult> {
  const token = await accessToken();
  const response = await fetch("/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
  });
  if (response.status === 401) {
    signOut("Your session ended: sign in again.");
    throw new GraphQLRequestError("your session ended: sign in again", 401);
  }
  const body = (await response.json().catch(() => null)) as {
    data?: TResult;
    errors?: { message: string }[];
  } | null;
  if (body?.errors?.length) {
    throw new GraphQLRequestError(body.errors.map((e) => e.message).join("; "), response.status);
  }
  if (!response.ok || !body?.data) {
    throw new GraphQLRequestError(`the server answered HTTP ${response.status}`, response.status);
  }
  return body.data;
}

/**
 * A mutation with files, as the GraphQL multipart request spec has it: the operation with the files set
 * to null, a map from each file to where it goes in the variables, then the files.
 */
export async function requestWithFiles<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  files: { path: string; file: File }[],
): Promise<TResult> {
  const token = await accessToken();
  const form = new FormData();
  form.append("operations", JSON.stringify({ query: document.toString(), variables }));
  form.append("map", JSON.stringify(Object.fromEntries(files.map((f, i) => [String(i), [f.path]]))));
  files.forEach((f, i) => form.append(String(i), f.file, f.file.name));
  const response = await fetch("/graphql", {
    method: "POST",
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form,
  });
  const body = (await response.json().catch(() => null)) as { data?: TResult; errors?: { message: string }[] } | null;
  if (body?.errors?.length) throw new GraphQLRequestError(body.errors.map((e) => e.message).join("; "), response.status);
  if (!response.ok || !body?.data) throw new GraphQLRequestError(`the server answered HTTP ${response.status}`, response.status);
  return body.data;
}
