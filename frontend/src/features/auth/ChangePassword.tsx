// A one-time password must be changed before anything else (the server refuses other requests).
import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { currentSession, storeSession } from "../../lib/auth";
import { useChangePassword } from "./api";

export const passwordSchema = z
  .object({
    currentPassword: z.string().min(1, "enter the one-time password"),
    newPassword: z.string().min(12, "at least 12 characters"),
    confirm: z.string(),
  })
  .refine((v) => v.newPassword === v.confirm, { path: ["confirm"], message: "the two passwords differ" });

type Form = z.infer<typeof passwordSchema>;

export function ChangePassword() {
  const [failure, setFailure] = useState<string | null>(null);
  const changePasswordMutation = useChangePassword();
  const form = useForm<Form>({ resolver: zodResolver(passwordSchema) });
  const submit = form.handleSubmit(async (values) => {
    setFailure(null);
    try {
      const changePassword = await changePasswordMutation.mutateAsync({ currentPassword: values.currentPassword, newPassword: values.newPassword });
      if (changePassword.__typename !== "PasswordChanged") {
        setFailure("message" in changePassword ? changePassword.message : "the password was not changed");
        return;
      }
      const session = currentSession();
      if (session) storeSession({ ...session, mustChangePassword: false });
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    }
  });
  const { errors } = form.formState;
  return (
    <div className="login">
      <h1>Choose your password</h1>
      <p>You signed in with a one-time password. Choose your own to go on.</p>
      <form onSubmit={submit} noValidate>
        <label>
          One-time password
          <input type="password" {...form.register("currentPassword")} autoComplete="current-password" />
          {errors.currentPassword && <span className="field-error">{errors.currentPassword.message}</span>}
        </label>
        <label>
          New password
          <input type="password" {...form.register("newPassword")} autoComplete="new-password" />
          {errors.newPassword && <span className="field-error">{errors.newPassword.message}</span>}
        </label>
        <label>
          Repeat it
          <input type="password" {...form.register("confirm")} autoComplete="new-password" />
          {errors.confirm && <span className="field-error">{errors.confirm.message}</span>}
        </label>
        <button type="submit">Save password</button>
      </form>
      {failure && <div className="state-error" role="alert">{failure}</div>}
    </div>
  );
}
