import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useNavigate, useSearchParams } from "react-router";
import { z } from "zod";
import { ErrorState, Loading } from "../../components/States";
import { loginLocal, signedOutReason } from "../../lib/auth";
import { authConfigQuery } from "./api";

export const loginSchema = z.object({
  tenant: z.string().trim().min(1, "the tenant is required"),
  username: z.string().trim().min(1, "the username is required"),
  password: z.string().min(1, "the password is required"),
});

type LoginForm = z.infer<typeof loginSchema>;

export function LoginPage() {
  const [params] = useSearchParams();
  const next = params.get("next") || "/";
  const navigate = useNavigate();
  const config = useQuery(authConfigQuery());
  const [failure, setFailure] = useState<string | null>(null);
  const [ended] = useState(signedOutReason); // why this tab was signed out (a renewal refused, a 401)
  const form = useForm<LoginForm>({
    resolver: zodResolver(loginSchema),
    defaultValues: { tenant: "default", username: "", password: "" },
  });
  const submit = form.handleSubmit(async (values) => {
    setFailure(null);
    try {
      await loginLocal(values.tenant, values.username, values.password);
      navigate(next, { replace: true });
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    }
  });
  if (config.isPending) return <Loading what="sign-in settings" />;
  if (config.error) return <ErrorState error={config.error} retry={() => void config.refetch()} />;
  const { errors, isSubmitting } = form.formState;
  return (
    <div className="login">
      <h1>Sign in to DVT</h1>
      {ended && !failure && (
        <div className="state-error" role="alert">
          {ended}
        </div>
      )}
      {config.data.mode === "oidc" ? (
        <button type="button" onClick={() =>
            void import("../../lib/oidc")
              .then(({ beginOidc }) => beginOidc(config.data, next))
              .catch((e: Error) => setFailure(e.message))
          }>
          Sign in with your identity provider
        </button>
      ) : (
        <form onSubmit={submit} noValidate>
          <label>
            Tenant
            <input {...form.register("tenant")} autoComplete="organization" />
            {errors.tenant && <span className="field-error">{errors.tenant.message}</span>}
          </label>
          <label>
            Username
            <input {...form.register("username")} autoComplete="username" />
            {errors.username && <span className="field-error">{errors.username.message}</span>}
          </label>
          <label>
            Password
            <input type="password" {...form.register("password")} autoComplete="current-password" />
            {errors.password && <span className="field-error">{errors.password.message}</span>}
          </label>
          <button type="submit" disabled={isSubmitting}>
            {isSubmitting ? "Signing in…" : "Sign in"}
          </button>
        </form>
      )}
      {failure && (
        <div className="state-error" role="alert">
          {failure}
        </div>
      )}
    </div>
  );
}
