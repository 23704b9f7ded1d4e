// An environment's settings, from the browser: ingest artifacts, planning policies and budget, and who
// may do what (grants, API tokens). Each section shows only to the role that may use it.
import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Link } from "react-router";
import type { z } from "zod";
import { useEnvironment, usePermissions } from "../../lib/environment";
import { DataTable } from "../../components/DataTable";
import { ErrorState, Loading, Notice, type NoticeValue } from "../../components/States";
import { when } from "../../lib/format";
import {
  accessQuery,
  planningQuery,
  useConfigurePlanning,
  useCreateApiToken,
  useGrantRole,
  useIngestArtifacts,
  useRevokeApiToken,
  useRevokeRole,
  useSetQuotas,
} from "./api";
import { grantSchema, numberOrNull, planningSchema, tokenSchema } from "./forms";
import { Secrets } from "./Secrets";

/** Run a mutation whose result is a union: its error member's message, or null when it succeeded. */
async function outcome(result: Promise<{ __typename: string; message?: string }>): Promise<string | null> {
  try {
    const value = await result;
    return value.__typename.endsWith("Error") ? (value.message ?? value.__typename) : null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export default function SettingsPage() {
  const environment = useEnvironment();
  const may = usePermissions();
  if (environment.isPending) return <Loading what="environment" />;
  if (environment.error || !environment.data) return <ErrorState error={environment.error ?? "no such environment"} />;
  const env = environment.data;
  return (
    <div className="page settings">
      <h1>Settings of {env.project?.slug} / {env.slug}</h1>
      <p className="summary">
        <Link to="/setup">New project or environment…</Link>
      </p>
      {may.has("edit") && <Ingest project={env.project!.slug} environment={env.slug} />}
      {may.has("manage_secrets") && <Secrets environmentId={env.id} />}
      {may.has("admin") ? (
        <>
          <Planning environmentId={env.id} />
          <AccessSection defaultScope={env.scope} />
        </>
      ) : (
        <div className="state">Policies, budgets and access are for admins of this environment.</div>
      )}
    </div>
  );
}

function Ingest({ project, environment }: { project: string; environment: string }) {
  const ingest = useIngestArtifacts();
  const [files, setFiles] = useState<File[]>([]);
  const [message, setMessage] = useState<NoticeValue>(null);
  const [busy, setBusy] = useState(false);
  const send = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const r = await ingest.mutateAsync({ project, environment, files });
      if (r.__typename === "IngestResult") {
        const version = r.graphVersion?.sequence;
        setMessage({ ok: true, text: `${r.created ? "new" : "same"} graph version ${version ?? "—"}: ${r.nodes} nodes, ${r.sources} sources, ${r.edges} edges${r.warnings.length ? `; ${r.warnings.join("; ")}` : ""}` });
      } else if (r.__typename === "ArtifactRejectedError") setMessage({ ok: false, text: `${r.file}: ${r.problem}` });
      else setMessage({ ok: false, text: "message" in r ? (r as { message: string }).message : "the files were refused" });
    } catch (error) {
      setMessage({ ok: false, text: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <h2>Ingest dbt artifacts</h2>
      <p>manifest.json, and with it run_results.json, catalog.json or sources.json from the same invocation.</p>
      <input type="file" aria-label="Artifact files" multiple accept=".json,application/json" onChange={(e) => setFiles([...(e.target.files ?? [])])} />
      <button type="button" disabled={!files.length || busy} onClick={() => void send()}>
        {busy ? "Ingesting…" : "Ingest"}
      </button>
      <Notice value={message} />
    </section>
  );
}

function Planning({ environmentId }: { environmentId: string }) {
  const current = useQuery(planningQuery(environmentId));
  const configurePlanning = useConfigurePlanning();
  const setQuotas = useSetQuotas();
  const [message, setMessage] = useState<NoticeValue>(null);
  if (current.isPending) return <Loading what="planning settings" />;
  if (current.error || !current.data) return <ErrorState error={current.error ?? "not found"} />;
  const policies = current.data.policies as Record<string, Record<string, unknown>>;
  const rateCard = current.data.rateCard as Record<string, unknown>;
  const defaults: z.infer<typeof planningSchema> = {
    manualApproval: Boolean(policies.manual_approval?.required),
    approvalRole: policies.manual_approval?.role === "editor" ? "editor" : "admin",
    pricePerComputeHour: rateCard.price_per_compute_hour != null ? String(rateCard.price_per_compute_hour) : "",
    monthlyCostBudget: current.data.quotas.monthlyCostBudget != null ? String(current.data.quotas.monthlyCostBudget) : "",
    maxConcurrentRuns: current.data.quotas.maxConcurrentRuns != null ? String(current.data.quotas.maxConcurrentRuns) : "",
  };
  const save = async (values: z.infer<typeof planningSchema>) => {
    setMessage(null);
    const price = numberOrNull(values.pricePerComputeHour);
    const problem =
      (await outcome(
        configurePlanning.mutateAsync({
          environmentId,
          policies: { ...policies, manual_approval: { required: values.manualApproval, role: values.approvalRole } },
          rateCard: price == null ? {} : { ...rateCard, price_per_compute_hour: price },
        }),
      )) ??
      (await outcome(
        setQuotas.mutateAsync({
          environmentId,
          monthlyCostBudget: numberOrNull(values.monthlyCostBudget),
          maxConcurrentRuns: numberOrNull(values.maxConcurrentRuns),
        }),
      ));
    setMessage(problem ? { ok: false, text: problem } : { ok: true, text: "saved" });
  };
  return (
    <section>
      <h2>Planning and budget</h2>
      <PlanningForm defaults={defaults} onSave={save} />
      <Notice value={message} />
    </section>
  );
}

function PlanningForm({ defaults, onSave }: { defaults: z.infer<typeof planningSchema>; onSave: (v: z.infer<typeof planningSchema>) => Promise<void> }) {
  const form = useForm({ resolver: zodResolver(planningSchema), defaultValues: defaults });
  const { errors, isSubmitting } = form.formState;
  return (
    <form className="plan-form" onSubmit={form.handleSubmit(onSave)} noValidate>
      <label className="inline">
        <input type="checkbox" {...form.register("manualApproval")} /> Every plan needs approval
      </label>
      <label>
        Approved by
        <select {...form.register("approvalRole")}>
          <option value="admin">admin</option>
          <option value="editor">editor</option>
        </select>
      </label>
      <label>
        Price per compute hour
        <input {...form.register("pricePerComputeHour")} inputMode="decimal" />
        {errors.pricePerComputeHour && <span className="field-error">{errors.pricePerComputeHour.message}</span>}
      </label>
      <label>
        Monthly cost budget
        <input {...form.register("monthlyCostBudget")} inputMode="decimal" />
        {errors.monthlyCostBudget && <span className="field-error">{errors.monthlyCostBudget.message}</span>}
      </label>
      <label>
        Concurrent runs at most
        <input {...form.register("maxConcurrentRuns")} inputMode="numeric" />
        {errors.maxConcurrentRuns && <span className="field-error">{errors.maxConcurrentRuns.message}</span>}
      </label>
      <button type="submit" disabled={isSubmitting}>
        Save planning settings
      </button>
    </form>
  );
}

function AccessSection({ defaultScope }: { defaultScope: string }) {
  const access = useQuery(accessQuery());
  const grantRole = useGrantRole();
  const revokeRole = useRevokeRole();
  const createApiToken = useCreateApiToken();
  const revokeApiToken = useRevokeApiToken();
  const [message, setMessage] = useState<NoticeValue>(null);
  const [token, setToken] = useState<string | null>(null);
  const grantForm = useForm({ resolver: zodResolver(grantSchema), defaultValues: { principal: "", role: "viewer" as const, scope: defaultScope } });
  const tokenForm = useForm({ resolver: zodResolver(tokenSchema), defaultValues: { name: "", role: "viewer" as const } });
  const done = (problem: string | null, ok: string) => setMessage(problem ? { ok: false, text: problem } : { ok: true, text: ok });
  if (access.isPending) return <Loading what="access" />;
  if (access.error) return <ErrorState error={access.error} />;
  return (
    <section>
      <h2>Access</h2>
      <Notice value={message} />
      <h3>Grants</h3>
      <DataTable
        label="grants"
        rows={access.data.grants}
        rowKey={(g) => g.id}
        empty="No grants."
        columns={[
          { id: "principal", header: "Who", cell: (g) => g.principal },
          { id: "role", header: "Role", cell: (g) => g.role },
          { id: "scope", header: "Scope", cell: (g) => g.scope },
          { id: "by", header: "Granted by", cell: (g) => g.grantedBy },
          {
            id: "revoke",
            header: "",
            cell: (g) => (
              <button type="button" className="link" onClick={() => void outcome(revokeRole.mutateAsync({ grantId: g.id })).then((p) => done(p, "grant revoked"))}>
                revoke
              </button>
            ),
          },
        ]}
      />
      <form
        className="plan-form"
        noValidate
        onSubmit={grantForm.handleSubmit(async (values) => {
          done(await outcome(grantRole.mutateAsync(values)), `${values.role} granted to ${values.principal}`);
        })}
      >
        <label>
          Principal
          <input {...grantForm.register("principal")} placeholder="user:SUBJECT, group:NAME or token:ID" />
          {grantForm.formState.errors.principal && <span className="field-error">{grantForm.formState.errors.principal.message}</span>}
        </label>
        <label>
          Role
          <select {...grantForm.register("role")}>
            <option>viewer</option>
            <option>editor</option>
            <option>admin</option>
          </select>
        </label>
        <label>
          Scope
          <input {...grantForm.register("scope")} />
          {grantForm.formState.errors.scope && <span className="field-error">{grantForm.formState.errors.scope.message}</span>}
        </label>
        <button type="submit">Grant</button>
      </form>
      <h3>API tokens</h3>
      {token && (
        <div className="state-ok" role="status">
          Shown this once — store it now: <code data-token>{token}</code>
        </div>
      )}
      <DataTable
        label="api tokens"
        rows={access.data.apiTokens}
        rowKey={(t) => t.id}
        empty="No API tokens."
        columns={[
          { id: "name", header: "Name", cell: (t) => t.name },
          { id: "roles", header: "Roles", cell: (t) => t.roles.join(", ") },
          { id: "created", header: "Created", cell: (t) => `${when(t.createdAt)} by ${t.createdByName}` },
          { id: "used", header: "Last used", cell: (t) => when(t.lastUsedAt) },
          {
            id: "revoke",
            header: "",
            cell: (t) =>
              t.revokedAt ? (
                `revoked ${when(t.revokedAt)}`
              ) : (
                <button type="button" className="link" onClick={() => void outcome(revokeApiToken.mutateAsync({ tokenId: t.id })).then((p) => done(p, "token revoked"))}>
                  revoke
                </button>
              ),
          },
        ]}
      />
      <form
        className="plan-form"
        noValidate
        onSubmit={tokenForm.handleSubmit(async (values) => {
          setToken(null);
          const r = await createApiToken.mutateAsync({ name: values.name, roles: [values.role] });
          if (r.__typename === "CreatedApiToken") setToken(r.token);
          done(r.__typename === "CreatedApiToken" ? null : "message" in r ? r.message : "the token was refused", "token created");
        })}
      >
        <label>
          Token name
          <input {...tokenForm.register("name")} placeholder="e.g. ci-deploy" />
          {tokenForm.formState.errors.name && <span className="field-error">{tokenForm.formState.errors.name.message}</span>}
        </label>
        <label>
          Role
          <select {...tokenForm.register("role")}>
            <option>viewer</option>
            <option>editor</option>
            <option>admin</option>
          </select>
        </label>
        <button type="submit">Create token</button>
      </form>
    </section>
  );
}
