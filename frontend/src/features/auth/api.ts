// Sign-in's data access: how this server signs people in, and the one-time password's change.
import { queryOptions, useMutation } from "@tanstack/react-query";
import { graphql } from "../../gql";
import type { ChangePasswordInput } from "../../gql/graphql";
import { fetchAuthConfig } from "../../lib/auth";
import { request } from "../../lib/graphql";

export const authKeys = { config: () => ["auth", "config"] as const };

const ChangePasswordMutation = graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

export const authConfigQuery = () => queryOptions({ queryKey: authKeys.config(), queryFn: fetchAuthConfig, staleTime: Infinity });

export function useChangePassword() {
  return useMutation({ mutationFn: async (input: ChangePasswordInput) => (await request(ChangePasswordMutation, { input })).changePassword });
}
