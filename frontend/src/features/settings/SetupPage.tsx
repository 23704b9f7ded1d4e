// A new project (a dbt repository) and its environments, from the browser.
import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Link, useNavigate } from "react-router";
import type { z } from "zod";
import { useProjects } from "../../lib/environment";
import { useCreateEnvironment, useCreateProject } from "./api";
import { environmentSchema, projectSchema } from "./forms";

export default function SetupPage() {
  const projectMutation = useCreateProject();
  const environmentMutation = useCreateEnvironment();
  const navigate = useNavigate();
  const projects = useProjects();
  const [message, setMessage] = useState<string | null>(null);
  const projectForm = useForm({
    resolver: zodResolver(projectSchema),
    defaultValues: { slug: "", repository: "", subdirectory: "", organization: "default" },
  });
  const envForm = useForm({
    resolver: zodResolver(environmentSchema),
    defaultValues: { project: "", slug: "dev", adapter: "duckdb" as const, gitRef: "HEAD", settings: "" },
  });
  const createProject = async (values: z.infer<typeof projectSchema>) => {
    setMessage(null);
    const r = await projectMutation.mutateAsync({ ...values, subdirectory: values.subdirectory || null });
    if (r.__typename !== "Project") return setMessage("message" in r ? r.message : "the project was refused");
    envForm.setValue("project", values.slug);
  };
  const createEnvironment = async (values: z.infer<typeof environmentSchema>) => {
    setMessage(null);
    const settings = values.settings.trim() ? (JSON.parse(values.settings) as Record<string, unknown>) : null;
    const r = await environmentMutation.mutateAsync({ ...values, settings });
    if (r.__typename !== "Environment") return setMessage("message" in r ? r.message : "the environment was refused");
    navigate(`/p/${values.project}/e/${values.slug}/settings`);
  };
  const pe = projectForm.formState.errors;
  const ee = envForm.formState.errors;
  return (
    <div className="page">
      <h1>New project or environment</h1>
      <p className="summary">
        <Link to="/">Back</Link> · {projects.data?.organizations.flatMap((o) => o.projects).length ?? 0} project(s) so far
      </p>
      {message && (
        <div className="state-error" role="alert">
          {message}
        </div>
      )}
      <section>
        <h2>Project</h2>
        <form className="plan-form" onSubmit={projectForm.handleSubmit(createProject)} noValidate>
          <label>
            Project slug
            <input {...projectForm.register("slug")} />
            {pe.slug && <span className="field-error">{pe.slug.message}</span>}
          </label>
          <label>
            Repository
            <input {...projectForm.register("repository")} placeholder="https://git.example.com/shop.git" />
            {pe.repository && <span className="field-error">{pe.repository.message}</span>}
          </label>
          <label>
            Subdirectory
            <input {...projectForm.register("subdirectory")} placeholder="where dbt_project.yml is (optional)" />
          </label>
          <label>
            Organization
            <input {...projectForm.register("organization")} />
            {pe.organization && <span className="field-error">{pe.organization.message}</span>}
          </label>
          <button type="submit">Create project</button>
        </form>
      </section>
      <section>
        <h2>Environment</h2>
        <form className="plan-form" onSubmit={envForm.handleSubmit(createEnvironment)} noValidate>
          <label>
            Of project
            <input {...envForm.register("project")} />
            {ee.project && <span className="field-error">{ee.project.message}</span>}
          </label>
          <label>
            Environment slug
            <input {...envForm.register("slug")} />
            {ee.slug && <span className="field-error">{ee.slug.message}</span>}
          </label>
          <label>
            Adapter
            <select {...envForm.register("adapter")}>
              <option>duckdb</option>
              <option>postgres</option>
              <option>snowflake</option>
            </select>
          </label>
          <label>
            Git ref
            <input {...envForm.register("gitRef")} />
            {ee.gitRef && <span className="field-error">{ee.gitRef.message}</span>}
          </label>
          <label>
            Connection settings (JSON, no secrets)
            <textarea rows={2} {...envForm.register("settings")} placeholder='{"path": "warehouse.duckdb"}' />
            {ee.settings && <span className="field-error">{ee.settings.message}</span>}
          </label>
          <button type="submit">Create environment</button>
        </form>
      </section>
    </div>
  );
}
