// The one query cache of the SPA: the views read it, and the routes fill it ahead of them (routes.tsx).
import { QueryClient } from "@tanstack/react-query";
import { GraphQLRequestError } from "../lib/graphql";

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // A refused or malformed request will not pass on retry; a dropped connection may.
      retry: (count, error) => !(error instanceof GraphQLRequestError && error.status < 500) && count < 2,
    },
  },
});
