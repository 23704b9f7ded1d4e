// Live data over graphql-transport-ws on the same origin (/graphql); the token goes in connection_init.
// The server checks that token while subscriptions run and closes the socket once it has ended, so when the
// session's token changes (an OIDC renewal, another sign-in) an open socket is restarted at once with the new
// one: graphql-ws reconnects and subscribes again, and the feeds replay from their cursors.
import { createClient, type Client } from "graphql-ws";
import type { TypedDocumentString } from "../gql/graphql";
import { currentSession } from "./auth";
import { accessToken } from "./session";

const CLIENT_RESTART = 4205; // a close code of the application's own range: graphql-ws reconnects after it

let client: Client | null = null;
let socket: WebSocket | null = null;
let socketToken: string | null = null; // the token the open socket was admitted with
let restarting = false;

function wsClient(): Client {
  if (client) return client;
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
  client = createClient({
    url,
    lazy: true,
    retryAttempts: 20,
    shouldRetry: () => true,
    // Read at every (re)connection: the current token, renewed first if it is due.
    connectionParams: async () => {
      const token = await accessToken();
      socketToken = token;
      return token ? { Authorization: `Bearer ${token}` } : {};
    },
    retryWait: async (retries) => {
      if (restarting) {
        restarting = false; // a restart for a new token reconnects at once
        return;
      }
      // graphql-ws's own wait: randomised exponential backoff
      await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** retries + 300 + Math.floor(Math.random() * 2700)));
    },
    on: {
      opened: (opened) => {
        socket = opened as WebSocket;
      },
      closed: () => {
        socket = null;
      },
    },
  });
  return client;
}

function followSession(): void {
  const token = currentSession()?.token ?? null;
  if (!token) {
    // Signed out: nothing may go on listening.
    void client?.dispose();
    client = socket = null;
    socketToken = null;
    return;
  }
  if (socket && socketToken && socketToken !== token && socket.readyState === WebSocket.OPEN) {
    restarting = true;
    socket.close(CLIENT_RESTART, "token renewed");
  }
}

if (typeof window !== "undefined") {
  window.addEventListener("dvt:session", followSession);
  window.addEventListener("storage", (event) => {
    if (event.key === null || event.key === "dvt.token") followSession();
  });
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
