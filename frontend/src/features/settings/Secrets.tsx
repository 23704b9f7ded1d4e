// An environment's secrets: names and versions only; a value goes in and never comes back out.
import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { DataTable } from "../../components/DataTable";
import { ErrorState, Loading, Notice, type NoticeValue } from "../../components/States";
import { when } from "../../lib/format";
import { secretsQuery, useRetireSecret, useSetSecret } from "./api";
import { secretSchema } from "./forms";

export function Secrets({ environmentId }: { environmentId: string }) {
  const secrets = useQuery(secretsQuery(environmentId));
  const setSecret = useSetSecret();
  const retireSecret = useRetireSecret();
  const [message, setMessage] = useState<NoticeValue>(null);
  const form = useForm({ resolver: zodResolver(secretSchema), defaultValues: { name: "", value: "" } });
  const settle = (result: { __typename: string; message?: string }, ok: string) =>
    setMessage(result.__typename.endsWith("Error") ? { ok: false, text: result.message ?? result.__typename } : { ok: true, text: ok });
  if (secrets.isPending) return <Loading what="secrets" />;
  if (secrets.error) return <ErrorState error={secrets.error} />;
  return (
    <section>
      <h2>Secrets</h2>
      <Notice value={message} />
      <DataTable
        label="secrets"
        rows={secrets.data}
        rowKey={(s) => s.name}
        empty="No secrets: profiles read them as DBT_ENV_SECRET_<NAME>."
        columns={[
          { id: "name", header: "Name", cell: (s) => s.name },
          { id: "var", header: "dbt sees", cell: (s) => <code>{s.envVar}</code> },
          { id: "version", header: "Version", cell: (s) => s.version },
          { id: "rotated", header: "Set", cell: (s) => when(s.rotatedAt ?? s.createdAt) },
          {
            id: "retire",
            header: "",
            cell: (s) => (
              <button
                type="button"
                className="link"
                onClick={() => void retireSecret.mutateAsync({ environmentId, name: s.name }).then((r) => settle(r, `${s.name} retired`))}
              >
                retire
              </button>
            ),
          },
        ]}
      />
      <form
        className="plan-form"
        noValidate
        onSubmit={form.handleSubmit(async (values) => {
          const stored = await setSecret.mutateAsync({ environmentId, ...values });
          form.reset({ name: "", value: "" }); // the value leaves the page once sent
          settle(stored, `${values.name} stored`);
        })}
      >
        <label>
          Secret name
          <input {...form.register("name")} placeholder="WAREHOUSE_PASSWORD" />
          {form.formState.errors.name && <span className="field-error">{form.formState.errors.name.message}</span>}
        </label>
        <label>
          Value
          <input type="password" autoComplete="off" {...form.register("value")} />
          {form.formState.errors.value && <span className="field-error">{form.formState.errors.value.message}</span>}
        </label>
        <button type="submit">Store secret</button>
      </form>
    </section>
  );
}
