// dbt's words in one spelling. GraphQL answers carry enum members (RUNTIME_ERROR, SEMANTIC_MODEL); the graph
// document and live run events carry dbt's own lower-case words (runtime error, semantic_model). Everything
// that compares, colours or shows a status or a resource type reads it through here, as the word.
import type { NodeStatus, ResourceType } from "../gql/graphql";

// Typed by the generated unions: a member the server adds fails the type check until it has its word.
const NODE_STATUS_WORDS: Record<NodeStatus, string> = {
  PENDING: "pending",
  RUNNING: "running",
  NOT_RUN: "not_run",
  INTERRUPTED: "interrupted",
  EPHEMERAL: "ephemeral",
  SUCCESS: "success",
  ERROR: "error",
  SKIPPED: "skipped",
  PASS: "pass",
  FAIL: "fail",
  WARN: "warn",
  RUNTIME_ERROR: "runtime error",
  NO_OP: "no-op",
  PARTIAL_SUCCESS: "partial success",
  UNKNOWN: "unknown",
};

const RESOURCE_TYPE_WORDS: Record<ResourceType, string> = {
  MODEL: "model",
  SEED: "seed",
  SNAPSHOT: "snapshot",
  SOURCE: "source",
  TEST: "test",
  UNIT_TEST: "unit_test",
  EXPOSURE: "exposure",
  METRIC: "metric",
  SEMANTIC_MODEL: "semantic_model",
  SAVED_QUERY: "saved_query",
  ANALYSIS: "analysis",
  OPERATION: "operation",
  SQL_OPERATION: "sql_operation",
  FUNCTION: "function",
  UNKNOWN: "unknown",
};

function isKey<T extends string>(words: Record<T, string>, value: string): value is T {
  return Object.prototype.hasOwnProperty.call(words, value);
}

/**
 * A status as dbt's lower-case word, from a NodeStatus member, a word, or another enum's member (a run's
 * AWAITING_APPROVAL reads awaiting_approval). UNKNOWN reads as the stored text when it is given.
 */
export function statusWord(status: string | null | undefined, text?: string | null): string {
  if (!status) return "";
  if (status === "UNKNOWN" && text) return text.toLowerCase();
  return isKey(NODE_STATUS_WORDS, status) ? NODE_STATUS_WORDS[status] : status.toLowerCase();
}

/** A resource type as dbt's word, from a ResourceType member or a word; UNKNOWN reads as the stored text. */
export function resourceTypeWord(type: string, text?: string | null): string {
  if (type === "UNKNOWN" && text) return text;
  return isKey(RESOURCE_TYPE_WORDS, type) ? RESOURCE_TYPE_WORDS[type] : type.toLowerCase();
}
