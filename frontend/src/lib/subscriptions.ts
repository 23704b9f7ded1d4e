// Live data over graphql-transport-ws on the same origin (/graphql); the token goes in connection_init.
import { createClient, type Client } from "graphql-ws";
import type { TypedDocumentString } from "../gql/graphql";
import { currentSession } from "./auth";

let client: Client | null = null;
let clientToken: string | null = null;

function wsClient(): Client {
  const token = currentSession()?.token ?? null;
  if (client && clientToken === token) return client;
  void client?.dispose();
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
  clientToken = token;
  client = createClient({
    url,
    lazy: true,
    retryAttempts: 20,
    shouldRetry: () => true,
    connectionParams: () => (token ? { Authorization: `Bearer ${token}` } : {}),
  });
  return client;
}

export interface SubscriptionHandlers<T> {
  next: (data: T) => void;
  error?: (error: Error) => void;
  complete?: () => void;
}

/**
 * Subscribe. On a dropped connection graphql-ws reconnects and sends the same request again, so a
 * feed replays from its first cursor: callers keep what they have and drop what they saw (by seq).
 */
export function subscribe<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  handlers: SubscriptionHandlers<TResult>,
): () => void {
  return wsClient().subscribe<TResult>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next: (message) => {
        if (message.errors?.length) handlers.error?.(new Error(message.errors.map((e) => e.message).join("; ")));
        else if (message.data) handlers.next(message.data);
      },
      error: (error) => handlers.error?.(error instanceof Error ? error : new Error(describe(error))),
      complete: () => handlers.complete?.(),
    },
  );
}

function describe(error: unknown): string {
  if (error && typeof error === "object" && "reason" in error) return String((error as CloseEvent).reason || "connection closed");
  return String(error);
}
